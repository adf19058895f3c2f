"""Reads for the activity record and compliance pages. Each page costs a fixed number of queries,
however many branches, records, attendance rows or files there are."""

from __future__ import annotations

import datetime

from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.functional import cached_property

from accounts.access import Access, Role
from branches.models import Branch, GeneralBranch, PartyGroup, Person, Position
from campaigns.models import CampaignYear
from core.counts import counted

from .compliance import compliance_table
from .compliance import required_frequencies_for as required_frequencies_for  # a read
from .lectures import branch_secretary_on, general_branch_secretary_on
from .models import (
    ActivityRecord,
    Attendance,
    AttendanceStatus,
    Book,
    Evidence,
    Kind,
    ReadingList,
    RequiredFrequency,
)
from .people import general_branch_attendees, general_branch_people
from .summary import compliance_summary

# --- reach ------------------------------------------------------------------------------------


def records_reached(access: Access, permission: str, records=None):
    """``records`` (default: every record) narrowed to those ``permission`` reaches: a branch's
    by its branch, a general branch's own by its general branch (``Access.unit_q``; not through
    its branches: a branch's secretary does not see the general branch's own records)."""
    records = ActivityRecord.objects.all() if records is None else records
    q = access.unit_q(permission)
    return records if q is None else records.filter(q)


def general_branches_reached(access: Access, permission: str, committee_id: int | None = None):
    """The active general branches whose own records ``permission`` reaches, as a queryset (one
    query to read them; the rule is ``Access.reaches_general_branch``, decided without more)."""
    if not access.has(permission):
        return GeneralBranch.objects.none()
    candidates = GeneralBranch.objects.filter(is_active=True)
    if committee_id is not None:
        candidates = candidates.filter(committee_id=committee_id)
    pks = [
        g.pk for g in candidates.only("pk", "committee_id") if access.reaches_general_branch(permission, g)
    ]
    return GeneralBranch.objects.filter(pk__in=pks)


# --- records ----------------------------------------------------------------------------------


def count_of(model, **filters):
    """How many ``model`` rows point at the record, as a subquery: evaluated for the rows of
    the page only. (Count() over joins groups every record of the ledger before the page is
    cut: 5 s for a group's million records.)"""
    rows = model.objects.filter(record=OuterRef("pk"), **filters).order_by().values("record")
    return Coalesce(Subquery(rows.annotate(n=Count("pk")).values("n")), 0)


def record_list(records):
    return records.select_related("branch", "general_branch", "party_group", "host").annotate(
        evidence_count=count_of(Evidence, archived_at__isnull=True),
        present_count=count_of(Attendance, status=AttendanceStatus.PRESENT),
        attendance_count=count_of(Attendance),
    )


def records_in_month(records, month: datetime.date):
    """The records held in the calendar month of ``month``. A range, not held_on__month:
    EXTRACT(MONTH …) cannot use the date index (2 s at a group)."""
    first = month.replace(day=1)
    following = (first + datetime.timedelta(days=31)).replace(day=1)
    return records.filter(held_on__gte=first, held_on__lt=following)


def records_of_branches_named(records, branches, typed: str, few: int):
    """The records of the ``branches`` whose name contains ``typed``. Up to ``few`` such
    branches: by their ids, which PostgreSQL reads through the branch index. More: by a join,
    read along the date index. (A subquery, or UPPER() of icontains, leaves it guessing how many
    branches match: 0.5 s of nested loops over every record.)"""
    typed = " ".join(typed.split())
    ids = list(branches.filter(name__contains=typed).values_list("pk", flat=True)[: few + 1])
    if len(ids) <= few:
        return records.filter(branch__in=ids)
    return records.filter(branch__name__contains=typed)


