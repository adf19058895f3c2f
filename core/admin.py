from django.contrib import admin
from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin

from .models import QueuedTask


class AuditedAdmin(SimpleHistoryAdmin):
    """Admin for domain records: history visible, nothing deleted (archive instead)."""

    # A group holds 100,000s of rows per table: count the filtered rows only, not the whole
    # table a second time for "(n total)".
    show_full_result_count = False

    def has_delete_permission(self, request, obj=None):
        return False

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
