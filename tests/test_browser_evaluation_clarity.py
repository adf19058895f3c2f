"""Issue 21 in Chromium: choosing targets among many (filter, select all of a unit, counts), the
one-third “Excellent” count and confirmation before a vote is cast, a member writing their own
self-assessment; at 1,366 px and on a 390 px phone."""

import pytest
from playwright.sync_api import expect

from accounts.access import compute_access
from evaluations import services
from evaluations.models import AppraisalPoolBallot, Evaluation, SelfAssessment

from .factories import make_member
from .test_evaluations_support import year_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDE, PHONE = {"width": 1366, "height": 900}, {"width": 390, "height": 844}


def _appraisal(institute, members, *, stages=0):
    appraisal = services.appraisal_start(
        branch=members[0].branch,
        campaign_year=year_of(institute.campaign),
        access=compute_access(institute.gb_secretary.user),
    )
    for _ in range(stages):
        services.appraisal_advance(appraisal=appraisal, access=compute_access(institute.gb_secretary.user))
    appraisal.refresh_from_db()
    return appraisal


@pytest.mark.parametrize("viewport", [WIDE, PHONE], ids=["wide", "phone"])
def test_office_picks_members_by_unit(login, live_server, institute, viewport, tmp_path):
    for i in range(12):
        make_member(institute.branch2, name=f"二支部党员{i:02d}")
    page = login(institute.office.user)
    page.set_viewport_size(viewport)
    page.goto(f"{live_server.url}/evaluations/new/")
    members = page.get_by_test_id("picker-members")
    count = members.locator("[data-picker-count]")
    expect(count).to_have_text("0")
    group = members.locator("[data-picker-group]", has_text="第二党支部")
    group.get_by_role("button", name="全选本单位").click()
    expect(count).to_have_text("13")  # 周党员 and twelve more
    expect(group.locator("[data-picker-group-count]")).to_have_text("13")
    group.get_by_role("button", name="清除").click()
    expect(count).to_have_text("0")
    # The filter narrows the list; "select all" then takes only what it shows.
    members.locator("[data-picker-filter]").fill("党员0")
    expect(members.get_by_label("二支部党员05")).to_be_visible()
    expect(members.get_by_label("周党员")).to_be_hidden()
    expect(members.locator("[data-picker-group]", has_text="第一党支部")).to_be_hidden()
    group.get_by_role("button", name="全选本单位").click()
    expect(count).to_have_text("10")
    members.locator("[data-picker-filter]").press("Enter")  # does not send the form
    members.locator("[data-picker-filter]").fill("")
    members.get_by_label("陈党员").check()
    expect(count).to_have_text("11")
    page.get_by_test_id("picker-branches").get_by_label("第一党支部").check()
    page.get_by_test_id("picker-voter_branches").get_by_label("第二党支部").check()
    page.screenshot(path=str(tmp_path / f"picker-{viewport['width']}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    page.locator("form button.btn-danger").click()
    page.wait_for_url(f"{live_server.url}/evaluations/*/")
    evaluation = Evaluation.objects.get()
    chosen = set(evaluation.targets.filter(person__isnull=False).values_list("person__name", flat=True))
    assert chosen == {"陈党员", *(f"二支部党员{i:02d}" for i in range(10))}


@pytest.mark.parametrize("viewport", [WIDE, PHONE], ids=["wide", "phone"])
def test_vote_counts_excellent_and_asks_before_more_than_a_third(
    login, live_server, institute, viewport, tmp_path
):
    members = [make_member(institute.branch2, name=f"党员{i}", user=True) for i in range(6)]
    appraisal = _appraisal(institute, members, stages=2)
    page = login(members[0].user)
    page.set_viewport_size(viewport)
    page.goto(f"{live_server.url}/evaluations/appraisals/{appraisal.pk}/vote/")
    form = page.get_by_test_id("appraisal-ballot")
    rows = form.locator("tbody tr")
    n = rows.count()  # every other member of the branch
    confirm = page.get_by_test_id("excellent-confirm")
    shown = page.locator("[data-excellent-n]")
    for i in range(n):
        rows.nth(i).locator('input[value="competent"]').check()
    expect(shown).to_have_text("0")
    expect(confirm).to_be_hidden()
    limit = n // 3
    for i in range(limit):
        rows.nth(i).locator('input[value="excellent"]').check()
    expect(shown).to_have_text(str(limit))
    expect(confirm).to_be_hidden()
    rows.nth(limit).locator('input[value="excellent"]').check()
    expect(shown).to_have_text(str(limit + 1))
    expect(confirm).to_be_visible()
    page.screenshot(path=str(tmp_path / f"excellent-{viewport['width']}.png"), full_page=True)
    # Sent without the tick: refused, nothing cast, the grades kept.
    form.get_by_role("button").last.click()
    expect(confirm.locator(".invalid-feedback")).to_be_visible()
    assert not AppraisalPoolBallot.objects.exists()
    expect(rows.nth(limit).locator('input[value="excellent"]')).to_be_checked()
    confirm.get_by_role("checkbox").check()
    page.get_by_test_id("appraisal-ballot").get_by_role("button").last.click()
    expect(page.get_by_test_id("thanks")).to_be_visible()
    assert AppraisalPoolBallot.objects.count() == 1


def test_member_writes_own_self_assessment_on_a_phone(login, live_server, institute, tmp_path):
    members = [make_member(institute.branch2, name=f"党员{i}", user=True) for i in range(3)]
    _appraisal(institute, members)
    page = login(members[1].user)
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/evaluations/mine/")
    page.get_by_test_id("write-own").click()
    page.get_by_label("我的自我评价").fill("本年度带头攻关，按期完成任务")
    page.screenshot(path=str(tmp_path / "own-390.png"), full_page=True)
    page.get_by_test_id("own-assessment").get_by_role("button", name="保存").click()
    expect(page.locator(".alert-success")).to_contain_text("自我评价已保存")
    expect(page.get_by_label("我的自我评价")).to_have_value("本年度带头攻关，按期完成任务")
    assert SelfAssessment.objects.get().person == members[1]