class Ledger:
    """The records of the ledger page (``records``, filtered and narrowed) for a Paginator, newest
    first, in two queries a page: the ids of the page from the records table alone, then those
    rows with what the page shows (``record_list``).

    In one query with the joins, PostgreSQL walks the date index of a group's million records
    looking for the rows of a few branches or of one month (20 ms to 2 s); the ids alone take
    the branch or date index directly (under 1 ms). The count stops at ``cap``: counting a
    million rows cost more than the page, and beyond a hundred pages one filters instead."""

    order = ("-held_on", "-pk")
    cap = 3000

    def __init__(self, records):
        self.records = records

    @cached_property
    def found(self) -> int:
        return self.records.order_by()[: self.cap + 1].count()

    def count(self) -> int:
        return min(self.found, self.cap)

    @property
    def capped(self) -> bool:
        return self.found > self.cap

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, page: slice) -> list:
        if not isinstance(page, slice):  # e.g. a template looking up ``ledger.capped``
            raise TypeError("a Ledger is read a page (a slice) at a time")
        ids = list(self.records.order_by(*self.order).values_list("pk", flat=True)[page])
        rows = {r.pk: r for r in record_list(ActivityRecord.objects.filter(pk__in=ids))}
        return [rows[pk] for pk in ids]


def branches_to_record(branches) -> list[tuple]:
    """The branches a new record may be for, each with its active party groups (the first step
    of a new record)."""
    branches = branches.prefetch_related("party_groups").order_by("sort_order", "name")
    return [(b, [g for g in b.party_groups.all() if g.is_active]) for b in branches]


def record_form_choices(
    *, branch: Branch | None = None, general_branch: GeneralBranch | None = None, record=None
) -> dict:
    """What a record's form may name: the branch's people (and the host and recorder already
    named, after a transfer), its party groups (active, or the one already named) and the reading
    lists of its institute. For a general branch's own record: the members of its branches and
    its committee, no party group."""
    named = [p for p in ((record.host_id, record.recorder_id) if record else ()) if p]
    if general_branch is not None:
        return {
            "people": Person.objects.filter(
                Q(pk__in=general_branch_people(general_branch).values("pk")) | Q(pk__in=named)
            ).order_by("employee_no"),
            "party_groups": PartyGroup.objects.none(),
            "reading_lists": ReadingList.objects.filter(committee_id=general_branch.committee_id).order_by(
                "-published_on"
            ),
            "secretary": general_branch_secretary_on(general_branch, timezone.localdate()),
        }
    return {
        "people": Person.objects.filter(Q(branch=branch) | Q(pk__in=named)).order_by("employee_no"),
        "party_groups": PartyGroup.objects.filter(branch=branch).filter(
            Q(is_active=True) | Q(pk=getattr(record, "party_group_id", None))
        ),
        "reading_lists": ReadingList.objects.filter(committee_id=branch.committee_id).order_by(
            "-published_on"
        ),
        # Named in a lecture's hint: who gives a lecture decides what it counts for.
        "secretary": branch_secretary_on(branch, timezone.localdate()),
    }


def attendees_to_record(
    *, branch: Branch | None, kind: str, party_group, record=None, general_branch=None
) -> tuple[list, dict]:
    """Who a meeting's attendance form lists, and the rows already recorded: the expected
    attendees and, for a record being corrected, anyone recorded before (after a transfer)."""
    people = expected_attendees(
        branch=branch, kind=kind, party_group=party_group, general_branch=general_branch
    )
    existing = {}
    if record is not None:
        existing = {a.person_id: a for a in record.attendance.select_related("person")}
        known = {p.pk for p in people}
        people += [a.person for a in existing.values() if a.person_id not in known]
        people.sort(key=lambda p: p.employee_no)
    return people, existing


def record_detail(records):
    return records.select_related(
        "branch__committee",
        "branch__general_branch",
        "general_branch__committee",
        "party_group",
        "host",
        "recorder",
        "reading_list",
        "created_by__person",
        "archived_by__person",
    ).prefetch_related(
        Prefetch(
            "attendance",
            queryset=Attendance.objects.select_related("person__party_group").order_by("person__employee_no"),
        ),
        Prefetch(
            "evidence",
            queryset=Evidence.objects.select_related("uploaded_by__person", "archived_by__person").order_by(
                "uploaded_at", "pk"
            ),
        ),
    )


