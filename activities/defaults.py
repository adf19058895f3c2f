"""A year's default required frequencies, created when the year is created.

``create_year_defaults`` is idempotent: the receiver of ``campaigns.signals.campaign_year_created``
calls it, and so do the data migrations for the years that existed before. The pages (and
``compliance.required_frequencies_for``) then only read them.

Each kind has a requirement for branches and, where a general branch records it
(``models.GENERAL_BRANCH_KINDS``), one for general branches' own records: the office sets both
per year.
"""

from __future__ import annotations

from .models import BRANCH_KINDS, GENERAL_BRANCH_KINDS, Kind, Period, Unit

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
# What a general branch owes of its own (issue 20):
# - its secretary's party lecture, once a year: the plan, 第二阶段(一) "各党总支、支部书记每年组织
#   一次党课";
# - a news report a month: the plan, §六(四) "各总支、各支部…每月撰写不少于1篇通讯报道";
# - its committee (党总支委员会) once a quarter: the plan sets no number; a quarter is the usual
#   rule of party committees for a general branch's committee (a branch's 支委会 meets monthly,
#   the general branch's deals with its branches' affairs, less often), and the office changes
#   it per year where its own rule differs.
# Its members' meeting, theme education and reading are rows, not required (the plan says
# "不定期" of the reading-notes review, held by a general branch or by its branches).
GENERAL_BRANCH_DEFAULT_FREQUENCIES: dict[str, tuple[str, int]] = {
    Kind.GB_COMMITTEE_MEETING: (Period.QUARTERLY, 1),
    Kind.SECRETARY_LECTURE: (Period.YEARLY, 1),
    Kind.NEWS_REPORT: (Period.MONTHLY, 1),
}
# Every kind a requirement may be set for, per unit ("other" is never required), in the order
# of the kinds. Plain strings: the data migrations store them too.
REQUIRABLE_KINDS = [str(k) for k in Kind if k != Kind.OTHER and k in BRANCH_KINDS]
GENERAL_BRANCH_REQUIRABLE_KINDS = [str(k) for k in Kind if k != Kind.OTHER and k in GENERAL_BRANCH_KINDS]
REQUIRABLE = {Unit.BRANCH: REQUIRABLE_KINDS, Unit.GENERAL_BRANCH: GENERAL_BRANCH_REQUIRABLE_KINDS}


def default_frequency(kind: str, unit: str = Unit.BRANCH) -> dict:
    """The requirement of ``kind`` for ``unit`` before the office changes it."""
    defaults = GENERAL_BRANCH_DEFAULT_FREQUENCIES if unit == Unit.GENERAL_BRANCH else DEFAULT_FREQUENCIES
    period, count = defaults.get(kind, (Period.YEARLY, 1))
    return {"period": str(period), "count": count, "is_required": kind in defaults}


def create_year_defaults(campaign_year, *, model=None) -> None:
    """The year's requirement of every kind for each unit, with the defaults, where missing.
    (A data migration passes its historical model, which keeps no history rows; before the
    requirements had a unit, only the branches' are made.)"""
    if model is None:
        from simple_history.utils import bulk_create_with_history

        from .models import RequiredFrequency

        model, create = RequiredFrequency, lambda rows: bulk_create_with_history(rows, RequiredFrequency)
    else:
        create = model.objects.bulk_create
    has_unit = any(f.name == "unit" for f in model._meta.fields)
    rows = model.objects.filter(campaign_year_id=campaign_year.pk)
    if has_unit:
        present = set(rows.values_list("unit", "kind"))
        units = [str(Unit.BRANCH), str(Unit.GENERAL_BRANCH)]
    else:
        present = {(str(Unit.BRANCH), k) for k in rows.values_list("kind", flat=True)}
        units = [str(Unit.BRANCH)]
    create(
        [
            model(
                campaign_year_id=campaign_year.pk,
                kind=kind,
                **({"unit": unit} if has_unit else {}),
                **default_frequency(kind, unit),
            )
            for unit in units
            for kind in REQUIRABLE[unit]
            if (unit, kind) not in present
        ]
    )


def on_campaign_year_created(sender, *, campaign_year, **kwargs):
    create_year_defaults(campaign_year)
