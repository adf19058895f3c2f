"""In a real Chromium: the campaign office writes a branch's semi-annual review, and the branch
secretary acknowledges it from the home page."""

import pytest
from playwright.sync_api import expect

from supervision import services
from supervision.models import Review

from .test_supervision_support import review_of, year_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_office_writes_and_secretary_acknowledges_a_review(page, login, live_server, institute):
    review_round, _ = services.review_round_open(campaign_year=year_of(institute.campaign), half=1)
    review = review_of(review_round, branch=institute.branch)

    login(institute.office.user)
    page.goto(f"{live_server.url}/supervision/reviews/rounds/")
    page.get_by_test_id("review-rounds").get_by_role("link").first.click()
    row = page.get_by_test_id(f"review-row-{review.pk}")
    expect(row).to_contain_text(institute.branch.name)
    row.get_by_role("link", name=institute.branch.name).click()
    page.get_by_test_id("review-write").click()

    # A review with a part missing is refused with the field marked.
    page.fill("textarea[name=achievements]", "三会一课坚持较好，党员攻关团队完成预研课题")
    page.fill("textarea[name=direction]", "加强青年党员培养")
    page.get_by_test_id("review-save").click()
    expect(page.locator("textarea[name=problems].is-invalid")).to_be_visible()
    page.fill("textarea[name=problems]", "读书笔记展评尚未开展")
    page.get_by_test_id("review-save").click()

    expect(page.get_by_test_id("problems")).to_contain_text("读书笔记展评尚未开展")
    expect(page.get_by_test_id("review-status")).to_have_text(str(Review.Status.WRITTEN.label))
    review.refresh_from_db()
    assert review.status == Review.Status.WRITTEN and review.written_by == institute.office.user

    # The secretary finds it on the home page and acknowledges it.
    page.context.clear_cookies()
    login(institute.secretary.user)
    home = page.get_by_test_id("supervision-home")
    home.get_by_role("link", name=institute.branch.name).click()
    expect(page.get_by_test_id("achievements")).to_contain_text("党员攻关团队")
    page.fill("textarea[name=comment]", "支部将按点评意见整改")
    page.get_by_test_id("acknowledge-submit").click()
    expect(page.get_by_test_id("acknowledgement")).to_contain_text("支部将按点评意见整改")
    review.refresh_from_db()
    assert review.status == Review.Status.ACKNOWLEDGED and review.acknowledged_by == institute.secretary.user