def attendance_history(record, limit: int = 100):
    """Corrections of the attendance of ``record`` (the first entry of each row is not one)."""
    rows = list(
        Attendance.history.filter(record_id=record.pk)
        .select_related("history_user__person", "person")
        .order_by("person_id", "history_date", "history_id")
    )
    changes, previous = [], {}
    for row in rows:
        before = previous.get(row.person_id)
        if before is not None and (before.status, before.reason) != (row.status, row.reason):
            changes.append({"record": row, "before": before})
        previous[row.person_id] = row
    changes.sort(key=lambda c: c["record"].history_date, reverse=True)
    return changes[:limit]


def grid_branch_ids(branches, campaign_year) -> list[int]:
    """The ids of ``branches`` (narrowed to the reader's reach) of the year's institute, in the
    tree's order: the compliance grid pages these, then builds the table of one page."""
    return list(
        branches.filter(committee_id=campaign_year.campaign.committee_id)
        .order_by(*Branch.TREE_ORDER)
        .values_list("pk", flat=True)
    )


def grid_units(branches, general_branches, campaign_year) -> list[tuple[str, int]]:
    """The rows of the compliance grid, ("branch", id) and ("general_branch", id), in the tree's
    order: a general branch's own row just before its branches; general branches with no branch
    within reach after the rest. Two queries, however many units."""
    committee_id = campaign_year.campaign.committee_id
    rows = (
        branches.filter(committee_id=committee_id)
        .order_by(*Branch.TREE_ORDER)
        .values_list("pk", "general_branch_id")
    )
    pending = set(general_branches.filter(committee_id=committee_id).values_list("pk", flat=True))
    units = []
    for pk, general_branch_id in rows:
        if general_branch_id in pending:
            pending.discard(general_branch_id)
            units.append(("general_branch", general_branch_id))
        units.append(("branch", pk))
    if pending:
        order = general_branches.filter(pk__in=pending).order_by("sort_order", "name_key")
        units += [("general_branch", pk) for pk in order.values_list("pk", flat=True)]
    return units


def owing_items(table, *, status: str | None = None, kind: str | None = None) -> list:
    """The items of ``table`` overdue (or, with ``status`` "due", due now), of ``kind`` if given."""
    items = table.due if status == "due" else table.overdue
    return [i for i in items if i.kind == kind] if kind else items


def frequency_history(campaign_year, limit: int = 50, unit: str = "branch"):
    """Changes to the required frequencies of ``campaign_year`` for ``unit``, newest first
    (creation excluded)."""
    return list(
        RequiredFrequency.history.filter(campaign_year_id=campaign_year.pk, unit=unit, history_type="~")
        .select_related("history_user__person")
        .order_by("-history_date", "-history_id")[:limit]
    )


def expected_attendees(
    *,
    branch: Branch | None,
    kind: str,
    party_group: PartyGroup | None = None,
    general_branch: GeneralBranch | None = None,
) -> list[Person]:
    """The people whose attendance a meeting records.

    - 党小组会: the members of the group;
    - 支委会: the branch committee (open positions 书记 · 副书记 · 委员 in the branch); when
      no committee is recorded, every member, so that the meeting can still be entered;
    - the others: every current member of the branch;
    - a general branch's own meeting: ``people.general_branch_attendees``."""
    if general_branch is not None:
        return general_branch_attendees(general_branch, kind)
    members = Person.objects.filter(branch=branch).order_by("employee_no")
    if kind == Kind.GROUP_MEETING:
        return list(members.filter(party_group=party_group)) if party_group else []
    if kind == Kind.COMMITTEE_MEETING:
        today = timezone.localdate()
        seats = Position.objects.filter(
            Q(ended_on__isnull=True) | Q(ended_on__gte=today),
            branch=branch,
            title__in=[Position.Title.SECRETARY, Position.Title.DEPUTY, Position.Title.COMMITTEE_MEMBER],
            started_on__lte=today,
        )
        committee = list(members.filter(pk__in=seats.values("person_id")))
        if committee:
            return committee
    return list(members)


# --- reading lists ----------------------------------------------------------------------------


