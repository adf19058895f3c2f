"""A branch secretary's month, in a real Chromium, as a first-time user does it: from the menus
only (no address typed after signing in), at 1,366 px and on a 390 px phone.

The month's work (issue 21): the month's 三会一课 meetings with attendance (支部党员大会, 支委会,
党小组会), a news report with a photo, the answer to an open inspection finding, and progress
on the branch pledge. The walk counts, per task, the pages loaded, the fields filled and the
clicks, and times itself; from these it estimates how long a slow first-time user takes and
asserts that it stays under 10 minutes.

The estimate assumes a slow first-time user (a 55-year-old secretary who types Chinese with
pinyin): ``PAGE_SECONDS`` to read each page loaded and find what to press next, ``CLICK_SECONDS``
per click, ``CHOICE_SECONDS`` per choice from a list, ``FIELD_SECONDS`` to start each typed field
plus ``CHAR_SECONDS`` per character typed (50 characters a minute, about half an office typist's
pinyin speed), ``FILE_SECONDS`` to find a file to attach; plus the walk's own wall time (the
machine's part: pages served and drawn).
Screenshots of each step are saved in var/screenshots/month/.
"""

import datetime
import re
import time
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from activities.models import ActivityRecord, AttendanceStatus, Kind
from branches.models import Position
from pledges.models import ProgressEntry
from supervision.models import Inspection

from .factories import make_member
from .test_pledges_support import make_pledge
from .test_supervision_support import inspect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGE_SECONDS = 8
CLICK_SECONDS = 3
CHOICE_SECONDS = 6
FIELD_SECONDS = 5
CHAR_SECONDS = 1.2
FILE_SECONDS = 15
LIMIT_SECONDS = 10 * 60

SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots" / "month"
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)


class Walk:
    """Drives the page like a user and counts what the user does, task by task."""

    def __init__(self, page, width):
        self.page, self.width = page, width
        self.counts: dict[str, Counter] = {}
        self.task = None
        self.shot = 0
        page.on("load", lambda _page: self._count("pages"))

    def start(self, task):
        self.task = task
        self.counts[task] = Counter()

    def _count(self, what, n=1):
        if self.task is not None:
            self.counts[self.task][what] += n

    def click(self, locator):
        self._count("clicks")
        locator.click()

    def fill(self, locator, value):
        self._count("fields")
        self._count("characters", len(value))
        locator.fill(value)

    def select(self, locator, label):
        self._count("choices")
        locator.select_option(label=label)

    def date(self, locator, value):
        self._count("choices")  # picked from the date picker
        locator.fill(value)

    def upload(self, locator, name, content, mime):
        self._count("files")
        locator.set_input_files(files=[{"name": name, "mimeType": mime, "buffer": content}])

    def menu(self, top, item):
        """Open the menu ``top`` (behind the toggler on a phone) and follow its ``item``."""
        page = self.page
        toggler = page.locator(".navbar-toggler")
        if toggler.is_visible():
            self.click(toggler)
        self.click(
            page.locator("#nav")
            .get_by_role("button", name=top)
            .or_(page.locator("#nav a.dropdown-toggle", has_text=top))
        )
        self.click(page.locator("#nav .dropdown-menu.show").get_by_role("link", name=item, exact=True))

    def menu_link(self, name):
        """Follow a top-level link of the menu (behind the toggler on a phone)."""
        toggler = self.page.locator(".navbar-toggler")
        if toggler.is_visible():
            self.click(toggler)
        self.click(self.page.locator("#nav").get_by_role("link", name=name, exact=True))

    def screenshot(self, name):
        self.shot += 1
        self.page.screenshot(path=SHOTS / f"{self.width}-{self.shot:02d}-{name}.png", full_page=True)

    def seconds(self, counts):
        return (
            counts["pages"] * PAGE_SECONDS
            + counts["clicks"] * CLICK_SECONDS
            + counts["choices"] * CHOICE_SECONDS
            + counts["fields"] * FIELD_SECONDS
            + counts["characters"] * CHAR_SECONDS
            + counts["files"] * FILE_SECONDS
        )


