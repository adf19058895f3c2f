"""The state machines of scoring and awards, and who may act in them: the one place where both
are decided (``core.workflow``). Services call ``authorize`` before they write; pages ask
``actions`` which buttons to show.

::

    scoring of a year:  draft ──approve──▶ approved (frozen: rubric, weights, entries, runs)
                                                │
                        (a new draft) ◀──reopen─┘ (the leading group, with a reason; the run
                                                   stays as "reopened", the next approved
                                                   run replaces it)

    award cycle:        proposing ──open_notice──▶ notice ──submit──▶ approval ──approve──▶ approved
                            ▲  ▲                     │                   │                    │
                            │  └──── withdraw ───────┘                   │                announce
                            └───────────── return (the leading group) ───┘◀── reopen ──────┤
                                                                                          announce
                                                                                              ▼
                                                                                          announced

    Of the cycle's one-way steps, the approval can be taken back by the leading group with a
    reason (approved → approval; from there it may return the list to the office); the
    announcement cannot (the list is published outside the system), so it asks for a
    confirmation naming what cannot be undone. The notice lasts at least
    ``MIN_NOTICE_WORKING_DAYS`` working days, and neither submitting nor approving is possible
    before it ends.

    model post:         active ──withdraw──▶ withdrawn   (reviewed while active)

Parts: the office (``scoring.change`` / ``scoring.run`` / ``awards.propose`` over the whole
institute), the leading group (``awards.approve``: approves the list, reopens approved scores
or an approved list), and everyone the notice is shown to
(``awards.notice``), who may object.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaigns.models import CampaignYear
from core.workflow import ANY, Workflow

from .models import AwardCycle, ModelPost, ScoringRun

EDITOR, RUNNER = "editor", "runner"  # scoring
PROPOSER, APPROVER, PUBLIC = "proposer", "approver", "public"  # the award cycle
LEADER = APPROVER  # the leading group reopens approved scores
OFFICE = "office"  # model posts


def _committee_id(campaign_year) -> int:
    return campaign_year.campaign.committee_id


# --- Scoring ---------------------------------------------------------------------------------

R = ScoringRun.Status


class ScoringWorkflow(Workflow):
    """The scoring of one year, read from its standing run (:func:`standing_run`): while it is a
    draft the rubric, the weights and the office's entries may change and runs may be
    requested; once approved, nothing of the year's scoring changes."""

    transitions = {(R.DRAFT, "approve"): R.APPROVED, (R.APPROVED, "reopen"): R.REOPENED}
    steady = {"edit": frozenset({R.DRAFT}), "run": frozenset({R.DRAFT})}
    actors = {"edit": EDITOR, "approve": EDITOR, "run": RUNNER, "reopen": LEADER}
    labels = {
        "edit": gettext_lazy("Change the rubric and entries"),
        "approve": gettext_lazy("Approve the scores"),
        "run": gettext_lazy("Run the scoring"),
        "reopen": gettext_lazy("Reopen the scores"),
    }
    refused = gettext_lazy("You may not change the scoring of this institute.")

    def parts(self, access, run: ScoringRun) -> set[str]:
        committee = _committee_id(run.campaign_year)
        parts = set()
        if access.reaches_institute("scoring.change", committee):
            parts.add(EDITOR)
        if access.reaches_institute("scoring.run", committee):
            parts.add(RUNNER)
        if access.reaches_institute("awards.approve", committee):
            parts.add(LEADER)
        return parts

    @staticmethod
    def _list_under_way(run: ScoringRun) -> bool:
        """Whether the year's award list has gone past proposing (on notice, awaiting approval,
        approved or announced): its candidates were shown from these scores."""
        return (
            AwardCycle.objects.filter(campaign_year=run.campaign_year_id)
            .exclude(status=AwardCycle.Status.PROPOSING)
            .exists()
        )

    def state_allows(self, run: ScoringRun, action: str) -> bool:
        allowed = super().state_allows(run, action)
        if action == "approve":  # only a completed draft
            allowed = allowed and run.pk is not None and run.state == ScoringRun.State.DONE
        if action == "reopen" and allowed:
            allowed = not self._list_under_way(run)
        return allowed

    def refusal(self, run: ScoringRun, action: str) -> ValidationError:
        if action == "reopen" and run.status == R.APPROVED:
            return ValidationError(
                _(
                    "The award list is past proposing: return it to the office first, then the "
                    "scores can be reopened."
                ),
                code="state",
            )
        message = {
            "reopen": _("Only approved scores can be reopened."),
            "edit": _("The scores of this year are approved; the rubric and entries can no longer change."),
            "run": _("The scores of this year are approved and cannot be recomputed."),
            "approve": _("Only a completed draft can be approved."),
        }[action]
        return ValidationError(message, code="state")


def standing_run(campaign_year, *, lock: bool = False) -> ScoringRun:
    """The run that decides what the year's scoring allows: the approved one, else the draft,
    else a draft not yet requested (unsaved). ``lock`` reads the rows under a row lock."""
    runs = ScoringRun.objects.filter(campaign_year=campaign_year)
    if lock:
        runs = runs.select_for_update()
    by_status = {run.status: run for run in runs}
    run = by_status.get(R.APPROVED) or by_status.get(R.DRAFT) or ScoringRun(status=R.DRAFT)
    run.campaign_year = campaign_year
    return run


SCORING = ScoringWorkflow()


# --- The award cycle -------------------------------------------------------------------------

C = AwardCycle.Status

