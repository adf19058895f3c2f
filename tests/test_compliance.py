"""Compliance: records counted per calendar month, quarter and year against the required
frequencies, with exact statuses at the boundaries."""

import datetime

import pytest
from django.urls import reverse

from activities import selectors
from activities.compliance import Status, compliance_table, spans
from activities.models import ActivityRecord, Kind, Period, RequiredFrequency
from branches.models import Branch, GeneralBranch
from campaigns.models import CampaignYear
from campaigns.services import campaign_year_create

D = datetime.date
MET, DUE, OVERDUE, FUTURE = Status.MET, Status.DUE, Status.OVERDUE, Status.FUTURE


@pytest.fixture
def year(institute):
    return CampaignYear.objects.get(campaign=institute.campaign, year=2026)


def record(branch, kind, on, *, group=None, archived=False, actor):
    """A record written straight to the table: the dates under test may lie after today."""
    return ActivityRecord.objects.create(
        branch=branch,
        kind=kind,
        held_on=on,
        title=f"{kind} {on}",
        party_group=group,
        created_by=actor,
        **(
            {
                "archived_at": datetime.datetime(2026, 5, 1, tzinfo=datetime.UTC),
                "archived_by": actor,
                "archive_reason": "重复",
            }
            if archived
            else {}
        ),
    )


def statuses(table, branch, kind, group=None):
    row = next(r for r in table.rows if r.branch == branch)
    return [i.status for i in row.items if i.kind == kind and i.party_group == group]


def recorded(table, branch, kind, group=None):
    row = next(r for r in table.rows if r.branch == branch)
    return [i.recorded for i in row.items if i.kind == kind and i.party_group == group]


def only(institute, *branches):
    return Branch.objects.filter(pk__in=[b.pk for b in branches])


# --- periods ----------------------------------------------------------------------------------


def test_spans_are_calendar_periods():
    months = spans(2024, Period.MONTHLY)
    assert [(s.start, s.end) for s in months[:3]] == [
        (D(2024, 1, 1), D(2024, 1, 31)),
        (D(2024, 2, 1), D(2024, 2, 29)),  # leap year
        (D(2024, 3, 1), D(2024, 3, 31)),
    ]
    assert months[-1].end == D(2024, 12, 31)
    quarters = spans(2026, Period.QUARTERLY)
    assert [(s.start, s.end) for s in quarters] == [
        (D(2026, 1, 1), D(2026, 3, 31)),
        (D(2026, 4, 1), D(2026, 6, 30)),
        (D(2026, 7, 1), D(2026, 9, 30)),
        (D(2026, 10, 1), D(2026, 12, 31)),
    ]
    assert [(s.start, s.end) for s in spans(2026, Period.YEARLY)] == [(D(2026, 1, 1), D(2026, 12, 31))]


@pytest.mark.parametrize(
    "today, status",
    [
        (D(2025, 12, 31), FUTURE),
        (D(2026, 1, 1), DUE),
        (D(2026, 1, 31), DUE),  # the last day of the month is still in time
        (D(2026, 2, 1), OVERDUE),
    ],
)
def test_month_status_at_its_edges(today, status):
    january = spans(2026, Period.MONTHLY)[0]
    assert january.status(recorded=0, required=1, today=today) == status
    assert january.status(recorded=1, required=1, today=today) == MET


# --- counting ---------------------------------------------------------------------------------


def test_defaults_created_once(institute, year, django_assert_num_queries):
    rows = selectors.required_frequencies_for(campaign_year=year)
    again = selectors.required_frequencies_for(campaign_year=year)
    assert [r.pk for r in rows] == [r.pk for r in again]
    # every kind but "other" (and the general branches' own: tests/test_activities_general_branch.py)
    assert RequiredFrequency.objects.filter(campaign_year=year, unit="branch").count() == 9
    required = {(r.kind, r.period, r.count) for r in rows if r.is_required}
    assert required == {
        (Kind.NEWS_REPORT, Period.MONTHLY, 1),
        (Kind.COMMITTEE_MEETING, Period.MONTHLY, 1),
        (Kind.GROUP_MEETING, Period.MONTHLY, 1),
        (Kind.GENERAL_MEETING, Period.QUARTERLY, 1),
        (Kind.SECRETARY_LECTURE, Period.YEARLY, 1),
        (Kind.READING_REVIEW, Period.YEARLY, 1),
    }
    with django_assert_num_queries(1):
        selectors.required_frequencies_for(campaign_year=year)


