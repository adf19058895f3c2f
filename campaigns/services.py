import calendar
import datetime
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from core.services import lock, save_as
from formguard.edits import check_unchanged

from .models import Campaign, CampaignYear, Phase
from .signals import campaign_year_created
from .workflow import authorize

# The dates of a year the office may move (all of CampaignYear's own dates).
CALENDAR_FIELDS = (
    "pledges_open_on",
    "pledges_due_on",
    "evaluation_opens_on",
    "evaluation_closes_on",
    "scoring_opens_on",
    "scoring_closes_on",
    "awards_announced_by",
    "midyear_review_on",
    "yearend_review_on",
)


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


@transaction.atomic
def campaign_year_update(
    *,
    access,
    campaign_year: CampaignYear,
    dates: Mapping[str, datetime.date],
    phases: Mapping[int, tuple[datetime.date, datetime.date]],
    opened_on: str | None = None,
) -> CampaignYear:
    """Move the dates of ``campaign_year`` (``dates``: field → date) and of its phases
    (``phases``: phase id → (starts on, ends on)), all or nothing.

    ``opened_on`` is the version of the year the editor's form was opened on: it is compared
    under the year's row lock, so of two editors saving at once the second waits and is then
    refused ("changed_meanwhile") instead of silently overwriting the first. The lock on the
    year also serialises edits of its phases."""
    authorize(access, campaign_year, "change")
    lock(campaign_year, refresh=())
    check_unchanged(campaign_year, opened_on)
    unknown = set(dates) - set(CALENDAR_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {unknown}")
    for name, value in dates.items():
        setattr(campaign_year, name, value)
    campaign_year.full_clean(exclude=["campaign"], validate_unique=False, validate_constraints=False)
    save_as(campaign_year, access.user)
    for phase in campaign_year.phases.filter(pk__in=list(phases)).order_by("number"):
        starts_on, ends_on = phases[phase.pk]
        if (phase.starts_on, phase.ends_on) == (starts_on, ends_on):
            continue
        # The form says which field is wrong; this keeps other callers to the same rules.
        if ends_on < starts_on:
            raise ValidationError(_("A phase cannot end before it starts."), code="phase_order")
        if {starts_on.year, ends_on.year} != {campaign_year.year}:
            raise ValidationError(
                _("The date must fall within %(year)s.") % {"year": campaign_year.year}, code="phase_year"
            )
        phase.starts_on, phase.ends_on = starts_on, ends_on
        save_as(phase, access.user, update_fields=["starts_on", "ends_on"])
    return campaign_year


def current_year(campaign: Campaign, today: datetime.date) -> CampaignYear | None:
    """The cycle of ``today``'s year, or else the latest one."""
    return current_of(campaign.years.all(), today)


def current_of(years, today: datetime.date) -> CampaignYear | None:
    """Of one campaign's ``years``, the cycle of ``today``'s year, or else the latest one."""
    years = sorted(years, key=lambda y: -y.year)
    return next((y for y in years if y.year == today.year), years[0] if years else None)
