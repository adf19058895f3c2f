"""Accessibility in a real Chromium: axe-core (4.14, served from ``tests/assets`` — no download)
runs on the main pages of every role and reports no serious or critical violation; the pages
work by keyboard.

axe's "serious" and "critical" impacts cover what stops a user outright: a field without a
label, a button without a name, text too faint to read, a page without a language or title,
a menu that cannot be reached. "moderate" and "minor" findings (e.g. best-practice landmarks)
are printed, not failed, so that this test keeps meaning "usable", not "perfect".

The same visit keeps a full-page screenshot of each page as a test artefact, for people to look
at: var/screenshots/roles/<role>/<page>-<width>.png (no second browser, no second page load).
"""

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots" / "roles"
AXE = (Path(__file__).parent / "assets" / "axe.min.js").read_text(encoding="utf-8")

# The main pages of each role: what its menu leads to.
PAGES = {
    "secretary": [
        "home",
        "pledges:list",
        "activities:list",
        "activities:compliance",
        "branches:branch_list",
        "evaluations:list",
        "reports:centre",
        "notices:list",
        "duties:list",
        "exchange:list",
    ],
    "member": ["home", "pledges:list", "evaluations:mine"],
    "staff": ["home", "pledges:list", "evaluations:mine", "exchange:list"],
    "office": [
        "home",
        "pledges:list",
        "activities:list",
        "activities:compliance",
        "branches:branch_list",
        "branches:person_list",
        "supervision:inspection_list",
        "supervision:review_round_list",
        "evaluations:list",
        "evaluations:appraisal_list",
        "awards:index",
        "reports:centre",
        "reports:dashboard",
        "audit_log",
        "notices:list",
        "duties:list",
        "logins:list",
    ],
    "leader": ["home", "awards:index", "reports:dashboard", "reports:centre"],
}

RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ") + " — " + n.failureSummary.split("\\n")[1]),
  }));
}"""


@pytest.fixture
def page(browser):
    # The site's Content-Security-Policy (script-src 'self') refuses an injected script, rightly:
    # this context bypasses it so that axe can run inside the page.
    context = browser.new_context(bypass_csp=True, locale="zh-CN")
    yield context.new_page()
    context.close()


def _screenshot(page, role, name, width):
    folder = SHOTS / role
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=folder / f"{name.replace(':', '-')}-{width}.png", full_page=True)


def _violations(page):
    page.add_script_tag(content=AXE)
    return page.evaluate(RUN_AXE)


@pytest.mark.parametrize("width", [1366, 390])
def test_main_pages_of_every_role_have_no_serious_violation(
    login, live_server, institute, users, page, width
):
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(f"{live_server.url}/accounts/login/")
    _screenshot(page, "anonymous", "login", width)
    found = {"login": _violations(page)}
    for role, names in PAGES.items():
        page.context.clear_cookies()
        login(users[role])
        for name in names:
            response = page.goto(live_server.url + reverse(name))
            assert response.status == 200, f"{role} {name}: {response.status}"  # a page of the role's own
            _screenshot(page, role, name, width)
            # The page itself never scrolls sideways (a wide table scrolls inside its own box).
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"[{width}px] {role} {name} is {overflow} px wider than the window"
            found[f"{role} {name}"] = _violations(page)
    serious = {
        where: [v for v in violations if v["impact"] in ("serious", "critical")]
        for where, violations in found.items()
    }
    serious = {where: v for where, v in serious.items() if v}
    for where, violations in found.items():
        for v in violations:
            if v["impact"] not in ("serious", "critical"):
                print(f"[{width}px] {where}: {v['impact']} {v['id']}: {v['help']}")
    assert not serious, "\n".join(
        f"[{width}px] {where}: {v['impact']} {v['id']} ({v['help']}): {v['nodes']}"
        for where, vs in serious.items()
        for v in vs
    )


def test_sign_in_and_menu_work_by_keyboard(live_server, institute, users, page):
    """Tab to each field, type, Enter: signed in. Then Tab reaches the menu's links in order and
    Enter follows one; on a phone the menu's toggler opens with the keyboard."""
    from .factories import PASSWORD

    page.set_viewport_size({"width": 1366, "height": 800})
    page.goto(f"{live_server.url}/accounts/login/")
    page.keyboard.press("Tab")
    for _ in range(30):  # to the first text field, past the skip link and the language box
        if page.evaluate("document.activeElement.name") == "username":
            break
        page.keyboard.press("Tab")
    page.keyboard.type(users["secretary"].username)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "password"
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/")

    # The pledge list sits in a dropdown of the menu: Tab to its toggle, Enter opens it, the
    # arrow keys walk its items, Enter follows one.
    target = reverse("pledges:list")
    holds_target = f"(el => el.classList.contains('dropdown-toggle') && !!el.parentElement.querySelector(\"a[href='{target}']\"))"
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate(f"{holds_target}(document.activeElement)"):
            break
    else:
        pytest.fail("the menu holding the pledge list is not reachable by Tab")
    # The focused toggle shows that it has the focus (an outline or a box shadow).
    assert page.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement);"
        " return s.outlineStyle !== 'none' || s.boxShadow !== 'none'; })()"
    )
    page.keyboard.press("Enter")
    for _ in range(12):
        page.keyboard.press("ArrowDown")
        if page.evaluate("document.activeElement.getAttribute('href')") == target:
            break
    else:
        pytest.fail("the pledge list's item is not reachable with the arrow keys")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}{target}")

    # On a phone the menu is behind its toggler, which the keyboard opens.
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(f"{live_server.url}/")
    assert not page.locator("#nav").is_visible()
    page.locator(".navbar-toggler").focus()
    page.keyboard.press("Enter")
    page.locator("#nav .dropdown-toggle").first.wait_for(state="visible")
