"""A secretary, in a real Chromium, sees the own branch's members and not another branch's."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_secretary_sees_own_branch_members_only(login, live_server, institute):
    page = login(institute.secretary.user)
    # The home page is the secretary's, in Chinese by default.
    expect(page.locator("h1")).to_contain_text("我的支部")
    page.get_by_role("link", name=institute.branch.name).first.click()
    members = page.get_by_test_id("members")
    expect(members).to_contain_text(institute.member.name)
    expect(members).to_contain_text(institute.secretary.name)
    expect(members).not_to_contain_text(institute.member2.name)

    # Another branch's page is not found, and its members appear nowhere in the people list.
    response = page.goto(f"{live_server.url}/org/branches/{institute.other_branch.pk}/")
    assert response.status == 404
    page.goto(f"{live_server.url}/org/people/")
    expect(page.locator("table")).to_contain_text(institute.member.name)
    expect(page.locator("table")).not_to_contain_text(institute.other_member.name)


def test_language_switch_to_english(login, institute):
    page = login(institute.member.user)
    page.get_by_test_id("language").select_option("en")
    expect(page.get_by_test_id("my-branch")).to_contain_text(institute.branch.name)
    expect(page.locator("nav")).to_contain_text("Log out")
