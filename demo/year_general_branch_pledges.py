"""The demo year's general-branch pledges (党总支承诺, 第一阶段): each general branch's secretary
writes its own pledge, the office approves it, the secretary publishes it. Most are published on
time; one was returned by the office and is being reworked; one was published after the due
date (marked late). The demo login ``gbsecretary``'s general branch always has its pledge
published, so that its home shows the year that went well.

Writes go through the pledge services with the acting person's ``Access``; the moments the
services stamp are set to the step's date afterwards, as in ``demo.year``."""

from __future__ import annotations

import datetime

from django.contrib.auth.hashers import make_password

from accounts.access import compute_access
from accounts.models import User
from branches.models import GeneralBranch, Position
from pledges.models import Pledge, Publication
from pledges.services import pledge_approve, pledge_create, pledge_publish, pledge_return, pledge_submit

from .data import CHANGE_REASON, GB_SECRETARY_UNIT
from .year_support import at, redate_latest_version, restamp

FOCUS = "统筹{name}所属各党支部，围绕科研生产中心任务，建设“五个好”党总支，带动各支部争创先进。"
TARGETS = (
    "所属党支部全部公开承诺并按季度公布践诺进展；组织党总支书记讲党课至少1次；所属支部“三会一课”落实率100%。"
)
MEASURES = (
    "一是每季度召开党总支委员会，听取各支部践诺情况；二是组织支部书记交流“好方法、好经验”；"
    "三是党总支委员分片联系党支部；四是半年对所属支部开展一次点评。"
)
MILESTONES = [
    ("leadership", "党总支书记为所属党员讲专题党课"),
    ("mechanisms", "建立党总支委员联系党支部制度"),
    ("performance", "组织所属支部开展重点任务攻关竞赛"),
    ("standing", "召开职工座谈会听取对所属支部的意见"),
]


def general_branch_pledges_build(steps) -> None:
    """``steps`` is the demo year's builder (``demo.year.YearBuilder``): its office, year, members
    by branch and generator."""
    rng, year, today = steps.rng, steps.year, steps.today
    general_branches = list(
        GeneralBranch.objects.filter(committee=steps.campaign.committee, is_active=True).order_by(
            "sort_order", "name_key", "pk"
        )
    )
    secretaries = _secretaries(general_branches)
    writing = [gb for gb in general_branches if gb.pk in secretaries]
    others = [gb for gb in writing if gb.name != GB_SECRETARY_UNIT]
    returned = others[-1] if others else None
    late = others[0] if len(others) > 1 else None
    opened, due = year.pledges_open_on, year.pledges_due_on
    drafts, submitted, approved, published = {}, {}, {}, {}
    for gb in writing:
        access = compute_access(secretaries[gb.pk].user, today=today)
        members = [
            p
            for branch in steps.branches
            if branch.general_branch_id == gb.pk
            for p in steps.members[branch.pk]
        ]
        items = [
            {
                "text": text,
                "criterion": criterion,
                "due_on": datetime.date(year.year, 3 + 3 * n, 15 + n),
                "responsible": members[rng.randrange(len(members))],
            }
            for n, (criterion, text) in enumerate(MILESTONES)
        ]
        pledge = pledge_create(
            access=access,
            kind=Pledge.Kind.GENERAL_BRANCH,
            campaign_year=year,
            general_branch=gb,
            items=items,
            focus=FOCUS.format(name=gb.name),
            targets=TARGETS,
            measures=MEASURES,
        )
        written = steps.clip(opened + datetime.timedelta(days=rng.randint(5, 20)))
        drafts[pledge.pk] = at(written, 9)
        pledge_submit(access=access, pledge=pledge)
        sent = steps.clip(written + datetime.timedelta(days=rng.randint(1, 4)))
        submitted[pledge.pk] = at(sent, 15)
        if gb is returned:
            pledge_return(
                access=steps.office, pledge=pledge, reason="请把效果目标落实到所属各党支部，并明确完成时间。"
            )
            continue
        pledge_approve(access=steps.office, pledge=pledge)
        ok = steps.clip(sent + datetime.timedelta(days=rng.randint(2, 5)))
        if gb is late:
            ok = steps.clip(due + datetime.timedelta(days=rng.randint(4, 10)))
        approved[pledge.pk] = at(ok, 11)
        published[pledge.pk] = (access, steps.clip(ok + datetime.timedelta(days=rng.randint(1, 3))))
    restamp(Pledge, "created_at", drafts)
    restamp(Pledge, "submitted_at", submitted)
    restamp(Pledge, "approved_at", approved)  # publication may not be dated before approval
    for pledge in Pledge.objects.filter(pk__in=list(published)).select_related("campaign_year"):
        access, on = published[pledge.pk]
        pledge_publish(
            access=access,
            pledge=pledge,
            occasion=Publication.Occasion.OTHER,
            occasion_other="党总支委员会扩大会议",
            published_on=on,
            audience="所属各党支部书记、委员及党员代表",
        )
        steps.progress(pledge, writer=access, publisher=access, audience="所属各党支部书记、委员及党员代表")
    # Progress adds no version of the pledge: its latest is the publication's.
    redate_latest_version(Pledge, {pk: at(on, 15) for pk, (_access, on) in published.items()})


def _secretaries(general_branches) -> dict:
    """The secretary of each general branch with one, given a login nobody can sign in with
    when the demo made none (as ``demo.build.working_logins`` does for the branches'), so
    that the history names who wrote the pledge."""
    positions = (
        Position.objects.filter(
            general_branch__in=general_branches, title=Position.Title.SECRETARY, ended_on__isnull=True
        )
        .select_related("person__user")
        .order_by("pk")
    )
    secretaries = {}
    for position in positions:
        person = position.person
        if person.user_id is None:
            username = f"u{person.employee_no}"
            person.user = User.objects.filter(username=username).first() or User.objects.create(
                username=username, password=make_password(None)
            )
            person._change_reason = CHANGE_REASON
            person.save(update_fields=["user"])
        secretaries.setdefault(position.general_branch_id, person)
    return secretaries
