"""Every role's home costs the same number of queries however large the institute grows: more
general branches, branches, members and secretaries, notices to all of them, each section of
the home (notices, duty reports, positions, pledges, supervision…) read in a fixed number of
queries, and at most 12 (issue 18), counted as every request after a login's first pays them
(the roles cached, accounts.role_cache)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.workflow import SYSTEM
from notices.services import default_addressees, notice_issue

from .factories import BranchFactory, GeneralBranchFactory, make_member, make_secretary

pytestmark = pytest.mark.django_db

ROLES = ["office", "leader", "secretary", "gb_secretary", "member", "staff", "admin"]
MOST = 12  # issue 18: at most 12 queries on every page of the benchmark


@pytest.fixture(autouse=True)
def role_cache(settings):
    settings.CXZY_ROLE_CACHE = True  # as in production (off in the test settings)


def _queries(client, user):
    client.force_login(user)
    assert client.get(reverse("home")).status_code == 200  # the login's first request reads the roles
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("home"))
    assert response.status_code == 200
    return len(queries)


def _notice(institute, n):
    general, branches, departments = default_addressees(institute.committee)
    notice_issue(
        access=SYSTEM,
        committee=institute.committee,
        title=f"关于开展创先争优活动的通知（{n}）",
        body="各党总支、党支部：……",
        issuing_body="中共第二十六研究所委员会",
        issued_on=datetime.date.today(),
        document_number=f"所党发〔2026〕{n}号",
        general_branches=list(general),
        branches=list(branches),
        departments=list(departments),
    )


def _grow(institute, size):
    for g in range(size):
        general = GeneralBranchFactory(committee=institute.committee, name=f"新党总支{size}-{g}")
        make_secretary(general)
        for b in range(2):
            branch = BranchFactory(
                committee=institute.committee, general_branch=general, name=f"新支部{size}-{g}-{b}"
            )
            make_secretary(branch)
            make_member(branch)
    for n in range(size):
        _notice(institute, f"{size}{n}")


def test_every_home_costs_the_same_queries_as_the_institute_grows(client, institute, users):
    _grow(institute, 1)
    small = {role: _queries(client, users[role]) for role in ROLES}
    _grow(institute, 4)
    large = {role: _queries(client, users[role]) for role in ROLES}
    assert large == small
    assert max(large.values()) <= MOST, large


def test_no_home_tests_its_pledges_against_a_subquery(client, users):
    """No home compares a pledge's owner with a set of keys as ``IN (SELECT …)``: OR'd with the
    other conditions of a list PostgreSQL tests it on every pledge of the year (a secretary's home
    against its annotated branch list: 8.1 ms of its counts statement at full scale, 1.3 ms as
    arrays, ``core.arrays``; issue 18)."""
    for role in ROLES:
        client.force_login(users[role])
        client.get(reverse("home"))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("home")).status_code == 200
        for query in queries:
            for owner in ("branch_id", "general_branch_id"):
                assert f'"pledges_pledge"."{owner}" IN (SELECT' not in query["sql"], (role, owner)
