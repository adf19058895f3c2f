"""Positions and terms, elections (换届), transfers that end positions, leaving the institute."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.access import compute_access
from branches import positions
from branches.models import Election, Membership, Person, Position
from branches.services import SYSTEM, member_join, member_transfer, person_leave_institute

from .factories import BranchFactory, PartyGroupFactory, PersonFactory, make_member
from .test_pledges_support import make_pledge

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _plain_static_files(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def access_of(person):
    person.user.refresh_from_db()
    return compute_access(person.user)


def rows() -> tuple[int, int, int]:
    return Position.objects.count(), Election.objects.count(), Position.history.count()


def appoint(unit, person, title, *, access=SYSTEM, **kwargs):
    return positions.position_appoint(
        unit=unit,
        person=person,
        title=title,
        started_on=kwargs.pop("started_on", TODAY),
        access=access,
        **kwargs,
    )


# --- Appointing and ending -------------------------------------------------------------------------


def test_office_appoints_and_ends_a_position_with_history(institute):
    office = compute_access(institute.office.user)
    position = appoint(institute.branch, institute.member, Position.Title.ORGANISATION, access=office)
    assert position.get_title_display() == "组织委员"
    assert position.history.get().history_user == institute.office.user
    positions.position_end(position=position, ended_on=TODAY, access=office)
    position.refresh_from_db()
    assert position.ended_on == TODAY
    assert position.history.count() == 2


def test_bad_input_is_refused_with_a_chinese_message_and_nothing_changes(institute):
    i = institute
    before = rows()
    cases = [
        # not a member of that branch
        (dict(unit=i.branch, person=i.member2, title="organisation"), "不是", "not_member"),
        # one 书记 at a time
        (dict(unit=i.branch, person=i.member, title="secretary"), "李书记", "overlap_single_seat"),
        # the same person twice in the same office
        (dict(unit=i.branch, person=i.secretary, title="secretary"), "李书记", "overlap_same_person"),
        # an end before a start
        (
            dict(unit=i.branch, person=i.member, title="propaganda", ended_on=TODAY - DAY),
            "早于",
            "end_before_start",
        ),
        # a 党小组长 needs the group, of that branch
        (dict(unit=i.branch, person=i.member, title="group_leader"), "党小组", "group_required"),
    ]
    for kwargs, words, code in cases:
        with pytest.raises(ValidationError) as error:
            appoint(**kwargs)
        assert error.value.code == code
        assert words in error.value.messages[0], error.value.messages[0]
    assert rows() == before


def test_a_term_ending_before_the_next_one_does_not_overlap(institute):
    i = institute
    old = Position.objects.get(person=i.secretary, branch=i.branch)
    positions.position_end(position=old, ended_on=TODAY - DAY, access=SYSTEM)
    appoint(i.branch, i.member, Position.Title.SECRETARY)
    # A later term of the same office, after the current one ends, is accepted; an earlier, overlapping one is not.
    with pytest.raises(ValidationError):
        appoint(i.branch, i.secretary, Position.Title.SECRETARY, started_on=TODAY - 2 * DAY, ended_on=TODAY)


def test_secretary_appoints_the_own_branchs_committee_members_only(institute):
    i = institute
    secretary = compute_access(i.secretary.user)
    appoint(i.branch, i.member, Position.Title.GROUP_LEADER, party_group=i.group, access=secretary)
    with pytest.raises(PermissionDenied):
        appoint(i.branch, i.member, Position.Title.DEPUTY, access=secretary)
    other = make_member(i.branch2)
    with pytest.raises(PermissionDenied):
        appoint(i.branch2, other, Position.Title.COMMITTEE_MEMBER, access=secretary)
    with pytest.raises(PermissionDenied):
        positions.election_record(
            unit=i.branch,
            held_on=TODAY,
            term_ends_on=TODAY.replace(year=TODAY.year + 3),
            committee=[("secretary", i.member)],
            access=secretary,
        )


# --- Elections -------------------------------------------------------------------------------------


def test_election_ends_the_old_committee_and_starts_the_new_one(institute):
    i = institute
    office = compute_access(i.office.user)
    leader = appoint(
        i.branch, i.member, Position.Title.GROUP_LEADER, party_group=i.group, started_on=TODAY - 30 * DAY
    )
    new = make_member(i.branch, name="钱新书记", user=True)
    election = positions.election_record(
        unit=i.branch,
        held_on=TODAY,
        term_ends_on=TODAY.replace(year=TODAY.year + 3),
        committee=[("secretary", new), ("organisation", i.secretary)],
        note="支部党员大会选举",
        access=office,
    )
    old = Position.objects.get(person=i.secretary, title="secretary")
    assert old.ended_on == TODAY - DAY
    assert set(election.positions.values_list("person__name", "title")) == {
        ("钱新书记", "secretary"),
        ("李书记", "organisation"),
    }
    leader.refresh_from_db()
    assert leader.ended_on is None  # party group leaders are not part of the election
    # Rights change at once: the old secretary is a member (and 组织委员), the new one the secretary.
    assert "secretary" not in access_of(i.secretary).roles
    assert "secretary" in access_of(new).roles


def test_election_bad_input_changes_nothing(institute):
    i = institute
    office = compute_access(i.office.user)
    before = rows()
    ends = TODAY.replace(year=TODAY.year + 3)
    bad = [
        dict(held_on=TODAY, term_ends_on=TODAY, committee=[("secretary", i.member)]),
        dict(held_on=TODAY, term_ends_on=ends, committee=[("organisation", i.member)]),
        dict(held_on=TODAY, term_ends_on=ends, committee=[("secretary", i.member), ("propaganda", i.member)]),
        dict(held_on=TODAY, term_ends_on=ends, committee=[("secretary", i.member2)]),  # another branch's
        dict(held_on=datetime.date(2019, 1, 1), term_ends_on=ends, committee=[("secretary", i.member)]),
    ]
    for kwargs in bad:
        with pytest.raises(ValidationError):
            positions.election_record(unit=i.branch, access=office, **kwargs)
    assert rows() == before
    assert Position.objects.get(person=i.secretary).ended_on is None


# --- Transfers and leaving -------------------------------------------------------------------------


def test_secretary_moved_away_loses_the_old_branch_at_once(client, institute):
    i = institute
    leader = appoint(
        i.branch, i.secretary, Position.Title.GROUP_LEADER, party_group=i.group, started_on=TODAY - DAY * 10
    )
    old_draft = make_pledge(i, "branch", "draft")  # a record of the old branch only its secretary sees
    new_published = make_pledge(i, "branch", "published", branch=i.other_branch)
    old_url = reverse("pledges:detail", args=[old_draft.pk])
    client.force_login(i.secretary.user)
    assert client.get(old_url).status_code == 200
    assert client.get(reverse("branches:person_detail", args=[i.member.pk])).status_code == 200
    member_transfer(person=i.secretary, branch=i.other_branch, on=TODAY, access=compute_access(i.office.user))
    for position in (Position.objects.get(person=i.secretary, title="secretary"), leader):
        position.refresh_from_db()
        assert position.ended_on == TODAY - DAY
    assert Membership.objects.get(person=i.secretary, ended_on=TODAY - DAY).get_end_reason_display() == "转出"
    # At once: the old branch's records are not found, its people not shown; the new branch is
    # seen as a member sees it (its published pledge), not as its secretary.
    assert client.get(old_url).status_code == 404
    assert client.get(reverse("branches:person_detail", args=[i.member.pk])).status_code == 403
    assert client.get(reverse("pledges:detail", args=[new_published.pk])).status_code == 200
    access = access_of(i.secretary)
    assert access.primary_role == "member"
    assert access.reaches_branch("pledges.view", i.other_branch)
    assert not access.reaches_branch("pledges.write_branch", i.other_branch)
    assert not access.reaches_branch("pledges.view", i.branch)


def test_move_between_groups_of_one_branch_ends_only_the_group_leader_post(institute):
    i = institute
    group2 = PartyGroupFactory(branch=i.branch, name="第二党小组")
    member = PersonFactory(committee=i.committee)
    member_join(
        person=member,
        branch=i.branch,
        party_group=i.group,
        started_on=TODAY - 30 * DAY,
        joined_party_on=datetime.date(2010, 7, 1),
        access=SYSTEM,
    )
    leader = appoint(i.branch, member, "group_leader", party_group=i.group, started_on=TODAY - 5 * DAY)
    committee = appoint(i.branch, member, "propaganda", started_on=TODAY - 5 * DAY)
    member_transfer(person=member, branch=i.branch, party_group=group2, on=TODAY, access=SYSTEM)
    leader.refresh_from_db()
    committee.refresh_from_db()
    assert leader.ended_on == TODAY - DAY
    assert committee.ended_on is None


def test_general_branch_position_ends_when_moving_out_of_it(institute):
    i = institute
    gb_post = Position.objects.get(person=i.gb_secretary, general_branch=i.gb)
    under_gb = i.gb_secretary.branch
    assert under_gb.general_branch_id == i.gb.pk
    member_transfer(person=i.gb_secretary, branch=i.branch2, on=TODAY, access=SYSTEM)
    gb_post.refresh_from_db()
    assert gb_post.ended_on is None  # still under the same general branch
    member_transfer(person=i.gb_secretary, branch=i.other_branch, on=TODAY + DAY, access=SYSTEM)
    gb_post.refresh_from_db()
    assert gb_post.ended_on == TODAY


@pytest.mark.parametrize(
    "reason, status, label",
    [("left", "left", "离职"), ("retired", "retired", "退休"), ("deceased", "deceased", "死亡")],
)
def test_leaving_the_institute_ends_everything_and_stops_the_login(client, institute, reason, status, label):
    i = institute
    office = compute_access(i.office.user)
    before = Person.objects.count(), Membership.objects.count()
    person_leave_institute(person=i.secretary, reason=reason, on=TODAY, note="", access=office)
    person = Person.objects.select_related("user").get(pk=i.secretary.pk)
    assert (Person.objects.count(), Membership.objects.count()) == before  # nothing deleted
    assert person.status == status and person.branch_id is None
    membership = person.memberships.get()
    assert membership.ended_on == TODAY and membership.get_end_reason_display() == label
    assert Position.objects.get(person=person).ended_on == TODAY
    assert not person.user.is_active
    assert person.history.first().history_user == i.office.user
    client.force_login(person.user)
    assert client.get(reverse("home")).status_code == 302  # signed out: sent to the login page


def test_leaving_the_party_keeps_the_employment_status(institute):
    i = institute
    person_leave_institute(
        person=i.member, reason="left_party", on=TODAY, access=compute_access(i.office.user)
    )
    person = Person.objects.get(pk=i.member.pk)
    assert person.status == "employed" and person.branch_id is None
    with pytest.raises(ValidationError):  # not a member any more
        person_leave_institute(person=person, reason="left_party", on=TODAY, access=SYSTEM)


def test_leaving_refused_for_a_secretary_and_in_the_future(institute):
    i = institute
    with pytest.raises(PermissionDenied):
        person_leave_institute(
            person=i.member, reason="left", on=TODAY, access=compute_access(i.secretary.user)
        )
    with pytest.raises(ValidationError):
        person_leave_institute(person=i.member, reason="left", on=TODAY + DAY, access=SYSTEM)
    assert Person.objects.get(pk=i.member.pk).branch_id == i.branch.pk


# --- Pages -----------------------------------------------------------------------------------------


def test_appoint_page_offers_a_secretary_only_committee_titles(client, institute):
    client.force_login(institute.secretary.user)
    response = client.get(reverse("branches:branch_position_new", args=[institute.branch.pk]))
    titles = dict(response.context["form"].fields["title"].choices)
    assert set(titles) == {"organisation", "propaganda", "discipline", "committee_member", "group_leader"}
    # Another branch is not found; the election page is the office's.
    assert (
        client.get(reverse("branches:branch_position_new", args=[institute.other_branch.pk])).status_code
        == 404
    )
    assert client.get(reverse("branches:branch_election", args=[institute.branch.pk])).status_code == 403


def test_appoint_page_bad_input_keeps_what_was_typed(client, institute):
    i = institute
    client.force_login(i.office.user)
    url = reverse("branches:branch_position_new", args=[i.branch.pk])
    before = rows()
    response = client.post(
        url,
        {"title": "secretary", "person": i.member.pk, "started_on": TODAY.isoformat(), "ended_on": ""},
    )
    assert response.status_code == 200
    assert "已有书记" in response.content.decode()
    assert response.context["form"]["person"].value() == str(i.member.pk)
    response = client.post(
        url,
        {
            "title": "propaganda",
            "person": i.member.pk,
            "started_on": TODAY.isoformat(),
            "ended_on": (TODAY - DAY).isoformat(),
        },
    )
    assert "结束日期早于开始日期" in response.content.decode()
    assert rows() == before


def test_election_page_records_the_new_committee(client, institute):
    i = institute
    client.force_login(i.office.user)
    new = make_member(i.branch, name="钱新书记")
    response = client.post(
        reverse("branches:branch_election", args=[i.branch.pk]),
        {
            "held_on": TODAY.isoformat(),
            "term_ends_on": TODAY.replace(year=TODAY.year + 3).isoformat(),
            "secretary": new.pk,
            "organisation": i.secretary.pk,
            "members": [i.member.pk],
            "note": "",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("branches:branch_detail", args=[i.branch.pk])
    page = response.content.decode()
    assert "钱新书记" in page and "换届" not in "" and "历届" in page
    now = [(p.title, p.person.name) for p in response.context["committee"]["now"]]
    assert now == [("secretary", "钱新书记"), ("organisation", "李书记"), ("committee_member", "陈党员")]
    assert [(p.title, p.person.name) for p in response.context["committee"]["before"]] == [
        ("secretary", "李书记")
    ]


def test_leave_page(client, institute):
    i = institute
    client.force_login(i.office.user)
    response = client.post(
        reverse("branches:person_leave", args=[i.member.pk]),
        {"reason": "retired", "on": TODAY.isoformat(), "note": "2026年退休"},
        follow=True,
    )
    assert response.status_code == 200
    assert "已记录" in response.content.decode()
    assert not Person.objects.get(pk=i.member.pk).user.is_active


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_committee_pages_cost_the_same_queries_with_more_history(client, institute):
    i = institute
    client.force_login(i.office.user)
    urls = [
        reverse("branches:branch_detail", args=[i.branch.pk]),
        reverse("branches:general_branch_detail", args=[i.gb.pk]),
        reverse("branches:branch_position_new", args=[i.branch.pk]),
        reverse("branches:branch_election", args=[i.branch.pk]),
        reverse("branches:position_end", args=[Position.objects.get(person=i.secretary).pk]),
        reverse("branches:person_leave", args=[i.member.pk]),
    ]
    for url in urls:
        _queries(client, url)
    before = [_queries(client, url) for url in urls]
    office = compute_access(i.office.user)
    for n in range(3):
        held = TODAY - (3 - n) * 40 * DAY
        people = [make_member(i.branch, started_on=datetime.date(2020, 1, 1)) for _ in range(3)]
        positions.election_record(
            unit=i.branch,
            held_on=held,
            term_ends_on=held.replace(year=held.year + 3),
            committee=[("secretary", people[0]), ("deputy", people[1]), ("committee_member", people[2])],
            access=office,
        )
        positions.election_record(
            unit=i.gb,
            held_on=held,
            term_ends_on=held.replace(year=held.year + 3),
            committee=[("secretary", people[0]), ("committee_member", people[1])],
            access=office,
        )
        BranchFactory(committee=i.committee, general_branch=i.gb)
    assert [_queries(client, url) for url in urls] == before
