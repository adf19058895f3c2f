"""Dashboards (/reports/dashboard/): figures on small known data, who sees which dashboard and
which branches, and a fixed number of queries whatever the size of the data."""

import datetime
import json
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from activities.models import ActivityRecord
from awards.models import ScoreItem, ScoreLine, ScoringRun
from campaigns.models import CampaignYear
from evaluations.models import Evaluation, Target, Voter
from pledges.models import Pledge, PledgeItem, ProgressEntry
from reports import dashboards
from reports.views_dashboard import DashboardView

from .factories import BranchFactory, PartyGroupFactory, PersonFactory, make_campaign, make_member

D = datetime.date
TODAY = D(2026, 3, 15)
URL = "/reports/dashboard/"


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    """The dashboard as seen on 15 March 2026 (compliance depends on the day)."""
    monkeypatch.setattr(DashboardView, "get_today", lambda self: TODAY)


def year_of(institute) -> CampaignYear:
    return CampaignYear.objects.get(campaign=institute.campaign, year=2026)


# --- known data -----------------------------------------------------------------------------------


def make_run(year, actor, *, status=ScoringRun.Status.DRAFT, state=ScoringRun.State.DONE, computed=True):
    return ScoringRun.objects.create(
        campaign_year=year,
        status=status,
        state=state,
        as_of=D(2026, 3, 31),
        requested_by=actor,
        computed_at=timezone.now() if computed else None,
    )


def make_line(run, branch, total, items, *, person=None, rank=1):
    """``items``: (criterion, source, points, max_points)."""
    line = ScoreLine.objects.create(
        run=run,
        kind="member" if person else "branch",
        branch=branch,
        person=person,
        category=branch.category,
        quota_unit=f"b{branch.pk}",
        rubric_points=Decimal("0"),
        rubric_max=Decimal("100"),
        rubric_percent=Decimal("0"),
        total=Decimal(total),
        eligible=True,
        rank=rank,
    )
    for n, (criterion, source, points, max_points) in enumerate(items):
        ScoreItem.objects.create(
            line=line,
            criterion=criterion,
            name=f"{criterion} {n}",
            source=source,
            points=Decimal(points),
            max_points=Decimal(max_points),
            sort_order=n,
        )
    return line


def record(branch, kind, held_on, actor, **kwargs):
    return ActivityRecord.objects.create(
        branch=branch, kind=kind, held_on=held_on, title=f"{kind} {held_on}", created_by=actor, **kwargs
    )


def make_evaluation(year, committee, actor, *, title, targets, voters, voted, status="open"):
    evaluation = Evaluation.objects.create(
        committee=committee,
        campaign_year=year,
        title=title,
        opens_on=D(2026, 3, 1),
        closes_on=D(2026, 3, 31),
        status=status,
        created_by=actor,
    )
    for branch in targets:
        Target.objects.create(evaluation=evaluation, branch=branch)
    for i in range(voters):
        person = PersonFactory(committee=committee)
        Voter.objects.create(evaluation=evaluation, person=person, has_voted=i < voted)
    return evaluation


def make_pledge(year, branch, actor, percents, *, person=None, status=Pledge.Status.PUBLISHED):
    """A pledge with one item per entry of ``percents`` (None: no progress entry yet)."""
    pledge = Pledge.objects.create(
        kind=Pledge.Kind.MEMBER if person else Pledge.Kind.BRANCH,
        campaign_year=year,
        branch=branch,
        person=person,
        status=status,
        created_by=actor,
    )
    for n, percent in enumerate(percents):
        item = PledgeItem.objects.create(
            pledge=pledge,
            position=n,
            text=f"承诺事项{n + 1}",
            criterion="learning" if person else "leadership",
        )
        if percent is not None:
            if percent > 10:  # an earlier, lower entry: only the latest counts
                ProgressEntry.objects.create(
                    item=item, entered_on=D(2026, 2, 1), done="开始", percent=10, by=actor
                )
            ProgressEntry.objects.create(
                item=item, entered_on=D(2026, 3, 1), done="完成", percent=percent, by=actor
            )
    return pledge


