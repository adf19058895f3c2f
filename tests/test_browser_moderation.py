"""The office, in a real Chromium, ticks every comment of the page at once and approves them."""

import pytest
from playwright.sync_api import expect

from accounts.access import compute_access
from evaluations import services
from evaluations.models import FreeText

from .test_evaluations_support import create_evaluation, make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_office_approves_a_page_of_comments(login, live_server, institute):
    make_staff(institute.committee, institute.department, 5)
    evaluation = create_evaluation(institute)
    services.evaluation_close(evaluation=evaluation, access=compute_access(institute.office.user))
    target = evaluation.targets.get(person__isnull=True)
    for i in range(12):
        FreeText.objects.create(target=target, text=f"建议{i}")

    page = login(institute.office.user)
    page.goto(f"{live_server.url}/evaluations/moderation/")
    rows = page.locator("[data-testid=moderation] tbody input[name=free_text]")
    expect(rows).to_have_count(12)
    page.get_by_test_id("select-all").check()
    for box in rows.all():
        expect(box).to_be_checked()
    page.get_by_test_id("approve-selected").click()
    expect(page.locator(".alert-success")).to_contain_text("已通过 12 条")
    assert FreeText.objects.filter(status=FreeText.Status.APPROVED).count() == 12
    expect(page.locator("[data-testid=moderation] tbody input[name=free_text]")).to_have_count(0)
