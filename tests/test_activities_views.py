"""The permission grid of every activities URL × role, and the pages' query counts."""

import datetime
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.access import compute_access
from activities import services
from activities.models import AttendanceStatus, Kind
from activities.services import AttendanceEntry
from campaigns.models import CampaignYear

from .factories import BranchFactory, PartyGroupFactory, make_campaign, make_member, make_secretary

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
PDF = b"%PDF-1.4\n%%EOF\n"
VIEWERS = {
    "secretary": 200,
    "gb_secretary": 200,
    "other_secretary": 200,
    "office": 200,
    "leader": 200,
    "admin": 200,
}
SECRETARIES = {"secretary": 200, "gb_secretary": 200, "other_secretary": 200}
# A record of the secretary's branch (第一党支部, under the general branch).
OWN_VIEW = {**VIEWERS, "other_secretary": 404}
OWN_CHANGE = {"secretary": 200, "gb_secretary": 200, "other_secretary": 404}
# A record of another institute: only the administrator reaches it (and may not change it).
FOREIGN_VIEW = {**{r: 404 for r in VIEWERS}, "admin": 200}
FOREIGN_CHANGE = {r: 404 for r in SECRETARIES}
OFFICE = {"office": 200, "admin": 200}
EVERYONE = {r: 200 for r in ALL_ROLES if r != "anonymous"}


@pytest.fixture
def data(institute):
    """A record, a file, a reading list, a team and a champion here and in another institute."""
    year = CampaignYear.objects.get(campaign=institute.campaign)
    foreign_campaign = make_campaign(institute.other_committee)
    foreign_year = CampaignYear.objects.get(campaign=foreign_campaign)
    foreign_secretary = make_secretary(institute.foreign_branch, name="外所书记")

    def record(branch, actor):
        return services.record_create(
            branch=branch,
            kind=Kind.GENERAL_MEETING,
            access=compute_access(actor),
            held_on=datetime.date(2026, 3, 1),
            title="党员大会",
            files=[SimpleUploadedFile("记录.pdf", PDF)],
            today=datetime.date(2026, 11, 1),
        )

    def reading_list(year, actor):
        return services.reading_list_save(
            reading_list=None,
            campaign_year=year,
            access=compute_access(actor),
            title="推荐书目",
            note="",
            published_on=datetime.date(2026, 3, 1),
            books=[{"title": "红岩"}],
        )

    own = record(institute.branch, institute.secretary.user)
    foreign = record(institute.foreign_branch, foreign_secretary.user)
    archived = services.record_archive(
        record=record(institute.branch, institute.secretary.user),
        access=compute_access(institute.secretary.user),
        reason="重复登记",
    )
    foreign_archived = services.record_archive(
        record=record(institute.foreign_branch, foreign_secretary.user),
        access=compute_access(foreign_secretary.user),
        reason="重复登记",
    )
    team = services.vanguard_team_save(
        team=None,
        branch=institute.branch,
        campaign_year=year,
        access=compute_access(institute.secretary.user),
        name="攻关团队",
        topic="课题",
        leader=institute.secretary,
        members=[institute.member],
    )
    champion = services.research_champion_save(
        champion=None,
        branch=institute.branch,
        campaign_year=year,
        access=compute_access(institute.secretary.user),
        person=institute.member,
        achievement="攻克难题",
    )
    return SimpleNamespace(
        year=year,
        foreign_year=foreign_year,
        record=own,
        file=own.evidence.get(),
        foreign_record=foreign,
        foreign_file=foreign.evidence.get(),
        archived=archived,
        foreign_archived=foreign_archived,
        reading_list=reading_list(year, institute.office.user),
        foreign_reading_list=reading_list(foreign_year, institute.admin),
        team=team,
        champion=champion,
    )


