"""述职述廉 in Chromium, as its roles walk it: the office sets the year's form; a branch secretary
(1,366 px) and the general-branch secretary (390 px phone) write and submit their duty reports
with an attachment; the office records the 述职评议会, grades each report with a comment and opens
the satisfaction rating; the secretary sees the result on the home page and the report; the
office reopens a grade with a reason. Mistakes on the way: an empty form, submitting without the
integrity part, a double click, Back and resubmit, 3,000 characters pasted.
Screenshots: var/screenshots/duties/."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from duties.models import AssessmentMeeting, DutyReport

from .factories import PASSWORD, make_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parent.parent / "var" / "screenshots" / "duties"
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def log_in(page, live_server, user):
    page.goto(f"{live_server.url}/accounts/login/?next=/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def fits(page, width):
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def shot(page, name):
    page.screenshot(path=str(SHOTS / name), full_page=True)


def write_and_submit(page, live_server, unit_name, attachment, width):
    """The secretary starts the year's report of ``unit_name`` from the list and submits it."""
    page.goto(f"{live_server.url}/duties/")
    page.get_by_role("button", name=f"{unit_name}述职报告").click()
    form = page.get_by_test_id("duty-edit")
    form.locator("textarea[name=duty]").fill(f"{unit_name}全年组织三会一课四十次，书记讲党课两次。")
    form.get_by_test_id("duty-submit").click()
    # the integrity part is missing: refused in Chinese, the text kept, still a draft
    expect(form.locator(".invalid-feedback")).to_contain_text("述廉")
    expect(form.locator("textarea[name=duty]")).to_have_value(
        f"{unit_name}全年组织三会一课四十次，书记讲党课两次。"
    )
    expect(page.locator("body")).to_contain_text("履行党建工作第一责任人职责情况")  # the office's form
    page.goto(page.url)  # the form again, as the secretary opens it the next day
    form.locator("textarea[name=duty]").fill(f"{unit_name}全年组织三会一课四十次，书记讲党课两次。")
    form.locator("textarea[name=integrity]").fill("严格执行中央八项规定精神，无违规违纪问题。")
    form.locator("input[name=files]").set_input_files(str(attachment))
    shot(page, f"secretary-edit-{width}.png")
    fits(page, width)
    form.get_by_test_id("duty-submit").dblclick()  # a double click submits once
    expect(page.get_by_test_id("duty-status")).to_have_text("已提交")
    expect(page.get_by_test_id("duty-attachments")).to_contain_text(attachment.name)
    page.go_back()  # Back to the form and submit again: refused, nothing changes
    if page.get_by_test_id("duty-submit").count():  # the browser kept the form
        page.get_by_test_id("duty-submit").click()
    expect(page.locator("body")).to_contain_text("只有草稿")
    page.goto(f"{live_server.url}/duties/")
    page.get_by_test_id("duty-reports").get_by_role("link", name=unit_name).click()
    expect(page.get_by_test_id("duty-status")).to_have_text("已提交")
    shot(page, f"secretary-submitted-{width}.png")
    fits(page, width)


