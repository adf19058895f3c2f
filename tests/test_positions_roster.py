"""The roster's 职务 column: export, re-import, transfers that end posts, and bad input."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from accounts.access import compute_access
from branches import roster
from branches.models import Person, Position, RosterImport
from branches.positions import position_appoint
from branches.services import SYSTEM, member_join

from .factories import PersonFactory
from .test_roster import check, confirm, person_line, post_upload, sheet_rows, upload, xlsx

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _plain_static_files(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def office(client, institute):
    client.force_login(institute.office.user)
    return client


def grouped_member(institute, name="组长甲"):
    person = PersonFactory(committee=institute.committee, name=name)
    member_join(
        person=person,
        branch=institute.branch,
        party_group=institute.group,
        started_on=datetime.date(2021, 1, 1),
        joined_party_on=datetime.date(2011, 7, 1),
        access=SYSTEM,
    )
    person.refresh_from_db()
    return person


def apply(institute, rows):
    roster_import = roster.roster_import_create(
        committee=institute.committee,
        file=upload(xlsx(rows)),
        access=compute_access(institute.office.user),
    )
    assert roster_import.status == RosterImport.Status.PREVIEWED, roster_import.summary["errors"]
    roster.roster_import_apply(roster_import=roster_import, access=compute_access(institute.office.user))
    return roster_import


def held(person) -> set[str]:
    return set(Position.objects.filter(person=person).open_on(TODAY).values_list("title", flat=True))


def test_positions_column_round_trips(office, institute):
    leader = grouped_member(institute)
    apply(institute, [person_line(leader, positions="组织委员、党小组长")])
    assert held(leader) == {"organisation", "group_leader"}
    assert Position.objects.get(person=leader, title="group_leader").party_group == institute.group

    exported = b"".join(office.get(reverse("branches:roster_export")).streaming_content)
    _, rows = sheet_rows(exported)
    by_no = {row[0].value: row for row in rows[1:]}
    assert by_no[leader.employee_no][11].value == "组织委员、党小组长"
    assert by_no[institute.secretary.employee_no][11].value == "书记"
    response = post_upload(office, exported, "export.xlsx")
    counts = office.get(response.url).context["counts"]
    assert counts["positions"] == 0 and counts["errors"] == 0


def test_dropping_a_post_from_the_cell_ends_it(institute):
    leader = grouped_member(institute)
    position_appoint(
        unit=institute.branch,
        person=leader,
        title="group_leader",
        party_group=institute.group,
        started_on=TODAY - 10 * DAY,
        access=SYSTEM,
    )
    result = check(institute, [person_line(leader, positions="委员")])
    assert result.is_valid
    (entry,) = result.summary()["positions"]
    assert (entry["ends"], entry["starts"]) == ("党小组长", "委员")
    apply(institute, [person_line(leader, positions="委员")])
    assert held(leader) == {"committee_member"}


def test_transfer_by_import_ends_the_group_leader_post_row_by_row(office, institute):
    leader = grouped_member(institute)
    position_appoint(
        unit=institute.branch,
        person=leader,
        title="group_leader",
        party_group=institute.group,
        started_on=TODAY - 10 * DAY,
        access=SYSTEM,
    )
    # The column left out: the transfer still ends the post, and the preview says so.
    rows = [person_line(leader, branch="第二党支部", party_group="", positions="")]
    headers = [column.header for column in roster.COLUMNS if column.key != "positions"]
    content = xlsx([row[:-1] for row in rows], headers)
    response = post_upload(office, content)
    page = office.get(response.url)
    summary = page.context["summary"]
    assert summary["transfers"][0]["ends"] == "党小组长"
    assert summary["positions"][0]["ends"] == "党小组长"
    with translation.override("zh-hans"):
        assert "结束的职务" in page.content.decode()
    assert held(leader) == {"group_leader"}
    confirm(office, RosterImport.objects.get())
    assert held(leader) == set()
    assert Position.objects.get(person=leader).ended_on == TODAY - DAY
    assert Person.objects.get(pk=leader.pk).branch == institute.branch2


def test_two_rows_may_swap_the_secretary(institute):
    i = institute
    apply(i, [person_line(i.secretary, positions="委员"), person_line(i.member, positions="书记")])
    assert held(i.secretary) == {"committee_member"}
    assert held(i.member) == {"secretary"}
    assert "secretary" not in compute_access(Person.objects.get(pk=i.secretary.pk).user).roles


@pytest.mark.parametrize(
    "rows, code, words",
    [
        (lambda i: [person_line(i.member, positions="支书")], "bad_choice", "不能填"),
        (
            lambda i: [person_line(i.staff, is_member="否", branch="", positions="委员")],
            "positions_not_member",
            "党员",
        ),
        (
            lambda i: [person_line(i.member, party_group="", positions="党小组长")],
            "group_leader_needs_group",
            "党小组",
        ),
        (lambda i: [person_line(i.member, positions="书记")], "position_taken", "书记"),
        (
            lambda i: [
                person_line(i.secretary, positions=""),
                person_line(i.member, positions="书记"),
                person_line(i.member2, branch="第一党支部", positions="书记"),
            ],
            "position_twice",
            "第 3 行",
        ),
        (lambda i: [person_line(i.member), person_line(i.member)], "duplicate", "重复"),
    ],
)
def test_bad_positions_are_refused_in_chinese_and_nothing_changes(institute, rows, code, words):
    before = Position.objects.count(), Position.history.count(), Person.history.count()
    result = check(institute, rows(institute))
    assert code in [error.code for error in result.errors]
    with translation.override("zh-hans"):
        message = next(error.message for error in result.errors if error.code == code)
    assert words in message, message
    assert (Position.objects.count(), Position.history.count(), Person.history.count()) == before
