"""Reads for the scoring and award pages, each a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models import Count, F, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import Access, Role
from activities.models import ActivityRecord, Kind
from branches.models import Branch, BranchCategory, Person
from campaigns.models import CampaignYear
from core.counts import counted
from evaluations.models import Appraisal, Evaluation
from pledges.models import Pledge
from supervision.models import Review

from .models import (
    AwardCycle,
    Candidate,
    GeneralBranchLine,
    ModelPost,
    Objection,
    Rubric,
    RubricItem,
    ScoreEntry,
    ScoreItem,
    ScoreLine,
    ScoringRun,
    ScoringSettings,
    Subject,
    Title,
)


def rubric_for(*, campaign_year, kind: str) -> Rubric:
    """The year's rubric of ``kind`` (created with the year, ``awards.defaults``)."""
    return Rubric.objects.select_related("campaign_year__campaign").get(
        campaign_year=campaign_year, kind=kind
    )


def rubrics_with_items(campaign_year) -> list[tuple[Rubric, list[RubricItem]]]:
    """The year's rubrics, branches first, each with its items in order. Two queries."""
    rubrics = Rubric.objects.filter(campaign_year=campaign_year).prefetch_related(
        Prefetch("items", queryset=RubricItem.objects.order_by("sort_order", "pk"))
    )
    order = {kind: i for i, kind in enumerate(Subject.values)}
    return [(r, list(r.items.all())) for r in sorted(rubrics, key=lambda r: order[r.kind])]


def settings_for(*, campaign_year) -> ScoringSettings:
    """The year's weights (created with the year, ``awards.defaults``)."""
    return ScoringSettings.objects.get(campaign_year=campaign_year)


def entry_items(campaign_year):
    """The items the office enters points against: neither indicators nor automatic vetoes."""
    return RubricItem.objects.filter(
        rubric__campaign_year=campaign_year,
        source__in=[RubricItem.Source.OFFICE, RubricItem.Source.DEDUCTION, RubricItem.Source.VETO],
        indicator="",
    )


def entry_subjects(campaign_year) -> dict:
    """Who the office may enter points for: the institute's active branches and its members."""
    committee = campaign_year.campaign.committee_id
    return {
        "branches": Branch.objects.active().filter(committee_id=committee),
        "members": Person.objects.members().filter(committee_id=committee).select_related("branch"),
    }


def entries_of(campaign_year):
    return (
        ScoreEntry.objects.filter(item__rubric__campaign_year=campaign_year)
        .select_related("item", "branch", "person", "by")
        .order_by("-pk")
    )


def runs_of(campaign_year) -> dict[str, ScoringRun]:
    """The year's standing runs by status (at most a draft and an approved one)."""
    return {
        r.status: r
        for r in ScoringRun.objects.filter(
            campaign_year=campaign_year, status__in=[ScoringRun.Status.DRAFT, ScoringRun.Status.APPROVED]
        ).select_related("requested_by")
    }


def reopened_runs(campaign_year) -> list[ScoringRun]:
    """The year's runs the leading group reopened, newest first, with who and why."""
    return list(
        ScoringRun.objects.filter(campaign_year=campaign_year, status=ScoringRun.Status.REOPENED)
        .select_related("reopened_by", "approved_by")
        .order_by("-reopened_at", "-pk")
    )


@dataclass
class ApprovalPreview:
    """What approving a run freezes, and what stands in the way (``blockers``: the reasons the
    approval is refused, ``services.scoring_run_approve``)."""

    eligible: list[tuple[str, int]]  # (title label, eligible lines) per award title
    lines: int
    vetoed: int
    open_appraisals: list[str]  # branches whose democratic appraisal is not closed
    open_evaluations: list[str]  # mass evaluations still taking ballots
    blockers: list[str] = field(default_factory=list)

    @property
    def nothing_eligible(self) -> bool:
        return all(count == 0 for _label, count in self.eligible)