def test_duty_reports_from_the_form_to_the_grade_and_back(browser, live_server, institute, tmp_path):
    SHOTS.mkdir(parents=True, exist_ok=True)
    for k in range(4):  # enough members for the rating's five-ballot threshold
        make_member(institute.branch, name=f"党员{k}")
    attachment = tmp_path / "述职述廉报告.pdf"
    attachment.write_bytes(PDF)
    desk = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    desk_secretary = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    phone = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True)
    try:
        # The office sets the year's form (an empty form is refused first).
        office = desk.new_page()
        log_in(office, live_server, institute.office.user)
        office.goto(f"{live_server.url}/duties/")
        expect(office.locator("body")).to_contain_text("请先设置本年度述职报告格式")
        office.get_by_test_id("duty-form").click()
        office.get_by_role("button", name="保存").click()
        expect(office.locator(".invalid-feedback").first).to_be_visible()
        office.locator("textarea[name=duty_prompt]").fill(
            "履行党建工作第一责任人职责情况；创先争优承诺兑现情况。"
        )
        office.locator("textarea[name=integrity_prompt]").fill("执行廉洁自律规定和中央八项规定精神情况。")
        office.locator("input[name=due_on]").fill("2026-12-20")
        office.get_by_role("button", name="保存").click()
        expect(office.locator("body")).to_contain_text("创先争优承诺兑现情况")
        shot(office, "office-list-form-1366.png")

        # A branch secretary at the desk, the general-branch secretary on a phone.
        secretary = desk_secretary.new_page()
        log_in(secretary, live_server, institute.secretary.user)
        write_and_submit(secretary, live_server, "第一党支部", attachment, 1366)
        gb = phone.new_page()
        log_in(gb, live_server, institute.gb_secretary.user)
        write_and_submit(gb, live_server, "第一党总支", attachment, 390)
        reports = {r.unit.name: r for r in DutyReport.objects.select_related("branch", "general_branch")}
        assert set(reports) == {"第一党支部", "第一党总支"}
        assert all(r.status == "submitted" and r.attachments.count() == 1 for r in reports.values())

        # The office records the 述职评议会 (no assessor chosen: refused).
        office.goto(f"{live_server.url}/duties/")
        office.get_by_test_id("duty-meeting").click()
        office.locator("input[name=held_on]").fill("2026-12-28")
        office.get_by_role("button", name="保存").click()
        expect(office.locator("body")).to_contain_text("请选择")
        office.get_by_label("江波").check()
        office.get_by_label("章瑜").check()
        office.locator("input[name=note]").fill("所党委会议室")
        office.get_by_role("button", name="保存").click()
        expect(office.locator(".alert-success")).to_contain_text("述职评议会")
        assert AssessmentMeeting.objects.get().assessors.count() == 2

        # ... and grades each report with a comment (3,000 characters pasted are kept whole).
        long_comment = "履职尽责，" * 600
        for name, grade, comment in (
            ("第一党支部", "较好", long_comment),
            ("第一党总支", "好", "统筹有力。"),
        ):
            office.goto(f"{live_server.url}/duties/")
            office.get_by_test_id("duty-reports").get_by_role("link", name=name).click()
            expect(office.get_by_test_id("duty-attachments")).to_contain_text(attachment.name)
            office.get_by_test_id("duty-grade-link").click()
            office.get_by_role("button", name="评定", exact=True).click()  # nothing chosen: refused
            expect(office.locator(".invalid-feedback").first).to_be_visible()
            office.locator("select[name=meeting]").select_option(label="2026-12-28")
            office.get_by_label(grade, exact=True).check()
            office.locator("textarea[name=comment]").fill(comment)
            if name == "第一党支部":
                shot(office, "office-grade-1366.png")
            office.get_by_role("button", name="评定", exact=True).click()
            expect(office.get_by_test_id("duty-status")).to_have_text("已评定")
            expect(office.get_by_test_id("duty-result")).to_contain_text(grade)
        assert DutyReport.objects.get(branch=institute.branch).grade_comment == long_comment.strip()

        # The satisfaction rating of the branch secretary: a draft evaluation, then opened.
        office.goto(f"{live_server.url}/duties/{reports['第一党支部'].pk}/")
        office.get_by_test_id("duty-rate-link").click()
        office.locator("input[name=opens_on]").fill("2026-12-01")
        office.locator("input[name=closes_on]").fill("2026-12-31")
        office.get_by_role("button", name="发起满意度测评").click()
        expect(office.get_by_test_id("duty-rating")).to_contain_text("李书记")
        expect(office.get_by_test_id("duty-rate-link")).to_have_count(0)  # once
        office.get_by_test_id("duty-rating").get_by_role("link").click()  # opened in the evaluations app
        office.get_by_role("button", name="开始评议").click()
        expect(office.locator(".alert-success")).to_be_visible()
        assert DutyReport.objects.get(branch=institute.branch).evaluation.status == "open"
        office.goto(f"{live_server.url}/duties/{reports['第一党支部'].pk}/")
        expect(office.get_by_test_id("duty-rating")).to_contain_text("未关闭")
        shot(office, "office-graded-1366.png")
        fits(office, 1366)

        # The secretary sees the result on the home page and on the report.
        secretary.goto(f"{live_server.url}/")
        home = secretary.get_by_test_id("duties-home")
        expect(home).to_contain_text("第一党支部")
        expect(home).to_contain_text("较好")
        home.get_by_role("link", name="第一党支部").click()
        expect(secretary.get_by_test_id("duty-result")).to_contain_text("较好")
        expect(secretary.get_by_test_id("duty-result")).to_contain_text("江波")
        expect(secretary.get_by_test_id("duty-rating")).to_be_visible()
        expect(secretary.get_by_test_id("duty-grade-link")).to_have_count(0)
        shot(secretary, "secretary-result-1366.png")
        gb.goto(f"{live_server.url}/")
        expect(gb.get_by_test_id("duties-home")).to_contain_text("好")
        gb.get_by_test_id("duties-home").get_by_role("link", name="第一党总支").click()
        expect(gb.get_by_test_id("duty-result")).to_contain_text("统筹有力")
        fits(gb, 390)
        shot(gb, "gb-secretary-result-390.png")

        # The office reopens a grade: an empty reason is refused; with one, back to 已提交.
        office.goto(f"{live_server.url}/duties/{reports['第一党总支'].pk}/")
        office.get_by_test_id("duty-reopen-link").click()
        expect(office.locator("body")).to_contain_text("说明理由")
        office.get_by_role("button", name="撤回评定").click()
        expect(office.locator(".invalid-feedback")).to_be_visible()
        office.locator("textarea[name=reason]").fill("评议会记录的等次有误，重新评定。")
        office.get_by_role("button", name="撤回评定").click()
        expect(office.get_by_test_id("duty-status")).to_have_text("已提交")
        expect(office.get_by_test_id("duty-reopened")).to_contain_text("评议会记录的等次有误")
        expect(office.locator("body")).to_contain_text("好")  # the history keeps the grade taken back
        shot(office, "office-reopened-1366.png")
        gb.goto(f"{live_server.url}/duties/{reports['第一党总支'].pk}/")
        expect(gb.get_by_test_id("duty-reopened")).to_contain_text("评议会记录的等次有误")
        expect(gb.get_by_test_id("duty-result")).to_have_count(0)
        fits(gb, 390)
        shot(gb, "gb-secretary-reopened-390.png")
        report = DutyReport.objects.get(general_branch=institute.gb)
        assert (
            report.status == "submitted"
            and report.grade == ""
            and report.history.filter(grade="good").exists()
        )
    finally:
        desk.close()
        desk_secretary.close()
        phone.close()
