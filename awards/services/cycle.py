"""Writes of the award cycle: proposing candidates, the public notice with its objections, the
approval and the announcement (``workflow.CYCLE``)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from accounts.access import Access
from accounts.services import notify
from core.services import lock, save_as

from ..models import (
    BRANCH_TITLES,
    MIN_NOTICE_WORKING_DAYS,
    AwardCycle,
    Candidate,
    GeneralBranchLine,
    Objection,
    ScoreLine,
    ScoringRun,
    Subject,
    Title,
    add_working_days,
)
from ..scoring import aggregation as agg
from ..workflow import CYCLE, cycle_step


def _locked(cycle: AwardCycle) -> AwardCycle:
    """The cycle re-read under a row lock (two clicks cannot both move it)."""
    return lock(cycle, refresh=("status", "notice_starts_on", "notice_ends_on"))


@transaction.atomic
def cycle_create(*, access: Access, campaign_year) -> AwardCycle:
    existing = AwardCycle.objects.filter(campaign_year=campaign_year).first()
    CYCLE.authorize(access, existing or AwardCycle(campaign_year=campaign_year), "create")
    if existing is not None:
        return existing
    run = ScoringRun.objects.filter(campaign_year=campaign_year, status=ScoringRun.Status.APPROVED).first()
    if run is None:
        raise ValidationError(
            _("Approve the year's scores first: candidates are proposed from the approved ranking.")
        )
    cycle, _created = AwardCycle.objects.get_or_create(campaign_year=campaign_year, defaults={"run": run})
    return cycle


def cycle_follow_run(*, cycle: AwardCycle, run: ScoringRun, actor) -> AwardCycle:
    """After reopened scores were approved anew: the cycle (still proposing) proposes from the
    new run. Each candidate points at its line in the new run; one no longer eligible there is
    removed, with the reason (kept in its history). Part of ``scoring_run_approve``, which
    authorised the step."""
    lines = {(line.kind, line.branch_id, line.person_id): line for line in run.lines.all()}
    gb_lines = {gl.general_branch_id: gl for gl in run.general_branch_lines.all()}
    for candidate in cycle.candidates.all():
        if candidate.general_branch_id:
            line = candidate.general_branch_line = gb_lines.get(candidate.general_branch_id)
        else:
            kind = Subject.BRANCH if candidate.title in BRANCH_TITLES else Subject.MEMBER
            line = lines.get(
                (kind, candidate.branch_id, candidate.person_id if kind == Subject.MEMBER else None)
            )
            candidate.line = line
        if not candidate.removed and (line is None or not line.eligible):
            candidate.removed = True
            candidate.removed_reason = _(
                "No longer eligible after the scores were recomputed: %(reasons)s"
            ) % {"reasons": "; ".join(line.reasons) if line is not None else _("not in the new ranking")}
        save_as(candidate, actor)
    cycle.run = run
    return save_as(cycle, actor)


def _unit_sizes(run) -> dict[str, int]:
    sizes: dict[str, int] = {}
    for unit in run.lines.filter(kind=Subject.MEMBER).values_list("quota_unit", flat=True):
        sizes[unit] = sizes.get(unit, 0) + 1
    return sizes


def _used_quota(cycle) -> dict[str, int]:
    used: dict[str, int] = {}
    for unit in cycle.candidates.filter(title=Title.OUTSTANDING, removed=False).values_list(
        "line__quota_unit", flat=True
    ):
        used[unit] = used.get(unit, 0) + 1
    return used


@transaction.atomic
def cycle_propose(*, access: Access, cycle: AwardCycle) -> list[Candidate]:
    """(Re)propose the candidates from the ranking: per branch category the best eligible
    branches (five-good first, then advanced), per general branch (or branch without one) the
    best eligible members up to the quota. Candidates the office added are kept; those it
    removed stay removed."""
    CYCLE.authorize(access, _locked(cycle), "propose")
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
    # 先进党总支: the best general branches none of whose branches is ineligible (one with a
    # vetoed branch the office may still add by hand, with its reason).
    taken_gbs = set(
        cycle.candidates.filter(general_branch__isnull=False).values_list("general_branch_id", flat=True)
    )
    room = cycle.advanced_general_branches
    for gb_line in cycle.run.general_branch_lines.filter(eligible=True, flagged=0).order_by("rank", "pk"):
        if room <= 0:
            break
        if gb_line.general_branch_id in taken_gbs:
            continue
        new.append(
            Candidate(
                cycle=cycle,
                title=Title.ADVANCED,
                general_branch_id=gb_line.general_branch_id,
                general_branch_line=gb_line,
                source=Candidate.Source.RANKING,
            )
        )
        room -= 1
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


@transaction.atomic
def candidate_add(
    *,
    access: Access,
    cycle: AwardCycle,
    title: str,
    line: ScoreLine | None = None,
    general_branch_line: GeneralBranchLine | None = None,
    reason: str,
) -> Candidate:
    """Add a candidate by hand, with a reason: from a line of a branch or member (``line``) or
    of a general branch (``general_branch_line``, for 先进党总支 only). Eligibility and the quota
    still apply."""
    CYCLE.authorize(access, _locked(cycle), "add")
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for adding.")})
    if (line is None) == (general_branch_line is None):
        raise ValidationError(_("Choose one branch, member or general branch of the ranking."))
    if general_branch_line is not None:
        return _general_branch_add(access, cycle, title, general_branch_line, reason)
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
    candidate = Candidate(
        cycle=cycle,
        title=title,
        branch=line.branch,
        person=line.person,
        line=line,
        source=Candidate.Source.ADDED,
        reason=reason,
    )
    return save_as(candidate, access.user)


def _general_branch_add(access, cycle, title, gb_line: GeneralBranchLine, reason: str) -> Candidate:
    if gb_line.run_id != cycle.run_id:
        raise ValidationError(_("Not a line of this cycle's ranking."))
    if title != Title.ADVANCED:
        raise ValidationError(
            {"title": _("A general branch can be proposed as an advanced general branch only.")}
        )
    if not gb_line.eligible:
        raise ValidationError(_("Ineligible: %(reasons)s") % {"reasons": "; ".join(gb_line.reasons)})
    if cycle.candidates.filter(general_branch=gb_line.general_branch_id, removed=False).exists():
        raise ValidationError(_("Already a candidate."))
    candidate = Candidate(
        cycle=cycle,
        title=title,
        general_branch_id=gb_line.general_branch_id,
        general_branch_line=gb_line,
        source=Candidate.Source.ADDED,
        reason=reason,
    )
    return save_as(candidate, access.user)


@transaction.atomic
def candidate_remove(*, access: Access, candidate: Candidate, reason: str) -> Candidate:
    CYCLE.authorize(access, _locked(candidate.cycle), "remove")
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for removing.")})
    candidate.removed, candidate.removed_reason = True, reason
    return save_as(candidate, access.user, update_fields=["removed", "removed_reason"])


def _month_day(day: datetime.date) -> str:
    # "5月7日" in Chinese, "May 7" in English.
    return date_format(day, pgettext("month and day", "F j"))


def _notice_runs(cycle: AwardCycle, today: datetime.date, message: str) -> None:
    """Refuse a step taken before the public notice ended, naming the day it ends."""
    if cycle.notice_ends_on is None or today <= cycle.notice_ends_on:
        end = cycle.notice_ends_on or add_working_days(today, cycle.notice_days)
        raise ValidationError(message % {"date": _month_day(end)}, code="notice")


@transaction.atomic
def cycle_advance(
    *,
    access: Access,
    cycle: AwardCycle,
    to: str,
    reason: str = "",
    confirmed: bool = False,
    document_number: str = "",
    today: datetime.date | None = None,
) -> AwardCycle:
    """Move the cycle to the status ``to`` by the step that leads there (``workflow.STEPS``).

    The one-way steps: the approval can be taken back by the leading group with a reason
    (``reopen``: approved → awaiting approval, from where it may return the list to the
    office); the announcement cannot be taken back (the list is published outside the system)
    and needs ``confirmed``, the person having read what cannot be undone."""
    today = today or timezone.localdate()
    cycle = (
        AwardCycle.objects.select_for_update()
        .select_related("campaign_year__campaign", "run")
        .get(pk=cycle.pk)
    )
    action = cycle_step(cycle, to)
    CYCLE.authorize(access, cycle, action)
    if action == "open_notice":
        if not cycle.candidates.filter(removed=False).exists():
            raise ValidationError(_("Propose at least one candidate first."))
        if cycle.notice_days < MIN_NOTICE_WORKING_DAYS:
            raise ValidationError(
                _("The public notice must last at least %(n)s working days (this cycle: %(days)s).")
                % {"n": MIN_NOTICE_WORKING_DAYS, "days": cycle.notice_days}
            )
        cycle.notice_starts_on = today
        cycle.notice_ends_on = add_working_days(today, cycle.notice_days)
        cycle.return_reason = ""
    elif action == "submit":
        _notice_runs(
            cycle, today, _("The public notice runs until %(date)s; only after that can it be submitted.")
        )
        if Objection.objects.filter(candidate__cycle=cycle, answered_on__isnull=True).exists():
            raise ValidationError(_("Answer every objection first."))
    elif action in ("withdraw", "return"):
        if not reason.strip():
            raise ValidationError({"reason": _("Give the reason for returning.")})
        cycle.return_reason = reason
        cycle.notice_starts_on = cycle.notice_ends_on = None
    elif action == "approve":
        _notice_runs(
            cycle, today, _("The public notice runs until %(date)s; only after that can it be approved.")
        )
        cycle.approved_by, cycle.approved_at = access.user, timezone.now()
    elif action == "reopen":
        if not reason.strip():
            raise ValidationError({"reason": _("Give the reason for taking back the approval.")})
        # Who took it back and when: the cycle's history (save_as); why: the reason shown.
        cycle.return_reason = reason
        cycle.approved_by, cycle.approved_at = None, None
    elif action == "announce":
        if not confirmed:
            raise ValidationError(
                {
                    "confirm": _(
                        "Confirm the announcement: once announced, the list cannot be changed or taken back."
                    )
                }
            )
        cycle.announced_on = today
        if document_number.strip():
            cycle.document_number = document_number.strip()
    CYCLE.advance(cycle, action)
    return save_as(cycle, access.user)


@transaction.atomic
def objection_lodge(
    *, access: Access, candidate: Candidate, text: str, today: datetime.date | None = None
) -> Objection:
    today = today or timezone.localdate()
    cycle = candidate.cycle
    CYCLE.authorize(access, cycle, "object")
    if not (cycle.notice_starts_on <= today <= cycle.notice_ends_on):
        raise CYCLE.refusal(cycle, "object")
    if candidate.removed:
        raise ValidationError(_("This candidate was removed."))
    if not text.strip():
        raise ValidationError({"text": _("Write the objection.")})
    objection = save_as(
        Objection(candidate=candidate, text=text, submitted_on=today, submitted_by=access.user), access.user
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
def objection_answer(*, access: Access, objection: Objection, answer: str) -> Objection:
    CYCLE.authorize(access, objection.candidate.cycle, "answer")
    if not answer.strip():
        raise ValidationError({"answer": _("Write the answer.")})
    objection.answer, objection.answered_by, objection.answered_on = answer, access.user, timezone.localdate()
    return save_as(objection, access.user)
