"""The pledge state machine and who may act on a pledge: the one place where both are decided.

Views ask :func:`pledge_actions` which buttons to show; services call :func:`authorize` before
they write, so a refused POST is refused the same way as a hidden button.

::

    draft ──submit──▶ submitted ──approve──▶ approved ──publish──▶ published ──review──▶ closed
      ▲                  │                                            │
      └── returned ◀─return (with reason)      correct: a new draft version; the old one stays
          (edit, submit again)                 published until the correction is published,
                                               then it is superseded (kept, read-only)
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.workflow import Workflow

from .models import Pledge

S = Pledge.Status

# (status, action) → new status: every change of status there is.
TRANSITIONS: dict[tuple[str, str], str] = {
    (S.DRAFT, "submit"): S.SUBMITTED,
    (S.RETURNED, "submit"): S.SUBMITTED,
    (S.SUBMITTED, "return"): S.RETURNED,
    (S.SUBMITTED, "approve"): S.APPROVED,
    (S.APPROVED, "publish"): S.PUBLISHED,
    (S.PUBLISHED, "review"): S.CLOSED,
}
# Actions that leave the status as it is, and the statuses they are allowed in.
STEADY_ACTIONS: dict[str, frozenset[str]] = {
    "edit": frozenset({S.DRAFT, S.RETURNED}),
    "correct": frozenset({S.PUBLISHED}),
    "progress": frozenset({S.PUBLISHED}),
    "progress_publish": frozenset({S.PUBLISHED}),
    "self_assess": frozenset({S.PUBLISHED}),
}

# Who does what: the writer (the member; for a branch or general branch pledge its secretary),
# the approver (the branch secretary for a member pledge; the campaign office for a branch or
# general branch pledge) and the publisher (the secretary of the branch or general branch).
WRITER, APPROVER, PUBLISHER = "writer", "approver", "publisher"
ACTORS: dict[str, str] = {
    "edit": WRITER,
    "submit": WRITER,
    "correct": WRITER,
    "progress": WRITER,
    "self_assess": WRITER,
    "return": APPROVER,
    "approve": APPROVER,
    "review": APPROVER,
    "publish": PUBLISHER,
    "progress_publish": PUBLISHER,
}
ACTIONS = frozenset(ACTORS)

ACTION_LABELS = {
    "edit": gettext_lazy("Edit"),
    "submit": gettext_lazy("Submit for approval"),
    "return": gettext_lazy("Return"),
    "approve": gettext_lazy("Approve"),
    "publish": gettext_lazy("Record the publication"),
    "correct": gettext_lazy("Correct (new version)"),
    "progress": gettext_lazy("Add progress"),
    "progress_publish": gettext_lazy("Publish quarterly progress"),
    "self_assess": gettext_lazy("Self-assessment"),
    "review": gettext_lazy("Review"),
}


class PledgeWorkflow(Workflow):
    transitions = TRANSITIONS
    steady = STEADY_ACTIONS
    actors = ACTORS
    labels = ACTION_LABELS
    refused = gettext_lazy("You may not do this with this pledge.")

    def parts(self, access, pledge: Pledge) -> set[str]:
        """Which of writer / approver / publisher ``access`` is for ``pledge``."""
        roles = set()
        if pledge.kind == Pledge.Kind.MEMBER:
            if (
                access.person is not None
                and pledge.person_id == access.person.pk
                and access.has("pledges.write_own")
            ):
                roles.add(WRITER)
            if access.reaches_branch("pledges.approve_member", pledge.branch):
                roles |= {APPROVER, PUBLISHER}
        else:
            # A branch's pledge and a general branch's own alike: its secretary writes and
            # publishes, the campaign office approves (a branch secretary does not reach the
            # general branch's own pledge: ``reaches_owner``).
            if reaches_owner(access, "pledges.write_branch", pledge):
                roles |= {WRITER, PUBLISHER}
            if reaches_owner(access, "pledges.approve_branch", pledge):
                roles.add(APPROVER)
        return roles

    def state_allows(self, pledge: Pledge, action: str) -> bool:
        allowed = super().state_allows(pledge, action)
        if allowed and action in ("correct", "review"):
            # One correction at a time; and a pledge is reviewed once its correction is published.
            allowed = not pledge.has_next_version
        return allowed

    def refusal(self, pledge: Pledge, action: str) -> ValidationError:
        if action in ("correct", "review") and pledge.has_next_version:
            return ValidationError(
                _("A corrected version of this pledge is under way; finish it first."), code="has_correction"
            )
        return ValidationError(
            _("“%(action)s” is not possible while the pledge is “%(status)s”.")
            % {"action": ACTION_LABELS[action], "status": pledge.get_status_display()},
            code="state",
        )


def reaches_owner(access, permission: str, pledge: Pledge, *, through_branches: bool = False) -> bool:
    """Whether ``permission`` reaches the pledge's owner: its branch, or for a general branch's
    own pledge the general branch (``Access.reaches_general_branch``; ``through_branches``: a
    branch's people reach their general branch's, to see it once published)."""
    if pledge.general_branch_id:
        return access.reaches_general_branch(
            permission, pledge.general_branch, through_branches=through_branches
        )
    return access.reaches_branch(permission, pledge.branch)


WORKFLOW = PledgeWorkflow()
pledge_roles = WORKFLOW.parts
state_allows = WORKFLOW.state_allows
pledge_actions = WORKFLOW.actions  # the buttons
authorize = WORKFLOW.authorize  # every service, before it writes


def may_manage(access, pledge: Pledge) -> bool:
    """Whether ``access`` takes part in the pledge's workflow (and so sees it unpublished)."""
    return bool(pledge_roles(access, pledge))


