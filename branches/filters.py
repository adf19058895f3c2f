"""The filters of the branch and people lists (django-filter). Labels and empty choices are set
here, translatable (django-filter's own lookup labels would stay English). A group has thousands
of branches and departments: they are typed (a part of the name), with the names suggested when
there are few (``selectors.names_to_suggest``), not chosen from selects of thousands of options."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from formguard.filters import GuardedFilterSet

from .models import Branch, BranchCategory, Person


def _search(label, *, max_length=100, placeholder=None, datalist=None, method):
    """A search box; with ``datalist``, a name typed in part, the datalist's names suggested."""
    attrs = {
        "type": "search",
        "class": "form-control form-control-sm",
        "placeholder": placeholder or label,
        "aria-label": label,
    }
    if datalist:
        attrs.update(list=datalist, autocomplete="off")
    return django_filters.CharFilter(
        label=label, max_length=max_length, widget=forms.TextInput(attrs=attrs), method=method
    )


def _words(value: str) -> str:
    """What was typed, with runs of spaces as one (names are stored so)."""
    return " ".join(value.split())


class BranchFilterSet(GuardedFilterSet):
    q = _search(_("Branch name"), placeholder=_("Name or part of it"), method="filter_name")
    category = django_filters.ChoiceFilter(
        label=_("Category"),
        choices=BranchCategory.choices,
        empty_label=_("All categories"),
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )

    class Meta(GuardedFilterSet.Meta):
        model = Branch

    def filter_name(self, queryset, name, value):
        return queryset.filter(name__icontains=_words(value))


class PersonFilterSet(GuardedFilterSet):
    q = _search(_("Name or employee number"), max_length=50, method="filter_person")
    branch_q = _search(
        _("Branch"), placeholder=_("All branches"), datalist="branch-names", method="filter_branch"
    )
    department_q = _search(
        _("Department"),
        placeholder=_("All departments"),
        datalist="department-names",
        method="filter_department",
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"),
        choices=[("member", _("Party members")), ("staff", _("Staff"))],
        empty_label=_("Everyone"),
        method="filter_kind",
        widget=forms.Select(attrs={"class": "form-select form-select-sm", "aria-label": _("Kind")}),
    )

    class Meta(GuardedFilterSet.Meta):
        model = Person

    def filter_person(self, queryset, name, value):
        return queryset.filter(Q(name__contains=value) | Q(employee_no=value))

    def filter_branch(self, queryset, name, value):
        return queryset.filter(branch__name__contains=_words(value))

    def filter_department(self, queryset, name, value):
        return queryset.filter(department__name__contains=_words(value))

    def filter_kind(self, queryset, name, value):
        return queryset.members() if value == "member" else queryset.staff()