@pytest.fixture
def known(institute):
    """Two branches of the general branch and the branch without one, with known figures:

    scores: 第一党支部 political 8/10, learning 6/10, security 9/10 − 2 (deduction) = 7/10, a
    veto item left out; 第二党支部 political 5/10, learning 10/10; 机关党支部 political 10/10.
    compliance (on 15 March): only 第一党支部 recorded everything in January and February.
    turnout: one open evaluation of 第一党支部 with 3 of 4 voted, one of 第二党支部 with 1 of 2,
    a draft (left out), and one of another institute (never shown).
    pledges: 第一党支部's pledge at 100 % and 50 %; 陈党员's commitments at 100, 0 (no entry)
    and 20; 周党员's (第二党支部) at 100; a draft of 吴党员 (left out)."""
    office = institute.office.user
    year = year_of(institute)
    b, b2, other = institute.branch, institute.branch2, institute.other_branch
    run = make_run(year, office)
    make_line(
        run,
        b,
        "81.5",
        [
            ("political", "indicator", "8", "10"),
            ("learning", "indicator", "6", "10"),
            ("security", "office_points", "9", "10"),
            ("security", "deduction", "2", "5"),
            ("cohesion", "veto", "0", "0"),
        ],
    )
    make_line(run, b2, "70", [("political", "indicator", "5", "10"), ("learning", "indicator", "10", "10")])
    make_line(run, other, "95", [("political", "indicator", "10", "10")])
    make_line(run, b, "60", [("m_study", "office_points", "7", "10")], person=institute.member)
    for month in (1, 2):
        record(b, "news_report", D(2026, month, 20), office)
        record(b, "committee_meeting", D(2026, month, 10), office)
        record(b, "group_meeting", D(2026, month, 12), office, party_group=institute.group)
    e1 = make_evaluation(year, institute.committee, office, title="评议甲", targets=[b], voters=4, voted=3)
    e2 = make_evaluation(year, institute.committee, office, title="评议乙", targets=[b2], voters=2, voted=1)
    make_evaluation(
        year, institute.committee, office, title="评议草稿", targets=[b], voters=0, voted=0, status="draft"
    )
    foreign_campaign = make_campaign(institute.other_committee)
    foreign_year = CampaignYear.objects.get(campaign=foreign_campaign, year=2026)
    make_evaluation(
        foreign_year,
        institute.other_committee,
        office,
        title="外所评议",
        targets=[institute.foreign_branch],
        voters=3,
        voted=3,
    )
    make_pledge(year, b, office, [100, 50])
    make_pledge(year, b, office, [100, None, 20], person=institute.member)
    make_pledge(year, b2, office, [100], person=institute.member2)
    make_pledge(year, other, office, [100], person=institute.other_member, status=Pledge.Status.DRAFT)
    return {"year": year, "run": run, "e1": e1, "e2": e2}


def get(client, user, **params):
    client.force_login(user)
    return client.get(URL, params)


def chart_data(response, name):
    match = re.search(
        rf'<script id="{name}" type="application/json">(.*?)</script>', response.content.decode()
    )
    assert match, f"no {name} on the page"
    return json.loads(match.group(1))


# --- figures ----------------------------------------------------------------------------------------


def test_office_sees_every_branch_with_known_figures(client, institute, known):
    response = get(client, institute.office.user)
    assert response.status_code == 200
    assert response.templates[0].name == "reports/dashboard.html"
    dash = response.context["dashboard"]
    assert dash["kind"] == "institute"

    scores = dash["scores"]
    assert scores["run"] == known["run"]
    by_branch = {row["branch"].name: [c["percent"] for c in row["cells"]] for row in scores["rows"]}
    # criteria in order: political, self-building, learning, security, development, innovation, cohesion
    assert by_branch == {
        "机关党支部": [100.0, None, None, None, None, None, None],
        "第一党支部": [80.0, None, 60.0, 70.0, None, None, None],
        "第二党支部": [50.0, None, 100.0, None, None, None, None],
    }
    first = next(r for r in scores["rows"] if r["branch"] == institute.branch)
    assert [(c["points"], c["max"]) for c in first["cells"]][3] == (Decimal("7"), Decimal("10"))
    assert scores["average"] == [76.7, None, 80.0, 70.0, None, None, None]
    data = chart_data(response, "data-scores")
    assert data["branches"] == ["机关党支部", "第一党支部", "第二党支部"]  # by score, highest first
    assert data["points"][1] == [8.0, 0.0, 6.0, 7.0, 0.0, 0.0, 0.0]
    assert data["average"] == [76.7, None, 80.0, 70.0, None, None, None]

    months = dash["compliance"]["months"]
    # Four active branches (the general branch's secretary sits in a third branch of it).
    assert dash["compliance"]["branch_total"] == 4
    assert [(m["met"], m["overdue"], m["in_order"], m["percent"]) for m in months[:3]] == [
        (1, 3, 1, 25.0),
        (1, 3, 1, 25.0),
        (0, 0, None, None),  # March runs: neither in order nor late before it is over
    ]
    assert months[2]["due"] == 4
    assert all(m["percent"] is None for m in months[3:])
    assert chart_data(response, "data-compliance")["percent"][:4] == [25.0, 25.0, None, None]

    turnout = {e.title: (e.voted, e.eligible, e.percent) for e in dash["turnout"]["rows"]}
    assert turnout == {"评议甲": (3, 4, 75.0), "评议乙": (1, 2, 50.0)}

    pledges = {row["branch"].name: row for row in dash["pledges"]["rows"]}
    assert pledges["第一党支部"]["branch_pledge"] == {"pledges": 1, "progress": 75.0, "items": 2, "done": 1}
    assert pledges["第一党支部"]["members"] == {"pledges": 1, "progress": 40.0, "items": 3, "done": 1}
    assert pledges["第二党支部"]["members"] == {"pledges": 1, "progress": 100.0, "items": 1, "done": 1}
    assert pledges["机关党支部"]["members"] is None  # a draft does not count
    assert dash["pledges"]["member_total"] == {
        "pledges": 2,
        "items": 4,
        "done": 2,
        "done_percent": 50.0,
        "progress": 70.0,
    }
    assert dash["pledges"]["branch_total"]["done_percent"] == 50.0

    html = response.content.decode()
    assert "外所" not in html  # nothing of another institute
    assert "评议草稿" not in html
    for canvas in (
        "chart-scores-bar",
        "chart-scores-radar",
        "chart-compliance",
        "chart-turnout",
        "chart-pledges",
    ):
        assert f'id="{canvas}"' in html
    # The tables carry the same figures for readers without the charts.
    assert '8 / 10 <span class="text-muted">(80.0%)</span>' in html
    assert "76.7%" in html


