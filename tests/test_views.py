"""The permission grid of every view in this part and the pages' query counts."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from branches.models import Membership, Person
from campaigns.models import CampaignYear, Phase

from .factories import BranchFactory, PartyGroupFactory, make_member

ALL_ROLES = [
    "anonymous",
    "staff",
    "member",
    "secretary",
    "gb_secretary",
    "other_secretary",
    "office",
    "leader",
    "admin",
]

# url name, how to get its args from the institute, and the answer per role (others: 403).
GRID = [
    ("home", lambda i: [], {"anonymous": 302, **{r: 200 for r in ALL_ROLES[1:]}}),
    (
        "branches:org",
        lambda i: [],
        {
            "anonymous": 302,
            "secretary": 200,
            "gb_secretary": 200,
            "other_secretary": 200,
            "office": 200,
            "leader": 200,
            "admin": 200,
        },
    ),
    (
        "branches:branch_list",
        lambda i: [],
        {
            "anonymous": 302,
            "secretary": 200,
            "gb_secretary": 200,
            "other_secretary": 200,
            "office": 200,
            "leader": 200,
            "admin": 200,
        },
    ),
    (
        "branches:branch_detail",
        lambda i: [i.branch.pk],
        {
            "anonymous": 302,
            "secretary": 200,
            "gb_secretary": 200,
            "other_secretary": 404,
            "office": 200,
            "leader": 200,
            "admin": 200,
        },
    ),
    (
        "branches:branch_detail",
        lambda i: [i.foreign_branch.pk],
        {
            "anonymous": 302,
            "secretary": 404,
            "gb_secretary": 404,
            "other_secretary": 404,
            "office": 404,
            "leader": 404,
            "admin": 200,
        },
    ),
    (
        "branches:person_list",
        lambda i: [],
        {
            "anonymous": 302,
            "secretary": 200,
            "gb_secretary": 200,
            "other_secretary": 200,
            "office": 200,
            "admin": 200,
        },
    ),
    (
        "branches:person_detail",
        lambda i: [i.member.pk],
        {
            "anonymous": 302,
            "secretary": 200,
            "gb_secretary": 200,
            "other_secretary": 404,
            "office": 200,
            "admin": 200,
        },
    ),
    (
        "branches:person_detail",
        lambda i: [i.staff.pk],
        {
            "anonymous": 302,
            "secretary": 404,
            "gb_secretary": 404,
            "other_secretary": 404,
            "office": 200,
            "admin": 200,
        },
    ),
    (
        "branches:person_detail",
        lambda i: [i.foreign_member.pk],
        {
            "anonymous": 302,
            "secretary": 404,
            "gb_secretary": 404,
            "other_secretary": 404,
            "office": 404,
            "admin": 200,
        },
    ),
    ("branches:person_transfer", lambda i: [i.member.pk], {"anonymous": 302, "office": 200, "admin": 200}),
    ("branches:roster_import", lambda i: [], {"anonymous": 302, "office": 200, "admin": 200}),
    ("branches:roster_export", lambda i: [], {"anonymous": 302, "office": 200, "admin": 200}),
    ("campaigns:current", lambda i: [], {"anonymous": 302, **{r: 200 for r in ALL_ROLES[1:]}}),
    (
        "campaigns:year_edit",
        lambda i: [CampaignYear.objects.get(campaign=i.campaign).pk],
        {"anonymous": 302, "office": 200, "admin": 200},
    ),
]


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("name, args, expected", GRID, ids=[f"{g[0]}-{n}" for n, g in enumerate(GRID)])
def test_permission_grid(client, institute, users, role, name, args, expected):
    if users[role] is not None:
        client.force_login(users[role])
    response = client.get(reverse(name, args=args(institute)))
    assert response.status_code == expected.get(role, 403)


def test_secretary_sees_own_members_only(client, institute):
    client.force_login(institute.secretary.user)
    page = client.get(reverse("branches:branch_detail", args=[institute.branch.pk])).content.decode()
    assert institute.member.name in page
    people = client.get(reverse("branches:person_list")).content.decode()
    assert institute.member.name in people
    assert institute.member2.name not in people  # the other branch of the same general branch
    assert institute.other_member.name not in people


def test_people_are_filtered_by_typed_branch_and_department(client, institute):
    """Branch and department are typed in part, with the names within reach suggested: a group
    has thousands of both, too many for a select."""
    client.force_login(institute.office.user)
    url = reverse("branches:person_list")
    page = client.get(url)
    html = page.content.decode()
    assert '<select name="branch"' not in html and '<select name="department"' not in html
    assert 'name="branch_q"' in html and 'list="branch-names"' in html
    assert institute.branch.name in page.context["branch_names"]
    assert institute.foreign_branch.name not in page.context["branch_names"]  # another institute
    assert institute.department.name in page.context["department_names"]

    def names(query):
        response = client.get(url, query)
        assert response.status_code == 200
        return {p.name for p in response.context["people"]}

    assert names({"branch_q": "第二"}) == {institute.member2.name}
    assert names({"branch_q": " 机关 "}) == {institute.other_member.name, institute.other_secretary.name}
    assert names({"branch_q": "外所"}) == set()  # the other institute's branch stays out of reach
    assert names({"department_q": "第一事业", "kind": "staff"}) == {institute.staff.name}
    assert names({"branch_q": "无此支部"}) == set()
    # A typed value stays in the field after filtering.
    assert 'value="第二"' in client.get(url, {"branch_q": "第二"}).content.decode()


def test_leading_group_sees_branch_but_not_member_names(client, institute):
    client.force_login(institute.leader.user)
    page = client.get(reverse("branches:branch_detail", args=[institute.branch.pk])).content.decode()
    assert institute.branch.name in page
    assert institute.member.name not in page


@pytest.mark.parametrize("role", ["staff", "member", "secretary", "office", "leader", "admin"])
def test_each_role_lands_on_its_home(client, users, role):
    client.force_login(users[role])
    response = client.get(reverse("home"))
    template = {"leader": "leading_group", "gb_secretary": "secretary"}.get(role, role)
    assert f"home/home_{template}.html" in [t.name for t in response.templates]


def test_home_shows_the_phases_running_today(client, institute, monkeypatch):
    """The phases are read with the campaign year (one EXISTS per phase): those whose dates
    hold today, as the office set them, in their order."""
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: datetime.date(2026, 5, 15))
    year = CampaignYear.objects.get(campaign=institute.campaign, year=2026)
    year.phases.filter(number=Phase.Number.REVIEW).update(ends_on=datetime.date(2026, 5, 14))
    year.phases.filter(number=Phase.Number.CONSOLIDATE).update(starts_on=datetime.date(2026, 5, 15))
    client.force_login(institute.member.user)
    response = client.get(reverse("home"))
    assert [p.number for p in response.context["current_phases"]] == [
        Phase.Number.STRIVE,
        Phase.Number.ASSESS,
        Phase.Number.CONSOLIDATE,
    ]
    assert str(Phase.Number.ASSESS.label) in response.content.decode()


def test_home_role_switch_only_to_own_roles(client, institute):
    client.force_login(institute.secretary.user)
    names = lambda r: [t.name for t in r.templates]  # noqa: E731
    assert "home/home_member.html" in names(client.get(reverse("home") + "?role=member"))
    assert "home/home_secretary.html" in names(client.get(reverse("home") + "?role=office"))


def test_transfer_keeps_history(client, institute):
    client.force_login(institute.office.user)
    response = client.post(
        reverse("branches:person_transfer", args=[institute.member.pk]),
        {"branch": institute.other_branch.pk, "on": "2026-03-01", "note": "工作调动"},
    )
    assert response.status_code == 302
    person = Person.objects.get(pk=institute.member.pk)
    assert person.branch == institute.other_branch
    stays = list(Membership.objects.filter(person=person).order_by("started_on"))
    assert [(s.branch, s.ended_on) for s in stays] == [
        (institute.branch, datetime.date(2026, 2, 28)),
        (institute.other_branch, None),
    ]
    # The change is in the audit trail with who made it, shown on the person's page.
    assert person.history.first().history_user == institute.office.user
    page = client.get(reverse("branches:person_detail", args=[person.pk])).content.decode()
    assert "工作调动" in page and institute.office.name in page


def test_transfer_refuses_group_of_another_branch(client, institute):
    client.force_login(institute.office.user)
    response = client.post(
        reverse("branches:person_transfer", args=[institute.member.pk]),
        {"branch": institute.other_branch.pk, "party_group": institute.group.pk, "on": "2026-03-01"},
    )
    assert response.status_code == 200
    assert Person.objects.get(pk=institute.member.pk).branch == institute.branch


def test_calendar_edit_validates_and_saves(client, institute):
    year = CampaignYear.objects.get(campaign=institute.campaign)
    client.force_login(institute.office.user)
    url = reverse("campaigns:year_edit", args=[year.pk])
    form = client.get(url).context["form"]
    data = {name: f.value().isoformat() for name, f in ((n, form[n]) for n in form.fields if n != "version")}
    phases = client.get(url).context["phases"]
    data.update(
        {
            "phases-TOTAL_FORMS": "5",
            "phases-INITIAL_FORMS": "5",
            "phases-MIN_NUM_FORMS": "0",
            "phases-MAX_NUM_FORMS": "5",
        }
    )
    for n, f in enumerate(phases.forms):
        data.update(
            {
                f"phases-{n}-id": f.instance.pk,
                f"phases-{n}-starts_on": f.instance.starts_on.isoformat(),
                f"phases-{n}-ends_on": f.instance.ends_on.isoformat(),
            }
        )
    bad = {**data, "pledges_due_on": "2025-12-31"}
    assert client.post(url, bad).status_code == 200
    year.refresh_from_db()
    assert year.pledges_due_on == datetime.date(2026, 2, 28)
    good = {**data, "pledges_due_on": "2026-03-10"}
    assert client.post(url, good).status_code == 302
    year.refresh_from_db()
    assert year.pledges_due_on == datetime.date(2026, 3, 10)
    assert year.history.first().history_user == institute.office.user


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "role, url_name, args",
    [
        ("office", "home", lambda i: []),
        ("secretary", "home", lambda i: []),
        ("member", "home", lambda i: []),
        ("office", "branches:org", lambda i: []),
        ("office", "branches:branch_list", lambda i: []),
        ("secretary", "branches:branch_detail", lambda i: [i.branch.pk]),
        ("office", "branches:person_list", lambda i: []),
        ("office", "branches:person_detail", lambda i: [i.member.pk]),
        ("office", "campaigns:current", lambda i: []),
    ],
)
def test_page_query_count_does_not_grow_with_data(client, institute, users, role, url_name, args):
    client.force_login(users[role])
    url = reverse(url_name, args=args(institute))
    _count(client, url)  # warm up: session and content types
    before = _count(client, url)
    for _n in range(3):
        branch = BranchFactory(committee=institute.committee, general_branch=institute.gb)
        PartyGroupFactory(branch=branch)
        for _ in range(4):
            make_member(branch)
        make_member(institute.branch, party_group=None)
    Person.objects.filter(pk=institute.member.pk).update(post="工程师")
    # The home page's compliance figures are recomputed, at a fixed cost, by the first request
    # after a change to records (activities.summary): compare a warm page with a warm page.
    _count(client, url)
    assert _count(client, url) == before
