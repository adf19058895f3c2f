"""Compliance (是否按要求开展): what each branch recorded against the required frequencies of a
campaign year.

For every branch, every required kind and every period of the year (12 months, 4 quarters or the
year itself) the number of non-archived records dated in that period is compared with the
required count. A period is

- *met* when enough was recorded (whenever the period is),
- *due* while it runs and is not yet met,
- *overdue* once it has ended unmet,
- *not yet due* before it starts.

Periods are calendar periods of the campaign year: a record of 31 January counts for January,
one of 1 February for February (and the first quarter), one of 31 December of the year before
for nothing in this year. A party group meeting is owed by every active party group of a branch;
a branch without groups owes none.

A general branch's own records (``ActivityRecord.general_branch``) are measured against the
general branches' requirements (``RequiredFrequency.unit``), in a row of its own, when the caller
asks for general branches: the rows of branches, and every figure read from them (scoring,
dashboards, reports), stay what they were.

The whole table costs a fixed number of queries: the requirements, the branches with their
groups, the general branches, and one aggregate of the records.
"""

from __future__ import annotations

import calendar
import datetime
import functools
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import models
from django.db.models import Count, Prefetch, Q
from django.db.models.functions import ExtractMonth
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from branches.models import Branch, PartyGroup

from .defaults import REQUIRABLE
from .models import ActivityRecord, Kind, Period, RequiredFrequency, Unit


class Status(models.TextChoices):
    MET = "met", _("Met")
    DUE = "due", _("Due now")
    OVERDUE = "overdue", _("Overdue")
    FUTURE = "future", _("Not yet due")
    # Only a month cell of the grid, never an item: the month now running is neither done nor
    # late until it is over, whatever it holds so far.
    IN_PROGRESS = "in_progress", _("In progress")


# The colour of a grid cell is its worst status.
SEVERITY = {Status.MET: 0, Status.FUTURE: 1, Status.IN_PROGRESS: 2, Status.DUE: 2, Status.OVERDUE: 3}
CSS = {
    Status.MET: "success",
    Status.DUE: "warning",
    Status.OVERDUE: "danger",
    Status.FUTURE: "light",
    Status.IN_PROGRESS: "info",
}


# The sign of a status in the grid (templates/activities/_mark.html is the same for templates).
MARKS = {Status.MET: "✓", Status.DUE: "…", Status.OVERDUE: "✗", Status.FUTURE: "·", Status.IN_PROGRESS: "◔"}


def worst(statuses) -> str | None:
    statuses = list(statuses)
    return max(statuses, key=SEVERITY.__getitem__) if statuses else None


@dataclass(frozen=True)
class Span:
    """One period of a year: a month, a quarter or the year."""

    period: str
    year: int
    number: int  # month 1–12, quarter 1–4, or 1 for the year
    start: datetime.date
    end: datetime.date

    @property
    def months(self) -> range:
        return range(self.start.month, self.end.month + 1)

    @property
    def label(self) -> str:
        if self.period == Period.MONTHLY:
            return f"{self.year}-{self.number:02d}"
        if self.period == Period.QUARTERLY:
            return f"{self.year} Q{self.number}"
        return str(self.year)

    def status(self, *, recorded: int, required: int, today: datetime.date) -> str:
        if recorded >= required:
            return Status.MET
        if today > self.end:
            return Status.OVERDUE
        if today >= self.start:
            return Status.DUE
        return Status.FUTURE


def spans(year: int, period: str) -> list[Span]:
    def month_end(m):
        return datetime.date(year, m, calendar.monthrange(year, m)[1])

    if period == Period.MONTHLY:
        return [Span(period, year, m, datetime.date(year, m, 1), month_end(m)) for m in range(1, 13)]
    if period == Period.QUARTERLY:
        return [
            Span(period, year, q, datetime.date(year, 3 * q - 2, 1), month_end(3 * q)) for q in range(1, 5)
        ]
    return [Span(period, year, 1, datetime.date(year, 1, 1), datetime.date(year, 12, 31))]


