"""The filters of the suggestion inbox and of the comments to review (django-filter). Labels are set here, translatable:
django-filter's own lookup labels would stay English."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy

from .models import FreeText, Suggestion, Target


class SuggestionFilterSet(django_filters.FilterSet):
    """One status, or by default (and for a value that is not a status) those not answered yet:
    the inbox shows what is still to be done."""

    status = django_filters.ChoiceFilter(
        label=gettext_lazy("Status"),
        choices=Suggestion.Status.choices,
        empty_label=gettext_lazy("Not answered yet"),
        widget=forms.Select(
            attrs={
                "class": "form-select form-select-sm w-auto d-inline-block",
                "data-autosubmit": True,
                "aria-label": gettext_lazy("Status"),
            }
        ),
    )

    class Meta:
        model = Suggestion
        fields = ["status"]

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("status"):
            queryset = queryset.exclude(status=Suggestion.Status.ANSWERED)
        return queryset


class ModerationFilterSet(django_filters.FilterSet):
    """The comments to review about one target (a branch or a member), or all of them."""

    target = django_filters.ModelChoiceFilter(
        label=gettext_lazy("About"),
        queryset=Target.objects.none(),
        empty_label=gettext_lazy("All"),
        widget=forms.Select(
            attrs={
                "class": "form-select form-select-sm w-auto d-inline-block",
                "data-autosubmit": True,
                "aria-label": gettext_lazy("About"),
            }
        ),
    )

    class Meta:
        model = FreeText
        fields = ["target"]

    def __init__(self, *args, targets, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["target"].queryset = targets
