from django.contrib import admin

from core.admin import AuditedAdmin

from .models import DutyReport


@admin.register(DutyReport)
class DutyReportAdmin(AuditedAdmin):
    """To look at: reports move through their pages (``workflow.REPORT``), not here."""

    list_display = ("campaign_year", "branch", "general_branch", "secretary", "status", "grade")
    list_filter = ("status", "grade", "campaign_year")
    list_select_related = ("campaign_year__campaign", "branch", "general_branch", "secretary")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
