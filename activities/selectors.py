"""Reads for the activity record and compliance pages. Each page costs a fixed number of queries,
however many branches, records, attendance rows or files there are."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.functional import cached_property

from accounts.access import Access, Role
from accounts.models import User
from branches.models import Branch, PartyCommittee, PartyGroup, Person, Position
from campaigns.models import CampaignYear

from .compliance import compliance_table
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
from .summary import compliance_summary


def committees_reached(access: Access, permission: str):
    """The party committees in which ``permission`` reaches at least one branch."""
    branches = access.restrict(Branch.objects.all(), permission, branch="")
    return PartyCommittee.objects.filter(pk__in=branches.values("committee_id"))


def campaign_years(access: Access, permission: str):
    return (
        CampaignYear.objects.filter(campaign__committee__in=committees_reached(access, permission))
        .select_related("campaign__committee")
        .order_by("-year", "campaign__committee__name")
    )


def pick_campaign_year(years, wanted: str | None, today: datetime.date):
    """The year asked for (by pk), else this calendar year's, else the latest."""
    years = list(years)
    if wanted and wanted.isdigit():
        chosen = next((y for y in years if y.pk == int(wanted)), None)
        if chosen is not None:
            return chosen
    return next((y for y in years if y.year == today.year), years[0] if years else None)


# --- records ----------------------------------------------------------------------------------


def count_of(model, **filters):
    """How many ``model`` rows point at the record, as a subquery: evaluated for the rows of
    the page only. (Count() over joins groups every record of the ledger before the page is
    cut: 5 s for a group's million records.)"""
    rows = model.objects.filter(record=OuterRef("pk"), **filters).order_by().values("record")
    return Coalesce(Subquery(rows.annotate(n=Count("pk")).values("n")), 0)


def record_list(records):
    from .models import Attendance, Evidence

    return records.select_related("branch", "party_group", "host").annotate(
        evidence_count=count_of(Evidence, archived_at__isnull=True),
        present_count=count_of(Attendance, status=AttendanceStatus.PRESENT),
        attendance_count=count_of(Attendance),
    )


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


def record_detail(records):
    return records.select_related(
        "branch__committee",
        "branch__general_branch",
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


def audit_trail(obj, limit: int = 50):
    """The audit trail of ``obj``, newest first, for ``includes/history.html``: each change as
    (label, old, new) in words — a person's name rather than an id, a kind's label rather than
    its code, the members of a team by name.

    Like ``branches.selectors.history_rows``, but the people behind the users and the objects the
    changes point at are loaded in one query per related model, however long the history is."""
    records = list(
        obj.history.select_related("history_user__person").order_by("-history_date", "-history_id")[
            : limit + 1
        ]
    )
    raw, wanted = [], defaultdict(set)
    for newer, older in zip(records, records[1:] + [None], strict=False):
        if len(raw) == limit:
            break
        changes = []
        if older is not None and newer.history_type == "~":
            for change in newer.diff_against(older, foreign_keys_are_objs=False).changes:
                field = obj._meta.get_field(change.field)
                changes.append((field, change.old, change.new))
                if field.many_to_many:
                    key = field.m2m_reverse_field_name()
                    for value in (change.old or []) + (change.new or []):
                        wanted[field.related_model].add(value[key])
                elif field.is_relation:
                    wanted[field.related_model].update(v for v in (change.old, change.new) if v is not None)
        raw.append((newer, changes))
    names = {}
    for model, ids in wanted.items():
        found = model._default_manager.filter(pk__in=ids)
        if model is User:
            found = found.select_related("person")
        names[model] = {
            o.pk: (o.display_name() if model is User else getattr(o, "name", None) or str(o)) for o in found
        }

    def words(field, value):
        if value in (None, "", []):
            return None
        if field.many_to_many:
            key = field.m2m_reverse_field_name()
            return "、".join(str(names[field.related_model].get(v[key], v[key])) for v in value)
        if field.is_relation:
            return names[field.related_model].get(value, value)
        if field.choices:
            return dict(field.flatchoices).get(value, value)
        return value

    return [
        {
            "record": record,
            "changes": [
                (field.verbose_name, words(field, old), words(field, new)) for field, old, new in changes
            ],
        }
        for record, changes in raw
    ]


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


def frequency_history(campaign_year, limit: int = 50):
    """Changes to the required frequencies of ``campaign_year``, newest first (creation excluded)."""
    return list(
        RequiredFrequency.history.filter(campaign_year_id=campaign_year.pk, history_type="~")
        .select_related("history_user__person")
        .order_by("-history_date", "-history_id")[:limit]
    )


def expected_attendees(*, branch: Branch, kind: str, party_group: PartyGroup | None = None) -> list[Person]:
    """The people whose attendance a meeting records.

    - 党小组会: the members of the group;
    - 支委会: the branch committee (open positions 书记 · 副书记 · 委员 in the branch); when
      no committee is recorded, every member, so that the meeting can still be entered;
    - the others: every current member of the branch."""
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
    return ReadingList.objects.filter(committee__in=committees_reached(access, "activities.view"))


def reading_list_page(lists):
    return lists.select_related("committee", "campaign_year", "published_by__person").prefetch_related(
        Prefetch("books", queryset=Book.objects.order_by("sort_order", "pk"))
    )


# --- home pages -------------------------------------------------------------------------------


def home_context(*, access, role: str | None, campaign_year) -> dict:
    """What a role's home page shows about records and compliance (``templates/activities/_home.html``):
    a secretary what the branch still owes this year and its latest records; the office and the
    leading group how many periods are overdue, with a link to the list."""
    if campaign_year is None:
        return {}
    committee_id = campaign_year.campaign.committee_id
    if role == Role.SECRETARY:
        branches = access.restrict(Branch.objects.active(), "activities.change", branch="").filter(
            committee_id=committee_id
        )
        table = compliance_table(campaign_year=campaign_year, branches=branches)
        latest = list(
            access.restrict(ActivityRecord.objects.active(), "activities.change")
            .select_related("branch", "party_group")
            .order_by("-held_on", "-pk")[:5]
        )
        return {"records_home": {"kind": "secretary", "table": table, "latest": latest}}
    if role in (Role.OFFICE, Role.LEADING_GROUP, Role.ADMIN):
        branches = access.restrict(Branch.objects.active(), "compliance.view", branch="")
        summary = compliance_summary(campaign_year=campaign_year, branches=branches)
        return {
            "records_home": {
                "kind": "office",
                "campaign_year": campaign_year,
                "overdue_count": summary.overdue,
                "overdue_branches": summary.overdue_branches,
                "due_count": summary.due,
            }
        }
    return {}
