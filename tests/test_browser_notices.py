"""In a real Chromium: the office issues a notice to the plan's addressees, a general-branch
secretary finds it on the home page (phone width) and confirms reading, and the office sees who
has not read it yet (desktop width)."""

import pytest
from playwright.sync_api import expect

from notices.models import Notice, NoticeAddressee

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = "var/screenshots"


def test_issue_confirm_and_who_has_not_read(page, login, live_server, institute):
    page.set_viewport_size({"width": 1366, "height": 900})
    login(institute.office.user)
    page.goto(f"{live_server.url}/notices/")
    page.get_by_test_id("notice-create").click()
    expect(page.get_by_test_id("notice-final")).to_be_visible()
    # Bad input first: no text. Refused with the field marked, what was typed kept.
    page.fill("input[name=title]", "关于开展创先争优活动的实施方案")
    page.fill("input[name=document_number]", "党发〔2026〕1号")
    page.locator("form[data-testid=notice-form] button").click()
    expect(page.locator("textarea[name=body].is-invalid")).to_be_visible()
    expect(page.locator("input[name=title]")).to_have_value("关于开展创先争优活动的实施方案")
    page.fill("textarea[name=body]", "各党总支、党支部：现将实施方案印发给你们，请认真贯彻落实。")
    page.locator("form[data-testid=notice-form] button").click()
    expect(page.get_by_test_id("notice-body")).to_contain_text("请认真贯彻落实")
    notice = Notice.objects.get()
    assert notice.addressees.count() == 2  # 第一党总支, 机关党支部

    # The general-branch secretary, on a phone, finds it on the home page and confirms.
    page.context.clear_cookies()
    page.set_viewport_size({"width": 390, "height": 844})
    login(institute.gb_secretary.user)
    page.goto(f"{live_server.url}/")
    home = page.get_by_test_id("notices-home")
    home.get_by_role("link", name="关于开展创先争优活动的实施方案").click()
    page.screenshot(path=f"{SHOTS}/notice_phone.png", full_page=True)
    page.get_by_test_id("notice-confirm").click()
    expect(page.get_by_test_id("my-reading")).to_contain_text("第一党总支：已于")
    assert (
        NoticeAddressee.objects.get(general_branch=institute.gb).confirmed_by == institute.gb_secretary.user
    )

    # The office sees who has not read it.
    page.context.clear_cookies()
    page.set_viewport_size({"width": 1366, "height": 900})
    login(institute.office.user)
    page.goto(f"{live_server.url}/notices/{notice.pk}/")
    expect(page.get_by_test_id("unread")).to_contain_text("机关党支部")
    expect(page.get_by_test_id("unread")).not_to_contain_text("第一党总支")
    expect(page.get_by_test_id("read")).to_contain_text("王总支书记")
    page.screenshot(path=f"{SHOTS}/notice_office.png", full_page=True)
