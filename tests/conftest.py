import os
from types import SimpleNamespace

import pytest

from campaigns.models import LeadingGroupMember, OfficeMember

from .factories import (
    PASSWORD,
    BranchFactory,
    CommitteeFactory,
    DepartmentFactory,
    GeneralBranchFactory,
    PartyGroupFactory,
    PersonFactory,
    UserFactory,
    make_campaign,
    make_member,
    make_secretary,
)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def institute(db):
    """A small institute with one login per role.

    - general branch ``gb`` holding ``branch`` (with group ``group``) and ``branch2``
    - ``other_branch`` sits directly under the committee (未设党总支的支部)
    - a second institute ``other_committee`` with ``foreign_branch``
    """
    committee = CommitteeFactory(name="二十六所党委")
    dept = DepartmentFactory(committee=committee, name="第一事业部")
    gb = GeneralBranchFactory(committee=committee, name="第一党总支", department=dept)
    branch = BranchFactory(committee=committee, general_branch=gb, name="第一党支部")
    branch2 = BranchFactory(committee=committee, general_branch=gb, name="第二党支部")
    branch.departments.add(dept)
    branch2.departments.add(dept)
    other_branch = BranchFactory(committee=committee, name="机关党支部", category="administration")
    group = PartyGroupFactory(branch=branch, name="第一党小组")
    campaign = make_campaign(committee)

    ns = SimpleNamespace(
        committee=committee,
        department=dept,
        gb=gb,
        branch=branch,
        branch2=branch2,
        other_branch=other_branch,
        group=group,
        campaign=campaign,
    )
    ns.secretary = make_secretary(branch, name="李书记")
    ns.gb_secretary = make_secretary(gb, name="王总支书记")
    ns.other_secretary = make_secretary(other_branch, name="赵书记")
    ns.member = make_member(branch, name="陈党员", user=True, party_group=None)
    ns.member2 = make_member(branch2, name="周党员")
    ns.other_member = make_member(other_branch, name="吴党员")
    ns.staff = PersonFactory(
        committee=committee, name="孙职工", department=dept, user=UserFactory(username="staff")
    )
    ns.office = PersonFactory(committee=committee, name="章瑜", user=UserFactory(username="office"))
    OfficeMember.objects.create(
        campaign=campaign, person=ns.office, role=OfficeMember.Role.DIRECTOR, title="党群工作处副处长"
    )
    ns.leader = PersonFactory(committee=committee, name="江波", user=UserFactory(username="leader"))
    LeadingGroupMember.objects.create(
        campaign=campaign, person=ns.leader, role=LeadingGroupMember.Role.LEADER, title="党委副书记、副所长"
    )
    admin = UserFactory(username="admin")
    admin.is_superuser = admin.is_staff = True
    admin.save()
    ns.admin = admin

    other_committee = CommitteeFactory(name="二十七所党委")
    ns.other_committee = other_committee
    ns.foreign_branch = BranchFactory(committee=other_committee, name="外所党支部")
    ns.foreign_member = make_member(ns.foreign_branch, name="外所党员")
    return ns


@pytest.fixture
def users(institute):
    """Logins by role name, as used in the permission grids."""
    return {
        "anonymous": None,
        "staff": institute.staff.user,
        "member": institute.member.user,
        "secretary": institute.secretary.user,
        "gb_secretary": institute.gb_secretary.user,
        "other_secretary": institute.other_secretary.user,
        "office": institute.office.user,
        "leader": institute.leader.user,
        "admin": institute.admin,
    }


# --- Browser tests: Debian's chromium driven by Playwright (no browser download) ---
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # live_server + Playwright's event loop

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN"}


@pytest.fixture
def login(page, live_server):
    """Log in through the real login form as ``user`` (all test users share one password)."""

    def _login(user):
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("input[name=username]", user.username)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}/")
        return page

    return _login
