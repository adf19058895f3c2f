"""扫码签到 in a real Chromium, two browser contexts: the secretary opens sign-in at 1,366 px and
watches arrivals; a member on a 390 px phone opens the page the QR code holds, signs in, and a
second scan says 已签到; the secretary marks a leave by hand and closes; the attendance stands.
Screenshots go to ``var/screenshots/signin/``."""

from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.access import compute_access
from activities import services
from activities.models import Attendance, Kind, SignInWindow

from .factories import PASSWORD, make_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parent.parent / "var" / "screenshots" / "signin"


def log_in(page, live_server, user):
    page.goto(f"{live_server.url}/accounts/login/?next=/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def test_secretary_and_member_sign_in(browser, live_server, institute, settings):
    settings.SITE_URL = live_server.url  # the QR code holds the configured site address
    SHOTS.mkdir(parents=True, exist_ok=True)
    late = make_member(institute.branch, name="林党员")
    record = services.record_create(
        branch=institute.branch,
        kind=Kind.GENERAL_MEETING,
        access=compute_access(institute.secretary.user),
        held_on=timezone.localdate(),
        title="十二月党员大会",
    )

    desk = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    phone = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True)
    try:
        secretary = desk.new_page()
        log_in(secretary, live_server, institute.secretary.user)
        secretary.goto(f"{live_server.url}/records/{record.pk}/")
        secretary.get_by_test_id("signin-link").click()
        secretary.get_by_test_id("signin-open").get_by_role("button").click()
        expect(secretary.get_by_test_id("signin-qr").locator("svg")).to_be_visible()
        code = secretary.get_by_test_id("signin-code").inner_text().strip()
        assert code == SignInWindow.objects.get().code
        url = secretary.get_by_test_id("signin-url").get_attribute("href")
        assert url.startswith(live_server.url) and url.endswith(f"/{code}/")
        expect(secretary.get_by_test_id(f"arrival-{institute.member.employee_no}")).to_have_attribute(
            "data-status", "waiting"
        )
        secretary.screenshot(path=str(SHOTS / "secretary-open-1366.png"), full_page=True)

        member = phone.new_page()
        log_in(member, live_server, institute.member.user)
        member.goto(url)
        expect(member.get_by_test_id("signin-page")).to_have_attribute("data-state", "ready")
        member.screenshot(path=str(SHOTS / "member-ready-390.png"), full_page=True)
        member.get_by_test_id("signin-form").get_by_role("button").click()
        expect(member.get_by_test_id("signin-message")).to_contain_text("记为出席")
        # Nothing wider than the phone.
        assert member.evaluate("document.documentElement.scrollWidth") <= 390
        member.screenshot(path=str(SHOTS / "member-signed-390.png"), full_page=True)
        # A second scan.
        member.goto(url)
        expect(member.get_by_test_id("signin-page")).to_have_attribute("data-state", "already")
        expect(member.get_by_test_id("signin-message")).to_contain_text("已签到")

        # The secretary sees the arrival without reloading (the page polls).
        expect(secretary.get_by_test_id(f"arrival-{institute.member.employee_no}")).to_have_attribute(
            "data-status", "present", timeout=10_000
        )
        # A leave without a reason: a message, nothing kept but what was chosen.
        leave = secretary.get_by_test_id("signin-leave")
        leave.locator("select[name=person]").select_option(str(late.pk))
        leave.get_by_role("button").click()
        expect(secretary.get_by_test_id("signin-leave")).to_contain_text("必填")
        assert not Attendance.objects.filter(person=late).exists()
        leave = secretary.get_by_test_id("signin-leave")
        leave.locator("input[name=reason]").fill("出差")
        leave.get_by_role("button").click()
        expect(secretary.get_by_test_id(f"arrival-{late.employee_no}")).to_have_attribute(
            "data-status", "leave"
        )
        secretary.screenshot(path=str(SHOTS / "secretary-arrivals-1366.png"), full_page=True)
        secretary.get_by_test_id("signin-close").get_by_role("button").click()
        expect(secretary.get_by_test_id("attendance")).to_contain_text("出差")

        statuses = {a.person.name: a.status for a in Attendance.objects.filter(record=record)}
        assert statuses == {"陈党员": "present", "林党员": "leave", "李书记": "absent"}
        # After closing, the code no longer works.
        member.goto(url)
        expect(member.get_by_test_id("signin-page")).to_have_attribute("data-state", "invalid")
        expect(member.get_by_test_id("signin-message")).to_contain_text("签到码无效")

        # The secretary's page on a phone: the QR code fits.
        services_window = SignInWindow.objects.count()
        assert services_window == 1
        secretary.set_viewport_size({"width": 390, "height": 844})
        secretary.goto(f"{live_server.url}/records/{record.pk}/signin/")
        secretary.get_by_test_id("signin-open").get_by_role("button").click()
        expect(secretary.get_by_test_id("signin-qr").locator("svg")).to_be_visible()
        box = secretary.get_by_test_id("signin-qr").locator("svg").bounding_box()
        assert 150 <= box["width"] <= 390
        assert secretary.evaluate("document.documentElement.scrollWidth") <= 390
        secretary.screenshot(path=str(SHOTS / "secretary-open-390.png"), full_page=True)
    finally:
        desk.close()
        phone.close()