def approval_preview(run: ScoringRun) -> ApprovalPreview:
    """Eligible lines per award title, vetoes, the year's appraisals not yet graded and mass
    evaluations still open; four queries."""
    counts = {
        row["kind"]: row
        for row in run.lines.order_by()
        .values("kind")
        .annotate(total=Count("pk"), eligible=Count("pk", filter=Q(eligible=True)))
    }
    branches = counts.get(Subject.BRANCH, {}).get("eligible", 0)
    members = counts.get(Subject.MEMBER, {}).get("eligible", 0)
    eligible = [
        (Title.FIVE_GOOD.label, branches),
        (Title.ADVANCED.label, branches),
        (Title.OUTSTANDING.label, members),
    ]
    # A veto that struck leaves its explanation on the line's veto item (scoring.compute).
    vetoed = (
        ScoreItem.objects.filter(line__run=run, source=RubricItem.Source.VETO)
        .exclude(explanation="")
        .values("line")
        .distinct()
        .count()
    )
    year = run.campaign_year_id
    appraisals = list(
        Appraisal.objects.filter(campaign_year=year)
        .exclude(status=Appraisal.Status.CLOSED)
        .order_by("branch__sort_order", "branch__name_key")
        .values_list("branch__name", flat=True)
    )
    evaluations = list(
        Evaluation.objects.filter(campaign_year=year, status=Evaluation.Status.OPEN)
        .order_by("opens_on", "title")
        .values_list("title", flat=True)
    )
    preview = ApprovalPreview(
        eligible=eligible,
        lines=sum(row["total"] for row in counts.values()),
        vetoed=vetoed,
        open_appraisals=appraisals,
        open_evaluations=evaluations,
    )
    if preview.nothing_eligible:
        preview.blockers.append(
            _(
                "No branch and no member is eligible: nobody could be proposed. Look at the reasons "
                "in the ranking (published pledges, appraisal grades), then run the scoring again."
            )
        )
    if appraisals:
        preview.blockers.append(
            _("The democratic appraisal is not graded yet in: %(branches)s.")
            % {"branches": "、".join(appraisals)}
        )
    if evaluations:
        preview.blockers.append(
            _("The mass evaluation is still open: %(titles)s.") % {"titles": "、".join(evaluations)}
        )
    return preview


def cycle_of(campaign_year) -> AwardCycle | None:
    return (
        AwardCycle.objects.filter(campaign_year=campaign_year)
        .select_related("run", "campaign_year__campaign")
        .first()
    )


def approved_run(campaign_year) -> ScoringRun | None:
    return ScoringRun.objects.filter(campaign_year=campaign_year, status=ScoringRun.Status.APPROVED).first()


def addable_lines(cycle: AwardCycle, candidates) -> list[ScoreLine]:
    """The lines of the cycle's ranking that are not candidates yet (to add one by hand)."""
    taken = {(c.branch_id, c.person_id) for c in candidates if not c.removed}
    return [
        line
        for line in cycle.run.lines.select_related("branch", "person").order_by("kind", "category", "rank")
        if (line.branch_id, line.person_id if line.kind == Subject.MEMBER else None) not in taken
    ]


def addable_general_branch_lines(cycle: AwardCycle, candidates) -> list[GeneralBranchLine]:
    """The general branches of the cycle's ranking that are not candidates yet."""
    taken = {c.general_branch_id for c in candidates if c.general_branch_id and not c.removed}
    return [
        gl
        for gl in cycle.run.general_branch_lines.select_related("general_branch").order_by(
            F("rank").asc(nulls_last=True), "general_branch__name_key"
        )
        if gl.general_branch_id not in taken
    ]


def model_posts_of(campaign_year):
    return (
        ModelPost.objects.filter(branch__committee=campaign_year.campaign.committee_id)
        .select_related("person", "branch")
        .prefetch_related("reviews")
    )


def model_post_people(campaign_year):
    """The members who may be designated: the institute's."""
    return (
        Person.objects.members()
        .filter(committee=campaign_year.campaign.committee_id)
        .select_related("branch")
    )


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


def ranking_page(access: Access, run: ScoringRun, number, per_page: int):
    """One page of the ranking the reader may see, grouped (see :func:`ranking`), and the page.
    A group's institute ranks some 13,000 lines: a page of them at a time, in rank order within
    kind and category (a group continues on the next page), read as ids through the ranking
    index, then the page's rows."""
    lines = lines_for(access, run).order_by("kind", "category", "rank", "pk")
    page = Paginator(lines.values_list("pk", flat=True), per_page).get_page(number)
    return ranking(ScoreLine.objects.filter(pk__in=list(page))), page


def ranking(lines) -> list[tuple[str, str, list[ScoreLine]]]:
    """Lines grouped by (kind, category), ranked. Two queries."""
    rows = list(lines.select_related("branch", "person").order_by("kind", "category", "rank", "pk"))
    groups = []
    for kind, kind_label in Subject.choices:
        for category, label in BranchCategory.choices:
            group = [line for line in rows if line.kind == kind and line.category == category]
            if group:
                groups.append((kind_label, label, group))
    return groups


