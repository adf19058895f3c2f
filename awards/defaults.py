"""A year's default rubrics and scoring settings, created when the year is created.

The names of the default items are stored as their English source strings (``gettext_noop``)
and translated on display (``RubricItem.label``), so that no reader's language is frozen into
the rubric. ``create_year_defaults`` is idempotent: the receiver of
``campaigns.signals.campaign_year_created`` calls it, and so does the data migration for the
years that existed before.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_noop

from .models import BranchCriterion, MemberCriterion, Rubric, RubricItem, ScoringSettings, Subject

S = RubricItem.Source
# (criterion, name msgid, max points, source, indicator)
DEFAULT_ITEMS = {
    Subject.BRANCH: [
        (
            BranchCriterion.POLITICAL,
            gettext_noop("Pledge published on time"),
            10,
            S.INDICATOR,
            "pledge_published_on_time",
        ),
        (
            BranchCriterion.SELF_BUILDING,
            gettext_noop("三会一课 held against required"),
            20,
            S.INDICATOR,
            "meetings_ratio",
        ),
        (
            BranchCriterion.SELF_BUILDING,
            gettext_noop("Inspection findings closed on time"),
            10,
            S.INDICATOR,
            "findings_closed_on_time",
        ),
        (
            BranchCriterion.SELF_BUILDING,
            gettext_noop("Deduction for failings found in supervision"),
            10,
            S.DEDUCTION,
            "",
        ),
        (
            BranchCriterion.LEARNING,
            gettext_noop("Secretary's party lecture given"),
            5,
            S.INDICATOR,
            "lecture_given",
        ),
        (
            BranchCriterion.LEARNING,
            gettext_noop("Reading-notes review held"),
            5,
            S.INDICATOR,
            "reading_review_held",
        ),
        (BranchCriterion.SECURITY, gettext_noop("Secrecy and safety work"), 10, S.OFFICE, ""),
        (BranchCriterion.SECURITY, gettext_noop("Confirmed secrecy (保密) breach"), 0, S.VETO, ""),
        (
            BranchCriterion.DEVELOPMENT,
            gettext_noop("Contribution to research and production"),
            15,
            S.OFFICE,
            "",
        ),
        (BranchCriterion.INNOVATION, gettext_noop("Reform and innovation results"), 10, S.OFFICE, ""),
        (
            BranchCriterion.COHESION,
            gettext_noop("Months with a news report"),
            10,
            S.INDICATOR,
            "news_report_months",
        ),
        (BranchCriterion.COHESION, gettext_noop("Service to staff"), 5, S.OFFICE, ""),
    ],
    Subject.MEMBER: [
        (MemberCriterion.POLITICAL, gettext_noop("Pledge published"), 10, S.INDICATOR, "pledge_published"),
        (MemberCriterion.STUDY, gettext_noop("Study and learning"), 10, S.OFFICE, ""),
        (MemberCriterion.SKILL, gettext_noop("Job skills"), 10, S.OFFICE, ""),
        (MemberCriterion.RESULTS, gettext_noop("Pledge fulfilment"), 30, S.INDICATOR, "pledge_fulfilment"),
        (
            MemberCriterion.RATING,
            gettext_noop("Semi-annual reviews acknowledged"),
            10,
            S.INDICATOR,
            "review_acknowledged",
        ),
        (
            MemberCriterion.TEAMWORK,
            gettext_noop("Democratic appraisal grade"),
            20,
            S.INDICATOR,
            "appraisal_grade",
        ),
        (MemberCriterion.DEDICATION, gettext_noop("Dedication at work"), 10, S.OFFICE, ""),
        (MemberCriterion.DEDICATION, gettext_noop("Deduction"), 10, S.DEDUCTION, ""),
        (
            MemberCriterion.TEAMWORK,
            gettext_noop("Appraisal grade below competent"),
            0,
            S.VETO,
            "appraisal_below_competent",
        ),
        (MemberCriterion.POLITICAL, gettext_noop("Confirmed secrecy (保密) breach"), 0, S.VETO, ""),
    ],
}


def create_year_defaults(
    campaign_year, *, rubric_model=Rubric, item_model=RubricItem, settings_model=ScoringSettings
):
    """The year's two rubrics with their default items and its scoring settings, where missing.
    (The data migration passes its historical models.)"""
    for kind, items in DEFAULT_ITEMS.items():
        rubric, created = rubric_model.objects.get_or_create(campaign_year_id=campaign_year.pk, kind=kind)
        if created:
            item_model.objects.bulk_create(
                item_model(
                    rubric_id=rubric.pk,
                    criterion=criterion,
                    name=name,
                    max_points=Decimal(max_points),
                    source=source,
                    indicator=indicator,
                    sort_order=i,
                )
                for i, (criterion, name, max_points, source, indicator) in enumerate(items)
            )
    settings_model.objects.get_or_create(campaign_year_id=campaign_year.pk)


def on_campaign_year_created(sender, *, campaign_year, **kwargs):
    create_year_defaults(campaign_year)
