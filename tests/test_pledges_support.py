"""Helpers and fixtures shared by the pledge tests (no tests here): pledges brought to each state
of the workflow through the real services, with the actors of the ``institute`` fixture."""

import datetime
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.access import compute_access
from campaigns.models import CampaignYear
from pledges import services
from pledges.models import FiveGoods, FiveLeads, Pledge, Publication

from .factories import make_member

PDF = b"%PDF-1.4\n% test evidence\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


def acc(user):
    return compute_access(user)


def year_of(institute) -> CampaignYear:
    return CampaignYear.objects.get(campaign=institute.campaign)


def pdf(name="evidence.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def branch_items(branch_member, n=1):
    goods = list(FiveGoods.values)
    return [
        {
            "text": f"里程碑{i + 1}",
            "criterion": goods[i % 5],
            "due_on": datetime.date(2026, 3 + i, 15),
            "responsible": branch_member,
        }
        for i in range(n)
    ]


def member_items(n=2):
    leads = list(FiveLeads.values)
    return [{"text": f"承诺事项{i + 1}", "criterion": leads[i % 5]} for i in range(n)]


BRANCH_TEXTS = {"focus": "争创重点", "targets": "效果目标", "measures": "具体措施"}
MEMBER_TEXTS = {"plan": "具体打算", "direction": "努力方向"}

# The services that bring a pledge from draft to each status, in order.
PATHS = {
    "draft": [],
    "submitted": ["submit"],
    "returned": ["submit", "return"],
    "approved": ["submit", "approve"],
    "published": ["submit", "approve", "publish"],
    "closed": ["submit", "approve", "publish", "self_assess", "review"],
}


def actors(institute, pledge):
    """(writer, approver, publisher) accesses for a pledge of the institute."""
    branch = pledge.branch
    secretary = {
        institute.branch.pk: institute.secretary,
        institute.other_branch.pk: institute.other_secretary,
    }.get(branch.pk if branch else None, institute.gb_secretary)  # a general branch's: its own
    sec = acc(secretary.user)
    if pledge.is_unit:
        return SimpleNamespace(writer=sec, approver=acc(institute.office.user), publisher=sec)
    return SimpleNamespace(writer=acc(pledge.person.user), approver=sec, publisher=sec)


def step(institute, pledge, action, **extra):
    """Take ``action`` on ``pledge`` with the right actor and valid data."""
    who = actors(institute, pledge)
    today = timezone.localdate()
    publication = {
        "occasion": Publication.Occasion.DEPARTMENT_MEETING,
        "published_on": today,
        "audience": "本部门全体职工",
    }
    if action == "edit":
        items = [
            {
                "id": i.pk,
                "text": i.text + "（改）",
                "criterion": i.criterion,
                "due_on": i.due_on,
                "responsible": i.responsible,
            }
            for i in pledge.items.all()
        ]
        texts = BRANCH_TEXTS if pledge.is_unit else MEMBER_TEXTS
        return services.pledge_update(access=who.writer, pledge=pledge, items=items, **texts)
    if action == "submit":
        return services.pledge_submit(access=who.writer, pledge=pledge)
    if action == "return":
        return services.pledge_return(access=who.approver, pledge=pledge, reason="请细化措施")
    if action == "approve":
        return services.pledge_approve(access=who.approver, pledge=pledge)
    if action == "publish":
        return services.pledge_publish(access=who.publisher, pledge=pledge, **{**publication, **extra})
    if action == "correct":
        return services.pledge_correct(access=who.writer, pledge=pledge)
    if action == "progress":
        return services.progress_add(
            access=who.writer,
            item=pledge.items.first(),
            entered_on=extra.get("entered_on", datetime.date(2026, 3, 1)),
            done="完成了第一步",
            percent=extra.get("percent", 50),
            files=extra.get("files", ()),
        )
    if action == "progress_publish":
        return services.progress_publish(access=who.publisher, pledge=pledge, quarter=1, **publication)
    if action == "self_assess":
        return services.pledge_self_assess(access=who.writer, pledge=pledge, self_assessment="基本完成")
    if action == "review":
        return services.pledge_review(
            access=who.approver,
            pledge=pledge,
            assessment="完成较好",
            result=extra.get("result", "fulfilled"),
            explanation=extra.get("explanation", ""),
        )
    raise AssertionError(action)


def make_pledge(institute, kind="branch", status="draft", *, branch=None, person=None, items=None):
    """A pledge of ``branch`` (default: the institute's ``branch``) or of ``person`` (default: the
    institute's member) brought to ``status`` through the services."""
    year = year_of(institute)
    if kind == "general_branch":  # the institute's general branch, by its secretary
        pledge = services.pledge_create(
            access=acc(institute.gb_secretary.user),
            kind="general_branch",
            campaign_year=year,
            general_branch=institute.gb,
            items=branch_items(institute.member, items or 1),
            **BRANCH_TEXTS,
        )
    elif kind == "branch":
        branch = branch or institute.branch
        pledge = Pledge(kind="branch", branch=branch)
        writer = actors(institute, pledge).writer
        responsible = institute.member if branch == institute.branch else branch.members.first()
        pledge = services.pledge_create(
            access=writer,
            kind="branch",
            campaign_year=year,
            branch=branch,
            items=branch_items(responsible, items or 1),
            **BRANCH_TEXTS,
        )
    else:
        person = person or institute.member
        pledge = services.pledge_create(
            access=acc(person.user),
            kind="member",
            campaign_year=year,
            items=member_items(items or 2),
            **MEMBER_TEXTS,
        )
    for action in PATHS[status]:
        step(institute, pledge, action)
        pledge.refresh_from_db()
    return pledge


@pytest.fixture(name="year")
def year_fixture(institute):
    return year_of(institute)


@pytest.fixture(name="member3")
def member3_fixture(institute):
    """A second member with a login in the institute's ``branch``."""
    return make_member(institute.branch, name="黄党员", user=True)