def test_month_boundaries(institute, year):
    actor, branch = institute.secretary.user, institute.branch2
    record(branch, Kind.COMMITTEE_MEETING, D(2025, 12, 31), actor=actor)  # last year: not counted
    record(branch, Kind.COMMITTEE_MEETING, D(2026, 1, 31), actor=actor)  # January
    record(branch, Kind.COMMITTEE_MEETING, D(2026, 2, 1), actor=actor)  # February
    record(
        branch, Kind.COMMITTEE_MEETING, D(2026, 3, 15), actor=actor, archived=True
    )  # archived: not counted
    record(branch, Kind.COMMITTEE_MEETING, D(2026, 12, 31), actor=actor)  # December
    record(branch, Kind.COMMITTEE_MEETING, D(2027, 1, 1), actor=actor)  # next year: not counted
    table = compliance_table(campaign_year=year, branches=only(institute, branch), today=D(2026, 5, 15))
    assert recorded(table, branch, Kind.COMMITTEE_MEETING) == [1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]
    assert statuses(table, branch, Kind.COMMITTEE_MEETING) == [
        MET, MET, OVERDUE, OVERDUE, DUE, FUTURE, FUTURE, FUTURE, FUTURE, FUTURE, FUTURE, MET,
    ]  # fmt: skip


def test_quarter_boundaries(institute, year):
    actor, branch = institute.secretary.user, institute.branch2
    record(branch, Kind.GENERAL_MEETING, D(2025, 12, 31), actor=actor)  # not Q1 2026
    record(branch, Kind.GENERAL_MEETING, D(2026, 3, 31), actor=actor)  # Q1
    record(branch, Kind.GENERAL_MEETING, D(2026, 10, 1), actor=actor)  # Q4
    table = compliance_table(campaign_year=year, branches=only(institute, branch), today=D(2026, 7, 1))
    assert recorded(table, branch, Kind.GENERAL_MEETING) == [1, 0, 0, 1]
    # On 1 July the second quarter has just ended unmet; the third has begun.
    assert statuses(table, branch, Kind.GENERAL_MEETING) == [MET, OVERDUE, DUE, MET]
    table = compliance_table(campaign_year=year, branches=only(institute, branch), today=D(2026, 6, 30))
    assert statuses(table, branch, Kind.GENERAL_MEETING) == [MET, DUE, FUTURE, MET]


def test_year_boundaries(institute, year):
    actor, branch = institute.secretary.user, institute.branch2
    record(branch, Kind.SECRETARY_LECTURE, D(2025, 12, 31), actor=actor)  # last year's lecture
    record(branch, Kind.READING_REVIEW, D(2026, 12, 31), actor=actor)  # this year's review
    branches = only(institute, branch)
    on = lambda today: compliance_table(campaign_year=year, branches=branches, today=today)  # noqa: E731
    assert statuses(on(D(2025, 12, 31)), branch, Kind.SECRETARY_LECTURE) == [FUTURE]
    assert statuses(on(D(2026, 12, 31)), branch, Kind.SECRETARY_LECTURE) == [DUE]
    assert statuses(on(D(2027, 1, 1)), branch, Kind.SECRETARY_LECTURE) == [OVERDUE]
    assert statuses(on(D(2027, 1, 1)), branch, Kind.READING_REVIEW) == [MET]
    assert recorded(on(D(2027, 1, 1)), branch, Kind.SECRETARY_LECTURE) == [0]


