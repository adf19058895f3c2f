"""In a real Chromium: a leader opens the dashboard and every chart is drawn by the locally served
Chart.js, without a console error and without loading anything from elsewhere."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from .test_dashboards import known  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parent.parent / "var" / "screenshots" / "dashboards"

CHARTS = ["chart-scores-bar", "chart-scores-radar", "chart-compliance", "chart-turnout", "chart-pledges"]

# A canvas is drawn when Chart.js holds an instance for it and some of its pixels are not blank.
DRAWN = """(id) => {
  const canvas = document.getElementById(id);
  if (!canvas || !window.Chart || !Chart.getChart(canvas)) return false;
  const {width, height} = canvas;
  if (!width || !height) return false;
  const pixels = canvas.getContext("2d").getImageData(0, 0, width, height).data;
  for (let i = 3; i < pixels.length; i += 4) { if (pixels[i] !== 0) return true; }
  return false;
}"""


def test_leader_sees_the_charts_drawn(login, live_server, institute, known, page):  # noqa: F811
    errors, foreign = [], []
    # (The site has no favicon: the browser's own request for it is not the page's error.)
    page.on(
        "console",
        lambda msg: (
            errors.append(msg.text)
            if msg.type == "error" and not msg.location.get("url", "").endswith("/favicon.ico")
            else None
        ),
    )
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("request", lambda req: None if req.url.startswith(live_server.url) else foreign.append(req.url))

    page = login(institute.leader.user)
    page.get_by_test_id("nav-dashboard").click()
    page.wait_for_url(f"{live_server.url}/reports/dashboard/")
    expect(page.get_by_test_id("dashboard-institute")).to_be_visible()
    for chart in CHARTS:
        page.wait_for_function(DRAWN, arg=chart, timeout=10_000)
        assert page.locator(f"#{chart}").get_attribute("data-drawn") == "true"
    # The radar shows the mean against one branch chosen in the select (no legend of every
    # branch); the figures of all are in the (collapsed) tables.
    radar_labels = (
        "() => Chart.getChart(document.getElementById('chart-scores-radar')).data.datasets.map(d => d.label)"
    )
    choice = page.get_by_test_id("radar-branch")
    options = choice.locator("option").all_inner_texts()
    assert set(options) == {"机关党支部", "第一党支部", "第二党支部"}
    assert page.evaluate(radar_labels) == ["各支部平均", options[0]]
    choice.select_option(label=options[2])
    assert page.evaluate(radar_labels) == ["各支部平均", options[2]]
    # Category labels are not rotated.
    rotation = page.evaluate(
        "() => Chart.getChart(document.getElementById('chart-pledges')).scales.x.labelRotation"
    )
    assert rotation == 0
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "leader-dashboard-1366.png"), full_page=True)
    page.get_by_test_id("dash-turnout").locator("summary").click()
    expect(page.get_by_test_id("turnout-table")).to_contain_text("75.0%")
    assert errors == []
    assert foreign == []


def test_a_chart_without_figures_says_so_in_words(login, live_server, institute, page):
    """A new year with nothing recorded: no empty axes, a sentence instead."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 390, "height": 844})
    login(institute.leader.user)
    page.goto(f"{live_server.url}/reports/dashboard/")
    expect(page.get_by_test_id("dashboard-institute")).to_be_visible()
    page.wait_for_load_state("load")
    drawn = page.evaluate(
        """() => [...document.querySelectorAll('canvas[data-chart]')].map(c => {
            const chart = Chart.getChart(c);
            return [c.id, chart ? chart.data.datasets.some(d => d.data.some(v => typeof v === 'number')) : null];
        })"""
    )
    # Every chart still on the page has figures; the others were replaced by a sentence: here
    # the pledges' (nothing published yet).
    assert all(has for _id, has in drawn), drawn
    expect(page.get_by_test_id("chart-pledges-empty")).to_be_visible()
    assert page.locator("#chart-pledges").count() == 0
    empty = page.locator("[data-testid$='-empty']")
    for i in range(empty.count()):
        expect(empty.nth(i)).to_have_text("尚无数据：有了第一批数据后即显示图表。")
    page.screenshot(path=str(SHOTS / "leader-dashboard-empty-390.png"), full_page=True)