@dataclass(slots=True)
class Item:
    """What one branch (or one of its party groups), or a general branch itself, recorded of one
    kind in one period. With slots: a page of the grid makes some 1,500 of them."""

    branch: object | None  # None for a general branch's own item
    kind: str
    party_group: object | None
    span: Span
    required: int
    recorded: int
    status: str
    general_branch: object | None = None

    @property
    def unit(self):
        """The branch, or the general branch, that owes it (for display)."""
        return self.branch if self.branch is not None else self.general_branch

    @property
    def owes_url(self) -> str:
        return owes_url(self.branch, self.general_branch)

    @property
    def kind_label(self) -> str:
        return Kind(self.kind).label

    @property
    def status_label(self) -> str:
        return Status(self.status).label

    @property
    def owed(self) -> int:
        return max(self.required - self.recorded, 0)

    @property
    def css(self) -> str:
        return CSS[self.status]


def describe(items) -> str:
    """What a grid cell stands for, in words (its tooltip): kind, party group, period, how many
    recorded of how many required. Built here rather than by a template included per cell:
    a page of the grid has some 400 cells."""
    language = translation.get_language()
    parts = []
    for i in items:
        group = f" · {i.party_group.name}" if i.party_group else ""
        span = f" ({i.span.label})" if i.span.period != Period.MONTHLY else ""
        parts.append(f"{_kind_label(i.kind, language)}{group}{span}: {i.recorded}/{i.required}")
    return "; ".join(parts)


@functools.cache
def _kind_label(kind: str, language: str | None) -> str:
    return str(Kind(kind).label)


class _Cell:
    """A cell's status is read several times per cell (colour, data attribute, mark): computed
    once (a cell's items do not change)."""

    @cached_property
    def status(self) -> str | None:
        return worst(i.status for i in self.items)

    @property
    def mark(self) -> str:
        return MARKS.get(self.status, "—")

    @property
    def title(self) -> str:
        return describe(self.items)


@dataclass
class MonthCell(_Cell):
    month: int
    items: list[Item] = field(default_factory=list)
    running: bool = False  # the month of today

    @cached_property
    def status(self) -> str | None:
        if self.running and self.items:
            return Status.IN_PROGRESS
        return worst(i.status for i in self.items)

    @property
    def css(self) -> str:
        return CSS.get(self.status, "light")


@dataclass
class YearlyCell(_Cell):
    kind: str
    items: list[Item] = field(default_factory=list)

    @property
    def css(self) -> str:
        return CSS.get(self.status, "light")

    @property
    def recorded(self) -> int:
        return sum(i.recorded for i in self.items)

    @property
    def required(self) -> int:
        return sum(i.required for i in self.items)


def owes_url(branch, general_branch=None) -> str:
    """The page of one unit's year (``views.compliance``)."""
    if branch is not None:
        return reverse("activities:branch_owes", args=[branch.pk])
    return reverse("activities:general_branch_owes", args=[general_branch.pk])


@dataclass
class BranchCompliance:
    """One row: a branch, or (``branch`` None) a general branch's own records."""

    branch: object | None
    items: list[Item]
    months: list[MonthCell]
    yearly: list[YearlyCell]
    general_branch: object | None = None

    @property
    def unit(self):
        return self.branch if self.branch is not None else self.general_branch

    @property
    def is_general_branch(self) -> bool:
        return self.branch is None

    @property
    def key(self) -> str:
        """Unique among the rows of a page (a branch and a general branch may share an id)."""
        return f"gb{self.general_branch.pk}" if self.branch is None else str(self.branch.pk)

    @property
    def owes_url(self) -> str:
        return owes_url(self.branch, self.general_branch)

    @property
    def overdue(self) -> list[Item]:
        return [i for i in self.items if i.status == Status.OVERDUE]

    @property
    def due(self) -> list[Item]:
        return [i for i in self.items if i.status == Status.DUE]

    @property
    def owing(self) -> list[Item]:
        """What the branch still owes now: overdue periods first, then the running ones."""
        return self.overdue + self.due

    @property
    def owing_summary(self) -> list[dict]:
        """``owing`` folded into one line per kind (and party group): which periods are overdue,
        which are due now, worst first."""
        lines: dict[tuple, dict] = {}
        for item in self.owing:
            key = (item.kind, item.party_group.pk if item.party_group else None)
            line = lines.setdefault(
                key,
                {
                    "kind": item.kind,
                    "kind_label": item.kind_label,
                    "party_group": item.party_group,
                    "overdue": [],
                    "due": [],
                },
            )
            line["overdue" if item.status == Status.OVERDUE else "due"].append(item)
        result = list(lines.values())
        for line in result:
            line["status"] = Status.OVERDUE if line["overdue"] else Status.DUE
            line["css"] = CSS[line["status"]]
        return sorted(result, key=lambda line: -len(line["overdue"]))

    def items_of(self, kind: str) -> list[Item]:
        return [i for i in self.items if i.kind == kind]


