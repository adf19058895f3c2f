"""Writes of the year's scoring: the rubric, the weights, the office's entries and the runs."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import Access
from core.evidence import validate_evidence
from core.queue import enqueue
from core.services import save_as

from .. import selectors
from ..models import (
    DEFAULT_SATISFACTION_POINTS,
    AwardCycle,
    Rubric,
    RubricItem,
    ScoreEntry,
    ScoringRun,
    ScoringSettings,
    Subject,
)
from ..scoring import aggregation as agg
from ..scoring.compute import compute
from ..scoring.indicators import BRANCH_INDICATORS, MEMBER_INDICATORS, VETOES
from ..workflow import SCORING, standing_run
from .cycle import cycle_follow_run

S = RubricItem.Source


def _authorize(access: Access, campaign_year, action: str) -> ScoringRun:
    """Authorise ``action`` on the year's scoring, read under a row lock so that an approval
    meanwhile is seen."""
    run = standing_run(campaign_year, lock=True)
    SCORING.authorize(access, run, action)
    return run


@transaction.atomic
def rubric_item_save(
    *,
    access: Access,
    rubric: Rubric,
    item: RubricItem | None = None,
    criterion: str,
    name: str,
    max_points: Decimal,
    source: str,
    indicator: str = "",
    params: dict | None = None,
    sort_order: int = 0,
) -> RubricItem:
    """Add or change an item; the rubric's version goes up."""
    _authorize(access, rubric.campaign_year, "edit")
    if criterion not in rubric.criteria.values:
        raise ValidationError({"criterion": _("Choose one of the criteria of this rubric.")})
    if max_points < 0:
        raise ValidationError({"max_points": _("The maximum cannot be negative.")})
    known = BRANCH_INDICATORS if rubric.kind == Subject.BRANCH else MEMBER_INDICATORS
    if source == S.INDICATOR and indicator not in known:
        raise ValidationError({"indicator": _("Choose an indicator for this rubric.")})
    if source == S.VETO and indicator and indicator not in VETOES:
        raise ValidationError({"indicator": _("Not an automatic veto.")})
    if source in (S.OFFICE, S.DEDUCTION):
        indicator = ""
    item = item or RubricItem(rubric=rubric)
    item.criterion, item.name, item.max_points, item.source = criterion, name, max_points, source
    item.indicator, item.params, item.sort_order = indicator, params or {}, sort_order
    save_as(item, access.user)
    Rubric.objects.filter(pk=rubric.pk).update(version=rubric.version + 1)
    rubric.refresh_from_db()
    return item


@transaction.atomic
def rubric_item_delete(*, access: Access, item: RubricItem) -> None:
    rubric = item.rubric
    _authorize(access, rubric.campaign_year, "edit")
    if item.entries.exists():
        raise ValidationError(_("Office entries were made against this item; set its maximum to 0 instead."))
    item._history_user = access.user
    item.delete()
    Rubric.objects.filter(pk=rubric.pk).update(version=rubric.version + 1)


@transaction.atomic
def settings_update(*, access: Access, campaign_year, **values) -> ScoringSettings:
    _authorize(access, campaign_year, "edit")
    current = selectors.settings_for(campaign_year=campaign_year)
    for field, value in values.items():
        setattr(current, field, value)
    for kind in ("branch", "member"):
        try:
            agg.validate_weights(
                getattr(current, f"{kind}_rubric_weight"), getattr(current, f"{kind}_evaluation_weight")
            )
        except ValueError:
            raise ValidationError(_("The two weights must be positive and add up to 100.")) from None
    points = current.satisfaction_points
    if set(points) != set(DEFAULT_SATISFACTION_POINTS) or any(
        not 0 <= Decimal(str(v)) <= 100 for v in points.values()
    ):
        raise ValidationError(_("Give points between 0 and 100 for each answer."))
    save_as(current, access.user)
    return current