def test_group_meetings_are_owed_per_party_group(institute, year):
    actor = institute.secretary.user
    record(institute.branch, Kind.GROUP_MEETING, D(2026, 2, 10), group=institute.group, actor=actor)
    table = compliance_table(
        campaign_year=year, branches=only(institute, institute.branch, institute.branch2), today=D(2026, 3, 5)
    )
    assert statuses(table, institute.branch, Kind.GROUP_MEETING, institute.group)[:4] == [
        OVERDUE,
        MET,
        DUE,
        FUTURE,
    ]
    # A branch without party groups owes no group meeting.
    assert statuses(table, institute.branch2, Kind.GROUP_MEETING) == []


def test_grid_cells_take_the_worst_status(institute, year):
    actor, branch = institute.secretary.user, institute.branch2
    for day in (D(2026, 1, 31), D(2026, 2, 1)):
        record(branch, Kind.COMMITTEE_MEETING, day, actor=actor)
        record(branch, Kind.NEWS_REPORT, day, actor=actor)
    record(branch, Kind.GENERAL_MEETING, D(2026, 2, 1), actor=actor)
    record(branch, Kind.NEWS_REPORT, D(2026, 3, 1), actor=actor)  # March: news, no committee meeting
    table = compliance_table(campaign_year=year, branches=only(institute, branch), today=D(2026, 5, 15))
    row = table.rows[0]
    assert [c.status for c in row.months] == [
        MET, MET, OVERDUE, OVERDUE,
        Status.IN_PROGRESS,  # May, the month now running: neither done nor late until it is over
        DUE,  # June: the second quarter's general meeting is due by its end
        FUTURE, FUTURE, FUTURE, FUTURE, FUTURE, FUTURE,
    ]  # fmt: skip
    # The quarterly meeting colours the last month of its quarter, earlier months only once met.
    assert Kind.GENERAL_MEETING in [i.kind for i in row.months[0].items]
    assert Kind.GENERAL_MEETING not in [i.kind for i in row.months[3].items]
    assert [(c.kind, c.status) for c in row.yearly] == [
        (Kind.SECRETARY_LECTURE, DUE),
        (Kind.READING_REVIEW, DUE),
    ]
    owed = [(i.kind, i.span.label) for i in row.overdue]
    assert owed == [
        (Kind.COMMITTEE_MEETING, "2026-03"),
        (Kind.COMMITTEE_MEETING, "2026-04"),
        (Kind.NEWS_REPORT, "2026-04"),
    ]


def test_frequencies_are_set_per_year_and_change_the_result(client, institute, year):
    actor, branch = institute.secretary.user, institute.branch2
    record(branch, Kind.COMMITTEE_MEETING, D(2026, 1, 31), actor=actor)
    record(branch, Kind.COMMITTEE_MEETING, D(2026, 2, 1), actor=actor)
    next_year = campaign_year_create(campaign=institute.campaign, year=2027)
    client.force_login(institute.office.user)
    url = reverse("activities:frequencies", args=[year.pk])
    rows = client.get(url).context["rows"]
    data = {}
    for row, _form in rows:
        data[f"{row.kind}-is_required"] = "on" if row.is_required else ""
        data[f"{row.kind}-period"] = row.period
        data[f"{row.kind}-count"] = str(row.count)
    data.update({"committee_meeting-period": "quarterly", "committee_meeting-count": "2"})
    data["party_class-is_required"] = "on"  # switch on the party class, yearly
    data = {k: v for k, v in data.items() if v != ""}
    assert client.post(url, data).status_code == 302
    branches = only(institute, branch)
    table = compliance_table(campaign_year=year, branches=branches, today=D(2026, 5, 15))
    assert statuses(table, branch, Kind.COMMITTEE_MEETING) == [MET, DUE, FUTURE, FUTURE]
    assert statuses(table, branch, Kind.PARTY_CLASS) == [DUE]
    row = RequiredFrequency.objects.get(campaign_year=year, kind=Kind.COMMITTEE_MEETING)
    assert row.history.first().history_user == institute.office.user
    # Three a quarter: the first quarter is now short.
    assert client.post(url, {**data, "committee_meeting-count": "3"}).status_code == 302
    table = compliance_table(campaign_year=year, branches=branches, today=D(2026, 5, 15))
    assert statuses(table, branch, Kind.COMMITTEE_MEETING)[0] == OVERDUE
    # The next year keeps the defaults.
    nxt = {r.kind: r for r in selectors.required_frequencies_for(campaign_year=next_year)}
    assert (nxt[Kind.COMMITTEE_MEETING].period, nxt[Kind.COMMITTEE_MEETING].count) == (Period.MONTHLY, 1)
    assert client.post(url, {**data, "committee_meeting-count": "0"}).status_code == 200  # refused


