"""Helpers and fixtures shared by the supervision and review tests (no tests here): inspections,
a draw, rounds and reviews in each state, made through the real services by the actors of the
``institute`` fixture."""

import datetime
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.access import compute_access
from campaigns.models import CampaignYear
from supervision import services
from supervision.models import Inspection, Review, SpotCheckDraw

from .factories import make_campaign

PDF = b"%PDF-1.4\n% closing evidence\n"
D = datetime.date
DUE = D(2026, 4, 10)


def year_of(campaign) -> CampaignYear:
    return CampaignYear.objects.get(campaign=campaign, year=2026)


def pdf(name="整改报告.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def inspect(institute, branch, *, year=None, actor=None, findings="三会一课记录不全", due=DUE, **kwargs):
    return services.inspection_create(
        access=compute_access(actor or institute.office.user),
        campaign_year=year or year_of(institute.campaign),
        branch=branch,
        kind=kwargs.pop("kind", Inspection.Kind.ROUTINE),
        inspected_on=kwargs.pop("inspected_on", D(2026, 3, 10)),
        findings=findings,
        rectification_due=due,
        **kwargs,
    )


def review_of(round_, *, branch=None, person=None, general_branch=None) -> Review:
    if person is not None:
        return Review.objects.get(round=round_, person=person)
    if general_branch is not None:
        return Review.objects.get(
            round=round_, kind=Review.Kind.GENERAL_BRANCH, general_branch=general_branch
        )
    return Review.objects.get(round=round_, kind=Review.Kind.BRANCH, branch=branch)


def write(review, actor, text="好"):
    return services.review_write(
        access=compute_access(actor),
        review=review,
        achievements=f"成绩{text}",
        problems=f"问题{text}",
        direction=f"方向{text}",
    )


@pytest.fixture
def sv(institute):
    """Records of every kind for the permission grid and the pages."""
    office = institute.office.user
    year = year_of(institute.campaign)
    ns = SimpleNamespace(year=year, office=office)
    ns.inspection = inspect(institute, institute.branch)  # open, with findings and a deadline
    ns.other_inspection = inspect(institute, institute.other_branch)
    ns.replied = inspect(institute, institute.branch, inspected_on=D(2026, 2, 1), due=D(2026, 3, 1))
    services.inspection_reply(
        access=compute_access(institute.secretary.user), inspection=ns.replied, reply="已整改", files=[pdf()]
    )
    ns.replied.refresh_from_db()
    ns.evidence = ns.replied.evidence.get()
    ns.draw = services.spot_check_draw_create(
        access=compute_access(office),
        campaign_year=year,
        population_kind=SpotCheckDraw.Population.BRANCHES,
        sample_size=2,
    )
    ns.round = services.supervision_round_create(access=compute_access(office), campaign_year=year, quarter=1)
    ns.review_round, _ = services.review_round_open(campaign_year=year, half=1)
    ns.branch_review = write(review_of(ns.review_round, branch=institute.branch), office)
    ns.member_review = write(review_of(ns.review_round, person=institute.member), office)
    ns.member2_review = write(review_of(ns.review_round, person=institute.member2), office)

    # Another institute, with its own campaign and an inspection only the administrator reaches.
    foreign_campaign = make_campaign(institute.other_committee)
    ns.foreign_year = year_of(foreign_campaign)
    admin = institute.admin
    ns.foreign_inspection = inspect(institute, institute.foreign_branch, year=ns.foreign_year, actor=admin)
    return ns


def meeting_of(w, *, foreign=False):
    """A secretaries' meeting with one follow-up, of the world's institute or of the other one
    (made on first use, for the permission grid)."""
    key = "foreign_meeting" if foreign else "meeting"
    if not hasattr(w, key):
        year = w.foreign_year if foreign else w.year
        branch = w.foreign_branch if foreign else w.branch
        meeting = services.meeting_record(
            access=compute_access(w.admin if foreign else w.office.user),
            campaign_year=year,
            kind="secretaries_meeting",
            held_on=D(2026, 4, 8),
            subject="书记例会",
            raised="通讯报道不足",
            follow_ups=[{"branch": branch, "text": "补齐通讯报道", "due": D(2026, 4, 30)}],
        )
        setattr(w, key, meeting)
    return getattr(w, key)
