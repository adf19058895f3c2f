"""The activity record: what every branch held this year up to today — 三会一课 at their required
frequencies (with a few gaps, so the compliance grid has something to show), the secretary's
lecture, news reports, theme education and reading — to the target's number of records."""

from __future__ import annotations

import datetime

from django.utils import timezone

from activities.models import ActivityRecord, Kind

from . import world as w
from .org import _split

TITLES = {
    Kind.GENERAL_MEETING: "支部党员大会",
    Kind.COMMITTEE_MEETING: "支委会",
    Kind.GROUP_MEETING: "党小组会",
    Kind.PARTY_CLASS: "党课",
    Kind.SECRETARY_LECTURE: "书记讲党课",
    Kind.THEME_EDUCATION: "主题教育",
    Kind.READING_SESSION: "读书学习",
    Kind.READING_REVIEW: "读书笔记展评",
    Kind.NEWS_REPORT: "通讯报道",
    Kind.OTHER: "志愿服务活动",
}
EXTRA_KINDS = [Kind.THEME_EDUCATION, Kind.READING_SESSION, Kind.NEWS_REPORT, Kind.OTHER]
FIELDS = [
    "id",
    "branch",
    "kind",
    "held_on",
    "title",
    "place",
    "host",
    "recorder",
    "party_group",
    "content",
    "published_in",
    "created_by",
    "created_at",
    "archived_at",
    "archived_by",
    "archive_reason",
]


def _plan(branch: w.Branch, quota: int, today: datetime.date, rng) -> list[tuple]:
    """(kind, date, party group) of the branch's records."""
    year = today.year

    def day(month: int) -> datetime.date:
        last = today.day if month == today.month else 28
        return datetime.date(year, month, rng.randint(1, max(last, 1)))

    months = range(1, today.month + 1)
    plan = []
    for m in months:
        if rng.random() > 0.08:
            plan.append((Kind.COMMITTEE_MEETING, day(m), None))
        if rng.random() > 0.1:
            plan.append((Kind.NEWS_REPORT, day(m), None))
        for g in branch.groups:
            if rng.random() > 0.08:
                plan.append((Kind.GROUP_MEETING, day(m), g))
        if m % 3 == 0 or m == today.month:
            plan.append((Kind.GENERAL_MEETING, day(m), None))
            plan.append((Kind.PARTY_CLASS, day(m), None))
    plan.append((Kind.SECRETARY_LECTURE, day(rng.choice(months)), None))
    if rng.random() < 0.85:
        plan.append((Kind.READING_REVIEW, day(rng.choice(months)), None))
    rng.shuffle(plan)
    plan = plan[:quota]
    while len(plan) < quota:
        plan.append((rng.choice(EXTRA_KINDS), day(rng.choice(months)), None))
    return plan


def build(world: w.World) -> None:
    rng, copier, today = world.rng, world.copier, world.today
    tz = timezone.get_current_timezone()
    evening = {}
    branches = world.branches
    quotas = _split(world.targets.records, len(branches), rng)
    ids = iter(copier.ids(ActivityRecord, sum(quotas)))

    def rows():
        for b, quota in zip(branches, quotas, strict=True):
            user = world.user_of[b.secretary]
            host, recorder = b.members[0], b.members[1]
            for kind, held_on, group in _plan(b, quota, today, rng):
                at = evening.get(held_on)
                if at is None:
                    at = evening[held_on] = datetime.datetime.combine(held_on, datetime.time(20), tzinfo=tz)
                archived = rng.random() < 0.003
                yield (
                    next(ids),
                    b.id,
                    kind,
                    held_on,
                    f"{held_on.month}月{TITLES[kind]}",
                    "党员活动室",
                    host,
                    recorder,
                    group,
                    "按计划开展，记录完整。",
                    "《所内通讯》" if kind == Kind.NEWS_REPORT else "",
                    user,
                    at,
                    at + datetime.timedelta(days=1) if archived else None,
                    user if archived else None,
                    "重复登记" if archived else "",
                )

    copier.copy(ActivityRecord, FIELDS, rows())
