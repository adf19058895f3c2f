"""Reads for the scoring and award pages, each a fixed number of queries."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils import timezone

from accounts.access import Access, Role
from campaigns.models import CampaignYear
from core.counts import counted

from .models import AwardCycle, Candidate, Objection, ScoreLine, ScoringRun


def years_for(access: Access, permission: str):
    """The campaign years of the institutes ``permission`` reaches (any scope within them)."""
    from branches.models import Branch

    branches = access.restrict(Branch.objects.all(), permission, branch="")
    committees = branches.values("committee")
    q = Q(campaign__committee__in=committees)
    for kind, pk in access.reach(permission):
        if kind == "all":
            q = Q(pk__isnull=False)
        elif kind == "committee":
            q |= Q(campaign__committee_id=pk)
        elif kind == "person" and access.person is not None:
            q |= Q(campaign__committee_id=access.person.committee_id)
    return CampaignYear.objects.filter(q).select_related("campaign").order_by("-year", "pk")


def current_run(campaign_year) -> ScoringRun | None:
    """The approved run, else the draft."""
    runs = {r.status: r for r in ScoringRun.objects.filter(campaign_year=campaign_year)}
    return runs.get(ScoringRun.Status.APPROVED) or runs.get(ScoringRun.Status.DRAFT)


def lines_for(access: Access, run: ScoringRun):
    return access.restrict(
        ScoreLine.objects.filter(run=run),
        "scoring.view",
        committee="run__campaign_year__campaign__committee",
        person="person",
    )


def ranking(lines) -> list[tuple[str, str, list[ScoreLine]]]:
    """Lines grouped by (kind, category), ranked. Two queries."""
    from branches.models import BranchCategory

    from .models import Subject

    rows = list(lines.select_related("branch", "person").order_by("kind", "category", "rank", "pk"))
    groups = []
    for kind, kind_label in Subject.choices:
        for category, label in BranchCategory.choices:
            group = [line for line in rows if line.kind == kind and line.category == category]
            if group:
                groups.append((kind_label, label, group))
    return groups


def line_detail(line: ScoreLine) -> list[dict]:
    """The items of a line grouped by criterion, with subtotals. One query."""
    criteria: dict[str, dict] = {}
    for item in line.items.all().order_by("sort_order", "pk"):
        c = criteria.setdefault(
            item.criterion,
            {"label": item.criterion_label, "goal": item.goal_label, "items": [], "points": 0, "max": 0},
        )
        c["items"].append(item)
        if item.source == "deduction":
            c["points"] -= item.points
        elif item.source != "veto":
            c["points"] += item.points
            c["max"] += item.max_points
    return list(criteria.values())


def cycle_candidates(cycle: AwardCycle, *, with_objections: bool):
    qs = cycle.candidates.select_related("branch", "person", "line").annotate(
        open_objections=Count("objections", filter=Q(objections__answered_on__isnull=True))
    )
    return list(qs.order_by("title", "removed", "-line__total", "pk"))


def objections_of(cycle: AwardCycle):
    return list(
        Objection.objects.filter(candidate__cycle=cycle)
        .select_related("candidate__branch", "candidate__person", "submitted_by", "answered_by")
        .order_by("answered_on", "submitted_on", "pk")
    )


@counted
def home_context(*, access, role: str | None, campaign_year, counts) -> dict:
    """What a role's home page shows (``templates/awards/_home.html``): the office the cycle's
    state and next step, the leading group a list awaiting approval, everyone an open notice."""
    context: dict = {}
    if campaign_year is None:
        return context
    today = timezone.localdate()
    try:  # loaded with the year on home pages (accounts.selectors)
        cycle = campaign_year.award_cycle
    except AwardCycle.DoesNotExist:
        cycle = None
    committee_id = campaign_year.campaign.committee_id
    if role in (Role.OFFICE, Role.ADMIN) and access.reaches_institute("awards.propose", committee_id):
        run = current_run(campaign_year)
        context["awards_office"] = True
        context["awards_run"] = run
        context["awards_cycle"] = cycle
        if cycle is not None:
            context["awards_late"] = cycle.late_warning(today)
            counts.add(
                "awards_open_objections",
                Objection.objects.filter(candidate__cycle=cycle, answered_on__isnull=True),
            )
    if role == Role.LEADING_GROUP and cycle is not None and cycle.status == AwardCycle.Status.APPROVAL:
        context["awards_to_approve"] = cycle
    if (
        cycle is not None
        and cycle.status == AwardCycle.Status.NOTICE
        and access.has("awards.notice")
        and cycle.notice_starts_on <= today <= cycle.notice_ends_on
    ):
        context["awards_notice"] = cycle
    return context


def notice_candidates(cycle: AwardCycle):
    return list(
        Candidate.objects.filter(cycle=cycle, removed=False)
        .select_related("branch", "person")
        .order_by("title", "branch__name", "person__name")
    )