@dataclass
class ComplianceTable:
    campaign_year: object
    today: datetime.date
    requirements: list  # the branches'
    rows: list[BranchCompliance]
    # The general branches' own, when the table has their rows (else empty).
    general_branch_requirements: list = field(default_factory=list)

    @property
    def year(self) -> int:
        return self.campaign_year.year

    @property
    def months(self) -> list[datetime.date]:
        return [datetime.date(self.year, m, 1) for m in range(1, 13)]

    @property
    def yearly_requirements(self) -> list:
        """The yearly columns: the branches' yearly kinds, then the general branches' own that
        branches do not owe yearly (a row's ``yearly`` cells follow this order)."""
        shown = [r for r in self.requirements if r.period == Period.YEARLY]
        kinds = {r.kind for r in shown}
        for r in self.general_branch_requirements:
            if r.period == Period.YEARLY and r.kind not in kinds:
                shown.append(r)
                kinds.add(r.kind)
        return shown

    @property
    def overdue(self) -> list[Item]:
        return [i for row in self.rows for i in row.overdue]

    @property
    def due(self) -> list[Item]:
        return [i for row in self.rows for i in row.due]


def requirements_by_unit(*, campaign_year) -> dict[str, list[RequiredFrequency]]:
    """The requirements of ``campaign_year`` of each unit (``Unit``), one per kind, in the order
    of the kinds (one query)."""
    rows = {(r.unit, r.kind): r for r in RequiredFrequency.objects.filter(campaign_year=campaign_year)}
    return {unit: [rows[(unit, k)] for k in kinds if (unit, k) in rows] for unit, kinds in REQUIRABLE.items()}


def required_frequencies_for(*, campaign_year, unit: str = Unit.BRANCH) -> list[RequiredFrequency]:
    """The requirements of ``campaign_year`` for ``unit`` (branches unless said), one per kind,
    in the order of the kinds (one query). They are created with the year
    (``defaults.create_year_defaults``): reading them writes nothing."""
    rows = {r.kind: r for r in RequiredFrequency.objects.filter(campaign_year=campaign_year, unit=unit)}
    return [rows[k] for k in REQUIRABLE[unit] if k in rows]


