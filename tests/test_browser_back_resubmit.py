"""Back, then Save again, in a real Chromium: the page fetched again after Back (pages of a
logged-in person are not stored) is refilled by the browser, but keeps the token it was sent
with, so no second record is made and the person is told, with a link to the saved one."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from activities.models import ActivityRecord, Kind

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fill_news_report(page, title):
    form = page.get_by_test_id("record-form")
    form.locator("input[name=held_on]").fill((timezone.localdate() - datetime.timedelta(days=1)).isoformat())
    form.locator("input[name=title]").fill(title)
    form.locator("input[name=published_in]").fill("所刊")
    form.locator("textarea[name=content]").fill("报道内容")
    return form


def test_back_then_save_again_makes_no_second_record(login, live_server, institute):
    page = login(institute.secretary.user)
    url = f"{live_server.url}/records/new/{institute.branch.pk}/{Kind.NEWS_REPORT}/"
    page.goto(url)
    fill_news_report(page, "三月通讯").locator("button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/records/*/")
    record = ActivityRecord.objects.get()
    detail = page.url

    page.go_back()
    page.wait_for_url(url)
    form = page.get_by_test_id("record-form")
    if form.locator("input[name=title]").input_value() != "三月通讯":  # not refilled: as a person would
        fill_news_report(page, "三月通讯")
    form.locator("button[type=submit]").click()

    expect(page.locator(".alert-danger")).to_contain_text("此记录已保存过，未重复保存")
    assert ActivityRecord.objects.count() == 1
    link = page.get_by_test_id("saved-record")
    assert link.get_attribute("href") == f"/records/{record.pk}/"
    link.click()
    page.wait_for_url(detail)

    # The form opened anew (a link, a new page) makes a new record.
    page.goto(url)
    fill_news_report(page, "四月通讯").locator("button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/records/*/")
    assert ActivityRecord.objects.count() == 2
