"""The activity record: what every branch held this year up to today — 三会一课 at their required
frequencies (with a few gaps, so the compliance grid has something to show), the secretary's
lecture, news reports, theme education and reading — and what each general branch recorded of
its own (its committee's monthly meeting, a news report a month, a members' meeting a quarter,
its secretary's lecture), to the target's number of records in all."""

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
    Kind.GB_COMMITTEE_MEETING: "党总支委员会",
    Kind.GB_GENERAL_MEETING: "党总支党员大会",
}
EXTRA_KINDS = [Kind.THEME_EDUCATION, Kind.READING_SESSION, Kind.NEWS_REPORT, Kind.OTHER]
FIELDS = [
    "id",
    "branch",
    "general_branch",
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


def _day(today: datetime.date, month: int, rng) -> datetime.date:
    """A day of ``month`` of this year up to ``today``."""
    last = today.day if month == today.month else 28
    return datetime.date(today.year, month, rng.randint(1, max(last, 1)))


def _plan(branch: w.Branch, quota: int, today: datetime.date, rng) -> list[tuple]:
    """(kind, date, party group) of the branch's records."""

    def day(month: int) -> datetime.date:
        return _day(today, month, rng)

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


def _general_branch_plan(today: datetime.date, rng) -> list[tuple[Kind, datetime.date]]:
    """(kind, date) of one general branch's own records, with the same few gaps as a branch's."""
    months = range(1, today.month + 1)

    def day(month: int) -> datetime.date:
        return _day(today, month, rng)

    plan = []
    for m in months:
        if rng.random() > 0.08:
            plan.append((Kind.GB_COMMITTEE_MEETING, day(m)))
        if rng.random() > 0.1:
            plan.append((Kind.NEWS_REPORT, day(m)))
        if m % 3 == 0:
            plan.append((Kind.GB_GENERAL_MEETING, day(m)))
    plan.append((Kind.SECRETARY_LECTURE, day(rng.choice(months))))
    return plan


def build(world: w.World) -> None:
    rng, copier, today = world.rng, world.copier, world.today
    tz = timezone.get_current_timezone()
    evening = {}
    branches = world.branches
    # A general branch's secretary is the third member of its first branch (``org._positions``).
    general = [
        (pk, next(b for b in c.branches if b.general_branch == pk).members[2])
        for c in world.committees
        for pk, _name, _category, _dept in c.general_branches
    ]
    general_plans = [(pk, secretary, _general_branch_plan(today, rng)) for pk, secretary in general]
    own = sum(len(plan) for _pk, _secretary, plan in general_plans)
    quotas = _split(world.targets.records - own, len(branches), rng)
    ids = iter(copier.ids(ActivityRecord, sum(quotas) + own))

    def moment(held_on):
        at = evening.get(held_on)
        if at is None:
            at = evening[held_on] = datetime.datetime.combine(held_on, datetime.time(20), tzinfo=tz)
        return at

    def rows():
        for pk, secretary, plan in general_plans:
            user = world.user_of[secretary]
            for kind, held_on in plan:
                at = moment(held_on)
                yield (
                    next(ids), None, pk, kind, held_on, f"{held_on.month}月{TITLES[kind]}", "党员活动室",
                    secretary, secretary, None, "按计划开展，记录完整。",
                    "《所内通讯》" if kind == Kind.NEWS_REPORT else "", user, at, None, None, "",
                )  # fmt: skip
        for b, quota in zip(branches, quotas, strict=True):
            user = world.user_of[b.secretary]
            host, recorder = b.members[0], b.members[1]
            for kind, held_on, group in _plan(b, quota, today, rng):
                at = moment(held_on)
                archived = rng.random() < 0.003
                yield (
                    next(ids),
                    b.id,
                    None,
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
