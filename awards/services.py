"""Writes of scoring and awards: keyword-only, atomic, validating."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.services import notify
from core.evidence import validate_evidence
from core.queue import enqueue

from .models import (
    BRANCH_TITLES,
    AwardCycle,
    BranchCriterion,
    Candidate,
    MemberCriterion,
    ModelPost,
    ModelPostReview,
    Objection,
    Rubric,
    RubricItem,
    ScoreEntry,
    ScoreLine,
    ScoringRun,
    ScoringSettings,
    Subject,
    Title,
)
from .scoring import aggregation as agg
from .scoring.indicators import BRANCH_INDICATORS, MEMBER_INDICATORS, VETOES

S = RubricItem.Source
# (criterion, name msgid, max points, source, indicator)
DEFAULT_ITEMS = {
    Subject.BRANCH: [
        (BranchCriterion.POLITICAL, "Pledge published on time", 10, S.INDICATOR, "pledge_published_on_time"),
        (BranchCriterion.SELF_BUILDING, "三会一课 held against required", 20, S.INDICATOR, "meetings_ratio"),
        (
            BranchCriterion.SELF_BUILDING,
            "Inspection findings closed on time",
            10,
            S.INDICATOR,
            "findings_closed_on_time",
        ),
        (BranchCriterion.SELF_BUILDING, "Deduction for failings found in supervision", 10, S.DEDUCTION, ""),
        (BranchCriterion.LEARNING, "Secretary's party lecture given", 5, S.INDICATOR, "lecture_given"),
        (BranchCriterion.LEARNING, "Reading-notes review held", 5, S.INDICATOR, "reading_review_held"),
        (BranchCriterion.SECURITY, "Secrecy and safety work", 10, S.OFFICE, ""),
        (BranchCriterion.SECURITY, "Confirmed secrecy (保密) breach", 0, S.VETO, ""),
        (BranchCriterion.DEVELOPMENT, "Contribution to research and production", 15, S.OFFICE, ""),
        (BranchCriterion.INNOVATION, "Reform and innovation results", 10, S.OFFICE, ""),
        (BranchCriterion.COHESION, "Months with a news report", 10, S.INDICATOR, "news_report_months"),
        (BranchCriterion.COHESION, "Service to staff", 5, S.OFFICE, ""),
    ],
    Subject.MEMBER: [
        (MemberCriterion.POLITICAL, "Pledge published", 10, S.INDICATOR, "pledge_published"),
        (MemberCriterion.STUDY, "Study and learning", 10, S.OFFICE, ""),
        (MemberCriterion.SKILL, "Job skills", 10, S.OFFICE, ""),
        (MemberCriterion.RESULTS, "Pledge fulfilment", 30, S.INDICATOR, "pledge_fulfilment"),
        (MemberCriterion.RATING, "Semi-annual reviews acknowledged", 10, S.INDICATOR, "review_acknowledged"),
        (MemberCriterion.TEAMWORK, "Democratic appraisal grade", 20, S.INDICATOR, "appraisal_grade"),
        (MemberCriterion.DEDICATION, "Dedication at work", 10, S.OFFICE, ""),
        (MemberCriterion.DEDICATION, "Deduction", 10, S.DEDUCTION, ""),
        (MemberCriterion.TEAMWORK, "Appraisal grade below competent", 0, S.VETO, "appraisal_below_competent"),
        (MemberCriterion.POLITICAL, "Confirmed secrecy (保密) breach", 0, S.VETO, ""),
    ],
}


def _default_names():
    # Listed for makemessages: the names above are translated when the rubric is created.
    return [
        _("Pledge published on time"),
        _("三会一课 held against required"),
        _("Inspection findings closed on time"),
        _("Deduction for failings found in supervision"),
        _("Secretary's party lecture given"),
        _("Reading-notes review held"),
        _("Secrecy and safety work"),
        _("Confirmed secrecy (保密) breach"),
        _("Contribution to research and production"),
        _("Reform and innovation results"),
        _("Months with a news report"),
        _("Service to staff"),
        _("Pledge published"),
        _("Study and learning"),
        _("Job skills"),
        _("Pledge fulfilment"),
        _("Semi-annual reviews acknowledged"),
        _("Democratic appraisal grade"),
        _("Dedication at work"),
        _("Deduction"),
        _("Appraisal grade below competent"),
    ]


# --- Rubric and settings -----------------------------------------------------------------


def rubric_for(*, campaign_year, kind: str) -> Rubric:
    """The year's rubric of ``kind``, created with the default items the first time (idempotent,
    safe against two requests at once)."""
    rubric = Rubric.objects.filter(campaign_year=campaign_year, kind=kind).first()
    if rubric is not None:
        return rubric
    try:
        with transaction.atomic():
            rubric = Rubric.objects.create(campaign_year=campaign_year, kind=kind)
            with translation.override(django_settings.LANGUAGE_CODE):
                RubricItem.objects.bulk_create(
                    RubricItem(
                        rubric=rubric,
                        criterion=criterion,
                        name=_(name),
                        max_points=Decimal(max_points),
                        source=source,
                        indicator=indicator,
                        sort_order=i,
                    )
                    for i, (criterion, name, max_points, source, indicator) in enumerate(DEFAULT_ITEMS[kind])
                )
    except IntegrityError:
        rubric = Rubric.objects.get(campaign_year=campaign_year, kind=kind)
    return rubric


def settings_for(*, campaign_year) -> ScoringSettings:
    return ScoringSettings.objects.get_or_create(campaign_year=campaign_year)[0]


def _approved_exists(campaign_year) -> bool:
    return ScoringRun.objects.filter(campaign_year=campaign_year, status=ScoringRun.Status.APPROVED).exists()


def _refuse_if_approved(campaign_year):
    if _approved_exists(campaign_year):
        raise ValidationError(
            _("The scores of this year are approved; the rubric and entries can no longer change.")
        )


@transaction.atomic
def rubric_item_save(
    *,
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
    _refuse_if_approved(rubric.campaign_year)
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
    item.save()
    Rubric.objects.filter(pk=rubric.pk).update(version=rubric.version + 1)
    rubric.refresh_from_db()
    return item


@transaction.atomic
def rubric_item_delete(*, item: RubricItem) -> None:
    rubric = item.rubric
    _refuse_if_approved(rubric.campaign_year)
    if item.entries.exists():
        raise ValidationError(_("Office entries were made against this item; set its maximum to 0 instead."))
    item.delete()
    Rubric.objects.filter(pk=rubric.pk).update(version=rubric.version + 1)


@transaction.atomic
def settings_update(*, campaign_year, **values) -> ScoringSettings:
    _refuse_if_approved(campaign_year)
    current = settings_for(campaign_year=campaign_year)
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
    if set(points) != set(agg_options()) or any(not 0 <= Decimal(str(v)) <= 100 for v in points.values()):
        raise ValidationError(_("Give points between 0 and 100 for each answer."))
    current.save()
    return current


def agg_options():
    from .models import DEFAULT_SATISFACTION_POINTS

    return list(DEFAULT_SATISFACTION_POINTS)


@transaction.atomic
def entry_create(
    *,
    item: RubricItem,
    branch,
    person=None,
    points: Decimal,
    reason: str,
    evidence_url: str = "",
    file=None,
    actor,
) -> ScoreEntry:
    """Points awarded, a deduction or a confirmed veto, with a reason and a link or a file."""
    _refuse_if_approved(item.rubric.campaign_year)
    if item.source == S.INDICATOR or (item.source == S.VETO and item.indicator):
        raise ValidationError(_("This item is computed from the records."))
    if (item.rubric.kind == Subject.MEMBER) != (person is not None):
        raise ValidationError(_("This item is for %(kind)s.") % {"kind": item.rubric.get_kind_display()})
    if person is not None and person.branch_id != branch.pk:
        raise ValidationError(_("The member is not in this branch."))
    if branch.committee_id != item.rubric.campaign_year.campaign.committee_id:
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
        by=actor,
    )
    if file is not None:
        validate_evidence(file)
        entry.evidence_name = file.name
        entry.evidence_file = file
    entry.save()
    return entry


@transaction.atomic
def entry_withdraw(*, entry: ScoreEntry, actor) -> ScoreEntry:
    _refuse_if_approved(entry.item.rubric.campaign_year)
    entry.withdrawn = True
    entry.save(update_fields=["withdrawn"])
    return entry


# --- Scoring runs ------------------------------------------------------------------------


@transaction.atomic
def scoring_run_request(*, campaign_year, actor, as_of: datetime.date | None = None) -> ScoringRun:
    """Queue a scoring run of the year (after commit, see ``core.queue``). The draft snapshot
    is replaced when it runs; an approved snapshot is never replaced."""
    from .tasks import scoring_run_task

    if _approved_exists(campaign_year):
        raise ValidationError(_("The scores of this year are approved and cannot be recomputed."))
    as_of = as_of or min(timezone.localdate(), campaign_year.scoring_closes_on)
    run, _created = ScoringRun.objects.select_for_update().get_or_create(
        campaign_year=campaign_year,
        status=ScoringRun.Status.DRAFT,
        defaults={"as_of": as_of, "requested_by": actor},
    )
    run.as_of, run.requested_by, run.state, run.error = as_of, actor, ScoringRun.State.QUEUED, ""
    run.save()
    # Sent after commit; kept in the outbox while the broker is down (run.dispatch.deferred).
    run.dispatch = enqueue(scoring_run_task, campaign_year_id=campaign_year.pk, user_id=actor.pk)
    return run


@transaction.atomic
def scoring_run_execute(*, campaign_year) -> ScoringRun | None:
    """Compute the draft snapshot of the year anew, in one transaction. Returns None (and
    changes nothing) when the year's scores are approved."""
    from .scoring.compute import compute

    if _approved_exists(campaign_year):
        return None
    run = (
        ScoringRun.objects.select_for_update()
        .filter(campaign_year=campaign_year, status=ScoringRun.Status.DRAFT)
        .first()
    )
    if run is None:
        return None
    run.lines.all().delete()  # items cascade
    compute(run)
    run.state, run.computed_at, run.error = ScoringRun.State.DONE, timezone.now(), ""
    run.save()
    return run


