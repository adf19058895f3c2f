"""Who may act on supervision's objects, and in which state: the one place where both are decided.

Views put ``WORKFLOW.actions(access, obj)`` into the page for its buttons; every write service
calls ``authorize(access, obj, action)`` before it writes (see ``core.workflow``).

An inspection's rectification::

    open ──reply (findings to answer)──▶ replied ──close──▶ closed
     │  ▲                                  │
     │  └────────────return (with reason)──┘
     └──close (nothing to rectify: no deadline)──▶ closed
    edit: while open

A semi-annual review::

    pending ──write──▶ written ──acknowledge──▶ acknowledged
                       write (revise, until acknowledged)

Draws, quarterly rounds and review rounds concern a whole institute: only the campaign office
(or the leading group, the administrator) acts on them, a secretary's branch scope counts for
nothing there.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.workflow import ANY, Workflow

from .models import Inspection, Review, SupervisionRound

OFFICE, BRANCH, WRITER, ACKNOWLEDGER = "office", "branch", "writer", "acknowledger"

IS, RS, SRS = Inspection.Status, Review.Status, SupervisionRound.Status


class InspectionWorkflow(Workflow):
    transitions = {
        (IS.OPEN, "reply"): IS.REPLIED,
        (IS.REPLIED, "return"): IS.OPEN,
        (IS.REPLIED, "close"): IS.CLOSED,
        (IS.OPEN, "close"): IS.CLOSED,  # only with nothing to rectify, see state_allows
    }
    steady = {"create": ANY, "edit": frozenset({IS.OPEN})}
    actors = {"create": OFFICE, "edit": OFFICE, "close": OFFICE, "return": OFFICE, "reply": BRANCH}
    labels = {
        "create": gettext_lazy("Record an inspection"),
        "edit": gettext_lazy("Edit"),
        "reply": gettext_lazy("Reply"),
        "return": gettext_lazy("Return"),
        "close": gettext_lazy("Close"),
    }

    def parts(self, access, inspection: Inspection) -> set[str]:
        """The office over the branch records and decides; the branch's secretary replies."""
        parts = set()
        if access.reaches_branch("supervision.change", inspection.branch):
            parts.add(OFFICE)
        if access.reaches_branch("supervision.reply", inspection.branch):
            parts.add(BRANCH)
        return parts

    def state_allows(self, inspection: Inspection, action: str) -> bool:
        allowed = super().state_allows(inspection, action)
        if action == "reply":
            return allowed and bool(inspection.findings)
        if action == "close" and inspection.status == IS.OPEN:
            # Findings with a deadline are closed once the branch has answered them.
            return inspection.rectification_due is None
        return allowed

    def refusal(self, inspection: Inspection, action: str) -> ValidationError:
        status = inspection.status
        if action == "edit":
            return ValidationError(_("Only an open inspection can be changed."), code="status")
        if action == "reply":
            if status == IS.OPEN and not inspection.findings:
                return ValidationError(_("There are no findings to answer yet."), code="no_findings")
            return ValidationError(_("This inspection is not waiting for a reply."), code="status")
        if action == "return":
            return ValidationError(_("Only a replied inspection can be returned."), code="status")
        if action == "close" and status == IS.OPEN:
            return ValidationError(
                _("The branch has not answered the findings yet; it can be closed once it has replied."),
                code="not_replied",
            )
        if action == "close":
            return ValidationError(_("This inspection is already closed."), code="status")
        return super().refusal(inspection, action)


