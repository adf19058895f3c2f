"""部门横向交流 in Chromium: the office publishes an article with a file at 1,366 px and marks it
for the 交流会; a member of staff reads it on a 390 px phone. Screenshots: var/screenshots/exchange/."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from exchange.models import Article

from .factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parent.parent / "var" / "screenshots" / "exchange"
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def log_in(page, live_server, user):
    page.goto(f"{live_server.url}/accounts/login/?next=/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def test_office_publishes_staff_reads_on_a_phone(browser, live_server, institute, tmp_path):
    SHOTS.mkdir(parents=True, exist_ok=True)
    attachment = tmp_path / "三张清单工作法.pdf"
    attachment.write_bytes(PDF)
    desk = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    phone = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True)
    try:
        office = desk.new_page()
        log_in(office, live_server, institute.office.user)
        office.goto(f"{live_server.url}/exchange/")
        office.get_by_test_id("new-article").click()
        form = office.get_by_test_id("article-form")
        form.locator("input[name=title]").fill("三张清单工作法")
        form.get_by_role("button", name="发布").click()
        expect(form.locator(".invalid-feedback").first).to_be_visible()  # no text: refused, title kept
        expect(form.locator("input[name=title]")).to_have_value("三张清单工作法")
        form.locator("textarea[name=body]").fill("把任务、责任、时限列成三张清单，每月对照。")
        form.locator("input[name=files]").set_input_files(str(attachment))
        form.get_by_role("button", name="发布").click()
        expect(office.get_by_test_id("article-body")).to_contain_text("三张清单")
        office.get_by_test_id("mark").get_by_role("button").click()
        expect(office.get_by_test_id("marked")).to_be_visible()
        office.screenshot(path=str(SHOTS / "office-article-1366.png"), full_page=True)
        article = Article.objects.get()
        assert article.for_meeting and article.files.count() == 1

        staff = phone.new_page()
        log_in(staff, live_server, institute.staff.user)
        staff.goto(f"{live_server.url}/exchange/")
        staff.get_by_test_id("articles").get_by_role("link", name="三张清单工作法").click()
        expect(staff.get_by_test_id("files")).to_contain_text("三张清单工作法.pdf")
        expect(staff.get_by_test_id("mark")).to_have_count(0)
        assert staff.evaluate("document.documentElement.scrollWidth") <= 390
        staff.screenshot(path=str(SHOTS / "staff-article-390.png"), full_page=True)
    finally:
        desk.close()
        phone.close()