CYCLE_TRANSITIONS = {
    (C.PROPOSING, "open_notice"): C.NOTICE,
    (C.NOTICE, "withdraw"): C.PROPOSING,
    (C.NOTICE, "submit"): C.APPROVAL,
    (C.APPROVAL, "approve"): C.APPROVED,
    (C.APPROVAL, "return"): C.PROPOSING,
    (C.APPROVED, "reopen"): C.APPROVAL,  # the leading group takes its approval back, with a reason
    (C.APPROVED, "announce"): C.ANNOUNCED,  # one way: asks for a confirmation (services.cycle_advance)
}
# (from, to) → the action: the cycle's page posts the status it wants to reach.
STEPS = {(state, new): action for (state, action), new in CYCLE_TRANSITIONS.items()}


class CycleWorkflow(Workflow):
    transitions = CYCLE_TRANSITIONS
    steady = {
        "create": frozenset({C.PROPOSING}),  # on the cycle about to be created
        "propose": frozenset({C.PROPOSING}),
        "add": frozenset({C.PROPOSING}),
        "remove": frozenset({C.PROPOSING}),
        "answer": frozenset({C.PROPOSING, C.NOTICE, C.APPROVAL}),  # until the list is frozen
        "object": frozenset({C.NOTICE}),
    }
    actors = {
        "create": PROPOSER,
        "propose": PROPOSER,
        "add": PROPOSER,
        "remove": PROPOSER,
        "answer": PROPOSER,
        "open_notice": PROPOSER,
        "withdraw": PROPOSER,
        "submit": PROPOSER,
        "announce": PROPOSER,
        "approve": APPROVER,
        "return": APPROVER,
        "reopen": APPROVER,
        "object": PUBLIC,
    }
    labels = {
        "create": gettext_lazy("Start the award cycle"),
        "propose": gettext_lazy("Propose from the ranking"),
        "add": gettext_lazy("Add"),
        "remove": gettext_lazy("Remove"),
        "answer": gettext_lazy("Answer"),
        "open_notice": gettext_lazy("Start the public notice"),
        "withdraw": gettext_lazy("Back to proposing"),
        "submit": gettext_lazy("Submit for approval"),
        "approve": gettext_lazy("Approve the list"),
        "return": gettext_lazy("Return to the office"),
        "reopen": gettext_lazy("Take back the approval"),
        "announce": gettext_lazy("Announce"),
        "object": gettext_lazy("Object"),
    }
    refused = gettext_lazy("You may not take this step.")

    def parts(self, access, cycle: AwardCycle) -> set[str]:
        committee = _committee_id(cycle.campaign_year)
        parts = set()
        if access.reaches_institute("awards.propose", committee):
            parts.add(PROPOSER)
        if access.reaches_institute("awards.approve", committee):
            parts.add(APPROVER)
        if access.has("awards.notice") and self._sees_notice(access, cycle):
            parts.add(PUBLIC)
        return parts

    @staticmethod
    def _sees_notice(access, cycle: AwardCycle) -> bool:
        # The notice is shown to whoever may see the year (campaigns' one definition).
        if access.reaches_institute("awards.notice", _committee_id(cycle.campaign_year)):
            return True
        return (
            CampaignYear.objects.visible_to(access, "awards.notice")
            .filter(pk=cycle.campaign_year_id)
            .exists()
        )

    # Steps that read the ranking: not while the year's scores are reopened (the cycle's run is
    # no longer the approved one until a new run is approved, which the cycle then follows).
    NEEDS_APPROVED_SCORES = frozenset({"propose", "add", "open_notice"})

    def state_allows(self, cycle: AwardCycle, action: str) -> bool:
        allowed = super().state_allows(cycle, action)
        if allowed and action in self.NEEDS_APPROVED_SCORES and cycle.run_id is not None:
            allowed = cycle.run.status == ScoringRun.Status.APPROVED
        return allowed

    def refusal(self, cycle: AwardCycle, action: str) -> ValidationError:
        if (
            action in self.NEEDS_APPROVED_SCORES
            and cycle.status == C.PROPOSING
            and cycle.run_id is not None
            and cycle.run.status != ScoringRun.Status.APPROVED
        ):
            return ValidationError(
                _("The year's scores were reopened: approve a new run before proposing."), code="state"
            )
        if action == "answer":
            return ValidationError(_("The list is frozen."), code="state")
        if action == "object":
            return ValidationError(_("Objections are taken during the public notice only."), code="state")
        return ValidationError(
            _("Not possible while the cycle is “%(status)s”.") % {"status": cycle.get_status_display()},
            code="state",
        )


CYCLE = CycleWorkflow()


def cycle_step(cycle: AwardCycle, to: str) -> str:
    """The action that takes ``cycle`` from its status to ``to``; refused (state) when none does."""
    action = STEPS.get((cycle.status, to))
    if action is None:
        raise CYCLE.refusal(cycle, "propose")
    return action


# --- Model posts -----------------------------------------------------------------------------

ACTIVE, WITHDRAWN = "active", "withdrawn"


class ModelPostWorkflow(Workflow):
    """A model post has no status field: it is active until withdrawn (``withdrawn_on``)."""

    transitions = {(ACTIVE, "withdraw"): WITHDRAWN}
    steady = {"designate": ANY, "review": frozenset({ACTIVE})}
    actors = {"designate": OFFICE, "review": OFFICE, "withdraw": OFFICE}
    labels = {
        "designate": gettext_lazy("Designate"),
        "review": gettext_lazy("Review"),
        "withdraw": gettext_lazy("Withdraw"),
    }

    def state(self, post: ModelPost) -> str:
        return WITHDRAWN if post.withdrawn_on else ACTIVE

    def parts(self, access, post: ModelPost) -> set[str]:
        return {OFFICE} if access.reaches_institute("awards.propose", post.person.committee_id) else set()

    def refusal(self, post: ModelPost, action: str) -> ValidationError:
        return ValidationError(_("The post was withdrawn."), code="state")


MODEL_POSTS = ModelPostWorkflow()
