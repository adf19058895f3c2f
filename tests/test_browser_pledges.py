"""Pledges in a real Chromium: a secretary writes, submits and publishes the branch pledge (the
office approves in between), and a member follows the own commitments from the home page."""

import re

import pytest
from playwright.sync_api import expect

from pledges.models import Pledge, ProgressEntry

from .test_pledges_support import PDF, make_pledge, step

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_secretary_writes_submits_and_publishes_branch_pledge(login, live_server, institute):
    page = login(institute.secretary.user)
    page.goto(f"{live_server.url}/pledges/")
    page.get_by_role("link", name=re.compile("New branch pledge|新建支部承诺")).click()
    page.select_option("select[name=branch]", str(institute.branch.pk))
    page.fill("textarea[name=focus]", "做研发先锋，当创新标兵：组建课题攻关党员先锋团队")
    page.fill("textarea[name=targets]", "完成两项重点课题攻关")
    page.fill("textarea[name=measures]", "每月召开一次攻关推进会")
    page.fill("textarea[name=items-0-text]", "3月底前组建课题攻关党员先锋团队")
    page.select_option("select[name=items-0-criterion]", "performance")
    page.fill("input[name=items-0-due_on]", "2026-03-31")
    page.select_option("select[name=items-0-responsible]", str(institute.member.pk))
    page.get_by_test_id("save").click()
    page.wait_for_url(re.compile(r"/pledges/\d+/$"))
    pledge = Pledge.objects.get(kind="branch", branch=institute.branch)
    expect(page.get_by_test_id("items")).to_contain_text("3月底前组建课题攻关党员先锋团队")
    expect(page.get_by_test_id("items")).to_contain_text(institute.member.name)

    page.get_by_test_id("submit").click()
    expect(page.get_by_test_id("submit")).to_have_count(0)
    pledge.refresh_from_db()
    assert pledge.status == "submitted"

    # The campaign office approves it, in the same browser.
    login(institute.office.user)
    page.goto(f"{live_server.url}/pledges/{pledge.pk}/")
    page.get_by_test_id("approve").click()
    expect(page.get_by_test_id("approve")).to_have_count(0)
    pledge.refresh_from_db()
    assert pledge.status == "approved"

    # Back to the secretary, who records where and to whom it was announced.
    login(institute.secretary.user)
    page.goto(f"{live_server.url}/pledges/{pledge.pk}/")
    page.get_by_test_id("publish").click()
    page.check("input[name=occasion][value=department_meeting]")
    page.fill("input[name=audience]", "第一事业部全体职工")
    # The year's deadline (end of February) has passed: told first, then confirmed.
    expect(page.get_by_test_id("late-warning")).to_be_visible()
    page.get_by_test_id("confirm").click()
    expect(page.locator("#id_late_acknowledged")).to_have_class(re.compile("is-invalid"))
    pledge.refresh_from_db()
    assert pledge.status == "approved"
    expect(page.locator("input[name=audience]")).to_have_value("第一事业部全体职工")
    page.check("#id_late_acknowledged")
    page.get_by_test_id("confirm").click()
    page.wait_for_url(f"{live_server.url}/pledges/{pledge.pk}/")
    expect(page.get_by_test_id("late").first).to_be_visible()
    expect(page.get_by_test_id("publication")).to_contain_text("第一事业部全体职工")
    pledge.refresh_from_db()
    assert pledge.status == "published"
    # Published: read-only; the writer may only correct it through a new version.
    expect(page.get_by_role("link", name=re.compile("^(Edit|编辑)$"))).to_have_count(0)

    # Staff of the department now see it, with its progress bar.
    login(institute.staff.user)
    page.goto(f"{live_server.url}/pledges/")
    expect(page.get_by_test_id("pledges")).to_contain_text(institute.branch.name)
    expect(page.get_by_test_id("pledges").get_by_test_id("progress")).to_have_count(1)


def test_member_sees_own_commitments_and_adds_progress(login, live_server, institute, tmp_path):
    pledge = make_pledge(institute, "member", "published")
    step(institute, pledge, "progress", percent=40)
    page = login(institute.member.user)
    commitments = page.get_by_test_id("my-commitments")
    expect(commitments).to_contain_text("承诺事项1")
    expect(commitments).to_contain_text("承诺事项2")
    expect(commitments.locator("[aria-valuenow='40']")).to_have_count(1)
    expect(commitments.locator("[aria-valuenow='0']")).to_have_count(1)

    # The next step offered is to record progress; with an evidence file.
    page.get_by_test_id("next-step").get_by_role("link").click()
    second = pledge.items.all()[1]
    page.select_option("select[name=item]", str(second.pk))
    page.fill("input[name=entered_on]", "2026-04-20")
    page.fill("textarea[name=done]", "完成了第二项承诺的中期目标")
    page.fill("input[name=percent]", "60")
    evidence = tmp_path / "中期小结.pdf"
    evidence.write_bytes(PDF)
    page.set_input_files("input[name=files]", str(evidence))
    page.get_by_test_id("confirm").click()
    page.wait_for_url(f"{live_server.url}/pledges/{pledge.pk}/")
    expect(page.get_by_test_id("items")).to_contain_text("完成了第二项承诺的中期目标")
    expect(page.get_by_test_id("evidence")).to_have_text("中期小结.pdf")
    expect(page.get_by_test_id("overall-progress").locator("[aria-valuenow='50']")).to_have_count(1)
    assert ProgressEntry.objects.filter(item=second, percent=60).exists()

    page.goto(f"{live_server.url}/")
    expect(page.get_by_test_id("my-commitments").locator("[aria-valuenow='60']")).to_have_count(1)