# url name, its args (from the institute and the data), the answer per role (others: 403).
GRID = [
    ("activities:list", lambda i, d: [], VIEWERS),
    ("activities:create", lambda i, d: [], SECRETARIES),
    ("activities:create_kind", lambda i, d: [i.branch.pk, Kind.COMMITTEE_MEETING], OWN_CHANGE),
    ("activities:create_kind", lambda i, d: [i.branch.pk, Kind.NEWS_REPORT], OWN_CHANGE),
    ("activities:create_kind", lambda i, d: [i.foreign_branch.pk, Kind.NEWS_REPORT], FOREIGN_CHANGE),
    ("activities:detail", lambda i, d: [d.record.pk], OWN_VIEW),
    ("activities:detail", lambda i, d: [d.foreign_record.pk], FOREIGN_VIEW),
    ("activities:edit", lambda i, d: [d.record.pk], OWN_CHANGE),
    ("activities:edit", lambda i, d: [d.foreign_record.pk], FOREIGN_CHANGE),
    ("activities:archive", lambda i, d: [d.record.pk], OWN_CHANGE),
    ("activities:archive", lambda i, d: [d.foreign_record.pk], FOREIGN_CHANGE),
    # Restoring: the branch's secretaries and the office; a record not archived is not found.
    ("activities:restore", lambda i, d: [d.archived.pk], {**OWN_CHANGE, **OFFICE}),
    ("activities:restore", lambda i, d: [d.record.pk], {**FOREIGN_CHANGE, "office": 404, "admin": 404}),
    (
        "activities:restore",
        lambda i, d: [d.foreign_archived.pk],
        {**FOREIGN_CHANGE, "office": 404, "admin": 200},
    ),
    ("activities:signin_manage", lambda i, d: [d.record.pk], OWN_CHANGE),
    ("activities:signin_manage", lambda i, d: [d.foreign_record.pk], FOREIGN_CHANGE),
    ("activities:signin_arrivals", lambda i, d: [d.record.pk], OWN_CHANGE),
    ("activities:signin_arrivals", lambda i, d: [d.foreign_record.pk], FOREIGN_CHANGE),
    ("activities:signin_enter", lambda i, d: [], EVERYONE),
    ("activities:signin", lambda i, d: ["ABCDEF"], EVERYONE),
    ("activities:evidence", lambda i, d: [d.file.pk], OWN_VIEW),
    ("activities:evidence", lambda i, d: [d.foreign_file.pk], FOREIGN_VIEW),
    ("activities:compliance", lambda i, d: [], VIEWERS),
    ("activities:overdue", lambda i, d: [], VIEWERS),
    ("activities:branch_owes", lambda i, d: [i.branch.pk], OWN_VIEW),
    (
        "activities:branch_owes",
        lambda i, d: [i.other_branch.pk],
        {**VIEWERS, "secretary": 404, "gb_secretary": 404},
    ),
    ("activities:branch_owes", lambda i, d: [i.foreign_branch.pk], FOREIGN_VIEW),
    ("activities:frequencies", lambda i, d: [d.year.pk], OFFICE),
    # A general branch's own records (issue 20): its secretary, not a branch's.
    (
        "activities:create_gb_kind",
        lambda i, d: [i.gb.pk, Kind.GB_COMMITTEE_MEETING],
        {"gb_secretary": 200, "secretary": 404, "other_secretary": 404},
    ),
    ("activities:general_branch_owes", lambda i, d: [i.gb.pk], {**OWN_VIEW, "secretary": 404}),
    ("activities:frequencies_general_branch", lambda i, d: [d.year.pk], OFFICE),
    ("activities:frequencies", lambda i, d: [d.foreign_year.pk], {"office": 404, "admin": 200}),
    ("activities:reading_lists", lambda i, d: [], VIEWERS),
    ("activities:reading_list_create", lambda i, d: [], OFFICE),
    ("activities:reading_list_detail", lambda i, d: [d.reading_list.pk], VIEWERS),
    ("activities:reading_list_detail", lambda i, d: [d.foreign_reading_list.pk], FOREIGN_VIEW),
    ("activities:reading_list_edit", lambda i, d: [d.reading_list.pk], OFFICE),
    ("activities:reading_list_edit", lambda i, d: [d.foreign_reading_list.pk], {"office": 404, "admin": 200}),
    ("activities:vanguard", lambda i, d: [], VIEWERS),
    ("activities:team_create", lambda i, d: [], SECRETARIES),
    ("activities:team_detail", lambda i, d: [d.team.pk], OWN_VIEW),
    ("activities:team_edit", lambda i, d: [d.team.pk], OWN_CHANGE),
    ("activities:champion_create", lambda i, d: [], SECRETARIES),
    ("activities:champion_detail", lambda i, d: [d.champion.pk], OWN_VIEW),
    ("activities:champion_edit", lambda i, d: [d.champion.pk], OWN_CHANGE),
]


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("name, args, expected", GRID, ids=[f"{g[0]}-{n}" for n, g in enumerate(GRID)])
def test_permission_grid(client, institute, users, data, role, name, args, expected):
    if users[role] is not None:
        client.force_login(users[role])
    response = client.get(reverse(name, args=args(institute, data)))
    assert response.status_code == expected.get(role, 302 if role == "anonymous" else 403)