@transaction.atomic
def scoring_run_approve(*, run: ScoringRun, actor) -> ScoringRun:
    run = ScoringRun.objects.select_for_update().get(pk=run.pk)
    if run.status != ScoringRun.Status.DRAFT or run.state != ScoringRun.State.DONE:
        raise ValidationError(_("Only a completed draft can be approved."))
    run.status, run.approved_by, run.approved_at = ScoringRun.Status.APPROVED, actor, timezone.now()
    run.save()
    return run


# --- Award cycle -------------------------------------------------------------------------

TRANSITIONS = {
    # (from, to): the permission it needs
    (AwardCycle.Status.PROPOSING, AwardCycle.Status.NOTICE): "awards.propose",
    (AwardCycle.Status.NOTICE, AwardCycle.Status.PROPOSING): "awards.propose",
    (AwardCycle.Status.NOTICE, AwardCycle.Status.APPROVAL): "awards.propose",
    (AwardCycle.Status.APPROVAL, AwardCycle.Status.APPROVED): "awards.approve",
    (AwardCycle.Status.APPROVAL, AwardCycle.Status.PROPOSING): "awards.approve",
    (AwardCycle.Status.APPROVED, AwardCycle.Status.ANNOUNCED): "awards.propose",
}


@transaction.atomic
def cycle_create(*, campaign_year, actor) -> AwardCycle:
    run = ScoringRun.objects.filter(campaign_year=campaign_year, status=ScoringRun.Status.APPROVED).first()
    if run is None:
        raise ValidationError(
            _("Approve the year's scores first: candidates are proposed from the approved ranking.")
        )
    cycle, _created = AwardCycle.objects.get_or_create(campaign_year=campaign_year, defaults={"run": run})
    return cycle


