"""In Chromium: the office records a 换届 and the old 书记 loses the secretary's home page; a
transfer by roster import ends the mover's 党小组长 post (shown in the preview, gone after)."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from branches.models import Position
from branches.positions import position_appoint
from branches.services import SYSTEM

from .factories import PASSWORD, make_member
from .test_positions_roster import grouped_member
from .test_roster import person_line, xlsx

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TODAY = timezone.localdate()
SHOTS = "var/screens"


@pytest.fixture(autouse=True)
def _plain_static_files(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def shots(page, name):
    for width, height in ((1366, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)
        # Nothing runs off the side at either width.
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.set_viewport_size({"width": 1366, "height": 900})


def sign_in(browser, live_server, user):
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    return page


def test_office_records_an_election_and_the_old_secretary_loses_the_secretary_home(
    login, live_server, browser, institute
):
    i = institute
    new = make_member(i.branch, name="钱新书记")
    old_page = sign_in(browser, live_server, i.secretary.user)
    expect(old_page.locator("h1")).to_contain_text("我的支部")

    page = login(i.office.user)
    page.goto(f"{live_server.url}/org/branches/{i.branch.pk}/")
    page.get_by_role("link", name="记录换届").click()
    expect(page.get_by_test_id("current-committee")).to_contain_text("书记：李书记")
    page.fill("input[name=held_on]", TODAY.isoformat())
    page.fill(
        "input[name=term_ends_on]", TODAY.replace(year=TODAY.year + 3, day=min(TODAY.day, 28)).isoformat()
    )
    page.select_option("select[name=secretary]", str(new.pk))
    page.select_option("select[name=organisation]", str(i.secretary.pk))
    shots(page, "election-form")
    page.get_by_role("button", name="记录换届").click()

    expect(page.locator(".alert-success")).to_contain_text("换届已记录")
    now = page.get_by_test_id("committee-now")
    expect(now).to_contain_text("书记：钱新书记")
    expect(now).to_contain_text("组织委员：李书记")
    page.get_by_test_id("committee-before").locator("summary").click()
    expect(page.get_by_test_id("committee-before")).to_contain_text("李书记")
    shots(page, "branch-committee")

    # The old secretary, signed in already, now gets the member's home page at once.
    old_page.reload()
    expect(old_page.locator("h1")).not_to_contain_text("我的支部")
    expect(old_page.locator("h1")).to_contain_text("我的创先争优")
    response = old_page.goto(f"{live_server.url}/org/people/")
    assert response.status == 403


def test_transfer_by_roster_import_ends_the_group_leader_post(login, live_server, institute, tmp_path):
    i = institute
    leader = grouped_member(i, name="孔组长")
    position_appoint(
        unit=i.branch,
        person=leader,
        title="group_leader",
        party_group=i.group,
        started_on=TODAY - datetime.timedelta(days=30),
        access=SYSTEM,
    )
    file = tmp_path / "名册.xlsx"
    file.write_bytes(xlsx([person_line(leader, branch="第二党支部", party_group="", positions="")]))

    page = login(i.office.user)
    page.goto(f"{live_server.url}/org/branches/{i.branch.pk}/")
    expect(page.get_by_test_id("committee-now")).to_contain_text("党小组长（第一党小组）：孔组长")
    page.goto(f"{live_server.url}/org/roster/import/")
    page.set_input_files("input[name=file]", str(file))
    page.get_by_role("button", name="检查文件").click()

    positions = page.get_by_test_id("roster-positions")
    expect(positions).to_contain_text("孔组长")
    expect(positions).to_contain_text("党小组长（第一党支部 · 第一党小组）")
    expect(page.locator("table", has_text="新支部")).to_contain_text("党小组长")
    shots(page, "roster-preview-positions")
    assert Position.objects.get(person=leader).ended_on is None  # a preview writes nothing

    page.get_by_role("button", name="导入这些变更").click()
    expect(page.get_by_test_id("roster-status")).to_contain_text("已导入")
    page.goto(f"{live_server.url}/org/branches/{i.branch.pk}/")
    expect(page.get_by_test_id("committee-now")).not_to_contain_text("孔组长")
    page.get_by_test_id("committee-before").locator("summary").click()
    expect(page.get_by_test_id("committee-before")).to_contain_text("孔组长")
    assert Position.objects.get(person=leader).ended_on == TODAY - datetime.timedelta(days=1)