def reading_lists_visible(access: Access):
    """The reading lists of the institutes whose years ``access`` may see."""
    years = CampaignYear.objects.visible_to(access, "activities.view")
    return ReadingList.objects.filter(committee__in=years.values("campaign__committee_id"))


def reading_lists_to_edit(access: Access):
    """The reading lists ``access`` may correct (``workflow.ReadingListWorkflow``, as a query)."""
    years = CampaignYear.objects.visible_to(access, "activities.reading_list")
    return ReadingList.objects.filter(committee__in=years.values("campaign__committee_id"))


def records_of_reading_list(records, reading_list, limit: int = 100):
    """The latest records (narrowed to the reader's reach) that name ``reading_list``."""
    return (
        records.filter(reading_list=reading_list)
        .select_related("branch", "general_branch")
        .order_by("-held_on")[:limit]
    )


# --- vanguard teams and research champions ------------------------------------------------------


def vanguard_page(*, teams, champions, campaign_year) -> dict:
    """The teams and champions of ``campaign_year`` (querysets narrowed to the reader's reach)."""
    return {
        "teams": teams.filter(campaign_year=campaign_year)
        .select_related("branch", "leader")
        .prefetch_related("members")
        .order_by("branch__sort_order", "branch__name_key", "name"),
        "champions": champions.filter(campaign_year=campaign_year)
        .select_related("branch", "person")
        .order_by("branch__sort_order", "branch__name_key", "person__employee_no"),
    }


def team_detail(teams):
    return teams.select_related("branch", "leader", "campaign_year", "created_by__person").prefetch_related(
        "members"
    )


def champion_detail(champions):
    return champions.select_related("branch", "person", "campaign_year", "created_by__person")


def people_to_name(*, branches, extra=()):
    """The people a team or champion form may name: those of ``branches``, and ``extra`` (those
    already named, after a transfer)."""
    return (
        Person.objects.filter(Q(branch__in=branches) | Q(pk__in=list(extra)))
        .select_related("branch")
        .order_by("branch__sort_order", "branch__name_key", "employee_no")
    )


def reading_list_page(lists):
    return lists.select_related("committee", "campaign_year", "published_by__person").prefetch_related(
        Prefetch("books", queryset=Book.objects.order_by("sort_order", "pk"))
    )


# --- home pages -------------------------------------------------------------------------------


@counted
def home_context(*, access, role: str | None, campaign_year, counts) -> dict:
    """What a role's home page shows about records and compliance (``templates/activities/_home.html``):
    a secretary what the branch still owes this year and its latest records; the office and the
    leading group how many periods are overdue, with a link to the list."""
    if campaign_year is None:
        return {}
    committee_id = campaign_year.campaign.committee_id
    if role == Role.SECRETARY:
        # A general branch's secretary: its own records' row first, labelled with its name,
        # beside its branches'.
        branches = access.restrict(Branch.objects.active(), "activities.change", branch="").filter(
            committee_id=committee_id
        )
        general_branches = general_branches_reached(access, "activities.change", committee_id)
        table = compliance_table(
            campaign_year=campaign_year, branches=branches, general_branches=general_branches
        )
        # The latest records come with the page's counts (core.counts).
        counts.rows(
            "records_latest",
            records_reached(access, "activities.change", ActivityRecord.objects.active())
            .select_related("branch", "general_branch", "party_group")
            .order_by("-held_on", "-pk")[:5],
        )
        home = {"kind": "secretary", "table": table}
        counts.then(lambda n: home.update(latest=n["records_latest"]) or {})
        return {"records_home": home}
    if role in (Role.OFFICE, Role.LEADING_GROUP, Role.ADMIN):
        branches = access.restrict(Branch.objects.active(), "compliance.view", branch="")
        summary = compliance_summary(
            campaign_year=campaign_year,
            branches=branches,
            general_branches=general_branches_reached(access, "compliance.view", committee_id),
        )
        return {
            "records_home": {
                "kind": "office",
                "campaign_year": campaign_year,
                "overdue_count": summary.overdue,
                "overdue_branches": summary.overdue_branches,
                "overdue_general_branches": summary.overdue_general_branches,
                "due_count": summary.due,
            }
        }
    return {}
