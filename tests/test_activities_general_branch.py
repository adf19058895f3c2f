"""A general branch's own activity records (issue 20): its committee's meetings (党总支委员会), its
secretary's 党课, its news reports; who may enter them (its secretary, never a branch's), what
they count for against the general branches' own required frequencies, and the pages that show
them beside the branches' in a fixed number of queries."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.access import compute_access
from activities import services, summary
from activities.compliance import Status, compliance_table
from activities.defaults import GENERAL_BRANCH_REQUIRABLE_KINDS
from activities.models import ActivityRecord, AttendanceStatus, Kind, Period, RequiredFrequency
from activities.selectors import general_branches_reached
from activities.services import AttendanceEntry
from branches.models import Branch, GeneralBranch
from campaigns.models import CampaignYear

from .factories import BranchFactory, GeneralBranchFactory, make_member, make_secretary
from .test_activities_general_branch_support import TODAY, gb_committee_member, gb_record

pytestmark = pytest.mark.django_db
D = datetime.date
MET, DUE, OVERDUE, FUTURE = Status.MET, Status.DUE, Status.OVERDUE, Status.FUTURE


@pytest.fixture
def year(institute):
    return CampaignYear.objects.get(campaign=institute.campaign, year=2026)


def gb_row(table, gb):
    return next(r for r in table.rows if r.is_general_branch and r.general_branch.pk == gb.pk)


def branch_row(table, branch):
    return next(r for r in table.rows if r.branch is not None and r.branch.pk == branch.pk)


def statuses(row, kind):
    return [i.status for i in row.items_of(kind)]


# --- the model ----------------------------------------------------------------------------------


def test_a_record_has_one_owner_and_a_kind_that_fits_it(institute):
    actor = institute.gb_secretary.user
    base = {"held_on": D(2026, 3, 1), "title": "会议", "created_by": actor}
    wrong = [
        {"branch": institute.branch, "general_branch": institute.gb, "kind": Kind.NEWS_REPORT},
        {"kind": Kind.NEWS_REPORT},  # nobody's
        {"general_branch": institute.gb, "kind": Kind.COMMITTEE_MEETING},  # a branch's 支委会
        {"general_branch": institute.gb, "kind": Kind.GENERAL_MEETING},
        {"branch": institute.branch, "kind": Kind.GB_COMMITTEE_MEETING},  # only a general branch's
    ]
    for fields in wrong:
        with pytest.raises(IntegrityError), transaction.atomic():
            ActivityRecord.objects.create(**base, **fields)
    record = ActivityRecord.objects.create(
        **base, general_branch=institute.gb, kind=Kind.GB_COMMITTEE_MEETING
    )
    assert record.unit == institute.gb and record.is_general_branch
    year = CampaignYear.objects.get(campaign=institute.campaign)
    with pytest.raises(IntegrityError), transaction.atomic():  # a branch is never required it
        RequiredFrequency.objects.create(
            campaign_year=year, unit="branch", kind=Kind.GB_GENERAL_MEETING, period=Period.YEARLY
        )


def test_the_general_branches_requirements_are_made_with_the_year(institute, year):
    rows = RequiredFrequency.objects.filter(campaign_year=year, unit="general_branch")
    assert sorted(r.kind for r in rows) == sorted(GENERAL_BRANCH_REQUIRABLE_KINDS)
    assert {(r.kind, r.period, r.count) for r in rows if r.is_required} == {
        (Kind.GB_COMMITTEE_MEETING, Period.QUARTERLY, 1),
        (Kind.SECRETARY_LECTURE, Period.YEARLY, 1),
        (Kind.NEWS_REPORT, Period.MONTHLY, 1),
    }
    # The branches' stay as they were.
    branch = {r.kind: r for r in RequiredFrequency.objects.filter(campaign_year=year, unit="branch")}
    assert Kind.GB_COMMITTEE_MEETING not in branch
    assert (branch[Kind.COMMITTEE_MEETING].period, branch[Kind.COMMITTEE_MEETING].count) == (
        Period.MONTHLY,
        1,
    )


# --- services and who may act -------------------------------------------------------------------


def test_the_general_branch_secretary_records_its_committee_meeting_with_its_committee(institute):
    member = gb_committee_member(institute)
    record = gb_record(
        institute,
        attendance=[
            AttendanceEntry(institute.gb_secretary, AttendanceStatus.PRESENT),
            AttendanceEntry(member, AttendanceStatus.LEAVE, "出差"),
        ],
    )
    assert record.general_branch == institute.gb and record.branch is None
    assert {(a.person, a.status) for a in record.attendance.all()} == {
        (institute.gb_secretary, AttendanceStatus.PRESENT),
        (member, AttendanceStatus.LEAVE),
    }
    assert record.history.first().history_user == institute.gb_secretary.user
    # Someone outside the general branch cannot be listed; a branch's kind is refused.
    with pytest.raises(ValidationError) as refused:
        gb_record(institute, attendance=[AttendanceEntry(institute.other_member, AttendanceStatus.PRESENT)])
    assert "attendance" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        gb_record(institute, kind=Kind.COMMITTEE_MEETING, attendance=[])
    assert "kind" in refused.value.message_dict


@pytest.mark.parametrize("who", ["secretary", "other_secretary", "office", "member"])
def test_only_the_general_branch_itself_enters_its_records(institute, who):
    actor = getattr(institute, who).user
    with pytest.raises(PermissionDenied):
        services.record_create(
            general_branch=institute.gb,
            kind=Kind.NEWS_REPORT,
            access=compute_access(actor),
            held_on=D(2026, 3, 1),
            title="通讯",
            published_in="党委网站",
            today=TODAY,
        )
    assert not ActivityRecord.objects.filter(general_branch=institute.gb).exists()


def test_a_general_branch_secretary_does_not_record_for_another_general_branch(institute):
    other = GeneralBranchFactory(committee=institute.committee, name="第二党总支")
    with pytest.raises(PermissionDenied):
        services.record_create(
            general_branch=other,
            kind=Kind.NEWS_REPORT,
            access=compute_access(institute.gb_secretary.user),
            held_on=D(2026, 3, 1),
            title="通讯",
            today=TODAY,
        )


def test_who_gave_the_general_branch_lecture_decides_what_it_counts_for(institute):
    own = gb_record(institute, kind=Kind.PARTY_CLASS, host=institute.gb_secretary, title="总支书记讲党课")
    assert own.kind == Kind.SECRETARY_LECTURE
    # A branch's secretary speaking at the general branch's lecture: a party class.
    other = gb_record(institute, kind=Kind.PARTY_CLASS, host=institute.secretary, title="支部书记讲")
    assert other.kind == Kind.PARTY_CLASS
    # Corrected to its own secretary, it becomes the secretary's lecture.
    services.record_update(
        record=other,
        access=compute_access(institute.gb_secretary.user),
        changes={"host": institute.gb_secretary},
    )
    other.refresh_from_db()
    assert other.kind == Kind.SECRETARY_LECTURE
    # The lecture's attendance lists the members of its branches (and its committee).
    services.record_update(
        record=own,
        access=compute_access(institute.gb_secretary.user),
        changes={},
        attendance=[AttendanceEntry(institute.member2, AttendanceStatus.PRESENT)],
    )
    assert own.attendance.get().person == institute.member2


def test_the_office_restores_an_archived_general_branch_record(institute):
    record = gb_record(institute)
    services.record_archive(record=record, access=compute_access(institute.gb_secretary.user), reason="重复")
    with pytest.raises(PermissionDenied):
        services.record_restore(
            record=record, access=compute_access(institute.secretary.user), reason="误操作"
        )
    services.record_restore(record=record, access=compute_access(institute.office.user), reason="误操作")
    record.refresh_from_db()
    assert record.archived_at is None and record.restore_reason == "误操作"


# --- compliance -----------------------------------------------------------------------------------


def test_compliance_counts_a_general_branch_against_its_own_frequencies(institute, year):
    gb_record(institute, held_on=D(2026, 2, 10))  # Q1 committee meeting
    gb_record(
        institute, kind=Kind.PARTY_CLASS, host=institute.gb_secretary, held_on=D(2026, 4, 1), title="党课"
    )
    gbs = GeneralBranch.objects.filter(pk=institute.gb.pk)
    table = compliance_table(
        campaign_year=year, branches=Branch.objects.active(), general_branches=gbs, today=D(2026, 5, 15)
    )
    row = gb_row(table, institute.gb)
    assert statuses(row, Kind.GB_COMMITTEE_MEETING) == [MET, DUE, FUTURE, FUTURE]
    assert statuses(row, Kind.SECRETARY_LECTURE) == [MET]
    assert statuses(row, Kind.NEWS_REPORT)[:5] == [OVERDUE, OVERDUE, OVERDUE, OVERDUE, DUE]
    assert not statuses(row, Kind.COMMITTEE_MEETING)  # a branch's kind: not owed by it
    # The tree's order: the general branch just before its branches.
    keys = [r.key for r in table.rows]
    assert keys.index(f"gb{institute.gb.pk}") + 1 == keys.index(str(institute.branch.pk))
    # Its branches' figures are not touched by its records: their secretary's lecture is owed.
    assert statuses(branch_row(table, institute.branch), Kind.SECRETARY_LECTURE) == [DUE]
    alone = compliance_table(campaign_year=year, branches=Branch.objects.active(), today=D(2026, 5, 15))
    assert not any(r.is_general_branch for r in alone.rows)
    assert [r.items for r in alone.rows if r.branch == institute.branch] == [
        branch_row(table, institute.branch).items
    ]


def test_the_office_sets_the_general_branches_frequencies(client, institute, year):
    gb_record(institute, held_on=D(2026, 2, 10))
    client.force_login(institute.office.user)
    url = reverse("activities:frequencies_general_branch", args=[year.pk])
    rows = client.get(url).context["rows"]
    assert {row.unit for row, _form in rows} == {"general_branch"}
    data = {}
    for row, _form in rows:
        if row.is_required:
            data[f"{row.kind}-is_required"] = "on"
        data[f"{row.kind}-period"], data[f"{row.kind}-count"] = row.period, str(row.count)
    data.update({"gb_committee_meeting-period": "monthly"})
    assert client.post(url, data).status_code == 302
    changed = RequiredFrequency.objects.get(
        campaign_year=year, unit="general_branch", kind=Kind.GB_COMMITTEE_MEETING
    )
    assert changed.period == Period.MONTHLY and changed.history.first().history_user == institute.office.user
    table = compliance_table(
        campaign_year=year,
        branches=Branch.objects.none(),
        general_branches=GeneralBranch.objects.filter(pk=institute.gb.pk),
        today=D(2026, 5, 15),
    )
    assert statuses(gb_row(table, institute.gb), Kind.GB_COMMITTEE_MEETING)[:5] == [
        OVERDUE,
        MET,
        OVERDUE,
        OVERDUE,
        DUE,
    ]
    # The branches' requirement of the same kind name is another row, unchanged.
    assert RequiredFrequency.objects.get(campaign_year=year, unit="branch", kind=Kind.NEWS_REPORT).is_required
    # A secretary may not.
    client.force_login(institute.gb_secretary.user)
    assert client.post(url, data).status_code == 403


def test_the_home_figures_count_the_general_branches_own(institute, year):
    access = compute_access(institute.office.user)
    gbs = general_branches_reached(access, "compliance.view", institute.committee.pk)
    before = summary.compliance_summary(
        campaign_year=year, branches=Branch.objects.active(), general_branches=gbs, today=D(2026, 5, 15)
    )
    # Q1 committee meeting overdue, January to April news reports overdue.
    assert before.overdue_general_branches == 1
    without = summary.compliance_summary(
        campaign_year=year, branches=Branch.objects.active(), today=D(2026, 5, 15)
    )
    assert before.overdue - without.overdue == 5
    gb_record(institute, held_on=D(2026, 2, 10))  # a record of the general branch marks its figures stale
    after = summary.compliance_summary(
        campaign_year=year, branches=Branch.objects.active(), general_branches=gbs, today=D(2026, 5, 15)
    )
    assert before.overdue - after.overdue == 1


# --- pages ----------------------------------------------------------------------------------------


def test_pages_show_the_general_branch_beside_its_branches(client, institute, year):
    record = gb_record(institute, held_on=D(2026, 2, 10), title="一季度总支委员会会议")
    client.force_login(institute.gb_secretary.user)
    home = client.get(reverse("home")).content.decode()
    assert f'data-testid="owes-gb{institute.gb.pk}"' in home
    assert f'data-testid="owes-{institute.branch.pk}"' in home
    ledger = client.get(reverse("activities:list")).content.decode()
    assert record.title in ledger and 'data-testid="gb-label"' in ledger
    own = client.get(reverse("activities:list"), {"general_branch": institute.gb.pk})
    assert [r.pk for r in own.context["records"]] == [record.pk]
    page = client.get(reverse("activities:general_branch_owes", args=[institute.gb.pk]))
    assert page.status_code == 200 and institute.gb.name in page.content.decode()
    choose = client.get(reverse("activities:create")).content.decode()
    assert reverse("activities:create_gb_kind", args=[institute.gb.pk, Kind.GB_COMMITTEE_MEETING]) in choose
    # The office's grid lists the general branch, labelled; a branch's secretary sees neither
    # the row nor the record.
    client.force_login(institute.office.user)
    grid = client.get(reverse("activities:compliance"), {"year": year.pk}).content.decode()
    assert f'data-testid="grid-gb{institute.gb.pk}"' in grid
    client.force_login(institute.secretary.user)
    assert f'data-testid="owes-gb{institute.gb.pk}"' not in client.get(reverse("home")).content.decode()
    assert client.get(reverse("activities:detail", args=[record.pk])).status_code == 404
    assert record.title not in client.get(reverse("activities:list")).content.decode()


def test_recording_a_committee_meeting_through_the_form(client, institute):
    member = gb_committee_member(institute)
    client.force_login(institute.gb_secretary.user)
    url = reverse("activities:create_gb_kind", args=[institute.gb.pk, Kind.GB_COMMITTEE_MEETING])
    form = client.get(url)
    listed = [p for p, _status, _reason in form.context["attendance_form"].rows()]
    assert set(listed) == {institute.gb_secretary, member}  # its committee, not every member
    data = {
        "held_on": "2026-03-02",
        "title": "第一季度党总支委员会",
        f"att-status_{institute.gb_secretary.pk}": "present",
        f"att-status_{member.pk}": "leave",
        f"att-reason_{member.pk}": "",
    }
    refused = client.post(url, data)  # leave without a reason
    assert (
        refused.status_code == 200 and not ActivityRecord.objects.filter(general_branch=institute.gb).exists()
    )
    data[f"att-reason_{member.pk}"] = "出差"
    response = client.post(url, data)
    assert response.status_code == 302
    record = ActivityRecord.objects.get(general_branch=institute.gb)
    assert record.kind == Kind.GB_COMMITTEE_MEETING and record.attendance.count() == 2
    # A branch's kind cannot be asked for a general branch.
    assert (
        client.get(
            reverse("activities:create_gb_kind", args=[institute.gb.pk, Kind.GROUP_MEETING])
        ).status_code
        == 404
    )


# --- a fixed number of queries as the data grows -------------------------------------------------


def _login(client, user):
    """Log in and ask once, so that what a login's first request reads once (its roles, cached
    per day) is not counted against the page."""
    client.force_login(user)
    client.get(reverse("activities:compliance"))


def _queries(client, url, params=None):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(queries)


def _grow(institute, n):
    for g in range(n):
        general = GeneralBranchFactory(committee=institute.committee, name=f"新党总支{n}-{g}")
        secretary = make_secretary(general)
        branch = BranchFactory(committee=institute.committee, general_branch=general, name=f"新支部{n}-{g}")
        make_member(branch)
        for month in (1, 2, 3):
            services.record_create(
                general_branch=general,
                kind=Kind.GB_COMMITTEE_MEETING,
                access=compute_access(secretary.user),
                held_on=D(2026, month, 5),
                title=f"委员会{month}",
                attendance=[AttendanceEntry(secretary, AttendanceStatus.PRESENT)],
                today=TODAY,
            )
    for _ in range(n):
        gb_record(institute, kind=Kind.NEWS_REPORT, title="通讯", published_in="党委网站")


def test_ledger_grid_and_pages_cost_the_same_queries_with_more_general_branches(client, institute, year):
    gb_record(institute)
    _login(client, institute.office.user)
    pages = [
        (reverse("activities:list"), None),
        (reverse("activities:compliance"), {"year": year.pk}),
        (reverse("activities:overdue"), {"year": year.pk}),
        (reverse("activities:general_branch_owes", args=[institute.gb.pk]), {"year": year.pk}),
        (reverse("home"), None),
    ]
    before = [_queries(client, url, params) for url, params in pages]
    _login(client, institute.gb_secretary.user)
    gb_pages = [
        (reverse("activities:list"), None),
        (reverse("home"), None),
        (reverse("activities:create"), None),
    ]
    gb_before = [_queries(client, url, params) for url, params in gb_pages]
    _grow(institute, 4)
    _login(client, institute.office.user)
    assert [_queries(client, url, params) for url, params in pages] == before
    _login(client, institute.gb_secretary.user)
    assert [_queries(client, url, params) for url, params in gb_pages] == gb_before
