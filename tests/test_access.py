import datetime

import pytest

from accounts.access import Role, compute_access
from branches.models import Branch, Person, Position


def roles(user):
    return compute_access(user).roles


def test_roles_follow_records(institute):
    assert roles(institute.secretary.user) == [Role.SECRETARY, Role.MEMBER, Role.STAFF]
    assert roles(institute.member.user) == [Role.MEMBER, Role.STAFF]
    assert roles(institute.staff.user) == [Role.STAFF]
    assert roles(institute.office.user) == [Role.OFFICE, Role.STAFF]
    assert roles(institute.leader.user) == [Role.LEADING_GROUP, Role.STAFF]
    assert roles(institute.admin) == [Role.ADMIN]


def test_ended_position_removes_secretary_role(institute):
    Position.objects.filter(person=institute.secretary).update(ended_on=datetime.date(2021, 1, 1))
    assert Role.SECRETARY not in roles(institute.secretary.user)


def test_secretary_scope_is_own_branch(institute):
    access = compute_access(institute.secretary.user)
    visible = access.restrict(Branch.objects.all(), "branches.view", branch="")
    assert list(visible) == [institute.branch]


def test_general_branch_secretary_scope_covers_its_branches(institute):
    access = compute_access(institute.gb_secretary.user)
    visible = set(access.restrict(Branch.objects.all(), "branches.view", branch=""))
    assert {institute.branch, institute.branch2} <= visible
    assert institute.other_branch not in visible


def test_office_scope_is_own_institute(institute):
    access = compute_access(institute.office.user)
    people = access.restrict(Person.objects.all(), "people.view", committee="committee")
    assert institute.staff in people
    assert institute.foreign_member not in people


@pytest.mark.parametrize("perm", ["people.view", "roster.import"])
def test_leading_group_does_not_see_individual_files(institute, perm):
    assert not compute_access(institute.leader.user).has(perm)


def test_reaches_branch_agrees_with_restrict(institute):
    """The query-free check of one loaded branch gives what the queryset filter gives, for every
    role, branch and permission."""
    users = [
        institute.secretary.user,
        institute.gb_secretary.user,
        institute.member.user,
        institute.staff.user,
        institute.office.user,
        institute.leader.user,
        institute.admin,
    ]
    branches = list(Branch.objects.all())
    checked = 0
    for user in users:
        access = compute_access(user)
        for permission in sorted(set(access.grants) | {"nobody.has"}):
            reached = set(access.restrict(Branch.objects.all(), permission, branch=""))
            for branch in branches:
                assert access.reaches_branch(permission, branch) == (branch in reached), (
                    user,
                    permission,
                    branch,
                )
                checked += 1
    assert checked > 100