def _branch_of_seven(institute):
    """The institute's 第一党支部 with a committee and a party group, as a branch is: seven members."""
    branch, group = institute.branch, institute.group
    committee = []
    for name, title in (("刘委员", Position.Title.DEPUTY), ("何委员", Position.Title.COMMITTEE_MEMBER)):
        person = make_member(branch, name=name)
        Position.objects.create(
            person=person, title=title, branch=branch, started_on=datetime.date(2024, 1, 1)
        )
        committee.append(person)
    others = [make_member(branch, name=n) for n in ("钱党员", "郑党员", "冯党员")]
    for person in [institute.member, *committee, *others]:
        person.party_group = group
        person.save(update_fields=["party_group"])
    return committee, others


def _new_record(walk, branch, button):
    """The first record from the menu (新建记录, then the kind); each next one from the saved
    record's page, which offers the branch's next kinds in one click."""
    page = walk.page
    following = page.get_by_test_id("record-next")
    if following.count():
        walk.click(following.get_by_role("link", name=button, exact=True))
    else:
        walk.menu("承诺与纪实", "新建记录")
        walk.click(page.get_by_test_id(f"choose-{branch.pk}").get_by_role("link", name=button))
    form = page.get_by_test_id("record-form")
    expect(form).to_be_visible()
    return form


def _meeting(walk, branch, button, *, held_on, recorder, content, on_leave=None, slip=None):
    page = walk.page
    form = _new_record(walk, branch, button)
    # Title and host come preset (this month's meeting, the branch secretary): read, not typed.
    expect(form.locator("input[name=title]")).not_to_have_value("")
    walk.screenshot(f"form-{button}")
    walk.date(form.locator("input[name=held_on]"), held_on)
    walk.fill(form.locator("input[name=place]"), "支部活动室")
    walk.select(form.locator("select[name=recorder]"), recorder.name)
    walk.fill(form.locator("textarea[name=content]"), content)
    if on_leave is not None:
        row = page.get_by_test_id(f"attendance-{on_leave.employee_no}")
        walk.click(row.locator("input[value=leave]"))
        walk.fill(row.locator("input[type=text]"), "出差")
    if slip is not None:
        # A slip (not counted: a mistake, not the work): someone ticked absent by mistake;
        # 全部出席 sets every row back to present.
        page.get_by_test_id(f"attendance-{slip.employee_no}").locator("input[value=absent]").check()
        page.get_by_test_id("all-present").click()
        expect(form.locator("input[type=radio][value=present]:not(:checked)")).to_have_count(0)
    walk.click(form.get_by_role("button", name="保存"))
    page.wait_for_url(re.compile(r"/records/\d+/$"))
    walk.screenshot(f"saved-{button}")


