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


def test_office_records_a_secretaries_meeting_and_the_branch_answers_its_follow_up(
    page, login, live_server, institute
):
    """A 党支部书记例会 with a follow-up for 第一党支部: a half-filled row is refused with what was
    typed kept; the secretary answers the follow-up like findings (desktop, then a phone)."""
    from supervision.models import SupervisionMeeting

    page.set_viewport_size({"width": 1366, "height": 900})
    login(institute.office.user)
    page.goto(f"{live_server.url}/supervision/meetings/")
    page.get_by_test_id("meeting-create").click()
    page.select_option("select[name=kind]", "secretaries_meeting")
    page.fill("input[name=held_on]", "2026-04-08")
    page.fill("input[name=subject]", "第二季度党支部书记例会")
    page.get_by_label("李书记").check()
    page.fill("textarea[name=raised]", "部分支部通讯报道不足")
    page.select_option("select[name=follow-0-branch]", label="第一党支部")
    page.fill("textarea[name=follow-0-text]", "补齐三月通讯报道")
    page.get_by_test_id("meeting-save").click()
    # No deadline: refused, the row kept as typed.
    expect(page.get_by_test_id("follow-up-0")).to_contain_text("或留空此行")
    expect(page.locator("textarea[name=follow-0-text]")).to_have_value("补齐三月通讯报道")
    page.fill("input[name=follow-0-due]", "2026-04-30")
    page.get_by_test_id("meeting-save").click()
    expect(page.get_by_test_id("raised")).to_contain_text("部分支部通讯报道不足")
    expect(page.get_by_test_id("follow-ups")).to_contain_text("第一党支部")
    page.screenshot(path="var/screenshots/meeting_office.png", full_page=True)
    meeting = SupervisionMeeting.objects.get()
    follow_up = meeting.follow_ups.get()

    page.context.clear_cookies()
    page.set_viewport_size({"width": 390, "height": 844})
    login(institute.secretary.user)
    page.goto(f"{live_server.url}/supervision/inspections/{follow_up.pk}/")
    expect(page.get_by_test_id("findings")).to_contain_text("补齐三月通讯报道")
    page.get_by_test_id("inspection-reply").click()
    page.fill("textarea[name=reply]", "已补写三月通讯报道两篇")
    page.set_input_files(
        "input[name=files]",
        files=[{"name": "通讯报道.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF\n"}],
    )
    page.locator("form", has=page.locator("textarea[name=reply]")).locator("button.btn-danger").click()
    expect(page.get_by_test_id("reply")).to_contain_text("已补写三月通讯报道两篇")
    page.screenshot(path="var/screenshots/meeting_follow_up_phone.png", full_page=True)
    follow_up.refresh_from_db()
    assert follow_up.status == "replied" and follow_up.replied_by == institute.secretary.user