class ReviewWorkflow(Workflow):
    transitions = {
        (RS.PENDING, "write"): RS.WRITTEN,
        (RS.WRITTEN, "write"): RS.WRITTEN,  # revised until it is acknowledged
        (RS.WRITTEN, "acknowledge"): RS.ACKNOWLEDGED,
    }
    # draft: the office fills a review still to be written from a common text (bulk page); it
    # stays "to be written", unseen by the branch, until it is written on its own page.
    steady = {"draft": frozenset({RS.PENDING})}
    actors = {"write": WRITER, "draft": WRITER, "acknowledge": ACKNOWLEDGER}
    labels = {
        "write": gettext_lazy("Write"),
        "draft": gettext_lazy("Draft from a common text"),
        "acknowledge": gettext_lazy("Acknowledge"),
    }

    def parts(self, access, review: Review) -> set[str]:
        """The office of the institute writes; the member (own review), a secretary over the
        branch (the branch's review) or the general branch's secretary (its own review, not one
        of its branches') acknowledges: the rule of ``Review.objects.acknowledgeable_by`` for one
        review already loaded."""
        parts = set()
        if access.reaches_institute("reviews.write", review.round.campaign_year.campaign.committee_id):
            parts.add(WRITER)
        if review.kind == Review.Kind.MEMBER:
            if (
                access.person is not None
                and review.person_id == access.person.pk
                and access.has("reviews.acknowledge")
            ):
                parts.add(ACKNOWLEDGER)
        elif review.kind == Review.Kind.GENERAL_BRANCH:
            if access.reaches_general_branch("reviews.acknowledge", review.general_branch):
                parts.add(ACKNOWLEDGER)
        elif access.reaches_branch("reviews.acknowledge", review.branch):
            parts.add(ACKNOWLEDGER)
        return parts

    def refusal(self, review: Review, action: str) -> ValidationError:
        if action == "draft":
            return ValidationError(_("This review is already written."), code="status")
        if action == "write":
            return ValidationError(_("An acknowledged review can no longer be changed."), code="status")
        return ValidationError(
            _("Only a written review that is not yet acknowledged can be acknowledged."), code="status"
        )


class InstituteWorkflow(Workflow):
    """Objects of a whole institute (``obj.campaign_year``): the office acts, under ``permission``."""

    permission = "supervision.change"
    refused = gettext_lazy("Only the campaign office may do this.")

    def parts(self, access, obj) -> set[str]:
        committee_id = obj.campaign_year.campaign.committee_id
        return {OFFICE} if access.reaches_institute(self.permission, committee_id) else set()


class DrawWorkflow(InstituteWorkflow):
    steady = {"draw": ANY}
    actors = {"draw": OFFICE}
    labels = {"draw": gettext_lazy("Draw a sample")}


class RoundWorkflow(InstituteWorkflow):
    """open ──conclude (summary)──▶ concluded ──reopen (with reason)──▶ open"""

    transitions = {(SRS.OPEN, "conclude"): SRS.CONCLUDED, (SRS.CONCLUDED, "reopen"): SRS.OPEN}
    steady = {"create": ANY}
    actors = {"create": OFFICE, "conclude": OFFICE, "reopen": OFFICE}
    labels = {
        "create": gettext_lazy("Start a round"),
        "conclude": gettext_lazy("Conclude"),
        "reopen": gettext_lazy("Reopen the round"),
    }

    def refusal(self, supervision_round, action: str) -> ValidationError:
        if action == "reopen":
            return ValidationError(_("Only a concluded round can be reopened."), code="status")
        return ValidationError(_("This round is already concluded."), code="status")


class MeetingWorkflow(InstituteWorkflow):
    """The office records its 座谈会, 党支部书记例会 and 情况通报会; their follow-ups then move as
    inspections (``InspectionWorkflow``)."""

    steady = {"record": ANY, "correct": ANY}
    actors = {"record": OFFICE, "correct": OFFICE}
    labels = {"record": gettext_lazy("Record a meeting"), "correct": gettext_lazy("Correct the record")}


class ReviewRoundWorkflow(InstituteWorkflow):
    permission = "reviews.write"
    steady = {"open": ANY}
    actors = {"open": OFFICE}
    labels = {"open": gettext_lazy("Open the round")}


INSPECTION = InspectionWorkflow()
REVIEW = ReviewWorkflow()
DRAW = DrawWorkflow()
ROUND = RoundWorkflow()
REVIEW_ROUND = ReviewRoundWorkflow()
MEETING = MeetingWorkflow()
