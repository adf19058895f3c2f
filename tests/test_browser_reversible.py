"""In a real Chromium: the office closes a mass evaluation only after ticking the confirmation
that names what cannot be undone; an archived record is restored with a reason."""

import datetime

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.access import compute_access
from activities import services as activity_services
from activities.models import Kind
from evaluations.models import Evaluation

from .test_evaluations_support import create_evaluation, make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_office_confirms_before_closing_an_evaluation(login, live_server, institute):
    make_staff(institute.committee, institute.department, 5)
    evaluation = create_evaluation(institute)
    page = login(institute.office.user)
    page.goto(f"{live_server.url}{reverse('evaluations:detail', args=[evaluation.pk])}")
    form = page.get_by_test_id("close-form")
    expect(form).to_contain_text("已结束的评议不能重新开放")
    form.get_by_role("button").click()  # not ticked: the browser keeps the form on the page
    evaluation.refresh_from_db()
    assert evaluation.status == Evaluation.Status.OPEN
    form.get_by_role("checkbox").check()
    form.get_by_role("button").click()
    expect(page.get_by_test_id("status")).to_have_text("已关闭")
    evaluation.refresh_from_db()
    assert evaluation.status == Evaluation.Status.CLOSED


def test_secretary_restores_an_archived_record(login, live_server, institute):
    access = compute_access(institute.secretary.user)
    record = activity_services.record_create(
        branch=institute.branch,
        kind=Kind.GENERAL_MEETING,
        access=access,
        held_on=datetime.date(2026, 3, 1),
        title="党员大会",
        today=datetime.date(2026, 11, 1),
    )
    activity_services.record_archive(record=record, access=access, reason="误归档")
    page = login(institute.secretary.user)
    page.goto(f"{live_server.url}{reverse('activities:detail', args=[record.pk])}")
    expect(page.get_by_test_id("archived")).to_be_visible()
    page.get_by_test_id("restore").click()
    page.fill("textarea[name=reason]", "归档有误")
    page.locator("form button[type=submit]").click()
    expect(page.get_by_test_id("restored")).to_contain_text("归档有误")
    record.refresh_from_db()
    assert not record.is_archived and record.restore_reason == "归档有误"
