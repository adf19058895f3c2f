import calendar
import datetime

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from .models import Campaign, CampaignYear, Phase
from .signals import campaign_year_created


def default_calendar(year: int) -> dict[str, datetime.date]:
    """The year of DOMAIN.md: pledges Jan–Feb, evaluation Apr–May, scoring May–June, awards
    before 1 July, reviews at the end of June and of December."""
    d = datetime.date
    return {
        "pledges_open_on": d(year, 1, 1),
        "pledges_due_on": d(year, 2, calendar.monthrange(year, 2)[1]),
        "evaluation_opens_on": d(year, 4, 1),
        "evaluation_closes_on": d(year, 5, 31),
        "scoring_opens_on": d(year, 5, 1),
        "scoring_closes_on": d(year, 6, 20),
        "awards_announced_by": d(year, 6, 30),
        "midyear_review_on": d(year, 6, 30),
        "yearend_review_on": d(year, 12, 31),
    }


def default_phases(year: int) -> dict[int, tuple[datetime.date, datetime.date]]:
    d = datetime.date
    return {
        Phase.Number.PLEDGE: (d(year, 1, 1), d(year, 2, calendar.monthrange(year, 2)[1])),
        Phase.Number.STRIVE: (d(year, 3, 1), d(year, 12, 31)),
        Phase.Number.REVIEW: (d(year, 4, 1), d(year, 6, 30)),
        Phase.Number.ASSESS: (d(year, 5, 1), d(year, 6, 30)),
        Phase.Number.CONSOLIDATE: (d(year, 7, 1), d(year, 12, 31)),
    }


@transaction.atomic
def campaign_year_create(*, campaign: Campaign, year: int) -> CampaignYear:
    """Open a yearly cycle with the default calendar and five phases; idempotent per year."""
    campaign_year, created = CampaignYear.objects.get_or_create(
        campaign=campaign, year=year, defaults=default_calendar(year)
    )
    if created:
        bulk_create_with_history(
            [
                Phase(campaign_year=campaign_year, number=number, starts_on=start, ends_on=end)
                for number, (start, end) in default_phases(year).items()
            ],
            Phase,
        )
        # Each app creates the year's defaults it owns (required frequencies, the rubric and
        # weights…), so that reading them later writes nothing.
        campaign_year_created.send(sender=CampaignYear, campaign_year=campaign_year)
    return campaign_year


def current_year(campaign: Campaign, today: datetime.date) -> CampaignYear | None:
    """The cycle of ``today``'s year, or else the latest one."""
    return current_of(campaign.years.all(), today)


def current_of(years, today: datetime.date) -> CampaignYear | None:
    """Of one campaign's ``years``, the cycle of ``today``'s year, or else the latest one."""
    years = sorted(years, key=lambda y: -y.year)
    return next((y for y in years if y.year == today.year), years[0] if years else None)