# --- pages ------------------------------------------------------------------------------------


@pytest.fixture
def may_15(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: D(2026, 5, 15))


def test_grid_page(client, institute, year, may_15):
    record(institute.branch2, Kind.COMMITTEE_MEETING, D(2026, 1, 5), actor=institute.secretary.user)
    client.force_login(institute.office.user)
    response = client.get(reverse("activities:compliance"))
    assert response.status_code == 200
    table = response.context["table"]
    assert {r.branch for r in table.rows} >= {institute.branch, institute.branch2, institute.other_branch}
    assert institute.foreign_branch not in {r.branch for r in table.rows}
    page = response.content.decode()
    assert f'data-testid="grid-{institute.branch2.pk}"' in page and 'data-status="overdue"' in page


def test_secretary_grid_shows_own_branch_only(client, institute, year, may_15):
    client.force_login(institute.secretary.user)
    table = client.get(reverse("activities:compliance")).context["table"]
    assert [r.branch for r in table.rows] == [institute.branch]


def test_overdue_list_and_branch_view(client, institute, year, may_15):
    actor = institute.secretary.user
    record(institute.branch2, Kind.COMMITTEE_MEETING, D(2026, 1, 5), actor=actor)
    client.force_login(institute.office.user)
    items = client.get(reverse("activities:overdue")).context["paginator"].object_list
    mine = [(i.kind, i.span.label) for i in items if i.branch == institute.branch2]
    assert (Kind.COMMITTEE_MEETING, "2026-01") not in mine
    assert (Kind.COMMITTEE_MEETING, "2026-02") in mine and (Kind.GENERAL_MEETING, "2026 Q1") in mine
    assert all(i.status == OVERDUE for i in items)
    due = client.get(reverse("activities:overdue"), {"status": "due", "kind": Kind.NEWS_REPORT})
    assert {(i.kind, i.span.label) for i in due.context["paginator"].object_list} == {
        (Kind.NEWS_REPORT, "2026-05")
    }
    # The branch's own view: what it still owes.
    client.force_login(institute.secretary.user)
    response = client.get(reverse("activities:branch_owes", args=[institute.branch.pk]))
    owing = [(i.kind, i.span.label, i.status) for i in response.context["row"].owing]
    assert (Kind.COMMITTEE_MEETING, "2026-05", DUE) in owing
    assert (Kind.GROUP_MEETING, "2026-01", OVERDUE) in owing
    assert (Kind.SECRETARY_LECTURE, "2026", DUE) in owing
    assert client.get(reverse("activities:branch_owes", args=[institute.other_branch.pk])).status_code == 404


def test_home_pages_show_what_is_owed(client, institute, year, may_15):
    client.force_login(institute.secretary.user)
    page = client.get(reverse("home"))
    home = page.context["records_home"]
    assert [r.branch for r in home["table"].rows] == [institute.branch]
    assert 'data-testid="records-home"' in page.content.decode()
    client.force_login(institute.office.user)
    home = client.get(reverse("home")).context["records_home"]
    # The general branches' own records count too (issue 20).
    gbs = GeneralBranch.objects.filter(is_active=True)
    table = compliance_table(campaign_year=year, branches=Branch.objects.active(), general_branches=gbs)
    assert home["overdue_count"] == len(table.overdue) > 0
    assert home["overdue_branches"] == len({(i.branch is None, i.unit.pk) for i in table.overdue})
    assert home["due_count"] == len(table.due) > 0
    client.force_login(institute.member.user)
    assert "records_home" not in client.get(reverse("home")).context
