"""The demo institute (``manage.py demo_load``): its shape, the seed's organs, the logins."""

import datetime
import io

import pytest
from django.apps import apps
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, Q
from django.test import RequestFactory
from django.utils import timezone

from accounts.access import Role, compute_access
from accounts.models import User
from branches.models import (
    Branch,
    BranchCategory,
    Department,
    GeneralBranch,
    PartyCommittee,
    PartyGroup,
    Person,
    Position,
)
from campaigns.models import Campaign, ContactPoint, LeadingGroupMember, OfficeMember
from demo.loader import COMMITTEE_NAME, DEMO_PASSWORD, demo_load

pytestmark = pytest.mark.django_db

# Seed §二, as printed there (two-character names carry a full-width space).
SEED_LEADING_GROUP = [
    ("组长", "江　波", "党委副书记、副所长"),
    ("副组长", "沈　虹", "党委副书记、纪委书记"),
    ("副组长", "欧　黎", "所长"),
    ("成员", "胡少勤", "副所长"),
    ("成员", "秦廷辉", "副所长"),
    ("成员", "范方云", "总会计师"),
    ("成员", "吴应康", "工会主席"),
]
SEED_OFFICE = [
    ("主任", "章　瑜", "党群工作处副处长"),
    ("成员", "张　涛", "所长助理、组织人事处处长"),
    ("成员", "吴兆刚", "综合办公室副主任"),
    ("成员", "张　旋", "监察审计室副主任"),
    ("成员", "周尚平", "组织人事处组织干事"),
    ("成员", "王　彤", "党群工作处宣传干事"),
    ("成员", "曾　翀", "党群工作处组织干事"),
]
LEADING_ROLES = {"组长": "leader", "副组长": "deputy", "成员": "member"}
OFFICE_ROLES = {"主任": "director", "成员": "member"}


@pytest.fixture
def demo():
    # The organisation only: the year as lived is tests/test_demo_year.py's.
    return demo_load(year=False)


def _open(queryset):
    return queryset.filter(ended_on__isnull=True)


def test_head_counts_are_in_range(demo):
    people = Person.objects.filter(committee=demo.committee)
    assert 250 <= people.members().count() <= 350
    assert 550 <= people.staff().count() <= 650
    assert (demo.members, demo.staff) == (people.members().count(), people.staff().count())
    retirees = people.filter(status=Person.Status.RETIRED)
    assert retirees.exists()
    assert not retirees.filter(Q(branch__isnull=True) | ~Q(branch__category=BranchCategory.RETIRED)).exists()
    # Members who are employed count as staff too.
    assert people.members().staff().exists()
    assert people.filter(branch__isnull=True, status=Person.Status.EMPLOYED).exists()


def test_people_are_plausible(demo):
    people = Person.objects.filter(committee=demo.committee)
    numbers = list(people.values_list("employee_no", flat=True))
    assert all(len(no) == 7 and no.startswith("26") and no.isdigit() for no in numbers)
    assert len(set(numbers)) == len(numbers)
    assert not people.filter(name__contains="\u3000").exists()
    generated = people.exclude(leading_group_seats__isnull=False).exclude(office_seats__isnull=False)
    assert not generated.filter(Q(gender="") | Q(birth_date__isnull=True) | Q(post="")).exists()
    today = timezone.localdate()
    for person in generated.filter(status=Person.Status.EMPLOYED).only("birth_date"):
        assert 22 <= (today - person.birth_date).days // 365 <= 60
    for person in people.members().only("joined_party_on", "birth_date"):
        assert person.joined_party_on <= today
        if person.birth_date:
            assert person.joined_party_on >= person.birth_date + datetime.timedelta(days=18 * 365)


def test_every_person_has_an_audit_row(demo):
    ids = set(Person.objects.filter(committee=demo.committee).values_list("pk", flat=True))
    audited = set(Person.history.filter(committee_id=demo.committee.pk).values_list("id", flat=True))
    assert ids <= audited


def test_some_members_were_transferred(demo):
    moved = Person.objects.filter(committee=demo.committee, memberships__ended_on__isnull=False).distinct()
    assert moved.count() >= 3
    for person in moved:
        stays = list(person.memberships.order_by("started_on"))
        assert stays[-1].ended_on is None and stays[-1].branch_id == person.branch_id
        assert stays[0].ended_on == stays[1].started_on - datetime.timedelta(days=1)


