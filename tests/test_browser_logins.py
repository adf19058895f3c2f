"""Logins in a real Chromium (issue 16): the office counts a unit, creates its logins and
downloads the slips; a new person signs in with the slip's password, is made to change it and
lands on the staff home. Screenshots at 1,366 px and at a 390 px phone width are kept in
``var/screenshots/logins/``."""

import io
import re
from pathlib import Path

import pytest
from django.utils.translation import gettext
from playwright.sync_api import expect
from pypdf import PdfReader

from accounts.models import User

from .factories import DepartmentFactory, PersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parent.parent / "var" / "screenshots" / "logins"


def shoot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width, height in ((1366, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})


def test_office_issues_logins_for_a_unit_and_a_new_person_signs_in_with_the_slip(
    login, live_server, institute, browser, settings
):
    settings.SITE_URL = live_server.url
    dept = DepartmentFactory(committee=institute.committee, name="第三研究室")
    for name, no in [("张伟", "B001"), ("李娜", "B002"), ("欧阳明", "B003")]:
        PersonFactory(committee=institute.committee, department=dept, name=name, employee_no=no)

    page = login(institute.office.user)
    page.goto(f"{live_server.url}/logins/")
    expect(page.get_by_test_id("logins")).to_contain_text("孙职工")
    shoot(page, "list")
    page.get_by_test_id("issue-for-unit").click()
    page.select_option("select[name=unit]", f"d{dept.pk}")
    page.get_by_role("button", name="统计人数").click()
    expect(page.get_by_test_id("issue-counts")).to_have_text("为 3 人创建登录，0 人已有登录。")
    expect(page.get_by_test_id("issue-preview")).to_contain_text("欧阳明")
    shoot(page, "issue")

    with page.expect_download() as info:
        page.get_by_test_id("issue-confirm").click()
    slips = Path(info.value.path()).read_bytes()
    text = re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(io.BytesIO(slips)).pages))
    for name in ("张伟", "李娜", "欧阳明"):
        assert name in text
    assert live_server.url.replace("http://", "") in text
    password = re.search(r"李娜.*?登录名lina初始密码([a-z2-9]{12})", text).group(1)
    assert User.objects.get(username="lina").must_change_password

    # The new person, in a browser of their own.
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    try:
        own = context.new_page()
        own.goto(f"{live_server.url}/accounts/login/")
        own.fill("input[name=username]", "lina")
        own.fill("input[name=password]", password)
        own.click("button[type=submit]")
        own.wait_for_url(f"{live_server.url}/accounts/password_change/")
        expect(own.get_by_test_id("must-change")).to_be_visible()
        own.screenshot(path=str(SHOTS / "must-change-390.png"), full_page=True)
        # Anywhere else leads back here until a password of one's own is chosen.
        own.goto(f"{live_server.url}/")
        own.wait_for_url(f"{live_server.url}/accounts/password_change/")
        own.fill("input[name=old_password]", password)
        own.fill("input[name=new_password1]", "Qiu-yue-chun-feng-6")
        own.fill("input[name=new_password2]", "Qiu-yue-chun-feng-6")
        own.get_by_role("button", name="修改密码").click()
        own.wait_for_url(f"{live_server.url}/")
        expect(own.locator("main")).to_contain_text(
            gettext(
                "Here you will see the public pledges of your branch and department, take part in the mass "
                "evaluation and drop suggestions."
            )
        )
        expect(own.locator("body")).to_contain_text("李娜")
        own.screenshot(path=str(SHOTS / "staff-home-390.png"), full_page=True)
    finally:
        context.close()
    user = User.objects.get(username="lina")
    assert not user.must_change_password and user.check_password("Qiu-yue-chun-feng-6")
