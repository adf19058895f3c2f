"""Roles are read once per login and day (accounts.role_cache) and again on the next request
after a position, a seat, a campaign or a department's branches change: never stale."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.access import Role
from branches.models import Branch
from branches.positions import position_end
from campaigns.models import OfficeMember
from core.workflow import SYSTEM

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def role_cache(settings):
    settings.CXZY_ROLE_CACHE = True  # off in the test settings for the other files' query counts


def _get(client, name):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(name))
    roles = response.wsgi_request.access.roles if response.status_code == 200 else None
    return response, roles, [q["sql"] for q in queries]


def _role_query(sqls):
    return [sql for sql in sqls if "UNION ALL" in sql and "campaigns_officemember" in sql]


def test_a_removed_secretary_loses_access_on_the_next_request(client, institute):
    client.force_login(institute.secretary.user)
    first, roles, sqls = _get(client, "branches:person_list")
    assert first.status_code == 200 and Role.SECRETARY in roles and _role_query(sqls)
    # Read once: the next pages do not ask again.
    second, _roles, sqls = _get(client, "branches:person_list")
    assert second.status_code == 200 and not _role_query(sqls)
    assert len(sqls) == len(_get(client, "branches:person_list")[2])

    (position,) = institute.secretary.positions.all()
    position_end(
        position=position, ended_on=datetime.date.today() - datetime.timedelta(days=1), access=SYSTEM
    )
    assert client.get(reverse("branches:person_list")).status_code == 403
    home, roles, _sqls = _get(client, "home")
    assert roles == [Role.MEMBER, Role.STAFF] and "home/home_member.html" in [t.name for t in home.templates]


def test_a_seat_and_a_campaign_decide_on_the_next_request(client, institute):
    client.force_login(institute.office.user)
    assert _get(client, "home")[1] == [Role.OFFICE, Role.STAFF]
    campaign = institute.campaign
    campaign.ended_on = datetime.date.today() - datetime.timedelta(days=1)
    campaign.save()
    assert _get(client, "home")[1] == [Role.STAFF]
    campaign.ended_on = None
    campaign.save()
    assert _get(client, "home")[1] == [Role.OFFICE, Role.STAFF]
    OfficeMember.objects.filter(person=institute.office).get().delete()
    assert _get(client, "home")[1] == [Role.STAFF]


def test_staff_reach_follows_the_departments_branches(client, institute):
    client.force_login(institute.staff.user)
    _get(client, "home")
    reach = lambda: client.get(reverse("home")).wsgi_request.access.reach("pledges.view")  # noqa: E731
    assert reach() == {("branch", institute.branch.pk), ("branch", institute.branch2.pk)}
    institute.branch2.departments.remove(institute.department)
    assert reach() == {("branch", institute.branch.pk)}
    institute.other_branch.departments.add(institute.department)
    assert reach() == {("branch", institute.branch.pk), ("branch", institute.other_branch.pk)}
    institute.department.branches.clear()
    assert reach() == set()
    Branch.objects.filter(pk=institute.branch.pk).get().departments.add(institute.department)
    assert reach() == {("branch", institute.branch.pk)}


def test_the_menu_follows_permissions_and_language(client, institute):
    """base.html's menu is rendered once per permission set and language (a fragment cache)."""
    people = f'href="{reverse("branches:person_list")}"'
    client.force_login(institute.office.user)
    office = client.get(reverse("home")).content.decode()
    assert people in office and "人员" in office
    client.force_login(institute.member.user)
    assert people not in client.get(reverse("home")).content.decode()
    client.force_login(institute.secretary.user)
    assert people in client.get(reverse("home")).content.decode()
    (position,) = institute.secretary.positions.all()
    position_end(
        position=position, ended_on=datetime.date.today() - datetime.timedelta(days=1), access=SYSTEM
    )
    assert people not in client.get(reverse("home")).content.decode()
    client.force_login(institute.office.user)
    english = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert people in english and ">People<" in english


def test_a_general_branch_secretary_reaches_a_branch_moved_in_on_the_next_request(client, institute):
    """The general branch's branches come with the cached roles (its scope names their keys):
    a branch moved into it, or out, counts on the next request."""
    from branches.models import Position

    def reached():
        response = client.get(reverse("home"))
        access = response.wsgi_request.access
        return set(Position.objects.filter(access.unit_q("branches.view")).values_list("pk", flat=True))

    client.force_login(institute.gb_secretary.user)
    (moved,) = institute.other_secretary.positions.all()
    assert moved.pk not in reached()
    other = institute.other_branch
    other.general_branch = institute.gb
    other.save()
    assert moved.pk in reached()
    other.general_branch = None
    other.save()
    assert moved.pk not in reached()
    # A branch set up under it.
    added = Branch.objects.create(
        committee=institute.committee, general_branch=institute.gb, name="新建党支部"
    )
    position = Position.objects.create(
        person=institute.member2,
        branch=added,
        title=Position.SECRETARY_TITLES[0],
        started_on=datetime.date.today(),
    )
    assert position.pk in reached()