def test_leader_sees_the_institute_dashboard(client, institute, known):
    response = get(client, institute.leader.user)
    assert response.status_code == 200
    assert response.context["dashboard"]["kind"] == "institute"
    assert len(response.context["dashboard"]["scores"]["rows"]) == 3


def test_approved_run_is_preferred_to_a_later_draft(client, institute, known):
    known["run"].status = ScoringRun.Status.APPROVED
    known["run"].save()
    make_run(known["year"], institute.office.user)  # a later draft
    assert dashboards.scoring_run_shown(known["year"]) == known["run"]
    response = get(client, institute.office.user)
    assert response.context["dashboard"]["scores"]["run"] == known["run"]


def test_a_run_still_computing_is_not_shown(institute):
    year = year_of(institute)
    make_run(year, institute.office.user, state=ScoringRun.State.RUNNING, computed=False)
    assert dashboards.scoring_run_shown(year) is None


def test_secretary_sees_own_branch_only(client, institute, known):
    response = get(client, institute.secretary.user)
    assert response.status_code == 200
    dash = response.context["dashboard"]
    assert dash["kind"] == "branch"
    assert [r["branch"] for r in dash["scores"]["rows"]] == [institute.branch]
    assert dash["scores"]["average"] is None  # no institute mean: it would reveal the others
    assert dash["compliance"]["branch_total"] == 1
    assert [m["percent"] for m in dash["compliance"]["months"][:3]] == [100.0, 100.0, None]  # March runs
    assert [e.title for e in dash["turnout"]["rows"]] == ["评议甲"]
    assert [r["branch"] for r in dash["pledges"]["rows"]] == [institute.branch]
    # What the branch still owes: March's news report and meetings, the first quarter's meeting…
    [row] = dash["owing"]
    owed = {line["kind"] for line in row.owing_summary}
    assert {"news_report", "committee_meeting", "group_meeting", "general_meeting"} <= owed
    html = response.content.decode()
    assert 'data-testid="dash-owing"' in html
    for name in ("第二党支部", "机关党支部", "评议乙"):
        assert name not in html
    assert "data-scores" in html and "average" not in chart_data(response, "data-scores")


def test_general_branch_secretary_sees_the_branches_of_the_general_branch(client, institute, known):
    response = get(client, institute.gb_secretary.user)
    dash = response.context["dashboard"]
    names = {r["branch"].name for r in dash["pledges"]["rows"]}
    assert {"第一党支部", "第二党支部"} <= names
    assert "机关党支部" not in names
    assert "机关党支部" not in response.content.decode()
    assert {e.title for e in dash["turnout"]["rows"]} == {"评议甲", "评议乙"}


def test_other_secretary_sees_none_of_the_general_branch(client, institute, known):
    response = get(client, institute.other_secretary.user)
    html = response.content.decode()
    assert [r["branch"] for r in response.context["dashboard"]["scores"]["rows"]] == [institute.other_branch]
    assert "第一党支部" not in html and "第二党支部" not in html
    assert response.context["dashboard"]["turnout"]["rows"] == []


