"""The demo year's general-branch activity records (issue 20): each general branch's own 党总支委员会
once a quarter with its committee's attendance, its news report each month (the plan's §六(四):
"各总支、各支部…每月撰写不少于1篇通讯报道") and its secretary's 党课 (第二阶段: "各党总支、支部书记每年
组织一次党课") for the members of its branches. Most general branches keep up; one is behind: a
quarter's committee meeting missed, the last months' news reports not written, no lecture yet.
The demo login ``gbsecretary``'s general branch is never the one behind.

Written in bulk, with history rows, as ``demo.year`` writes the branches' records; its own
generator (seeded from the day), so the rest of the demo year draws what it drew before."""

from __future__ import annotations

import datetime
import random

from django.contrib.auth.hashers import make_password

from accounts.models import User
from activities.models import Kind
from branches.models import GeneralBranch, Position

from . import year_texts as T
from .data import CHANGE_REASON, GB_SECRETARY_UNIT
from .year_support import RecordBatch

D = datetime.date
NEWS_TITLES = [
    "{unit}召开{month}月党总支委员会研究重点任务",
    "{unit}组织所属支部书记交流“好方法、好经验”",
    "{unit}开展{month}月主题党日联学活动",
    "{unit}党员先锋团队攻关纪实",
    "{unit}组织所属党员志愿服务活动",
]


def general_branch_activities_build(steps) -> None:
    """``steps`` is the demo year's builder (``demo.year.YearBuilder``): its year, today, branches
    and their members."""
    rng = random.Random(f"general-branch-activities-{steps.today.isoformat()}")
    year = steps.year.year
    general_branches = list(
        GeneralBranch.objects.filter(committee=steps.campaign.committee, is_active=True).order_by(
            "sort_order", "name_key", "pk"
        )
    )
    committees = _committees(general_branches)
    months = [m for m in range(1, 13) if steps.past(D(year, m, 3))]
    with_secretary = [g for g in general_branches if committees[g.pk][0] is not None]
    candidates = [g for g in with_secretary if g.name != GB_SECRETARY_UNIT]
    behind = rng.choice(candidates).pk if len(candidates) > 1 else None
    batch = RecordBatch(steps, rng, hour=16, change_reason=CHANGE_REASON)

    def add(gb, kind, day, title, people=(), **fields):
        batch.add(committees[gb.pk][0], day, people, general_branch=gb, kind=kind, title=title, **fields)

    for gb in with_secretary:
        secretary, committee = committees[gb.pk]
        members = [p for b in steps.branches if b.general_branch_id == gb.pk for p in steps.members[b.pk]]
        late = gb.pk == behind
        lecture_month = rng.choice(months[:7] or months)
        for month in months:
            place = rng.choice(T.PLACES)
            if month % 3 == 2 and not (late and month == 5):  # the second month of each quarter
                topic = T.MEETING_TOPICS[(month + gb.sort_order) % len(T.MEETING_TOPICS)]
                add(
                    gb,
                    Kind.GB_COMMITTEE_MEETING,
                    D(year, month, rng.randint(8, 14)),
                    f"第{(month + 2) // 3}季度党总支委员会：{topic}",
                    committee,
                    host=secretary,
                    place=place,
                    content=f"听取所属各党支部践诺情况汇报，研究{topic}。",
                )
            if month == lecture_month and not late:
                add(
                    gb,
                    Kind.SECRETARY_LECTURE,
                    D(year, month, rng.randint(16, 24)),
                    f"党总支书记讲党课：{rng.choice(T.LECTURE_TOPICS)}",
                    members,
                    host=secretary,
                    place="所报告厅",
                    content="党总支书记为所属各支部党员讲授专题党课，宣讲我所科研工作的优良传统。",
                )
            if not (late and month >= months[-1] - 2):
                add(
                    gb,
                    Kind.NEWS_REPORT,
                    D(year, month, rng.randint(18, 28)),
                    rng.choice(NEWS_TITLES).format(unit=gb.name, month=month),
                    published_in=rng.choice(T.NEWS_OUTLETS),
                )
    batch.save(leave=0.06, absent=0.06, leave_reasons=T.LEAVE_REASONS)


def _committees(general_branches) -> dict[int, tuple]:
    """For each general branch: its secretary (None without one) and its committee, in the order
    of the titles. A secretary the demo gave no login gets one nobody can sign in with, so that
    the history names who entered the records."""
    committees = {g.pk: (None, []) for g in general_branches}
    positions = (
        Position.objects.filter(
            general_branch__in=general_branches, title__in=Position.COMMITTEE_TITLES, ended_on__isnull=True
        )
        .select_related("person__user")
        .order_by("pk")
    )
    for position in positions:
        secretary, committee = committees[position.general_branch_id]
        person = position.person
        if person not in committee:
            committee.append(person)
        if position.title == Position.Title.SECRETARY and secretary is None:
            if person.user_id is None:
                username = f"u{person.employee_no}"
                person.user = User.objects.filter(username=username).first() or User.objects.create(
                    username=username, password=make_password(None)
                )
                person._change_reason = CHANGE_REASON
                person.save(update_fields=["user"])
            committees[position.general_branch_id] = (person, committee)
    return committees
