"""群众监督: comments on a published pledge, the branch's answer, the office hiding one."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.services import lock

from ..comments import PledgeComment
from ..models import Pledge
from ..notifications import label, secretaries, tell
from ..workflow import COMMENTS, DISCUSSION
from .common import lock_pledge, save_by

MAX_LENGTH = 2000


def _text(value: str, field: str, missing: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: missing})
    if len(value) > MAX_LENGTH:
        raise ValidationError({field: _("At most %(n)s characters.") % {"n": MAX_LENGTH}})
    return value


@transaction.atomic
def pledge_comment(*, access, pledge: Pledge, text: str) -> PledgeComment:
    """A question or comment, signed with the writer's name, on a published pledge."""
    DISCUSSION.authorize(access, lock_pledge(pledge), "comment")
    text = _text(text, "text", _("Write your question or comment."))
    comment = save_by(PledgeComment(pledge=pledge, text=text, author=access.user), access)
    tell(
        secretaries(pledge.unit),
        pledge,
        access,
        _("%(name)s asked about %(owner)s · %(kind)s %(year)s; please answer under the pledge.")
        % {**label(pledge), "name": access.user.display_name()},
    )
    return comment


@transaction.atomic
def comment_answer(*, access, comment: PledgeComment, answer: str) -> PledgeComment:
    """The branch's answer, given once and shown under the comment."""
    COMMENTS.authorize(access, lock(comment), "answer")
    comment.answer = _text(answer, "answer", _("Write the answer."))
    comment.answered_by = access.user
    comment.answered_at = timezone.now()
    COMMENTS.advance(comment, "answer")
    save_by(comment, access)
    tell(
        User.objects.filter(pk=comment.author_id),
        comment.pledge,
        access,
        _("Your question about %(owner)s · %(kind)s %(year)s has been answered.") % label(comment.pledge),
    )
    return comment


@transaction.atomic
def comment_hide(*, access, comment: PledgeComment, reason: str) -> PledgeComment:
    """Hide an abusive comment from the pledge's readers, with the reason shown in its place.
    The text stays in the row and in the history."""
    COMMENTS.authorize(access, lock(comment), "hide")
    comment.hidden_reason = _text(reason, "reason", _("Say why the comment is hidden."))
    comment.hidden_by = access.user
    comment.hidden_at = timezone.now()
    COMMENTS.advance(comment, "hide")
    return save_by(comment, access)