def test_member_sees_own_commitments(client, institute, known):
    response = get(client, institute.member.user)
    assert response.status_code == 200
    dash = response.context["dashboard"]
    assert dash["kind"] == "member"
    assert dash["pledge"].person == institute.member
    assert [i.progress for i in dash["items"]] == [100, 0, 20]
    assert dash["done"] == 1
    assert dash["pledge"].progress == 40.0
    assert chart_data(response, "data-member")["percent"] == [100, 0, 20]
    html = response.content.decode()
    assert 'data-testid="member-progress">40.0%' in html
    for name in ("第二党支部", "机关党支部", "评议甲", "data-scores"):
        assert name not in html


def test_member_cannot_ask_for_another_role(client, institute, known):
    response = get(client, institute.member.user, role="office")
    assert response.context["dashboard"]["kind"] == "member"


def test_secretary_switches_to_the_own_member_dashboard(client, institute, known):
    response = get(client, institute.secretary.user, role="member")
    assert response.context["dashboard"]["kind"] == "member"
    assert [code for code, _label in response.context["role_choices"]] == ["secretary", "member"]


@pytest.mark.parametrize(
    "role, status",
    [
        ("anonymous", 302),
        ("staff", 403),
        ("member", 200),
        ("secretary", 200),
        ("gb_secretary", 200),
        ("other_secretary", 200),
        ("office", 200),
        ("leader", 200),
        ("admin", 200),
    ],
)
def test_dashboard_permission_grid(client, users, role, status):
    if users[role] is not None:
        client.force_login(users[role])
    assert client.get(reverse("reports:dashboard")).status_code == status


def test_staff_asking_for_a_role_they_do_not_hold_is_refused(client, institute):
    client.force_login(institute.staff.user)
    assert client.get(URL, {"role": "office"}).status_code == 403


def test_year_parameter(client, institute, known):
    from campaigns.services import campaign_year_create

    older = campaign_year_create(campaign=institute.campaign, year=2025)
    client.force_login(institute.office.user)
    assert client.get(URL).context["campaign_year"] == known["year"]
    for value in (str(older.pk), "2025"):
        response = client.get(URL, {"year": value})
        assert response.context["campaign_year"] == older
        assert response.context["dashboard"]["scores"] is None  # no run in 2025
    assert client.get(URL, {"year": "nonsense"}).context["campaign_year"] == known["year"]
    foreign = CampaignYear.objects.get(campaign__committee=institute.other_committee)
    # Another institute's year is not offered: the default is shown instead.
    assert client.get(URL, {"year": str(foreign.pk)}).context["campaign_year"] == known["year"]


def test_navbar_links_the_dashboard_for_those_who_have_one(client, institute):
    client.force_login(institute.leader.user)
    html = client.get("/").content.decode()
    assert 'data-testid="nav-dashboard"' in html and 'data-testid="home-dashboard"' in html
    client.force_login(institute.member.user)
    assert 'data-testid="nav-dashboard"' in client.get("/").content.decode()
    client.force_login(institute.staff.user)
    assert reverse("reports:dashboard") not in client.get("/").content.decode()


# --- a fixed number of queries ----------------------------------------------------------------------


def _count(client, params=None):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(URL, params or {})
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _grow(institute, known, n):
    """More of everything the dashboards aggregate, in the secretary's branch and elsewhere."""
    office = institute.office.user
    year = known["year"]
    for i in range(n):
        for branch in (
            institute.branch,
            BranchFactory(committee=institute.committee, general_branch=institute.gb),
        ):
            PartyGroupFactory(branch=branch)
            member = make_member(branch)
            make_line(known["run"], branch, "50", [("political", "indicator", "3", "10")], rank=2)
            make_line(known["run"], branch, "40", [("m_study", "indicator", "3", "10")], person=member)
            record(branch, "news_report", D(2026, 1 + i, 5), office)
            make_evaluation(
                year, institute.committee, office, title=f"评议{i}", targets=[branch], voters=3, voted=2
            )
            make_pledge(year, branch, office, [30, 60], person=member)
        make_pledge(year, institute.branch, office, [10], person=make_member(institute.branch))


@pytest.mark.parametrize("role", ["office", "leader", "secretary", "gb_secretary", "member"])
def test_dashboard_queries_do_not_grow_with_data(client, institute, users, known, role):
    client.force_login(users[role])
    _count(client)  # warm up: session and content types
    before = _count(client)
    _grow(institute, known, 3)
    after = _count(client)
    assert after == before, f"{role}: {before} queries before, {after} after"
