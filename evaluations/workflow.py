"""The state machines of the evaluations app and who may act: the one place where both are decided.

Views ask ``WORKFLOW.actions(access, obj)`` which buttons to show; every write service calls
``authorize(access, obj, action)`` before it writes (see ``core.workflow``).

::

    mass evaluation (the office):   draft ──open──▶ open ──close──▶ closed
                                    (edit)                          (moderate the free texts)

    appraisal (the branch secretary):
        self_assessment ─advance▶ peer_assessment ─advance▶ voting ─advance▶ grading ─advance▶ closed
        (self_assess)             (peer_assess)                              (grade)

    suggestion (the office, or the secretary of the branch it is addressed to):
        new ──triage──▶ triaged ──answer──▶ answered (the answer may be corrected)
        └───────────────answer───────────────▶      readdress (the office): before the answer

Two writes stand outside: casting a ballot (``services/ballots.py``) and dropping a suggestion
take no access on purpose, so that nothing of the person reaches what is stored; who may vote
is the roll, checked inside the ballot's one locked read.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.workflow import ANY, Workflow

from .models import Appraisal, Evaluation, Suggestion

# --- Mass evaluation -------------------------------------------------------------------------

E = Evaluation.Status
OFFICE = "office"


class EvaluationWorkflow(Workflow):
    transitions = {(E.DRAFT, "open"): E.OPEN, (E.OPEN, "close"): E.CLOSED}
    steady = {"edit": frozenset({E.DRAFT}), "moderate": frozenset({E.CLOSED})}
    actors = {"edit": OFFICE, "open": OFFICE, "close": OFFICE, "moderate": OFFICE}
    labels = {
        "edit": gettext_lazy("Edit"),
        "open": gettext_lazy("Open for ballots"),
        "close": gettext_lazy("Close the evaluation"),
        "moderate": gettext_lazy("Review comments"),
    }

    def parts(self, access, evaluation: Evaluation) -> set[str]:
        # The office runs the evaluations of its institute (the administrator: of every one).
        return {OFFICE} if access.reaches_institute("evaluations.manage", evaluation.committee_id) else set()

    def refusal(self, evaluation: Evaluation, action: str) -> ValidationError:
        if action == "close":
            return ValidationError(_("Only an open evaluation can be closed."), code="not_open")
        if action == "moderate":
            return ValidationError(
                _("Free texts are reviewed once the evaluation is closed."), code="not_closed"
            )
        return ValidationError(_("Only a draft evaluation can be changed."), code="not_draft")


# --- Democratic appraisal --------------------------------------------------------------------

A = Appraisal.Status
MANAGER = "manager"
ON_ROLL = "on_roll"

# The stage that follows each stage.
NEXT_STATUS = {
    A.SELF_ASSESSMENT: A.PEER_ASSESSMENT,
    A.PEER_ASSESSMENT: A.VOTING,
    A.VOTING: A.GRADING,
    A.GRADING: A.CLOSED,
}


class AppraisalWorkflow(Workflow):
    transitions = {(stage, "advance"): following for stage, following in NEXT_STATUS.items()}
    steady = {
        "start": ANY,  # asked of the appraisal about to be created
        "record": frozenset({A.SELF_ASSESSMENT, A.PEER_ASSESSMENT}),  # the assessments page
        "self_assess": frozenset({A.SELF_ASSESSMENT}),
        "peer_assess": frozenset({A.PEER_ASSESSMENT}),
        "grade": frozenset({A.GRADING}),
        "write_own": frozenset({A.SELF_ASSESSMENT}),
    }
    actors = {
        **{
            action: MANAGER
            for action in ("start", "record", "self_assess", "peer_assess", "grade", "advance")
        },
        "write_own": ON_ROLL,  # a member writes their own self-assessment (issue 21)
    }
    labels = {
        "start": gettext_lazy("Start"),
        "record": gettext_lazy("Record assessments"),
        "self_assess": gettext_lazy("Self-assessment"),
        "peer_assess": gettext_lazy("Peer assessment"),
        "grade": gettext_lazy("Grades"),
        "write_own": gettext_lazy("My self-assessment"),
        # "advance": its button says which stage comes next (the template).
    }

    def parts(self, access, appraisal: Appraisal) -> set[str]:
        # The secretary of the branch (or of its general branch) runs its appraisal; each member
        # on its roll writes their own self-assessment.
        parts = {MANAGER} if access.reaches_branch("appraisal.manage", appraisal.branch) else set()
        person = getattr(access, "person", None)
        if person is not None and appraisal.pk and appraisal.voters.filter(person=person).exists():
            parts.add(ON_ROLL)
        return parts

    def refusal(self, appraisal: Appraisal, action: str) -> ValidationError:
        if action == "advance":
            return ValidationError(_("This appraisal is closed."), code="closed")
        if action == "record":
            return ValidationError(_("Assessments are recorded before the vote."), code="wrong_stage")
        (stage,) = self.steady[action]
        return ValidationError(
            _("This can be done only at the stage “%(stage)s”.") % {"stage": Appraisal.Status(stage).label},
            code="wrong_stage",
        )


# --- Suggestion box --------------------------------------------------------------------------

G = Suggestion.Status
HANDLER = "handler"


class SuggestionWorkflow(Workflow):
    transitions = {
        (G.NEW, "triage"): G.TRIAGED,
        (G.TRIAGED, "triage"): G.TRIAGED,
        (G.NEW, "answer"): G.ANSWERED,
        (G.TRIAGED, "answer"): G.ANSWERED,
        (G.ANSWERED, "answer"): G.ANSWERED,  # correcting the answer
    }
    steady = {"readdress": frozenset({G.NEW, G.TRIAGED})}
    actors = {"triage": HANDLER, "answer": HANDLER, "readdress": OFFICE}
    labels = {
        "triage": gettext_lazy("Take in hand"),
        "answer": gettext_lazy("Publish the answer"),
        "readdress": gettext_lazy("Take in hand / pass on"),
    }

    def parts(self, access, suggestion: Suggestion) -> set[str]:
        """The handler: the office of the institute, or the secretary of the branch it is
        addressed to (as ``selectors.suggestions_for``); only the office passes it on."""
        parts = set()
        if access.reaches_institute("suggestions.triage", suggestion.committee_id) or (
            suggestion.branch_id is not None
            and access.reaches_branch("suggestions.triage", suggestion.branch)
        ):
            parts.add(HANDLER)
        if access.reaches_institute("evaluations.manage", suggestion.committee_id):
            parts.add(OFFICE)
        return parts

    def refusal(self, suggestion: Suggestion, action: str) -> ValidationError:
        return ValidationError(_("This suggestion has already been answered."), code="answered")


EVALUATION = EvaluationWorkflow()
APPRAISAL = AppraisalWorkflow()
SUGGESTION = SuggestionWorkflow()