def test_every_url_is_in_the_grid():
    from activities.urls import urlpatterns

    assert {p.name for p in urlpatterns} == {g[0].split(":")[1] for g in GRID}


@pytest.mark.parametrize("role", ["office", "admin", "leader", "member", "staff"])
def test_only_secretaries_post_records(client, institute, users, role):
    client.force_login(users[role])
    url = reverse("activities:create_kind", args=[institute.branch.pk, Kind.NEWS_REPORT])
    response = client.post(url, {"held_on": "2026-03-01", "title": "通讯", "published_in": "党委网站"})
    assert response.status_code == 403


def test_other_branch_cannot_archive_by_post(client, institute, data):
    client.force_login(institute.other_secretary.user)
    response = client.post(reverse("activities:archive", args=[data.record.pk]), {"reason": "恶意"})
    assert response.status_code == 404
    data.record.refresh_from_db()
    assert not data.record.is_archived


# --- query counts -----------------------------------------------------------------------------


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _grow(institute, data):
    """More branches, groups, members, records, attendance, files and history."""
    for n in range(3):
        branch = BranchFactory(committee=institute.committee, general_branch=institute.gb)
        group = PartyGroupFactory(branch=branch)
        people = [make_member(branch) for _ in range(3)]
        services.record_create(
            branch=branch,
            kind=Kind.GROUP_MEETING,
            party_group=group,
            access=compute_access(institute.gb_secretary.user),
            held_on=datetime.date(2026, 2, 1 + n),
            title="小组会",
            today=datetime.date(2026, 11, 1),
        )
        services.record_create(
            branch=institute.branch,
            kind=Kind.COMMITTEE_MEETING,
            access=compute_access(institute.secretary.user),
            held_on=datetime.date(2026, 4, 1 + n),
            title="支委会",
            attendance=[AttendanceEntry(institute.secretary, AttendanceStatus.PRESENT)],
            files=[SimpleUploadedFile("a.pdf", PDF)],
            today=datetime.date(2026, 11, 1),
        )
        services.vanguard_team_save(
            team=None,
            branch=branch,
            campaign_year=data.year,
            access=compute_access(institute.gb_secretary.user),
            name=f"团队{n}",
            topic="课题",
            leader=people[0],
            members=people,
        )
    extra = [make_member(institute.branch) for _ in range(3)]
    services.record_update(
        record=data.record,
        access=compute_access(institute.secretary.user),
        changes={"title": "党员大会（更正）"},
        attendance=[AttendanceEntry(p, AttendanceStatus.ABSENT) for p in extra]
        + [AttendanceEntry(institute.member, AttendanceStatus.LEAVE, "出差")],
        files=[SimpleUploadedFile("b.pdf", PDF), SimpleUploadedFile("c.pdf", PDF)],
        today=datetime.date(2026, 11, 1),
    )
    services.record_update(
        record=data.record,
        access=compute_access(institute.secretary.user),
        changes={},
        attendance=[AttendanceEntry(institute.member, AttendanceStatus.PRESENT)],
        today=datetime.date(2026, 11, 1),
    )


@pytest.mark.parametrize(
    "role, url_name, args",
    [
        ("office", "home", lambda i, d: []),
        ("secretary", "home", lambda i, d: []),
        ("leader", "home", lambda i, d: []),
        ("office", "activities:compliance", lambda i, d: []),
        ("office", "activities:overdue", lambda i, d: []),
        ("secretary", "activities:compliance", lambda i, d: []),
        ("secretary", "activities:branch_owes", lambda i, d: [i.branch.pk]),
        ("office", "activities:list", lambda i, d: []),
        ("secretary", "activities:list", lambda i, d: []),
        ("secretary", "activities:detail", lambda i, d: [d.record.pk]),
        ("office", "activities:detail", lambda i, d: [d.record.pk]),
        ("secretary", "activities:edit", lambda i, d: [d.record.pk]),
        ("office", "activities:vanguard", lambda i, d: []),
        ("office", "activities:reading_lists", lambda i, d: []),
    ],
)
def test_page_query_count_does_not_grow_with_data(client, institute, users, data, role, url_name, args):
    client.force_login(users[role])
    url = reverse(url_name, args=args(institute, data))
    _count(client, url)  # warm up: session, content types, the year's default frequencies
    before = _count(client, url)
    _grow(institute, data)
    # The home page's compliance figures are recomputed, at a fixed cost, by the first request
    # after a change to records (activities.summary): compare a warm page with a warm page.
    _count(client, url)
    assert _count(client, url) == before
