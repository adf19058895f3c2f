"""The filters of the activity ledger (django-filter). Labels are set here, translatable:
django-filter's own lookup labels would stay English."""

from __future__ import annotations

import datetime

import django_filters
from django import forms
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy

from formguard.forms import GuardedForm

from . import selectors
from .models import ActivityRecord, Kind

# Up to this many branches within reach, the ledger's branch filter suggests their names from
# the page, and a typed name is looked up by the ids of the branches it matches; beyond,
# static/js/lookup.js asks for names as one types, and the records are joined to their branch.
BRANCH_DATALIST_LIMIT = 100


class IdFilter(django_filters.NumberFilter):
    """A primary key: an integer (NumberFilter's decimal would accept 1.5)."""

    field_class = forms.IntegerField


class RecordFilterSet(django_filters.FilterSet):
    """Kind, month, a branch typed in part (a group has thousands: not a select) or one branch by
    id from a link (the branch's compliance page), and archived records instead of the others.
    ``branches``: those within the reader's reach; another branch's id is not found (404)."""

    kind = django_filters.ChoiceFilter(
        label=gettext_lazy("Kind"),
        choices=Kind.choices,
        empty_label=gettext_lazy("All kinds"),
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    month = django_filters.DateFilter(
        label=gettext_lazy("Month"),
        method="filter_month",
        input_formats=["%Y-%m"],
        widget=forms.DateInput(
            attrs={"type": "month", "class": "form-control form-control-sm"}, format="%Y-%m"
        ),
    )
    branch_q = django_filters.CharFilter(
        label=gettext_lazy("Branch"),
        method="filter_branch_name",
        max_length=100,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "class": "form-control form-control-sm"}
        ),
    )
    branch = IdFilter(
        label=gettext_lazy("Branch"), method="filter_branch", min_value=1, widget=forms.HiddenInput
    )
    # A general branch's own records, by id from a link (its compliance page).
    general_branch = IdFilter(
        label=gettext_lazy("General branch"),
        method="filter_general_branch",
        min_value=1,
        widget=forms.HiddenInput,
    )
    archived = django_filters.BooleanFilter(
        label=gettext_lazy("Archived records"),
        method="filter_archived",
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    class Meta:
        model = ActivityRecord
        fields: list[str] = []
        form = GuardedForm

    def __init__(
        self, data=None, *args, branches, general_branches=None, branch_names=None, lookup=None, **kwargs
    ):
        """``branch_names``: suggested from the page when the reader reaches few branches;
        else ``lookup``, the URL static/js/lookup.js asks as one types. ``general_branches``:
        those whose own records the reader reaches."""
        super().__init__(data, *args, **kwargs)
        self.branches = branches
        self.general_branches = general_branches
        self.chosen_branch = self.chosen_general_branch = None
        attrs = self.form.fields["branch_q"].widget.attrs
        attrs["placeholder"] = gettext_lazy("All branches")
        if branch_names is not None:
            attrs["list"] = "branch-names"
        elif lookup:
            attrs["data-lookup"] = lookup

    def filter_queryset(self, queryset):
        # A query string with a wrong value filters by nothing (not by the valid rest); the
        # archived records are shown instead of the others, never with them.
        if not self.form.is_valid():
            return queryset.active()
        data = self.form.cleaned_data
        queryset = queryset.archived() if data.get("archived") else queryset.active()
        if data.get("branch") or data.get("general_branch"):  # one unit by id wins over a typed name
            data = {**data, "branch_q": ""}
        for name, value in data.items():
            if name != "archived":
                queryset = self.filters[name].filter(queryset, value)
        return queryset

    def filter_archived(self, queryset, name, value):
        return queryset  # applied first, in filter_queryset

    def filter_month(self, queryset, name, value: datetime.date):
        return selectors.records_in_month(queryset, value)

    def filter_branch(self, queryset, name, value: int):
        self.chosen_branch = get_object_or_404(self.branches, pk=value)
        return queryset.filter(branch=self.chosen_branch)

    def filter_general_branch(self, queryset, name, value: int):
        if self.general_branches is None:
            raise Http404
        self.chosen_general_branch = get_object_or_404(self.general_branches, pk=value)
        return queryset.filter(general_branch=self.chosen_general_branch)

    def filter_branch_name(self, queryset, name, value: str):
        return selectors.records_of_branches_named(queryset, self.branches, value, BRANCH_DATALIST_LIMIT)
