"""In a real Chromium, at 1,366 and 390 px: the office reads the general branches' ranking and a
general branch's score, proposes the general branch as 先进党总支 on the award cycle's page
(a double click and an empty reason included) and starts the public notice; a member of staff
finds it on the notice."""
# ruff: noqa: F811  (fixtures imported from the support modules are redefined as arguments)

import datetime
from pathlib import Path

import pytest
from playwright.sync_api import expect

from accounts.access import compute_access
from awards import services
from awards.models import Candidate

from .test_awards_support import run_now, scored  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path("var/screenshots/gb-awards")
WIDTHS = {"1366": {"width": 1366, "height": 900}, "390": {"width": 390, "height": 844}}


def shoot(page, name):
    for label, size in WIDTHS.items():
        page.set_viewport_size(size)
        page.screenshot(path=str(SHOTS / f"{name}_{label}.png"), full_page=True)
    page.set_viewport_size(WIDTHS["1366"])


def test_office_proposes_a_general_branch_seen_on_the_notice(login, live_server, institute, scored, page):
    SHOTS.mkdir(parents=True, exist_ok=True)
    office = institute.office.user
    run = run_now(scored.year, office)
    services.scoring_run_approve(run=run, access=compute_access(office))
    cycle = services.cycle_create(campaign_year=scored.year, access=compute_access(office))
    services.cycle_propose(cycle=cycle, access=compute_access(office))
    gb_line = run.general_branch_lines.get(general_branch=institute.gb)
    year = scored.year.pk

    page = login(office)
    page.goto(f"{live_server.url}/awards/{year}/ranking/")
    section = page.get_by_test_id("general-branch-ranking")
    expect(section).to_contain_text("第一党总支")
    expect(section).to_contain_text(str(gb_line.total))
    expect(section.get_by_test_id("flagged")).to_contain_text("2 个党支部不具备资格")
    shoot(page, "ranking")
    section.get_by_role("link", name="第一党总支").click()
    expect(page.get_by_test_id("general-branch-total")).to_contain_text(str(gb_line.total))
    expect(page.get_by_test_id("general-branch-branches")).to_contain_text("第二党支部")
    shoot(page, "general_branch_line")

    page.goto(f"{live_server.url}/awards/{year}/cycle/")
    form = page.get_by_test_id("add-general-branch")
    form.locator("select").select_option(str(gb_line.pk))
    # An empty reason: the browser asks for it, nothing is sent.
    form.get_by_test_id("add-general-branch-submit").click()
    assert not Candidate.objects.filter(general_branch=institute.gb).exists()
    form.locator("input[name=reason]").fill("总支整体工作突出，所属支部均按时开展三会一课")
    form.get_by_test_id("add-general-branch-submit").dblclick()
    candidates = page.get_by_test_id("candidates")
    expect(candidates.get_by_test_id("general-branch-candidate")).to_have_count(1)
    expect(candidates).to_contain_text("第一党总支")
    assert Candidate.objects.filter(general_branch=institute.gb, removed=False).count() == 1
    # Back and send the same form again: not added twice.
    page.go_back()
    if page.get_by_test_id("add-general-branch").count():
        page.get_by_test_id("add-general-branch-submit").click()
    page.goto(f"{live_server.url}/awards/{year}/cycle/")
    assert Candidate.objects.filter(general_branch=institute.gb, removed=False).count() == 1
    # Once a candidate, the general branch is no longer offered.
    expect(page.get_by_test_id("add-general-branch")).to_have_count(0)
    shoot(page, "cycle")
    page.get_by_test_id("start-notice").click()
    expect(page.get_by_test_id("cycle-status")).to_contain_text("公示")

    page.context.clear_cookies()
    page = login(institute.staff.user)
    page.goto(f"{live_server.url}/awards/{year}/notice/")
    row = page.get_by_test_id("notice").locator("tr", has_text="第一党总支")
    expect(row).to_contain_text("先进党总支")
    expect(row.get_by_test_id("general-branch-candidate")).to_be_visible()
    shoot(page, "notice")
    assert datetime.date.today() <= Candidate.objects.get(general_branch=institute.gb).cycle.notice_ends_on
