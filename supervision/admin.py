from django.contrib import admin

from core.admin import AuditedAdmin

from .models import (
    Inspection,
    InspectionEvidence,
    ReminderLog,
    Review,
    ReviewRound,
    SpotCheckDraw,
    SupervisionRound,
)


class EvidenceInline(admin.TabularInline):
    model = InspectionEvidence
    extra = 0
    can_delete = False
    fields = ("original_name", "size", "uploaded_by", "uploaded_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False  # uploads are checked by the reply page, not here


@admin.register(Inspection)
class InspectionAdmin(AuditedAdmin):
    list_display = ("inspected_on", "branch", "kind", "status", "rectification_due", "campaign_year")
    list_filter = ("kind", "status", "campaign_year")
    search_fields = ("branch__name", "subject", "findings")
    date_hierarchy = "inspected_on"
    raw_id_fields = ("branch", "inspectors", "replied_by", "closed_by", "recorded_by", "draw")
    list_select_related = ("branch", "campaign_year__campaign")
    # The state machine belongs to the services: the admin shows it but does not move it.
    readonly_fields = ("status", "replied_by", "replied_at", "closed_by", "closed_at", "draw")
    inlines = [EvidenceInline]


@admin.register(SpotCheckDraw)
class SpotCheckDrawAdmin(AuditedAdmin):
    """A draw is evidence: shown, never changed."""

    list_display = ("drawn_at", "campaign_year", "population_kind", "sample_size", "seed", "drawn_by")
    list_filter = ("population_kind", "campaign_year")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SupervisionRound)
class SupervisionRoundAdmin(AuditedAdmin):
    list_display = ("__str__", "status", "created_by", "concluded_at")
    list_filter = ("status", "campaign_year")
    readonly_fields = ("status", "snapshot", "created_by", "concluded_by", "concluded_at")


@admin.register(ReviewRound)
class ReviewRoundAdmin(AuditedAdmin):
    """The office may move a round's ``write_by`` here; rounds are opened by the schedule or the
    review rounds page."""

    list_display = ("__str__", "opened_on", "write_by", "opened_at", "opened_by")
    list_filter = ("campaign_year",)
    readonly_fields = ("campaign_year", "half", "opened_on", "opened_by")

    def has_add_permission(self, request):
        return False


@admin.register(Review)
class ReviewAdmin(AuditedAdmin):
    list_display = ("__str__", "kind", "general_branch", "branch", "status", "written_at", "acknowledged_at")
    list_filter = ("kind", "status", "round")
    search_fields = ("general_branch__name", "branch__name", "person__name", "person__employee_no")
    raw_id_fields = ("general_branch", "branch", "person", "written_by", "acknowledged_by")
    list_select_related = ("round__campaign_year", "general_branch", "branch", "person")
    readonly_fields = (
        "round",
        "kind",
        "status",
        "written_by",
        "written_at",
        "acknowledged_by",
        "acknowledged_at",
    )

    def has_add_permission(self, request):
        return False


@admin.register(ReminderLog)
class ReminderLogAdmin(admin.ModelAdmin):
    list_display = ("sent_on", "kind", "subject", "recipient", "created_at")
    list_filter = ("kind", "sent_on")
    search_fields = ("subject", "recipient__username")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
