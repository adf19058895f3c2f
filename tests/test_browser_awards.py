"""In a real Chromium: the office runs the scoring, opens a drill-down and proposes candidates;
a leader approves the list."""

import datetime

import pytest
from playwright.sync_api import expect

import awards.tasks  # noqa: F401  (registers the run's task for the in-process eager Celery of a lone run of this file)
from accounts.access import compute_access
from awards import services
from awards.models import AwardCycle, ScoreLine, ScoringRun

from .test_awards_support import scored  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_office_scores_and_proposes_leader_approves(login, live_server, institute, scored, page):  # noqa: F811
    year = scored.year.pk
    page = login(institute.office.user)
    page.goto(f"{live_server.url}/awards/{year}/run/")
    page.get_by_test_id("start-run").click()
    # Celery runs eagerly in the tests: the draft is there when the page comes back.
    expect(page.get_by_test_id("run-state")).to_contain_text("2026")
    page.get_by_test_id("ranking-link").click()
    page.get_by_role("link", name=institute.branch.name).first.click()
    # The run takes the records up to the scoring window's end (or today): the figures shown are
    # those of the snapshot, item by item.
    line = ScoreLine.objects.get(run__campaign_year=scored.year, kind="branch", branch=institute.branch)
    expect(page.get_by_test_id("line-total")).to_contain_text(str(line.total))
    meetings = line.items.get(source="indicator", name__contains="三会一课")
    items = page.get_by_test_id("score-item")
    expect(items.filter(has_text=f"{meetings.points} / {meetings.max_points}")).to_have_count(1)
    # The drill-down opens the records behind the figure.
    expect(page.locator("[data-testid=score-item] a").first).to_be_visible()

    page.goto(f"{live_server.url}/awards/{year}/run/")
    page.get_by_test_id("approve-run").click()
    # The approval page shows what it freezes before anything is frozen.
    expect(page.get_by_test_id("approve-preview")).to_be_visible()
    page.get_by_test_id("confirm-approve-run").click()
    page.goto(f"{live_server.url}/awards/{year}/cycle/")
    page.get_by_test_id("cycle-create").click()
    page.get_by_test_id("propose").click()
    expect(page.get_by_test_id("candidates")).to_contain_text(institute.branch.name)
    # With the default quota (⌊0.1 × 4 members⌋ = 0) no member is proposed from the first general
    # branch; the date is past 1 July, so the page warns.
    expect(page.get_by_test_id("candidates")).not_to_contain_text(institute.member.name)
    expect(page.get_by_test_id("late-warning")).to_be_visible()

    # The notice runs and ends (moved in time by the service), then the leader approves.
    cycle = AwardCycle.objects.get(campaign_year=scored.year)
    today = datetime.date.today()
    office = institute.office.user
    services.cycle_advance(
        cycle=cycle, to="notice", access=compute_access(office), today=today - datetime.timedelta(days=14)
    )
    services.cycle_advance(cycle=cycle, to="approval", access=compute_access(office), today=today)
    page.context.clear_cookies()
    page = login(institute.leader.user)
    # (The home page shows "awards-approve" once templates/awards/_home.html is included there.)
    page.goto(f"{live_server.url}/awards/{year}/cycle/")
    page.get_by_test_id("approve").click()
    expect(page.get_by_test_id("approve")).to_have_count(0)
    assert AwardCycle.objects.get(pk=cycle.pk).status == AwardCycle.Status.APPROVED


def test_leader_reopens_scores_office_approves_anew(login, live_server, institute, scored, page):  # noqa: F811
    """The approved scores are reopened by the leading group with a reason, kept on the year's
    page; the office runs the scoring again and approves it through the approval page."""
    year = scored.year.pk
    office = compute_access(institute.office.user)
    services.scoring_run_request(campaign_year=scored.year, access=office)
    run = services.scoring_run_execute(campaign_year=scored.year)
    services.scoring_run_approve(run=run, access=office)

    page = login(institute.leader.user)
    page.goto(f"{live_server.url}/awards/{year}/")
    form = page.get_by_test_id("reopen-run")
    form.locator("textarea").fill("群众评议结果需复核")
    form.get_by_role("button").click()
    expect(page.get_by_test_id("reopened-runs")).to_contain_text("群众评议结果需复核")
    expect(page.get_by_test_id("reopen-run")).to_have_count(0)

    page.context.clear_cookies()
    page = login(institute.office.user)
    page.goto(f"{live_server.url}/awards/{year}/run/")
    expect(page.get_by_test_id("reopened-runs")).to_contain_text("群众评议结果需复核")
    page.get_by_test_id("start-run").click()
    page.get_by_test_id("approve-run").click()
    page.get_by_test_id("confirm-approve-run").click()
    expect(page.get_by_test_id("run-state").locator(".alert-success")).to_be_visible()
    statuses = set(ScoringRun.objects.filter(campaign_year=scored.year).values_list("status", flat=True))
    assert statuses == {"approved", "reopened"}
