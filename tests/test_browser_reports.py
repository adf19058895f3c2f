"""In a real Chromium: a leader generates the award list in the download centre and downloads it."""
# ruff: noqa: F811  (fixtures imported from the support modules are redefined as arguments)

import subprocess

import pytest
from playwright.sync_api import expect

from reports.models import ReportFile

from .reports_support import approved  # noqa: F401
from .test_awards_support import scored  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_leader_generates_and_downloads_the_award_list(
    login, live_server, institute, approved, page, tmp_path
):  # noqa: F811,E501
    page = login(institute.leader.user)
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="下载中心").first.click()
    card = page.locator("[data-report=award_list]")
    card.get_by_label("PDF").check()
    card.get_by_role("button", name="生成").click()
    row = page.get_by_test_id("files").locator("tbody tr").first
    expect(row).to_contain_text("关于表彰2026年度")
    expect(row).to_contain_text("已生成")
    with page.expect_download() as info:
        row.get_by_role("link", name="下载").click()
    download = info.value
    assert download.suggested_filename.endswith(".pdf") and "2026" in download.suggested_filename
    target = tmp_path / "list.pdf"
    download.save_as(target)
    text = subprocess.run(["pdftotext", str(target), "-"], capture_output=True, text=True, check=True).stdout
    assert "二十六所党委文件" in text and institute.branch.name in text

    # The Excel form of the same list, from the same page.
    card = page.locator("[data-report=award_list]")
    card.get_by_label("Excel").check()
    card.get_by_role("button", name="生成").click()
    row = page.get_by_test_id("files").locator("tbody tr").first
    expect(row).to_contain_text("Excel")
    with page.expect_download() as info:
        row.get_by_role("link", name="下载").click()
    assert info.value.suggested_filename.endswith(".xlsx")


def test_office_types_a_branch_and_is_offered_its_name(
    login, live_server, institute, scored, page, monkeypatch
):  # noqa: F811
    """At group scale the names are not on the page: static/js/lookup.js asks for them as one
    types (under the page's Content Security Policy), and the typed name is what is asked for."""
    from reports import views

    monkeypatch.setattr(views, "DATALIST_LIMIT", 0)
    page = login(institute.office.user)
    page.goto(f"{live_server.url}/reports/")
    card = page.locator("[data-report=activity_ledger]")
    field = card.get_by_label("党支部")
    field.press_sequentially("第二", delay=50)
    expect(card.locator(f"datalist option[value='{institute.branch2.name}']")).to_have_count(1)
    expect(card.locator(f"datalist option[value='{institute.foreign_branch.name}']")).to_have_count(0)
    field.fill(institute.branch2.name)
    card.get_by_label("Excel").check()
    card.get_by_role("button", name="生成").click()
    expect(page.get_by_test_id("files").locator("tbody tr").first).to_contain_text("活动台账")
    assert ReportFile.objects.get(kind="activity_ledger").params["branch"] == institute.branch2.pk
