"""The base of every list filter (django-filter)."""

import django_filters

from .forms import GuardedForm


class GuardedFilterSet(django_filters.FilterSet):
    """A list filter whose form is guarded like every form (``GuardedForm``), and where a query
    string with a wrong value (a made-up choice, another institute's year, a text too long)
    filters by nothing rather than by the valid rest, as the hand-written filters did.
    Labels are set by each filter, translatable: django-filter's lookup labels stay English."""

    class Meta:
        fields: list[str] = []
        form = GuardedForm

    def filter_queryset(self, queryset):
        if not self.form.is_valid():
            return queryset
        return super().filter_queryset(queryset)