@transaction.atomic
def entry_create(
    *,
    access: Access,
    item: RubricItem,
    branch,
    person=None,
    points: Decimal,
    reason: str,
    evidence_url: str = "",
    file=None,
) -> ScoreEntry:
    """Points awarded, a deduction or a confirmed veto, with a reason and a link or a file."""
    campaign_year = item.rubric.campaign_year
    _authorize(access, campaign_year, "edit")
    if item.source == S.INDICATOR or (item.source == S.VETO and item.indicator):
        raise ValidationError(_("This item is computed from the records."))
    if (item.rubric.kind == Subject.MEMBER) != (person is not None):
        raise ValidationError(_("This item is for %(kind)s.") % {"kind": item.rubric.get_kind_display()})
    if person is not None and person.branch_id != branch.pk:
        raise ValidationError(_("The member is not in this branch."))
    if branch.committee_id != campaign_year.campaign.committee_id:
        raise ValidationError(_("The branch belongs to another institute."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason.")})
    if not evidence_url and file is None:
        raise ValidationError(_("Link the record or attach the evidence."))
    if evidence_url and not evidence_url.startswith("/"):
        raise ValidationError({"evidence_url": _("Link a page of this system (starting with /).")})
    points = Decimal(points or 0) if item.source != S.VETO else Decimal("0")
    if points < 0 or points > item.max_points:
        raise ValidationError({"points": _("Between 0 and %(max)s.") % {"max": item.max_points}})
    entry = ScoreEntry(
        item=item,
        branch=branch,
        person=person,
        points=points,
        reason=reason,
        evidence_url=evidence_url,
        by=access.user,
    )
    if file is not None:
        validate_evidence(file)
        entry.evidence_name = file.name
        entry.evidence_file = file
    return save_as(entry, access.user)


@transaction.atomic
def entry_withdraw(*, access: Access, entry: ScoreEntry) -> ScoreEntry:
    _authorize(access, entry.item.rubric.campaign_year, "edit")
    entry.withdrawn = True
    return save_as(entry, access.user, update_fields=["withdrawn"])


# --- Scoring runs ------------------------------------------------------------------------


@transaction.atomic
def scoring_run_request(*, access: Access, campaign_year, as_of: datetime.date | None = None) -> ScoringRun:
    """Queue a scoring run of the year (after commit, see ``core.queue``). The draft snapshot
    is replaced when it runs; an approved snapshot is never replaced (refused while the year's
    scores are approved). Once the leading group reopened them (``scoring_run_reopen``) a new
    draft is computed; the reopened run stays as it was, and the new one replaces it when
    approved."""
    _authorize(access, campaign_year, "run")
    actor = access.user
    as_of = as_of or min(timezone.localdate(), campaign_year.scoring_closes_on)
    run, _created = ScoringRun.objects.select_for_update().get_or_create(
        campaign_year=campaign_year,
        status=ScoringRun.Status.DRAFT,
        defaults={"as_of": as_of, "requested_by": actor},
    )
    run.as_of, run.requested_by, run.state, run.error = as_of, actor, ScoringRun.State.QUEUED, ""
    run.save()
    # Queued by name (the task module imports this one). Sent after commit; kept in the outbox
    # while the broker is down (run.dispatch.deferred).
    run.dispatch = enqueue(
        "awards.tasks.scoring_run_task", campaign_year_id=campaign_year.pk, user_id=actor.pk
    )
    return run


@transaction.atomic
def scoring_run_execute(*, campaign_year) -> ScoringRun | None:
    """Compute the draft snapshot of the year anew, in one transaction: the body of the queued
    run, authorised when it was requested. Returns None (and changes nothing) when the year's
    scores are approved or no run is asked for."""
    run = standing_run(campaign_year, lock=True)
    if run.pk is None or run.status != ScoringRun.Status.DRAFT:
        return None
    run.general_branch_lines.all().delete()
    run.lines.all().delete()  # items cascade
    compute(run)
    run.state, run.computed_at, run.error = ScoringRun.State.DONE, timezone.now(), ""
    run.save()
    return run


@transaction.atomic
def scoring_run_approve(*, access: Access, run: ScoringRun) -> ScoringRun:
    """Approve (freeze) the draft. Refused, with the reasons, while nothing is eligible or a
    step the scores depend on is still open (``selectors.approval_preview``): approving then
    would freeze a ranking nobody can be proposed from. A cycle still proposing from reopened
    scores follows the new run (``cycle_follow_run``)."""
    run = ScoringRun.objects.select_for_update().select_related("campaign_year__campaign").get(pk=run.pk)
    SCORING.authorize(access, run, "approve")
    preview = selectors.approval_preview(run)
    if preview.blockers:
        raise ValidationError(preview.blockers, code="not_ready")
    SCORING.advance(run, "approve")
    run.approved_by, run.approved_at = access.user, timezone.now()
    run.save()
    cycle = AwardCycle.objects.filter(campaign_year=run.campaign_year).select_related("run").first()
    if cycle is not None and cycle.run_id != run.pk:
        cycle_follow_run(cycle=cycle, run=run, actor=access.user)
    return run


@transaction.atomic
def scoring_run_reopen(*, access: Access, campaign_year, reason: str) -> ScoringRun:
    """The leading group reopens the year's approved scores, with a written reason: the run
    stays, as "reopened", with who, when and why (its snapshot untouched: the cycle's
    candidates point at its lines); the rubric, weights and entries may change again and a new
    run may be computed, which replaces it once approved. Refused once the award list is past
    proposing (``workflow.ScoringWorkflow``)."""
    run = standing_run(campaign_year, lock=True)
    SCORING.authorize(access, run, "reopen")
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for reopening.")})
    SCORING.advance(run, "reopen")
    run.reopened_by, run.reopened_at, run.reopen_reason = access.user, timezone.now(), reason.strip()
    # The one change an approved run allows (Immutable.save refuses any other): its status and
    # the reopening; written past the guard, the lines and items stay as they were.
    ScoringRun.objects.filter(pk=run.pk).update(
        status=run.status,
        reopened_by=run.reopened_by,
        reopened_at=run.reopened_at,
        reopen_reason=run.reopen_reason,
    )
    return run
