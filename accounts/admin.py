from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from simple_history.admin import SimpleHistoryAdmin

from .models import User


@admin.register(User)
class UserAdmin(SimpleHistoryAdmin, BaseUserAdmin):
    list_display = ("username", "display_name", "is_active", "is_superuser", "last_login")
    search_fields = ("username", "person__name", "person__employee_no")
    list_select_related = ("person",)  # display_name
    show_full_result_count = False  # a group has 160,000 logins (see AuditedAdmin)

    def has_delete_permission(self, request, obj=None):
        # Logins are deactivated, not deleted: the audit trail points at them.
        return False