def test_organisation_has_every_kind_of_unit(demo):
    committee = demo.committee
    assert committee.short_name == "二十六所党委"
    branches = Branch.objects.filter(committee=committee)
    assert set(branches.values_list("category", flat=True)) == set(BranchCategory.values)
    assert set(GeneralBranch.objects.filter(committee=committee).values_list("category", flat=True)) >= {
        BranchCategory.BUSINESS,
        BranchCategory.RETIRED,
    }
    # 未设党总支的支部 and 未设党支部的中心
    assert branches.filter(general_branch__isnull=True).exists()
    info = Department.objects.get(committee=committee, name="信息中心")
    assert not info.branches.exists() and not info.general_branches.exists()
    assert info.people.exists()
    assert Department.objects.filter(committee=committee, kind=Department.Kind.DIVISION).count() >= 4
    for group_count in branches.annotate(n=Count("party_groups")).values_list("n", flat=True):
        assert 2 <= group_count <= 3


def test_every_unit_has_one_open_secretary(demo):
    committee = demo.committee
    for branch in Branch.objects.filter(committee=committee):
        secretaries = _open(branch.positions.filter(title=Position.Title.SECRETARY))
        assert secretaries.count() == 1, branch
        assert secretaries.get().person.branch_id == branch.pk
        assert 2 <= _open(branch.positions.filter(title=Position.Title.COMMITTEE_MEMBER)).count() <= 3
    for general_branch in GeneralBranch.objects.filter(committee=committee):
        assert _open(general_branch.positions.filter(title=Position.Title.SECRETARY)).count() == 1
    for group in PartyGroup.objects.filter(branch__committee=committee):
        leaders = _open(group.positions.filter(title=Position.Title.GROUP_LEADER))
        assert leaders.count() == 1
        assert leaders.get().person.party_group_id == group.pk
    with_deputy = Branch.objects.filter(
        committee=committee, positions__title=Position.Title.DEPUTY, positions__ended_on__isnull=True
    )
    assert with_deputy.distinct().count() > Branch.objects.filter(committee=committee).count() / 2
    assert Position.objects.filter(branch__committee=committee, ended_on__isnull=False).exists()


def test_campaign_and_its_years(demo):
    campaign = Campaign.objects.get(committee=demo.committee)
    assert (campaign.name, campaign.theme, campaign.started_on) == (
        "二十六所深入开展创先争优活动",
        "做研发先锋，当创新标兵",
        datetime.date(2010, 5, 10),
    )
    year = timezone.localdate().year
    assert sorted(campaign.years.values_list("year", flat=True)) == [year - 1, year]
    assert all(y.phases.count() == 5 for y in campaign.years.all())


def test_leading_group_and_office_match_the_seed(demo):
    campaign = Campaign.objects.get(committee=demo.committee)
    seats = (
        LeadingGroupMember.objects.filter(campaign=campaign).order_by("sort_order").select_related("person")
    )
    assert [(s.role, s.person.name, s.title) for s in seats] == [
        (LEADING_ROLES[role], name.replace("\u3000", ""), title) for role, name, title in SEED_LEADING_GROUP
    ]
    seats = OfficeMember.objects.filter(campaign=campaign).order_by("sort_order").select_related("person")
    assert [(s.role, s.person.name, s.title) for s in seats] == [
        (OFFICE_ROLES[role], name.replace("\u3000", ""), title) for role, name, title in SEED_OFFICE
    ]
    # They are people of the institute at work; most are party members, of the 机关 branches.
    people = Person.objects.filter(
        Q(leading_group_seats__campaign=campaign) | Q(office_seats__campaign=campaign)
    )
    assert people.distinct().count() == 14
    assert not people.exclude(status=Person.Status.EMPLOYED).exists()
    members = people.members().distinct()
    assert members.count() >= 10
    assert set(members.values_list("branch__category", flat=True)) == {BranchCategory.ADMINISTRATION}
    office_departments = dict(seats.values_list("person__name", "person__department__name"))
    assert office_departments["章瑜"] == "党群工作处" and office_departments["张涛"] == "组织人事处"