# 群众监督: comments on a published pledge. Who may write one is decided on the pledge (whoever
# may see it, while it is published); who answers or hides one, on the comment:
#
#     open ──answer──▶ answered        open / answered ──hide (with reason)──▶ hidden
#
# The branch answers (whoever publishes the pledge: the branch secretary, for a branch or a
# member pledge); the campaign office (whoever approves branch pledges) hides an abusive one.
COMMENTER, ANSWERER, MODERATOR = "commenter", "answerer", "moderator"


class PledgeDiscussionWorkflow(Workflow):
    """The pledge's side: who may comment on it, and when."""

    steady = {"comment": frozenset({S.PUBLISHED})}
    actors = {"comment": COMMENTER}
    labels = {"comment": gettext_lazy("Ask or comment")}
    refused = gettext_lazy("You may not comment on this pledge.")

    def parts(self, access, pledge: Pledge) -> set[str]:
        # The same reach as seeing a published pledge (``PledgeQuerySet.visible_to``).
        reached = reaches_owner(access, "pledges.view", pledge, through_branches=True)
        return {COMMENTER} if reached else set()

    def refusal(self, pledge: Pledge, action: str) -> ValidationError:
        return ValidationError(_("Only a published pledge can be commented on."), code="state")


class PledgeCommentWorkflow(Workflow):
    """The comment's side: answering and hiding."""

    transitions = {
        ("open", "answer"): "answered",
        ("open", "hide"): "hidden",
        ("answered", "hide"): "hidden",
    }
    actors = {"answer": ANSWERER, "hide": MODERATOR}
    labels = {"answer": gettext_lazy("Answer"), "hide": gettext_lazy("Hide")}
    refused = gettext_lazy("You may not do this with this comment.")

    def parts(self, access, comment) -> set[str]:
        parts = set()
        if PUBLISHER in pledge_roles(access, comment.pledge):
            parts.add(ANSWERER)
        if reaches_owner(access, "pledges.approve_branch", comment.pledge):
            parts.add(MODERATOR)
        return parts

    def refusal(self, comment, action: str) -> ValidationError:
        if comment.status == "hidden":
            return ValidationError(_("This comment has been hidden."), code="state")
        return ValidationError(_("This comment has already been answered."), code="state")


DISCUSSION = PledgeDiscussionWorkflow()
COMMENTS = PledgeCommentWorkflow()
