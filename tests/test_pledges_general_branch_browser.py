"""The general branch's own pledge in a real Chromium, at 1,366 and 390 px: its secretary
writes it from the home page and submits it, the office approves it from its home, the
secretary publishes it (late: the year's deadline has passed), and a member of one of its
branches reads it. Screenshots in var/screenshots/gb-pledges/."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from pledges.models import Pledge

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots" / "gb-pledges"
WIDTHS = {"desktop": (1366, 900), "phone": (390, 844)}


def _shots(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    for label, (width, height) in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(SHOTS / f"{name}-{label}.png"), full_page=True)
        # Nothing wider than the screen at either width.
        assert page.evaluate("document.documentElement.scrollWidth") <= width + 1, (name, label)
    page.set_viewport_size({"width": 1366, "height": 900})


def test_general_branch_secretary_writes_office_approves_member_reads(login, live_server, institute):
    page = login(institute.gb_secretary.user)
    row = page.get_by_test_id("general-branch-pledge-row")
    expect(row).to_contain_text(institute.gb.name)
    _shots(page, "1-secretary-home")
    row.get_by_role("link").click()
    page.wait_for_url(re.compile(r"/pledges/new/general-branch/$"))
    expect(page.locator("select[name=general_branch]")).to_have_value(str(institute.gb.pk))
    page.fill("textarea[name=focus]", "带领所属党支部争创“五个好”，建设先进党总支")
    page.fill("textarea[name=targets]", "所属支部全部按期公开承诺")
    page.fill("textarea[name=measures]", "党总支委员分片联系党支部")
    page.fill("textarea[name=items-0-text]", "6月底前党总支书记讲专题党课")
    page.select_option("select[name=items-0-criterion]", "leadership")
    # A milestone without its date and member: refused, nothing written, the text kept.
    page.get_by_test_id("save").click()
    expect(page.locator(".invalid-feedback, .alert-danger").first).to_be_visible()
    assert not Pledge.objects.exists()
    expect(page.locator("textarea[name=items-0-text]")).to_have_value("6月底前党总支书记讲专题党课")
    page.fill("input[name=items-0-due_on]", "2026-06-30")
    page.select_option("select[name=items-0-responsible]", str(institute.member2.pk))
    _shots(page, "2-secretary-form")
    page.get_by_test_id("save").click()
    page.wait_for_url(re.compile(r"/pledges/\d+/$"))
    pledge = Pledge.objects.get(kind="general_branch")
    assert (pledge.general_branch, pledge.branch) == (institute.gb, None)
    expect(page.get_by_test_id("items")).to_contain_text(institute.member2.name)
    page.get_by_test_id("submit").click()
    expect(page.get_by_test_id("submit")).to_have_count(0)
    pledge.refresh_from_db()
    assert pledge.status == "submitted"

    # The office: waiting on its home, labelled as the general branch's; the general branch is
    # among those that have not published yet. Approves from the pledge page.
    login(institute.office.user)
    expect(page.get_by_test_id("branch-pledges-waiting")).to_contain_text(institute.gb.name)
    expect(page.get_by_test_id("unpublished-general-branch")).to_contain_text(institute.gb.name)
    _shots(page, "3-office-home")
    page.get_by_test_id("branch-pledges-waiting").get_by_role("link", name=institute.gb.name).click()
    page.get_by_test_id("approve").click()
    expect(page.get_by_test_id("approve")).to_have_count(0)
    pledge.refresh_from_db()
    assert pledge.status == "approved"

    # The secretary publishes it; the deadline has passed, so it is confirmed as late.
    login(institute.gb_secretary.user)
    page.goto(f"{live_server.url}/pledges/{pledge.pk}/")
    page.get_by_test_id("publish").click()
    page.check("input[name=occasion][value=other]")
    page.fill("input[name=occasion_other]", "党总支委员会扩大会议")
    page.fill("input[name=audience]", "所属各党支部全体党员")
    expect(page.get_by_test_id("late-warning")).to_be_visible()
    page.check("#id_late_acknowledged")
    page.get_by_test_id("confirm").click()
    page.wait_for_url(f"{live_server.url}/pledges/{pledge.pk}/")
    expect(page.get_by_test_id("late").first).to_be_visible()
    pledge.refresh_from_db()
    assert pledge.status == "published" and pledge.published_late

    # A member of one of its branches reads it from the list.
    login(institute.member.user)
    page.goto(f"{live_server.url}/pledges/")
    expect(page.get_by_test_id("pledges")).to_contain_text(institute.gb.name)
    _shots(page, "4-member-list")
    page.get_by_test_id("pledges").get_by_role("link", name=institute.gb.name).click()
    expect(page.get_by_test_id("items")).to_contain_text("6月底前党总支书记讲专题党课")
    expect(page.get_by_test_id("publication")).to_contain_text("所属各党支部全体党员")
    _shots(page, "5-member-detail")
    # The secretary of a branch outside the general branch does not find it.
    login(institute.other_secretary.user)
    response = page.goto(f"{live_server.url}/pledges/{pledge.pk}/")
    assert response.status == 404
