import datetime

from django.db.models import Prefetch

from .models import CampaignYear, LeadingGroupMember, OfficeMember
from .services import current_year


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
