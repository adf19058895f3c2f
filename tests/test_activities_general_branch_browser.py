"""The general branch's secretary, in a real Chromium at 1,366 and 390 px: records a 党总支委员会
meeting with its committee's attendance and a 党课 for the members of its branches, and sees its
own compliance beside its branches' on the home page and the compliance page."""

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from activities.models import ActivityRecord, Attendance, Kind

from .test_activities_general_branch_support import gb_committee_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots" / "gb-activities"


def shot(page, name, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)


def test_general_branch_secretary_records_its_meetings_and_sees_compliance(login, live_server, institute):
    SHOTS.mkdir(parents=True, exist_ok=True)
    gb, secretary = institute.gb, institute.gb_secretary
    member = gb_committee_member(institute)
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()

    page = login(secretary.user)
    page.goto(f"{live_server.url}/records/new/")
    choose = page.get_by_test_id(f"choose-gb-{gb.pk}")
    expect(choose).to_contain_text(gb.name)
    shot(page, "choose", 1366)
    choose.locator(f"a[href$='/{Kind.GB_COMMITTEE_MEETING}/']").click()

    # The committee meeting lists the general branch's committee, not the members of its branches.
    form = page.get_by_test_id("record-form")
    attendance = page.get_by_test_id("attendance")
    expect(attendance).to_contain_text(secretary.name)
    expect(attendance).to_contain_text(member.name)
    expect(attendance).not_to_contain_text(institute.member2.name)
    form.locator("input[name=held_on]").fill(yesterday)
    form.locator("input[name=title]").fill("第四季度党总支委员会")
    form.locator("select[name=host]").select_option(str(secretary.pk))
    form.locator("textarea[name=content]").fill("听取所属支部践诺情况汇报。" * 200)  # a long paste
    row = lambda person: page.get_by_test_id(f"attendance-{person.employee_no}")  # noqa: E731
    row(member).locator("input[value=leave]").check()
    shot(page, "committee-form", 390)
    page.set_viewport_size({"width": 1366, "height": 900})
    form.locator("button[type=submit]").click()
    # A leave without its reason: refused on the row, nothing saved.
    expect(row(member).locator(".invalid-feedback")).to_be_visible()
    assert not ActivityRecord.objects.filter(general_branch=gb).exists()
    row(member).locator("input[type=text]").fill("出差")
    form.locator("button[type=submit]").dblclick()  # a double click saves once
    page.wait_for_url(f"{live_server.url}/records/*/")
    record = ActivityRecord.objects.get(general_branch=gb)
    assert (record.kind, record.branch, record.created_by) == (
        Kind.GB_COMMITTEE_MEETING,
        None,
        secretary.user,
    )
    assert {(a.person, a.status) for a in Attendance.objects.filter(record=record)} == {
        (secretary, "present"),
        (member, "leave"),
    }
    expect(page.get_by_test_id("record-unit")).to_have_text(gb.name)
    shot(page, "committee-detail", 1366)
    shot(page, "committee-detail", 390)

    # The 党课 by the general branch's secretary, for the members of its branches.
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/records/new/general-branch/{gb.pk}/{Kind.PARTY_CLASS}/")
    form = page.get_by_test_id("record-form")
    expect(page.get_by_test_id("attendance")).to_contain_text(institute.member2.name)  # a branch's member
    form.locator("input[name=held_on]").fill(yesterday)
    form.locator("input[name=title]").fill("党总支书记讲党课：弘扬军工精神")
    form.locator("select[name=host]").select_option(str(secretary.pk))
    form.locator("button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/records/*/")
    expect(page.get_by_test_id("lecture-counts")).to_be_visible()
    lecture = ActivityRecord.objects.get(general_branch=gb, kind=Kind.SECRETARY_LECTURE)
    assert lecture.attendance.filter(person=institute.member2, status="present").exists()

    # Its home: the general branch's own compliance beside its branches', labelled.
    page.goto(f"{live_server.url}/")
    own = page.get_by_test_id(f"owes-gb{gb.pk}")
    expect(own).to_contain_text(gb.name)
    expect(own.get_by_test_id("gb-label")).to_be_visible()
    expect(page.get_by_test_id(f"owes-{institute.branch.pk}")).to_be_visible()
    shot(page, "home", 1366)
    shot(page, "home", 390)

    # The compliance page: its row first, then its branches; its own year, the lecture met.
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/records/compliance/")
    grid_row = page.get_by_test_id(f"grid-gb{gb.pk}")
    expect(grid_row).to_contain_text(gb.name)
    shot(page, "compliance", 1366)
    shot(page, "compliance", 390)
    page.set_viewport_size({"width": 1366, "height": 900})
    grid_row.get_by_role("link").click()
    expect(page.get_by_test_id(f"kind-{Kind.SECRETARY_LECTURE}")).to_contain_text("1/1")
    shot(page, "general-branch-year", 1366)
    shot(page, "general-branch-year", 390)

    # A branch's secretary does not find the general branch's record.
    page.context.clear_cookies()
    page = login(institute.secretary.user)
    assert page.goto(f"{live_server.url}/records/{record.pk}/").status == 404
