"""In a real Chromium: the main menu fits one line at 1,280 and 1,366 px for every role on every
main page (no label breaks inside itself, the language box is not cut), it is the same menu on the
awards pages as elsewhere, and on a 390 px phone it collapses behind the toggler, which opens it.
Screenshots are kept in ``var/screenshots/menus/``."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parent.parent / "var" / "screenshots" / "menus"

PAGES = {
    "office": ["/", "/awards/", "/reports/dashboard/", "/reports/", "/audit/"],
    "secretary": ["/", "/awards/", "/reports/dashboard/"],
    "leader": ["/", "/awards/", "/reports/dashboard/"],
}

# Each top-level entry of the bar: its box, its text's line count (height over line height).
ITEMS = """() => {
  const nav = document.querySelector('nav.navbar');
  const items = [...nav.querySelectorAll('#nav > .navbar-nav > .nav-item > .nav-link, #nav .nav-right > .nav-link,'
    + ' #nav .nav-right > .nav-item > .nav-link, #nav .nav-right select')];
  return {
    navHeight: nav.getBoundingClientRect().height,
    items: items.map(el => {
      const r = el.getBoundingClientRect();
      const line = parseFloat(getComputedStyle(el).lineHeight) || 24;
      return {text: el.textContent.trim(), top: r.top, bottom: r.bottom, right: r.right,
              lines: Math.round((el.scrollHeight - parseFloat(getComputedStyle(el).paddingTop)
                       - parseFloat(getComputedStyle(el).paddingBottom)) / line),
              visible: r.width > 0 && r.height > 0};
    }),
    width: document.documentElement.clientWidth,
  };
}"""


def _one_line(page, where):
    info = page.evaluate(ITEMS)
    items = [i for i in info["items"] if i["visible"]]
    assert len(items) >= 4, where
    tops = {round(i["top"]) for i in items}
    assert max(tops) - min(tops) <= 8, (where, items)  # one row
    assert all(i["lines"] <= 1 for i in items), (where, [i for i in items if i["lines"] > 1])
    assert all(i["right"] <= info["width"] for i in items), (where, items)  # nothing cut
    assert info["navHeight"] < 70, where
    return items


@pytest.mark.parametrize("role", sorted(PAGES))
def test_menu_is_one_line_on_a_desktop(role, login, live_server, institute, page):
    user = getattr(institute, role).user
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1366, "height": 768})
    login(user)
    home_items = None
    for path in PAGES[role]:
        page.goto(f"{live_server.url}{path}")
        for width in (1366, 1280):
            page.set_viewport_size({"width": width, "height": 768})
            items = _one_line(page, (role, path, width))
            texts = [i["text"] for i in items]
            if home_items is None:
                home_items = texts
            # The same menu on every page (the awards pages used to collapse it to two items).
            assert texts == home_items, (path, texts, home_items)
        name = path.strip("/").replace("/", "-") or "home"
        page.screenshot(path=str(SHOTS / f"{role}-{name}-1280.png"))
    assert "首页" in home_items


@pytest.mark.parametrize("role", ["office", "member"])
def test_menu_collapses_on_a_phone(role, login, live_server, institute, page):
    user = getattr(institute, role).user
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 390, "height": 844})
    login(user)
    for path in ["/", "/awards/"] if role == "office" else ["/"]:
        page.goto(f"{live_server.url}{path}")
        toggler = page.locator("button.navbar-toggler")
        expect(toggler).to_be_visible()
        expect(page.locator("#nav")).to_be_hidden()
        # The bar itself stays one line: the brand and the toggler side by side.
        assert page.locator("nav.navbar").bounding_box()["height"] < 70
        toggler.click()
        # Opened once Bootstrap's animation ends (a click during it is ignored).
        expect(page.locator("#nav")).to_have_class(re.compile(r"\bcollapse show\b"))
        expect(page.get_by_test_id("nav-home")).to_be_visible()
        # Each entry of the opened menu is one line and within the screen.
        boxes = page.evaluate(
            """() => [...document.querySelectorAll('#nav .nav-link')].filter(e => e.offsetParent)
                .map(e => ({h: e.getBoundingClientRect().height, r: e.getBoundingClientRect().right}))"""
        )
        assert boxes and all(b["h"] < 48 and b["r"] <= 390 for b in boxes), boxes
        name = path.strip("/").replace("/", "-") or "home"
        page.screenshot(path=str(SHOTS / f"{role}-{name}-390-open.png"), full_page=True)
        page.locator("button.navbar-toggler").click()
        expect(page.locator("#nav")).to_be_hidden()
