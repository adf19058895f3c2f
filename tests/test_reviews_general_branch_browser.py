"""In a real Chromium: the campaign office drafts a general branch's semi-annual review from a
common text on the bulk page, writes it, and the general branch's secretary acknowledges it from
the home page (1,366 px for the office, 390 px for the secretary's phone; both widths shot)."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from supervision import services
from supervision.models import Review

from .test_supervision_support import review_of, year_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("var/screenshots/gb-reviews")
DESKTOP, PHONE = {"width": 1366, "height": 900}, {"width": 390, "height": 844}


def shoot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / name), full_page=True)


def test_office_drafts_a_general_branch_review_and_its_secretary_acknowledges_it(
    page, login, live_server, institute
):
    review_round, _ = services.review_round_open(campaign_year=year_of(institute.campaign), half=1)
    review = review_of(review_round, general_branch=institute.gb)
    page.set_viewport_size(DESKTOP)
    login(institute.office.user)
    page.goto(f"{live_server.url}/supervision/reviews/rounds/{review_round.pk}/")
    expect(page.get_by_test_id(f"review-row-{review.pk}")).to_contain_text("第一党总支")
    page.get_by_test_id("review-drafts").click()

    # The general branch is in the list, labelled, and chosen on its own.
    page.get_by_label("第一党总支（党总支）").check()
    page.get_by_test_id("drafts-preview").click()  # no text yet: refused, the choice kept
    expect(page.locator(".invalid-feedback, .alert-danger").first).to_be_visible()
    expect(page.get_by_label("第一党总支（党总支）")).to_be_checked()
    page.fill("textarea[name=achievements]", "{年度}年上半年，{支部}统筹所属支部推进承诺落实。")
    page.fill("textarea[name=problems]", "对所属支部检查督促不够。")
    page.fill("textarea[name=direction]", "下半年组织一次支部间经验交流。")
    page.get_by_test_id("drafts-preview").click()
    expect(page.get_by_test_id("drafts-preview-table")).to_contain_text(
        "2026年上半年，第一党总支统筹所属支部推进承诺落实。"
    )
    shoot(page, "drafts-1366.png")
    page.set_viewport_size(PHONE)
    shoot(page, "drafts-390.png")
    page.set_viewport_size(DESKTOP)
    page.get_by_test_id("drafts-save").click()
    review.refresh_from_db()
    assert review.status == Review.Status.PENDING and review.problems == "对所属支部检查督促不够。"

    # Adjusted and written on its own page, which starts from the draft.
    page.get_by_test_id(f"review-row-{review.pk}").get_by_role("link", name="第一党总支").click()
    page.get_by_test_id("review-write").click()
    expect(page.locator("textarea[name=problems]")).to_have_value("对所属支部检查督促不够。")
    page.fill("textarea[name=problems]", "对所属支部检查督促不够，总支自身记录不全。")
    page.get_by_test_id("review-save").click()
    expect(page.get_by_test_id("problems")).to_contain_text("总支自身记录不全")
    shoot(page, "review-1366.png")
    review.refresh_from_db()
    assert review.status == Review.Status.WRITTEN and review.written_by == institute.office.user

    # The general branch's secretary, on a phone: the own review on the home page, by name.
    page.context.clear_cookies()
    page.set_viewport_size(PHONE)
    login(institute.gb_secretary.user)
    item = page.get_by_test_id("unit-review-general_branch")
    expect(item).to_contain_text("第一党总支")
    shoot(page, "home-390.png")
    item.get_by_role("link").click()
    expect(page.get_by_test_id("achievements")).to_contain_text("统筹所属支部")
    page.fill("textarea[name=comment]", "总支将督促各支部落实")
    page.get_by_test_id("acknowledge-submit").click()
    expect(page.get_by_test_id("acknowledgement")).to_contain_text("总支将督促各支部落实")
    shoot(page, "acknowledged-390.png")
    # Back and the same click again: acknowledged once.
    page.go_back()
    if page.get_by_test_id("acknowledge-submit").count():
        page.get_by_test_id("acknowledge-submit").click()
    review.refresh_from_db()
    assert (
        review.status == Review.Status.ACKNOWLEDGED and review.acknowledged_by == institute.gb_secretary.user
    )
    assert review.history.filter(status=Review.Status.ACKNOWLEDGED).count() == 1
    page.set_viewport_size(DESKTOP)
    page.goto(f"{live_server.url}/")
    expect(page.get_by_test_id("unit-review-general_branch")).to_have_count(0)
    page.goto(f"{live_server.url}/supervision/reviews/")
    expect(page.get_by_test_id(f"review-row-{review.pk}")).to_contain_text("第一党总支")
    shoot(page, "reviews-1366.png")