def _require(cycle: AwardCycle, *statuses):
    if cycle.status not in statuses:
        raise ValidationError(
            _("Not possible while the cycle is “%(status)s”.") % {"status": cycle.get_status_display()}
        )


def _unit_sizes(run) -> dict[str, int]:
    sizes: dict[str, int] = {}
    for unit in run.lines.filter(kind=Subject.MEMBER).values_list("quota_unit", flat=True):
        sizes[unit] = sizes.get(unit, 0) + 1
    return sizes


@transaction.atomic
def cycle_propose(*, cycle: AwardCycle, actor) -> list[Candidate]:
    """(Re)propose the candidates from the ranking: per branch category the best eligible
    branches (five-good first, then advanced), per general branch (or branch without one) the
    best eligible members up to the quota. Candidates the office added are kept; those it
    removed stay removed."""
    _require(cycle, AwardCycle.Status.PROPOSING)
    cycle.candidates.filter(source=Candidate.Source.RANKING, removed=False).delete()
    taken = set(cycle.candidates.values_list("title", "branch_id", "person_id"))
    lines = list(cycle.run.lines.filter(eligible=True).order_by("kind", "category", "rank", "pk"))
    new = []
    for category in sorted({line.category for line in lines if line.kind == Subject.BRANCH}):
        ranked = [line for line in lines if line.kind == Subject.BRANCH and line.category == category]
        plan = [Title.FIVE_GOOD] * cycle.five_good_per_category + [
            Title.ADVANCED
        ] * cycle.advanced_per_category
        for title, line in zip(plan, ranked, strict=False):
            if any(key[1] == line.branch_id and key[2] is None for key in taken):
                continue
            new.append(
                Candidate(
                    cycle=cycle, title=title, branch=line.branch, line=line, source=Candidate.Source.RANKING
                )
            )
    sizes = _unit_sizes(cycle.run)
    used = _used_quota(cycle)
    for unit in sorted(sizes):
        ranked = sorted(
            (line for line in lines if line.kind == Subject.MEMBER and line.quota_unit == unit),
            key=lambda line: (-line.total, line.pk),
        )
        room = agg.quota(cycle.outstanding_member_share, sizes[unit]) - used.get(unit, 0)
        for line in ranked:
            if room <= 0:
                break
            if (Title.OUTSTANDING, line.branch_id, line.person_id) in taken:
                continue
            new.append(
                Candidate(
                    cycle=cycle,
                    title=Title.OUTSTANDING,
                    branch=line.branch,
                    person=line.person,
                    line=line,
                    source=Candidate.Source.RANKING,
                )
            )
            room -= 1
    return Candidate.objects.bulk_create(new)


