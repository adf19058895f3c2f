"""A year's default required frequencies, created when the year is created.

``create_year_defaults`` is idempotent: the receiver of ``campaigns.signals.campaign_year_created``
calls it, and so does the data migration for the years that existed before. The pages (and
``compliance.required_frequencies_for``) then only read them.
"""

from __future__ import annotations

from .models import Kind, Period

# DOMAIN.md: news report, 支委会 and 党小组会 monthly; 党员大会 quarterly; the secretary's party
# lecture and the reading-notes review yearly. Other kinds exist as rows, not required, so that
# the office can switch them on for a year.
DEFAULT_FREQUENCIES: dict[str, tuple[str, int]] = {
    Kind.NEWS_REPORT: (Period.MONTHLY, 1),
    Kind.COMMITTEE_MEETING: (Period.MONTHLY, 1),
    Kind.GROUP_MEETING: (Period.MONTHLY, 1),
    Kind.GENERAL_MEETING: (Period.QUARTERLY, 1),
    Kind.SECRETARY_LECTURE: (Period.YEARLY, 1),
    Kind.READING_REVIEW: (Period.YEARLY, 1),
}
# Every kind a requirement may be set for ("other" is never required). Plain strings: the data
# migration stores them too.
REQUIRABLE_KINDS = [str(k) for k in Kind if k != Kind.OTHER]


def default_frequency(kind: str) -> dict:
    """The requirement of ``kind`` before the office changes it (DOMAIN.md)."""
    period, count = DEFAULT_FREQUENCIES.get(kind, (Period.YEARLY, 1))
    return {"period": str(period), "count": count, "is_required": kind in DEFAULT_FREQUENCIES}


def create_year_defaults(campaign_year, *, model=None) -> None:
    """The year's requirement of every kind, with the defaults, where missing. (The data
    migration passes its historical model, which keeps no history rows.)"""
    if model is None:
        from simple_history.utils import bulk_create_with_history

        from .models import RequiredFrequency

        model, create = RequiredFrequency, lambda rows: bulk_create_with_history(rows, RequiredFrequency)
    else:
        create = model.objects.bulk_create
    present = set(model.objects.filter(campaign_year_id=campaign_year.pk).values_list("kind", flat=True))
    create(
        [
            model(campaign_year_id=campaign_year.pk, kind=kind, **default_frequency(kind))
            for kind in REQUIRABLE_KINDS
            if kind not in present
        ]
    )


def on_campaign_year_created(sender, *, campaign_year, **kwargs):
    create_year_defaults(campaign_year)
