"""In Chromium: each demo login opens its home page on the demo year and finds the year's real
content — not the empty "暂无" of a fresh install — at 1,366 px and on a 390 px phone. The
screenshots go to ``var/screenshots/demo/``."""

from pathlib import Path

import pytest

from demo.data import DEMO_PASSWORD
from demo.loader import demo_load

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parent.parent / "var" / "screenshots" / "demo"

# login → texts its home shows on the demo year (what the role works on now).
HOMES = {
    "zhangyu": ["逾期", "公示", "待审核"],
    "secretary": ["第一事业部第一党支部", "已公布", "半年点评"],
    "secretary2": ["光电产业中心党支部", "待审核"],
    "gbsecretary": ["第一事业部第三党支部", "逾期"],
    "jiangbo": ["公示"],
    "member": ["唐锋"],
    "staff": ["第一事业部"],
    "admin": [],
}
# Homes where nothing may be empty: the office and the secretaries run the year.
FULL = {"zhangyu", "secretary", "secretary2"}


@pytest.fixture
def demo(transactional_db):
    return demo_load()


def test_each_role_finds_the_year_on_its_home(demo, live_server, browser):
    SHOTS.mkdir(parents=True, exist_ok=True)
    names = {login.username: login.name for login in demo.logins}
    problems = []
    for username, texts in HOMES.items():
        for width, height in ((1366, 900), (390, 844)):
            context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": height})
            page = context.new_page()
            page.goto(f"{live_server.url}/accounts/login/")
            page.fill("input[name=username]", username)
            page.fill("input[name=password]", DEMO_PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url(f"{live_server.url}/")
            page.screenshot(path=str(SHOTS / f"{username}-{width}.png"), full_page=True)
            body = page.locator("main").inner_text()
            for text in texts:
                if text not in body:
                    problems.append(f"{username} at {width}: “{text}” missing")
            if username in FULL and "暂无" in body:
                line = next(line for line in body.splitlines() if "暂无" in line)
                problems.append(f"{username} at {width}: empty section “{line}”")
            # The page fits the phone: nothing wider than the screen.
            overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
            if overflow > 1:
                problems.append(f"{username} at {width}: {overflow} px wider than the screen")
            context.close()
        assert names.get(username), username
    assert not problems, "\n".join(problems)
