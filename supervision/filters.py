"""The filters of the inspection and review lists (django-filter). Labels and empty choices are
set here, translatable: django-filter's own lookup labels would stay English."""

import datetime

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from formguard.filters import GuardedFilterSet

from .forms import YearChoiceField
from .models import Inspection, Review


class YearFilter(django_filters.ModelChoiceFilter):
    field_class = YearChoiceField  # a year shows as "2026", not as the campaign year's name


class InspectionFilterSet(GuardedFilterSet):
    """Year, branch, kind, status, and the overdue ones only. ``years`` and ``branches``: those
    within the reader's reach."""

    year = YearFilter(label=_("Year"), field_name="campaign_year", queryset=None, empty_label=_("All years"))
    branch = django_filters.ModelChoiceFilter(label=_("Branch"), queryset=None, empty_label=_("All branches"))
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=Inspection.Kind.choices, empty_label=_("All kinds")
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Inspection.Status.choices, empty_label=_("Any status")
    )
    overdue = django_filters.BooleanFilter(
        label=_("Overdue only"), method="filter_overdue", widget=forms.CheckboxInput
    )

    class Meta(GuardedFilterSet.Meta):
        model = Inspection

    def __init__(self, data=None, *args, years, branches, today: datetime.date, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.today = today
        self.form.fields["year"].queryset = years
        self.form.fields["branch"].queryset = branches

    def filter_overdue(self, queryset, name, value):
        return queryset.overdue(self.today) if value else queryset


class ReviewFilterSet(GuardedFilterSet):
    """Kind (general branch, branch, member), status, branch (``branches``: those within the
    reader's reach, or of the round) and, where ``general_branches`` are given, a general branch:
    its own review with those of its branches and their members."""

    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=Review.Kind.choices, empty_label=_("All kinds")
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Review.Status.choices, empty_label=_("Any status")
    )
    general_branch = django_filters.ModelChoiceFilter(
        label=_("General branch"),
        queryset=None,
        empty_label=_("All general branches"),
        method="filter_general_branch",
    )
    branch = django_filters.ModelChoiceFilter(label=_("Branch"), queryset=None, empty_label=_("All branches"))

    class Meta(GuardedFilterSet.Meta):
        model = Review

    def __init__(self, data=None, *args, branches, general_branches=None, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.form.fields["branch"].queryset = branches
        if general_branches is None:
            del self.filters["general_branch"]
            del self.form.fields["general_branch"]
        else:
            self.form.fields["general_branch"].queryset = general_branches

    def filter_general_branch(self, queryset, name, value):
        return queryset.filter(Q(general_branch=value) | Q(branch__general_branch=value))
