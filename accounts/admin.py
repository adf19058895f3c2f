from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from simple_history.admin import SimpleHistoryAdmin

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "display_name", "is_active", "is_superuser", "last_login")
    search_fields = ("username", "person__name", "person__employee_no")

    def has_delete_permission(self, request, obj=None):
        # Logins are deactivated, not deleted: the audit trail points at them.
        return False


class AuditedAdmin(SimpleHistoryAdmin):
    """Admin for domain records: history visible, nothing deleted (archive instead)."""

    def has_delete_permission(self, request, obj=None):
        return False
