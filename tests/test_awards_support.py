"""Fixtures shared by the scoring and award tests (no tests here): a year of records for the
``institute`` fixture whose scores are worked out by hand in ``test_scoring.py``."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone, translation

from accounts.access import compute_access
from activities.models import ActivityRecord
from awards import selectors, services
from awards.models import RubricItem, ScoringRun, Subject
from campaigns.models import CampaignYear
from evaluations.models import (
    Appraisal,
    AppraisalGrade,
    BallotCount,
    Criterion,
    Evaluation,
    RatingCount,
    Target,
)
from pledges.models import Pledge, PledgeReview, Publication
from supervision.models import Inspection

D = datetime.date
AS_OF = D(2026, 3, 31)


def year_of(institute) -> CampaignYear:
    return CampaignYear.objects.get(campaign=institute.campaign, year=2026)


def record(branch, kind, held_on, actor, **kwargs):
    return ActivityRecord.objects.create(
        branch=branch, kind=kind, held_on=held_on, title=f"{kind} {held_on}", created_by=actor, **kwargs
    )


def publish_pledge(year, branch, actor, *, person=None, on=None, result=None):
    pledge = Pledge.objects.create(
        kind=Pledge.Kind.MEMBER if person else Pledge.Kind.BRANCH,
        campaign_year=year,
        branch=branch,
        person=person,
        status=Pledge.Status.PUBLISHED,
        created_by=actor,
    )
    Publication.objects.create(
        pledge=pledge,
        occasion="department_meeting",
        published_on=on or D(2026, 2, 20),
        audience="全体职工",
        by=actor,
    )
    if result:
        now = timezone.now()
        PledgeReview.objects.create(
            pledge=pledge,
            self_assessment="自评",
            self_assessed_by=actor,
            self_assessed_at=now,
            assessment="评价",
            result=result,
            explanation="" if result == "fulfilled" else "部分未完成",
            reviewed_by=actor,
            reviewed_at=now,
        )
    return pledge


def grade(year, branch, person, value, actor):
    appraisal, _ = Appraisal.objects.get_or_create(
        branch=branch, campaign_year=year, defaults={"status": Appraisal.Status.CLOSED, "started_by": actor}
    )
    return AppraisalGrade.objects.create(
        appraisal=appraisal, person=person, grade=value, reason="理由", set_by=actor
    )


def item(year, kind, name):
    """A default rubric item by its English name (stored in the language it was created in)."""
    rubric = selectors.rubric_for(campaign_year=year, kind=kind)
    return RubricItem.objects.get(rubric=rubric, name__in={name, translation.gettext(name)})


def entry(year, kind, name, branch, points, actor, person=None, reason="有依据"):
    return services.entry_create(
        item=item(year, kind, name),
        branch=branch,
        person=person,
        points=Decimal(points),
        reason=reason,
        evidence_url="/activities/",
        access=compute_access(actor),
    )


def evaluate_branch(year, branch, counts: dict, ballots: int, actor):
    evaluation = Evaluation.objects.create(
        committee=branch.committee,
        campaign_year=year,
        title="群众评议",
        opens_on=D(2026, 4, 1),
        closes_on=D(2026, 4, 30),
        status=Evaluation.Status.CLOSED,
        created_by=actor,
    )
    target = Target.objects.create(evaluation=evaluation, branch=branch)
    criterion = Criterion.objects.create(evaluation=evaluation, subject="branch", text="班子建设好")
    for option, n in counts.items():
        RatingCount.objects.create(target=target, criterion=criterion, option=option, count=n)
    BallotCount.objects.create(target=target, count=ballots)
    return evaluation


def run_now(year, actor, as_of=AS_OF) -> ScoringRun:
    """Request and execute a run in the test process (Celery is eager in the tests)."""
    services.scoring_run_request(campaign_year=year, access=compute_access(actor), as_of=as_of)
    # The task is queued on commit, which never comes inside a test's transaction: run it here.
    return services.scoring_run_execute(campaign_year=year)


@pytest.fixture
def scored(institute):
    """The records of the worked example (see test_scoring.py)."""
    office = institute.office.user
    year = year_of(institute)
    b = institute.branch
    ns = SimpleNamespace(year=year, office=office)
    for m in (1, 2):
        record(b, "committee_meeting", D(2026, m, 10), office)
    for m in (1, 2, 3):
        record(b, "group_meeting", D(2026, m, 12), office, party_group=institute.group)
    record(b, "general_meeting", D(2026, 3, 5), office)
    record(b, "news_report", D(2026, 1, 20), office)
    record(b, "news_report", D(2026, 3, 20), office)
    record(b, "news_report", D(2026, 4, 20), office)  # after the as-of date: not counted
    record(b, "secretary_lecture", D(2026, 2, 15), office)
    ns.pledge = publish_pledge(year, b, office)
    Inspection.objects.create(
        campaign_year=year,
        branch=b,
        kind="routine",
        inspected_on=D(2026, 3, 1),
        findings="台账不全",
        rectification_due=D(2026, 3, 10),
        status="closed",
        closed_by=office,
        closed_at=timezone.make_aware(datetime.datetime(2026, 3, 5, 10)),
        recorded_by=office,
    )
    Inspection.objects.create(
        campaign_year=year,
        branch=b,
        kind="routine",
        inspected_on=D(2026, 3, 2),
        findings="学习记录不全",
        rectification_due=D(2026, 3, 20),
        recorded_by=office,
    )
    entry(year, Subject.BRANCH, "Secrecy and safety work", b, "8", office)
    entry(year, Subject.BRANCH, "Contribution to research and production", b, "12", office)
    entry(year, Subject.BRANCH, "Service to staff", b, "5", office)
    entry(year, Subject.BRANCH, "Deduction for failings found in supervision", b, "3", office)
    evaluate_branch(
        year,
        b,
        {"satisfied": 3, "fairly_satisfied": 2, "basically_satisfied": 1, "dissatisfied": 1, "unknown": 2},
        7,
        office,
    )
    # The member: pledge published and partly fulfilled, graded competent, 7 points for study.
    publish_pledge(year, b, office, person=institute.member, result="partly")
    grade(year, b, institute.member, "competent", office)
    entry(year, Subject.MEMBER, "Study and learning", b, "7", office, person=institute.member)
    # member2 (branch2): basically competent → vetoed.
    publish_pledge(year, institute.branch2, office, person=institute.member2, result="fulfilled")
    grade(year, institute.branch2, institute.member2, "basically_competent", office)
    return ns