@pytest.mark.parametrize("width", [1366, 390])
def test_secretary_does_a_months_work_in_under_ten_minutes(login, live_server, institute, page, width):
    SHOTS.mkdir(parents=True, exist_ok=True)
    branch, secretary = institute.branch, institute.secretary
    (deputy, _member), (qian, _zheng, _feng) = _branch_of_seven(institute)
    pledge = make_pledge(institute, "branch", "published")
    inspection = inspect(
        institute,
        branch,
        findings="十月通讯报道未按月报送",
        due=timezone.localdate() + datetime.timedelta(days=14),
    )

    page.set_viewport_size({"width": width, "height": 800 if width > 500 else 844})
    began = time.monotonic()
    login(secretary.user)
    walk = Walk(page, width)
    walk.screenshot("home")

    first = timezone.localdate().replace(day=1)
    day = [min(timezone.localdate(), first + datetime.timedelta(days=n)).isoformat() for n in (1, 3, 5)]
    walk.start("支部党员大会")
    _meeting(
        walk,
        branch,
        "支部党员大会",
        held_on=day[0],
        recorder=deputy,
        content="传达所党委创先争优推进会精神，通报支部第四季度践诺情况。",
        on_leave=qian,
    )
    walk.start("支委会")
    _meeting(
        walk, branch, "支委会", held_on=day[1], recorder=deputy, content="研究本月通讯报道和课题攻关安排。"
    )
    walk.start("党小组会")
    _meeting(
        walk,
        branch,
        "党小组会",
        held_on=day[2],
        recorder=deputy,
        content="学习推荐书目第三章，交流读书体会。",
        slip=qian,
    )

    walk.start("通讯报道")
    form = _new_record(walk, branch, "通讯报道")
    walk.fill(form.locator("input[name=title]"), "第一党支部开展课题攻关主题党日")
    walk.fill(form.locator("input[name=published_in]"), "《26所通讯》")
    walk.fill(form.locator("textarea[name=content]"), "支部组织党员赴实验基地开展课题攻关主题党日活动。")
    walk.upload(form.locator("input[name=files]"), "主题党日.png", PNG, "image/png")
    walk.screenshot("news-form")
    walk.click(form.get_by_role("button", name="保存"))
    page.wait_for_url(re.compile(r"/records/\d+/$"))
    expect(page.get_by_test_id("evidence")).to_contain_text("主题党日.png")
    walk.screenshot("news-saved")

    walk.start("答复督查问题")
    # The home page lists the findings to answer, each a link to its reply form.
    walk.menu_link("首页")
    walk.click(page.get_by_test_id("supervision-home").get_by_role("link", name=re.compile("督查发现的问题")))
    reply = page.get_by_test_id("reply-form")
    walk.fill(reply.locator("textarea[name=reply]"), "已补报十月通讯报道两篇，今后每月月底前报送。")
    # A finding with a deadline is answered with evidence of the rectification.
    walk.upload(reply.locator("input[name=files]"), "补报的通讯报道.png", PNG, "image/png")
    walk.screenshot("reply-form")
    walk.click(reply.get_by_role("button", name="提交答复").or_(reply.locator("button.btn-danger")))
    expect(page.get_by_test_id("reply")).to_contain_text("已补报十月通讯报道")
    walk.screenshot("reply-saved")

    walk.start("登记践诺情况")
    walk.menu("承诺与纪实", "公开承诺")
    walk.click(page.get_by_test_id("pledges").get_by_role("link", name=branch.name).first)
    walk.click(page.get_by_role("link", name="登记践诺情况").first)
    action = page.get_by_test_id("action-form")
    if action.locator("select[name=item]").input_value() == "":
        walk.select(action.locator("select[name=item]"), pledge.items.get().text)
    walk.fill(action.locator("textarea[name=done]"), "课题攻关党员先锋团队完成第一阶段试验。")
    walk.fill(action.locator("input[name=percent]"), "60")
    walk.screenshot("progress-form")
    walk.click(page.get_by_test_id("confirm"))
    page.wait_for_url(f"{live_server.url}/pledges/{pledge.pk}/")
    walk.screenshot("progress-saved")
    wall = time.monotonic() - began

    # What the walk recorded is in the database, as the secretary entered it.
    meetings = ActivityRecord.objects.filter(branch=branch).exclude(kind=Kind.NEWS_REPORT)
    assert sorted(meetings.values_list("kind", flat=True)) == sorted(
        [Kind.GENERAL_MEETING, Kind.COMMITTEE_MEETING, Kind.GROUP_MEETING]
    )
    general = meetings.get(kind=Kind.GENERAL_MEETING)
    assert general.host == secretary and general.recorder == deputy
    assert general.held_on.isoformat() == day[0] and general.title.endswith("支部党员大会")
    group = meetings.get(kind=Kind.GROUP_MEETING)
    assert group.party_group == institute.group
    assert set(group.attendance.values_list("status", flat=True)) == {AttendanceStatus.PRESENT}
    attendance = dict(general.attendance.values_list("person__name", "status"))
    assert attendance[qian.name] == AttendanceStatus.LEAVE
    assert attendance[secretary.name] == AttendanceStatus.PRESENT and len(attendance) == 7
    assert ActivityRecord.objects.get(kind=Kind.NEWS_REPORT).evidence.count() == 1
    inspection.refresh_from_db()
    assert inspection.status == Inspection.Status.REPLIED
    assert ProgressEntry.objects.filter(item__pledge=pledge, percent=60).exists()

    total = Counter()
    lines = [
        f"[{width}px] task: pages, clicks, choices, typed fields (characters), files → estimated seconds"
    ]
    for task, counts in walk.counts.items():
        total.update(counts)
        lines.append(
            f"  {task}: {counts['pages']}, {counts['clicks']}, {counts['choices']}, {counts['fields']} "
            f"({counts['characters']}), {counts['files']} → {walk.seconds(counts):.0f} s"
        )
    estimate = walk.seconds(total) + wall
    lines.append(
        f"  total: {total['pages']} pages, {total['clicks']} clicks, {total['choices']} choices, "
        f"{total['fields']} typed fields ({total['characters']} characters), {total['files']} files; "
        f"walk {wall:.1f} s; estimate {estimate:.0f} s"
    )
    print("\n".join(lines))
    # Each task takes at most four pages from the menu to its saved result.
    assert all(c["pages"] <= 4 for c in walk.counts.values()), "\n".join(lines)
    assert estimate < LIMIT_SECONDS, "\n".join(lines)
