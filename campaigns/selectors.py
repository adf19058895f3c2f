import datetime

from django.db.models import Exists, OuterRef, Prefetch, Subquery

from .models import Campaign, CampaignYear, LeadingGroupMember, OfficeMember, Phase
from .services import current_of, current_year


def campaign_page(campaigns, *, today: datetime.date) -> dict:
    campaign = (
        campaigns.select_related("committee")
        .prefetch_related(
            Prefetch("leading_group", queryset=LeadingGroupMember.objects.select_related("person")),
            Prefetch("office", queryset=OfficeMember.objects.select_related("person")),
            "contact_points__leader",
            "contact_points__branch",
        )
        .first()
    )
    if campaign is None:
        return {"campaign": None}
    year = current_year(campaign, today)
    phases = list(year.phases.all()) if year else []
    return {
        "campaign": campaign,
        "year": year,
        "years": campaign.years.all(),
        "phases": phases,
        "current_phases": [p for p in phases if p.starts_on <= today <= p.ends_on],
        "calendar": year.calendar() if year else [],
        "today": today,
    }


def upcoming(year: CampaignYear | None, today: datetime.date, limit: int = 5):
    """The next dated items of the year's calendar, for home pages."""
    if year is None:
        return []
    return [(d, label) for d, label in year.calendar() if d >= today][:limit]


def home_year(access, today: datetime.date):
    """The reader's campaign (the latest begun of those in ``access``'s scope) and its current
    year with the year's award cycle (for the awards section) and, as ``current_phases``, the
    phases running ``today``: one query, two without a year. The phases are read as one EXISTS
    each in the same query rather than by a second query."""
    campaigns = access.restrict(Campaign.objects.all(), "campaign.view", branch="", committee="committee")
    running = {
        f"phase_{number}_running": Exists(
            Phase.objects.filter(
                campaign_year=OuterRef("pk"), number=number, starts_on__lte=today, ends_on__gte=today
            )
        )
        for number in Phase.Number.values
    }
    years = list(
        CampaignYear.objects.filter(campaign=Subquery(campaigns.values("pk")[:1]))
        .select_related("campaign", "award_cycle")
        .annotate(**running)
    )
    if not years:  # a campaign without a cycle yet, or none
        return campaigns.first(), None
    year = current_of(years, today)
    year.current_phases = [
        Phase(campaign_year=year, number=number)
        for number in Phase.Number.values
        if getattr(year, f"phase_{number}_running")
    ]
    return years[0].campaign, year


def pick_year(years, wanted: str | None, today: datetime.date) -> CampaignYear | None:
    """The one "pick the year" rule of every page with a year menu: ``wanted`` (``?year=``) is a
    campaign year's id (as the menus send it) or a calendar year; else this calendar year's
    cycle, else the latest of ``years``."""
    years = list(years)
    if wanted and wanted.isdigit():
        number = int(wanted)
        chosen = next((y for y in years if y.pk == number), None) or next(
            (y for y in years if y.year == number), None
        )
        if chosen is not None:
            return chosen
    return next((y for y in years if y.year == today.year), years[0] if years else None)
