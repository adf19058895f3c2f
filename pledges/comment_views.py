"""群众监督 pages: a comment on a published pledge, the branch's answer, the office hiding one.

The pledge (and so the comment) is found only among the pledges the user may see: another
branch's is a 404. Who may act is the workflow's (``DISCUSSION`` on the pledge, ``COMMENTS``
on a comment); a refusal is the 403 page with its reason, the wrong moment a message.
"""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy

from . import services
from .comments import PledgeComment
from .forms import CommentAnswerForm, CommentForm, CommentHideForm
from .models import Pledge
from .views import PledgeFormActionView
from .workflow import COMMENTS, DISCUSSION


class _CommentActionView(PledgeFormActionView):
    """The pledge's form-action page, for a comment: back to the pledge's comments."""

    def get_context_data(self, **kwargs):
        return super().get_context_data(comment=getattr(self, "comment", None), **kwargs)

    def get_success_url(self):
        return super().get_success_url() + "#comments"


def _visible_pledges(access):
    return Pledge.objects.visible_to(access, by_key=True).select_related(
        "branch", "general_branch", "person", "campaign_year"
    )


class PledgeCommentView(_CommentActionView):
    workflow = DISCUSSION
    action = "comment"
    form_class = CommentForm
    title = gettext_lazy("Ask or comment")
    button = gettext_lazy("Send")
    done = gettext_lazy("Your comment has been sent; the branch will answer it under the pledge.")

    def call(self, data):
        services.pledge_comment(access=self.access, pledge=self.pledge, **data)


class _OneCommentView(_CommentActionView):
    workflow = COMMENTS

    def target(self):
        self.comment = get_object_or_404(
            PledgeComment.objects.select_related("author__person"), pk=self.kwargs["pk"]
        )
        self.pledge = get_object_or_404(_visible_pledges(self.access), pk=self.comment.pledge_id)
        self.comment.pledge = self.pledge
        return self.comment


class CommentAnswerView(_OneCommentView):
    action = "answer"
    form_class = CommentAnswerForm
    title = gettext_lazy("Answer the comment")
    button = gettext_lazy("Send the answer")
    done = gettext_lazy("The answer is shown under the comment.")

    def call(self, data):
        services.comment_answer(access=self.access, comment=self.comment, **data)


class CommentHideView(_OneCommentView):
    action = "hide"
    form_class = CommentHideForm
    title = gettext_lazy("Hide the comment")
    button = gettext_lazy("Hide")
    done = gettext_lazy("The comment has been hidden; the reason is shown in its place.")
    help = gettext_lazy("Hide only an abusive comment. Its text is kept in the history.")

    def call(self, data):
        services.comment_hide(access=self.access, comment=self.comment, **data)
