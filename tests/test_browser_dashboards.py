"""In a real Chromium: a leader opens the dashboard and every chart is drawn by the locally served
Chart.js, without a console error and without loading anything from elsewhere."""

import pytest
from playwright.sync_api import expect

from .test_dashboards import known  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

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
    # The radar shows each branch and the mean; the figures are also in the (collapsed) tables.
    labels = page.evaluate(
        "() => Chart.getChart(document.getElementById('chart-scores-radar')).data.datasets.map(d => d.label)"
    )
    assert labels[0] and set(labels[1:]) == {"机关党支部", "第一党支部", "第二党支部"}
    page.get_by_test_id("dash-turnout").locator("summary").click()
    expect(page.get_by_test_id("turnout-table")).to_contain_text("75.0%")
    assert errors == []
    assert foreign == []
