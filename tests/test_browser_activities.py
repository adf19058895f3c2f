"""A secretary, in a real Chromium, enters a 支委会 record with attendance and a file."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from activities.models import ActivityRecord, Attendance, Kind
from branches.models import Position

from .factories import make_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def committee_member(branch, name):
    person = make_member(branch, name=name)
    Position.objects.create(
        person=person,
        title=Position.Title.COMMITTEE_MEMBER,
        branch=branch,
        started_on=datetime.date(2024, 1, 1),
    )
    return person


def test_secretary_enters_committee_meeting_with_attendance(login, live_server, institute, tmp_path):
    secretary = institute.secretary
    deputy = committee_member(institute.branch, "刘委员")
    organiser = committee_member(institute.branch, "何委员")
    minutes = tmp_path / "支委会记录.pdf"
    minutes.write_bytes(PDF)
    held_on = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()

    page = login(secretary.user)
    page.goto(f"{live_server.url}/records/")
    page.get_by_test_id("new-record").click()
    page.locator(f"[data-testid=choose-{institute.branch.pk}] a[href$='/{Kind.COMMITTEE_MEETING}/']").click()

    form = page.get_by_test_id("record-form")
    attendance = page.get_by_test_id("attendance")
    # The branch committee is listed, not ordinary members nor other branches' people.
    for person in (secretary, deputy, organiser):
        expect(attendance).to_contain_text(person.name)
    expect(attendance).not_to_contain_text(institute.member.name)
    expect(attendance).not_to_contain_text(institute.member2.name)

    form.locator("input[name=held_on]").fill(held_on)
    form.locator("input[name=title]").fill("十一月支委会")
    form.locator("select[name=host]").select_option(str(secretary.pk))
    form.locator("select[name=recorder]").select_option(str(deputy.pk))
    form.locator("textarea[name=content]").fill("研究本月通讯报道和课题攻关安排。")
    row = lambda person: page.get_by_test_id(f"attendance-{person.employee_no}")  # noqa: E731
    row(secretary).locator("input[value=present]").check()
    row(deputy).locator("input[value=leave]").check()
    row(organiser).locator("input[value=absent]").check()
    form.locator("input[name=files]").set_input_files(str(minutes))
    form.locator("button[type=submit]").click()

    # A leave without a reason is refused, on the row itself; nothing is saved.
    expect(row(deputy).locator(".invalid-feedback")).to_be_visible()
    assert ActivityRecord.objects.count() == 0
    expect(row(deputy).locator("input[value=leave]")).to_be_checked()
    expect(row(organiser).locator("input[value=absent]")).to_be_checked()

    row(deputy).locator("input[type=text]").fill("出差北京")
    form.locator("input[name=files]").set_input_files(str(minutes))
    form.locator("button[type=submit]").click()

    page.wait_for_url(f"{live_server.url}/records/*/")
    record = ActivityRecord.objects.get()
    assert (record.kind, record.branch, record.title) == (
        Kind.COMMITTEE_MEETING,
        institute.branch,
        "十一月支委会",
    )
    assert (record.host, record.recorder, record.created_by) == (secretary, deputy, secretary.user)
    assert {(a.person, a.status, a.reason) for a in Attendance.objects.filter(record=record)} == {
        (secretary, "present", ""),
        (deputy, "leave", "出差北京"),
        (organiser, "absent", ""),
    }
    assert [e.original_name for e in record.evidence.all()] == ["支委会记录.pdf"]

    # The record page shows the attendance and the file, which downloads through the app.
    shown = page.get_by_test_id("attendance")
    expect(shown.get_by_test_id(f"attendance-{deputy.employee_no}")).to_contain_text("出差北京")
    expect(shown).to_contain_text(organiser.name)
    href = page.get_by_test_id("evidence").get_by_role("link", name="支委会记录.pdf").get_attribute("href")
    assert not href.startswith("/media/")
    download = page.context.request.get(f"{live_server.url}{href}")
    assert download.status == 200 and download.body() == PDF

    # Another branch's secretary does not find it.
    page.context.clear_cookies()
    page = login(institute.other_secretary.user)
    assert page.goto(f"{live_server.url}/records/{record.pk}/").status == 404
