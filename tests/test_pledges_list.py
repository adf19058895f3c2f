"""The pledge list read page by page (``selectors.PledgePages``) and the visibility queryset it
starts from, against plain reference computations."""

import datetime
import itertools

import pytest
from django.db.models import Q
from django.urls import reverse

from branches.services import SYSTEM, member_transfer
from campaigns.services import campaign_year_create
from pledges import selectors
from pledges.models import Pledge
from pledges.views import PledgeListView
from pledges.workflow import pledge_roles

from .factories import make_member
from .test_pledges_support import acc, make_pledge, member3_fixture, step, year_of  # noqa: F401

ROLES = ["staff", "member", "secretary", "gb_secretary", "other_secretary", "office", "leader", "admin"]


def _access(user):
    # Read again: the fixture's user still holds the person as it was before the transfer.
    return acc(type(user).objects.get(pk=user.pk))


def _pledge(year, kind, status, *, branch, person=None, version=1, previous=None, by):
    return Pledge.objects.create(
        kind=kind,
        campaign_year=year,
        branch=branch,
        person=person,
        status=status,
        version=version,
        previous=previous,
        created_by=by,
        return_reason="请细化" if status == "returned" else "",
    )


@pytest.fixture(name="two_years")
def two_years_fixture(institute, member3):
    """Pledges of two campaign years, of both kinds and in most states, in several branches; a
    correction (superseded v1, published v2); and a member's own draft written in a branch he
    has since left."""
    this_year = year_of(institute)
    last_year = campaign_year_create(campaign=institute.campaign, year=2025)
    by = institute.admin
    people = [institute.member, member3] + [
        make_member(institute.branch2, name=f"党员{n}", user=True) for n in range(3)
    ]
    for year in (last_year, this_year):
        branches = [institute.branch, institute.branch2, institute.other_branch]
        for branch, status in zip(branches, ["published", "submitted", "draft"], strict=True):
            _pledge(year, "branch", status, branch=branch, by=by)
        states = itertools.cycle(["published", "draft", "approved", "closed"])
        for person, status in zip(people, states, strict=False):
            _pledge(year, "member", status, branch=person.branch, person=person, by=by)
    old = Pledge.objects.get(campaign_year=last_year, kind="member", person=people[2])
    old.status = "superseded"
    old.save(update_fields=["status"])
    _pledge(
        last_year, "member", "published", branch=old.branch, person=old.person, version=2, previous=old, by=by
    )
    # The member moves to branch2; his draft of this year stays with the branch it was written in.
    member_transfer(
        person=institute.member, branch=institute.branch2, on=datetime.date(2026, 2, 1), access=SYSTEM
    )
    return this_year, last_year


def _expected_visible(access):
    """The visibility rule spelt out pledge by pledge, as the workflow decides it."""
    return {
        pledge
        for pledge in Pledge.objects.select_related("branch")
        if (pledge.is_public and access.reaches_branch("pledges.view", pledge.branch))
        or pledge_roles(access, pledge)
    }


@pytest.mark.parametrize("role", ROLES)
def test_visible_to_matches_the_workflow_rule(institute, users, two_years, role):
    access = _access(users[role])
    assert set(Pledge.objects.visible_to(access)) == _expected_visible(access)


def test_own_pledge_stays_visible_after_a_transfer(institute, two_years):
    this_year, _last_year = two_years
    member = institute.member
    member.refresh_from_db()
    own = Pledge.objects.get(person=member, campaign_year=this_year)
    assert member.branch == institute.branch2 and own.branch == institute.branch
    assert own.status == "published"  # the first of the cycle
    draft = Pledge.objects.create(
        kind="member",
        campaign_year=this_year,
        branch=institute.branch,
        person=member,
        status="draft",
        version=2,
        previous=own,
        created_by=member.user,
    )
    # The member now reaches branch2 only (pledges.view) and the own pledges wherever they are.
    assert draft in set(Pledge.objects.visible_to(_access(member.user)))


def _listed(client, params):
    """Every page of the list for ``params``: the rows (as pks) and the total the paginator gave."""
    rows, number, total = [], 1, None
    while True:
        response = client.get(reverse("pledges:list"), {**params, "page": number})
        assert response.status_code == 200
        rows += [p.pk for p in response.context["pledges"]]
        total = response.context["paginator"].count
        if not response.context["page_obj"].has_next():
            return rows, total, response.context["filter_form"]
        number += 1


def _reference(access, params):
    """The same list as one plain ordered query."""
    pledges = Pledge.objects.visible_to(access)
    pledges = pledges.filter(status=params["status"]) if params.get("status") else pledges.current()
    if params.get("kind"):
        pledges = pledges.filter(kind=params["kind"])
    if params.get("year"):
        pledges = pledges.filter(campaign_year__year=params["year"])
    if params.get("q"):
        pledges = pledges.filter(
            Q(branch__name__contains=params["q"]) | Q(person__name__contains=params["q"])
        )
    return [p.pk for p in selectors.pledge_list(pledges)]


FILTERS = [
    {},
    {"kind": "member"},
    {"kind": "branch", "year": "2025"},
    {"status": "superseded"},
    {"status": "draft", "year": "2026"},
    {"q": "党员"},
    {"q": "第二", "kind": "member"},
    {"year": "1999"},  # not a choice: the form is invalid and filters nothing
]


@pytest.mark.parametrize("role", ["admin", "office", "gb_secretary", "secretary", "member"])
def test_list_pages_match_one_ordered_query(client, monkeypatch, institute, users, two_years, role):
    # Pages of 3 rows: every page boundary, and pages across a (year, kind) group, are exercised.
    monkeypatch.setattr(PledgeListView, "paginate_by", 3)
    client.force_login(users[role])
    access = _access(users[role])
    for params in FILTERS:
        rows, total, form = _listed(client, params)
        reference = _reference(access, params if form.is_valid() else {})
        assert rows == reference, params
        assert total == len(reference), params
    years = [value for value, _label in form.fields["year"].choices if value]
    visible_years = {
        p.campaign_year.year for p in Pledge.objects.visible_to(access).select_related("campaign_year")
    }
    assert years == sorted(visible_years, reverse=True)


def test_list_orders_newest_year_first_then_kind(client, institute, users, two_years):
    client.force_login(users["admin"])
    rows = list(client.get(reverse("pledges:list")).context["pledges"])
    keys = [(-p.campaign_year.year, p.kind) for p in rows]
    assert keys == sorted(keys) and keys[0] == (-2026, "branch") and keys[-1] == (-2025, "member")


def test_list_query_count_does_not_depend_on_the_page(client, monkeypatch, institute, users, two_years):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    monkeypatch.setattr(PledgeListView, "paginate_by", 3)
    client.force_login(users["admin"])
    counts = set()
    for page in (1, 2, 3, 4):  # within a group and across two
        client.get(reverse("pledges:list"), {"page": page})
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("pledges:list"), {"page": page}).status_code == 200
        counts.add(len(ctx.captured_queries))
    assert len(counts) == 1


def test_list_still_shows_progress_and_publication(client, institute, users):
    pledge = make_pledge(institute, "branch", "published", items=2)
    step(institute, pledge, "progress", percent=60)
    client.force_login(users["staff"])
    (row,) = client.get(reverse("pledges:list")).context["pledges"]
    assert (row.pk, row.item_count, row.progress, row.published_on) == (
        pledge.pk,
        2,
        30.0,
        pledge.publications.get().published_on,
    )