def general_branch_lines(
    access: Access, run: ScoringRun, *, with_own_items: bool = True
) -> list[GeneralBranchLine]:
    """The general branches' lines of ``run`` the reader reaches, in rank order (a general branch
    without a score last). One query; reach is decided on the loaded rows
    (``Access.reaches_general_branch``): the institute and the general branch's own secretary,
    not a branch's secretary nor a member. ``with_own_items``: with what each did itself
    (``own_items``, a query per app), for the ranking page."""
    rows = (
        GeneralBranchLine.objects.filter(run=run)
        .select_related("general_branch")
        .order_by(F("rank").asc(nulls_last=True), "general_branch__sort_order", "general_branch__name_key")
    )
    rows = [row for row in rows if access.reaches_general_branch("scoring.view", row.general_branch)]
    if not with_own_items:
        return rows
    checks = own_items(run.campaign_year_id, [row.general_branch_id for row in rows])
    for row in rows:
        row.own_items = checks.get(row.general_branch_id, [])
    return rows


def own_items(campaign_year, general_branch_ids) -> dict[int, list[tuple[str, bool]]]:
    """What each general branch did itself, beside its score: checks, not points (the score is
    its branches'). One query per app, read through its querysets (pledges, activities,
    supervision), as things stand today rather than frozen with the run: own pledge published;
    its secretary's 党课 held in the year (书记讲党课, the kind the activities app counts for
    the year); own half-year reviews acknowledged (of those written to it)."""
    ids = list(general_branch_ids)
    if not ids:
        return {}
    published = set(
        Pledge.objects.general_branch_pledges()
        .for_year(campaign_year)
        .public()
        .filter(general_branch_id__in=ids)
        .values_list("general_branch_id", flat=True)
    )
    lectures = set(
        ActivityRecord.objects.active()
        .filter(
            general_branch_id__in=ids,
            kind=Kind.SECRETARY_LECTURE,
            held_on__year=CampaignYear.objects.filter(pk=getattr(campaign_year, "pk", campaign_year)).values(
                "year"
            )[:1],
        )
        .values_list("general_branch_id", flat=True)
    )
    reviews = {
        row["general_branch_id"]: row
        for row in Review.objects.filter(
            round__campaign_year=campaign_year, kind=Review.Kind.GENERAL_BRANCH, general_branch_id__in=ids
        )
        .exclude(status=Review.Status.PENDING)
        .order_by()
        .values("general_branch_id")
        .annotate(written=Count("pk"), acknowledged=Count("pk", filter=Q(status=Review.Status.ACKNOWLEDGED)))
    }
    pledge_label, review_label = _("Own pledge published"), _("Own half-year reviews acknowledged")
    lecture_label = _("Own party lecture given by its secretary")
    items = {}
    for pk in ids:
        row = reviews.get(pk, {"written": 0, "acknowledged": 0})
        items[pk] = [
            (pledge_label, pk in published),
            (lecture_label, pk in lectures),
            (
                f"{review_label}（{row['acknowledged']}/{row['written']}）",
                row["written"] > 0 and row["acknowledged"] == row["written"],
            ),
        ]
    return items


def general_branch_line_branches(gb_line: GeneralBranchLine) -> list[ScoreLine]:
    """The branch lines a general branch's score averages: those of the same run that were under
    it when the run was computed (``quota_unit``), in rank order. One query."""
    return list(
        ScoreLine.objects.filter(run=gb_line.run_id, kind=Subject.BRANCH, quota_unit=gb_line.quota_unit)
        .select_related("branch")
        .order_by("-total", "branch__sort_order", "branch__name_key")
    )


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
    qs = cycle.candidates.select_related(
        "branch", "general_branch", "person", "line", "general_branch_line"
    ).annotate(open_objections=Count("objections", filter=Q(objections__answered_on__isnull=True)))
    # Within 先进党总支(支部): the general branches first, then the branches.
    return list(
        qs.order_by(
            "title",
            "removed",
            F("general_branch_id").asc(nulls_last=True),
            "-general_branch_line__total",
            "-line__total",
            "pk",
        )
    )


def objections_of(cycle: AwardCycle):
    return list(
        Objection.objects.filter(candidate__cycle=cycle)
        .select_related(
            "candidate__branch",
            "candidate__general_branch",
            "candidate__person",
            "submitted_by",
            "answered_by",
        )
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
        .select_related("branch", "general_branch", "person")
        .order_by(
            "title",
            F("general_branch__sort_order").asc(nulls_last=True),
            "general_branch__name_key",
            "branch__name_key",
            "person__name",
        )
    )


def live_candidates(cycle: AwardCycle | None):
    """The candidates not removed (those one may object to)."""
    return Candidate.objects.filter(cycle=cycle, removed=False) if cycle else Candidate.objects.none()
