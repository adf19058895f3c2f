from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.utils.text import capfirst
from simple_history.admin import SimpleHistoryAdmin

from .audit import Namer, changes_along
from .models import QueuedTask

EMPTY = "—"


class AuditedAdmin(SimpleHistoryAdmin):
    """Admin for domain records: history visible, nothing deleted (archive instead)."""

    # A group holds 100,000s of rows per table: count the filtered rows only, not the whole
    # table a second time for "(n total)".
    show_full_result_count = False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_history_queryset(self, request, history_manager, pk_name, object_id):
        # Who changed it, by name (the person behind the login) in the same query. The changed
        # values are named by core.audit.Namer below, so the related records are not joined.
        return history_manager.filter(**{pk_name: object_id}).select_related("history_user__person")

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=False):
        """The changes in words, as the app's own history pages show them (core.audit): people,
        branches and other records by name, choices by label, 是/否, dates as dates; one query
        per related model however many rows the page has."""
        raw = changes_along(list(historical_records))
        namer = Namer([changes for _record, changes in raw])
        for record, changes in raw:
            record.history_delta_changes = [
                {
                    "field": capfirst(label),
                    "old": EMPTY if old is None else old,
                    "new": EMPTY if new is None else new,
                }
                for label, old, new in (namer.change(*change) for change in changes)
            ]

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # An old version may be looked at, never saved back ("revert"): the page hides its
        # button (SIMPLE_HISTORY_REVERT_DISABLED), and a hand-made POST is refused here.
        if request.method != "GET":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


@admin.register(QueuedTask)
class QueuedTaskAdmin(admin.ModelAdmin):
    """The outbox of background tasks (core.queue): to look at, not to edit."""

    list_display = ("task", "created_at", "attempts", "sent_at", "last_error")
    list_filter = ("sent_at",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