def test_each_leader_has_contact_points(demo):
    campaign = Campaign.objects.get(committee=demo.committee)
    for seat in LeadingGroupMember.objects.filter(campaign=campaign):
        assert 1 <= ContactPoint.objects.filter(campaign=campaign, leader=seat.person).count() <= 3


def test_each_login_works_and_has_its_role(demo):
    expected = {
        "admin": Role.ADMIN,
        "jiangbo": Role.LEADING_GROUP,
        "zhangyu": Role.OFFICE,
        "gbsecretary": Role.SECRETARY,
        "secretary": Role.SECRETARY,
        "secretary2": Role.SECRETARY,
        "member": Role.MEMBER,
        "staff": Role.STAFF,
    }
    assert {login.username: login.role for login in demo.logins} == expected
    for login in demo.logins:
        assert login.password == DEMO_PASSWORD
        # django-axes needs the request (it throttles by address and login name).
        user = authenticate(
            RequestFactory().post("/accounts/login/"), username=login.username, password=login.password
        )
        assert user is not None, login.username
        validate_password(login.password, user)
        access = compute_access(user)
        assert access.primary_role == login.role, login.username
        assert login.name == user.display_name()
    users = {
        login.username: authenticate(
            RequestFactory().post("/accounts/login/"), username=login.username, password=DEMO_PASSWORD
        )
        for login in demo.logins
    }
    assert users["jiangbo"].person.name == "江波"
    assert users["zhangyu"].person.name == "章瑜"
    assert users["admin"].is_superuser and users["admin"].is_staff
    secretary_of = {
        name: compute_access(users[name]).secretary_of[0]
        for name in ("gbsecretary", "secretary", "secretary2")
    }
    assert isinstance(secretary_of["gbsecretary"], GeneralBranch)
    assert secretary_of["secretary"].category == BranchCategory.BUSINESS
    assert secretary_of["secretary2"] != secretary_of["secretary"]
    # The member login belongs to the secretary's branch and has a transfer in its history.
    member = users["member"].person
    assert member.branch == secretary_of["secretary"]
    assert member.memberships.count() == 2
    assert not users["staff"].person.is_member


def _row_counts():
    models = [
        m for label in ("accounts", "branches", "campaigns") for m in apps.get_app_config(label).get_models()
    ]
    return {m._meta.label: m._default_manager.count() for m in models}


def test_second_run_changes_nothing(demo):
    before = _row_counts()
    again = demo_load(year=False)
    assert not again.created
    assert _row_counts() == before
    assert again.logins == demo.logins
    assert PartyCommittee.objects.filter(name=COMMITTEE_NAME).count() == 1


def test_same_seed_gives_the_same_institute():
    today = datetime.date(2026, 3, 1)

    def snapshot(seed):
        with transaction.atomic():
            result = demo_load(seed=seed, today=today, year=False)
            people = sorted(
                Person.objects.filter(committee=result.committee).values_list(
                    "employee_no", "name", "birth_date", "branch__name", "post"
                )
            )
            transaction.set_rollback(True)
        return people

    first = snapshot(1)
    assert snapshot(1) == first
    assert snapshot(2) != first


def test_command_prints_the_logins_every_time():
    out = io.StringIO()
    call_command("demo_load", stdout=out)
    first = out.getvalue()
    out = io.StringIO()
    call_command("demo_load", stdout=out)
    second = out.getvalue()
    for text in (first, second):
        for username in ("admin", "jiangbo", "zhangyu", "gbsecretary", "secretary2", "member", "staff"):
            assert username in text
        assert DEMO_PASSWORD in text and "江波" in text
    assert first.splitlines()[0] != second.splitlines()[0]  # loaded, then already there


def test_existing_admin_is_left_alone_and_changed_passwords_are_not_printed():
    admin = User.objects.create_superuser("admin", password="Own-admin-passw0rd")
    result = demo_load(year=False)
    assert result.created
    admin.refresh_from_db()
    assert admin.check_password("Own-admin-passw0rd")
    logins = {login.username: login.password for login in result.logins}
    assert logins["admin"] is None and logins["member"] == DEMO_PASSWORD
    member = User.objects.get(username="member")
    member.set_password("Changed-passw0rd-1")
    member.save()
    logins = {login.username: login.password for login in demo_load(year=False).logins}
    assert logins["admin"] is None and logins["member"] is None
    assert logins["secretary"] == DEMO_PASSWORD