def compliance_table(
    *, campaign_year, branches, general_branches=None, today: datetime.date | None = None
) -> ComplianceTable:
    """Compliance of ``branches`` (a queryset, already narrowed to what the user may see) in
    ``campaign_year``, as of ``today`` (default: the local date). With ``general_branches`` (a
    queryset, narrowed likewise) the table also has a row for each general branch's own records,
    against the general branches' requirements, just before its branches (the tree's order)."""
    today = today or timezone.localdate()
    year = campaign_year.year
    committee_id = campaign_year.campaign.committee_id
    if general_branches is None:
        by_unit = {
            Unit.BRANCH: required_frequencies_for(campaign_year=campaign_year),
            Unit.GENERAL_BRANCH: [],
        }
    else:
        by_unit = requirements_by_unit(campaign_year=campaign_year)
    requirements = [r for r in by_unit[Unit.BRANCH] if r.is_required]
    gb_requirements = [r for r in by_unit[Unit.GENERAL_BRANCH] if r.is_required]
    branch_list = list(
        branches.filter(committee_id=committee_id)
        .select_related("general_branch")
        .prefetch_related(
            Prefetch(
                "party_groups",
                queryset=PartyGroup.objects.filter(is_active=True).order_by("name_key"),
                to_attr="active_groups",
            )
        )
        .order_by(*Branch.TREE_ORDER)
    )
    gb_list = []
    if general_branches is not None:
        gb_list = list(general_branches.filter(committee_id=committee_id).order_by("sort_order", "name_key"))
    # What each branch (or party group, or general branch) recorded of each kind, by month:
    # (branch, group, general branch, kind) -> 13 counts, index 1–12 the months. A page of the
    # grid sums some 1,500 periods out of these; lists read by index cost less than a dictionary
    # lookup per month.
    counts: dict[tuple, list[int]] = defaultdict(lambda: [0] * 13)
    owners = Q(pk__in=[])
    if requirements and branch_list:
        owners |= Q(branch_id__in=[b.pk for b in branch_list], kind__in=[r.kind for r in requirements])
    if gb_requirements and gb_list:
        owners |= Q(general_branch_id__in=[g.pk for g in gb_list], kind__in=[r.kind for r in gb_requirements])
    if (requirements and branch_list) or (gb_requirements and gb_list):
        rows = (
            ActivityRecord.objects.active()
            .filter(owners, held_on__gte=datetime.date(year, 1, 1), held_on__lte=datetime.date(year, 12, 31))
            .annotate(month=ExtractMonth("held_on"))
            .values_list("branch_id", "party_group_id", "general_branch_id", "kind", "month")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for branch_id, group_id, gb_id, kind, month, n in rows:
            counts[(branch_id, group_id, gb_id, kind)][month] += n
    nothing = [0] * 13

    # Each span with its months (a slice of those counts) and its status when not met
    # (``Span.status`` with nothing recorded), computed once rather than for each branch.
    spans_of = {
        period: [
            (span, span.start.month, span.end.month + 1, span.status(recorded=0, required=1, today=today))
            for span in spans(year, period)
        ]
        for period in {r.period for r in requirements + gb_requirements}
    }
    table = ComplianceTable(campaign_year, today, requirements, [], gb_requirements)
    yearly_kinds = [r.kind for r in table.yearly_requirements]

    def row(branch, general_branch, unit_requirements):
        items = []
        months = [MonthCell(m, [], running=(year, m) == (today.year, today.month)) for m in range(1, 13)]
        branch_id = branch.pk if branch is not None else None
        gb_id = general_branch.pk if general_branch is not None else None
        for requirement in unit_requirements:
            kind, required, period = requirement.kind, requirement.count, requirement.period
            units = branch.active_groups if kind == Kind.GROUP_MEETING and branch is not None else [None]
            for unit in units:
                by_month = counts.get(
                    (branch_id, unit.pk if unit is not None else None, gb_id, kind), nothing
                )
                for span, first, stop, unmet in spans_of[period]:
                    recorded = sum(by_month[first:stop])
                    status = Status.MET if recorded >= required else unmet
                    items.append(Item(branch, kind, unit, span, required, recorded, status, general_branch))
        # Each item into the cells of the months it colours, in the order of the items. A
        # monthly item colours its month. A quarterly one colours the last month of its quarter
        # (when it falls due), and the earlier months only once it is met: a meeting not yet
        # held in January is no fault of January.
        for item in items:
            period = item.span.period
            if period == Period.MONTHLY:
                months[item.span.number - 1].items.append(item)
            elif period == Period.QUARTERLY:
                last = item.span.end.month
                for m in range(item.span.start.month, last + 1) if item.status == Status.MET else (last,):
                    months[m - 1].items.append(item)
        yearly = [
            YearlyCell(kind, [i for i in items if i.kind == kind and i.span.period == Period.YEARLY])
            for kind in yearly_kinds
        ]
        return BranchCompliance(branch, items, months, yearly, general_branch)

    # The tree's order: a general branch's own row, then its branches.
    pending = {g.pk: g for g in gb_list}
    for branch in branch_list:
        general_branch = pending.pop(branch.general_branch_id, None) if branch.general_branch_id else None
        if general_branch is not None:
            table.rows.append(row(None, general_branch, gb_requirements))
        table.rows.append(row(branch, None, requirements))
    for general_branch in pending.values():  # reached, without a branch on this page
        table.rows.append(row(None, general_branch, gb_requirements))
    return table