def _used_quota(cycle) -> dict[str, int]:
    used: dict[str, int] = {}
    for unit in cycle.candidates.filter(title=Title.OUTSTANDING, removed=False).values_list(
        "line__quota_unit", flat=True
    ):
        used[unit] = used.get(unit, 0) + 1
    return used


@transaction.atomic
def candidate_add(*, cycle: AwardCycle, title: str, line: ScoreLine, reason: str, actor) -> Candidate:
    """Add a candidate by hand, with a reason. Eligibility and the quota still apply."""
    _require(cycle, AwardCycle.Status.PROPOSING)
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for adding.")})
    if line.run_id != cycle.run_id:
        raise ValidationError(_("Not a line of this cycle's ranking."))
    if (title in BRANCH_TITLES) != (line.kind == Subject.BRANCH):
        raise ValidationError(
            {"title": _("This title is not for %(kind)s.") % {"kind": line.get_kind_display()}}
        )
    if not line.eligible:
        raise ValidationError(_("Ineligible: %(reasons)s") % {"reasons": "; ".join(line.reasons)})
    if cycle.candidates.filter(title=title, branch=line.branch, person=line.person, removed=False).exists():
        raise ValidationError(_("Already a candidate."))
    if title == Title.OUTSTANDING:
        allowed = agg.quota(cycle.outstanding_member_share, _unit_sizes(cycle.run).get(line.quota_unit, 0))
        if _used_quota(cycle).get(line.quota_unit, 0) >= allowed:
            raise ValidationError(
                _("The quota of outstanding members of this general branch (%(n)s) is reached.")
                % {"n": allowed}
            )
    return Candidate.objects.create(
        cycle=cycle,
        title=title,
        branch=line.branch,
        person=line.person,
        line=line,
        source=Candidate.Source.ADDED,
        reason=reason,
    )


@transaction.atomic
def candidate_remove(*, candidate: Candidate, reason: str, actor) -> Candidate:
    _require(candidate.cycle, AwardCycle.Status.PROPOSING)
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for removing.")})
    candidate.removed, candidate.removed_reason = True, reason
    candidate.save(update_fields=["removed", "removed_reason"])
    return candidate


