"""The year's scores and awards of each institute, through the application's own services: a
scoring run (as the worker runs it), approved by the office; the award cycle proposed from the
approved ranking and approved by the leading group, so that the ranking, the drill-down and the
award list have their data. The share of outstanding members is set so that an institute's award
list holds about ``1,000 × scale × 8`` names in all at full scale (≈1,000 per institute)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from accounts.access import compute_access
from awards.models import AwardCycle, ScoringRun
from awards.services import cycle_create, cycle_propose, scoring_run_approve, scoring_run_execute

from . import world as w

OUTSTANDING_SHARE = Decimal("0.080")


def score(world: w.World) -> None:
    for c in world.committees:
        ScoringRun.objects.get_or_create(
            campaign_year=c.campaign_year,
            status=ScoringRun.Status.DRAFT,
            defaults={"as_of": world.today, "requested_by_id": world.office_user(c)},
        )
        scoring_run_execute(campaign_year=c.campaign_year)


def award(world: w.World) -> None:
    for c in world.committees:
        office = _user(world.office_user(c))
        leader = world.user_of[c.leaders[0]]
        run = ScoringRun.objects.get(campaign_year=c.campaign_year, status=ScoringRun.Status.DRAFT)
        scoring_run_approve(run=run, access=compute_access(office))
        cycle = cycle_create(campaign_year=c.campaign_year, access=compute_access(office))
        AwardCycle.objects.filter(pk=cycle.pk).update(outstanding_member_share=OUTSTANDING_SHARE)
        cycle.refresh_from_db()
        cycle_propose(cycle=cycle, access=compute_access(office))
        # The notice ran its days without objections and the leading group approved: set the
        # dates the state machine would have recorded (it refuses to skip the waiting).
        year = c.campaign_year.year
        AwardCycle.objects.filter(pk=cycle.pk).update(
            status=AwardCycle.Status.APPROVED,
            notice_starts_on=datetime.date(year, 6, 10),
            notice_ends_on=datetime.date(year, 6, 14),
            approved_by_id=leader,
            approved_at=timezone.make_aware(datetime.datetime(year, 6, 20, 10)),
        )


def _user(pk):
    from accounts.models import User

    return User.objects.get(pk=pk)
