"""The demo year's notices: the 实施方案 itself, issued by the office when the year opens to the
plan's own addressees (各党总支、未设党总支的支部、未设党支部的处及中心), read and confirmed by most of
them; the few that have not confirmed show on the office's home, as in real use."""

from __future__ import annotations

import datetime

from django.db.models import Q

from accounts.access import compute_access
from branches.models import Position
from notices.models import NoticeAddressee
from notices.services import default_addressees, notice_confirm, notice_issue

from .year_support import at

TITLE = "关于印发《二十六所深入开展创先争优活动实施方案》的通知"
BODY = (
    "各党总支、未设党总支的支部、未设党支部的处及中心：\n\n"
    "根据上级党组织有关创先争优活动的文件精神，经所党委研究制定了我所开展创先争优活动的实施方案，"
    "现印发给你们，请组织全体党员、干部和职工认真学习并贯彻落实，确保创先争优活动健康有序进行。\n\n"
    "附件：《二十六所深入开展创先争优活动实施方案》"
)
UNREAD = 2  # addressees that have not confirmed reading yet


def notices_build(steps) -> None:
    """``steps`` is the demo year's builder (``demo.year.YearBuilder``): its office, year and
    generator."""
    year, committee = steps.year, steps.campaign.committee
    issued = year.pledges_open_on
    general, branches, departments = default_addressees(committee)
    notice = notice_issue(
        access=steps.office,
        committee=committee,
        title=TITLE,
        body=BODY,
        issuing_body=committee.name,
        issued_on=issued,
        document_number=f"所党发〔{year.year}〕1号",
        general_branches=list(general),
        branches=list(branches),
        departments=list(departments),
    )
    # The units' secretaries confirm reading in the first days; UNREAD of them have not yet.
    positions = (
        Position.objects.filter(
            Q(general_branch__in=general) | Q(branch__in=branches),
            title=Position.Title.SECRETARY,
            ended_on__isnull=True,
            person__user__isnull=False,
        )
        .select_related("person__user")
        .order_by("person__employee_no")
    )
    people = list(dict.fromkeys(p.person for p in positions))
    steps.rng.shuffle(people)
    confirmed = {}
    for person in people[UNREAD:]:
        notice_confirm(access=compute_access(person.user, today=steps.today), notice=notice)
        confirmed[person.user_id] = at(
            steps.clip(issued + datetime.timedelta(days=steps.rng.randint(1, 6))), 15
        )
    for user_id, moment in confirmed.items():
        NoticeAddressee.objects.filter(notice=notice, confirmed_by_id=user_id).update(confirmed_at=moment)