@transaction.atomic
def cycle_advance(
    *, cycle: AwardCycle, to: str, actor, access=None, reason: str = "", today: datetime.date | None = None
) -> AwardCycle:
    """Move the cycle along its state machine (see ``TRANSITIONS``)."""
    today = today or timezone.localdate()
    cycle = AwardCycle.objects.select_for_update().select_related("campaign_year").get(pk=cycle.pk)
    permission = TRANSITIONS.get((cycle.status, to))
    if permission is None:
        raise ValidationError(
            _("Not possible while the cycle is “%(status)s”.") % {"status": cycle.get_status_display()}
        )
    if access is not None and not access.has(permission):
        raise ValidationError(_("You may not take this step."))
    live = cycle.candidates.filter(removed=False)
    S_ = AwardCycle.Status
    if to == S_.NOTICE:
        if not live.exists():
            raise ValidationError(_("Propose at least one candidate first."))
        cycle.notice_starts_on = today
        cycle.notice_ends_on = today + datetime.timedelta(days=cycle.notice_days - 1)
        cycle.return_reason = ""
    elif to == S_.APPROVAL:
        if today <= cycle.notice_ends_on:
            raise ValidationError(
                _("The public notice runs until %(date)s.") % {"date": cycle.notice_ends_on}
            )
        if Objection.objects.filter(candidate__cycle=cycle, answered_on__isnull=True).exists():
            raise ValidationError(_("Answer every objection first."))
    elif to == S_.PROPOSING:
        if not reason.strip():
            raise ValidationError({"reason": _("Give the reason for returning.")})
        cycle.return_reason = reason
        cycle.notice_starts_on = cycle.notice_ends_on = None
    elif to == S_.APPROVED:
        cycle.approved_by, cycle.approved_at = actor, timezone.now()
    elif to == S_.ANNOUNCED:
        cycle.announced_on = today
    cycle.status = to
    cycle.save()
    return cycle


@transaction.atomic
def objection_lodge(
    *, candidate: Candidate, text: str, actor, today: datetime.date | None = None
) -> Objection:
    today = today or timezone.localdate()
    cycle = candidate.cycle
    if cycle.status != AwardCycle.Status.NOTICE or not (
        cycle.notice_starts_on <= today <= cycle.notice_ends_on
    ):
        raise ValidationError(_("Objections are taken during the public notice only."))
    if candidate.removed:
        raise ValidationError(_("This candidate was removed."))
    if not text.strip():
        raise ValidationError({"text": _("Write the objection.")})
    objection = Objection.objects.create(
        candidate=candidate, text=text, submitted_on=today, submitted_by=actor
    )
    from campaigns.models import OfficeMember

    office = [
        m.person.user
        for m in OfficeMember.objects.filter(campaign=cycle.campaign_year.campaign).select_related(
            "person__user"
        )
    ]
    notify(
        users=office,
        message=_("A new objection to the candidate %(name)s.") % {"name": candidate.subject_name},
        email=False,
    )
    return objection


@transaction.atomic
def objection_answer(*, objection: Objection, answer: str, actor) -> Objection:
    if objection.candidate.cycle.is_frozen:
        raise ValidationError(_("The list is frozen."))
    if not answer.strip():
        raise ValidationError({"answer": _("Write the answer.")})
    objection.answer, objection.answered_by, objection.answered_on = answer, actor, timezone.localdate()
    objection.save()
    return objection


# --- Model posts -------------------------------------------------------------------------


@transaction.atomic
def model_post_designate(*, person, post_name: str, designated_on, term_ends_on, actor) -> ModelPost:
    if person.branch_id is None:
        raise ValidationError(_("Only a party member can hold a model post."))
    if term_ends_on <= designated_on:
        raise ValidationError({"term_ends_on": _("The term must end after the designation.")})
    if ModelPost.objects.filter(
        person=person, withdrawn_on__isnull=True, term_ends_on__gte=designated_on
    ).exists():
        raise ValidationError(_("This member already holds a model post."))
    return ModelPost.objects.create(
        person=person,
        branch_id=person.branch_id,
        post_name=post_name,
        designated_on=designated_on,
        term_ends_on=term_ends_on,
        designated_by=actor,
    )


@transaction.atomic
def model_post_review(*, post: ModelPost, result: str, note: str, actor, reviewed_on=None) -> ModelPostReview:
    if post.withdrawn_on:
        raise ValidationError(_("The post was withdrawn."))
    if not note.strip():
        raise ValidationError({"note": _("Write the review.")})
    return ModelPostReview.objects.create(
        post=post, result=result, note=note, by=actor, reviewed_on=reviewed_on or timezone.localdate()
    )


@transaction.atomic
def model_post_withdraw(*, post: ModelPost, reason: str, actor, on=None) -> ModelPost:
    if post.withdrawn_on:
        raise ValidationError(_("The post was withdrawn."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason.")})
    post.withdrawn_on, post.withdraw_reason = on or timezone.localdate(), reason
    post.save()
    return post
