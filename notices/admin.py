from django.contrib import admin

from core.admin import AuditedAdmin

from .models import DepartmentHead, Notice


@admin.register(DepartmentHead)
class DepartmentHeadAdmin(AuditedAdmin):
    """Who reads notices for a department without a branch: set here by the administrator."""

    list_display = ("department", "person")
    raw_id_fields = ("department", "person")


@admin.register(Notice)
class NoticeAdmin(AuditedAdmin):
    """To look at: a notice is issued on its page and never changed afterwards."""

    list_display = ("issued_on", "title", "document_number", "issuing_body", "committee")
    search_fields = ("title", "document_number")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
