from django.contrib import admin

from core.admin import AuditedAdmin

from .models import (
    Pledge,
    PledgeComment,
    PledgeItem,
    PledgeReview,
    ProgressEntry,
    ProgressEvidence,
    Publication,
)


class PledgeItemInline(admin.TabularInline):
    model = PledgeItem
    extra = 0
    can_delete = False
    fields = ("position", "text", "criterion", "due_on", "responsible")
    raw_id_fields = ("responsible",)


@admin.register(Pledge)
class PledgeAdmin(AuditedAdmin):
    list_display = (
        "__str__",
        "campaign_year",
        "branch",
        "general_branch",
        "kind",
        "version",
        "status",
        "updated_at",
    )
    list_filter = ("kind", "status", "campaign_year")
    search_fields = ("branch__name", "general_branch__name", "person__name", "person__employee_no")
    raw_id_fields = ("branch", "general_branch", "person", "previous", "created_by", "approved_by")
    # What ``__str__`` and the columns show, in the page's query rather than one per row.
    list_select_related = ("branch", "general_branch", "person", "campaign_year__campaign")
    # The workflow belongs to the services: the admin shows it but does not move it.
    readonly_fields = ("status", "version", "previous", "submitted_at", "approved_at", "approved_by")
    inlines = [PledgeItemInline]

    def get_readonly_fields(self, request, obj=None):
        # A published pledge is read-only here too: a correction is a new version.
        if obj is not None and obj.is_public:
            return [f.name for f in self.model._meta.fields]
        return super().get_readonly_fields(request, obj)

    def get_inlines(self, request, obj):
        return [] if obj is not None and obj.is_public else super().get_inlines(request, obj)


@admin.register(Publication)
class PublicationAdmin(AuditedAdmin):
    list_display = ("pledge", "quarter", "occasion", "published_on", "audience", "by")
    list_filter = ("occasion", "quarter")
    raw_id_fields = ("pledge", "by")
    list_select_related = ("pledge__branch", "pledge__general_branch", "pledge__person", "by")


class ProgressEvidenceInline(admin.TabularInline):
    model = ProgressEvidence
    extra = 0
    can_delete = False
    fields = ("original_name", "size", "uploaded_by", "uploaded_at")
    readonly_fields = fields


@admin.register(ProgressEntry)
class ProgressEntryAdmin(AuditedAdmin):
    list_display = ("item", "entered_on", "percent", "by")
    raw_id_fields = ("item", "by")
    inlines = [ProgressEvidenceInline]


@admin.register(PledgeReview)
class PledgeReviewAdmin(AuditedAdmin):
    list_display = ("pledge", "result", "reviewed_by", "reviewed_at")
    list_filter = ("result",)
    raw_id_fields = ("pledge", "self_assessed_by", "reviewed_by")
    list_select_related = ("pledge__branch", "pledge__general_branch", "pledge__person", "reviewed_by")


@admin.register(PledgeComment)
class PledgeCommentAdmin(AuditedAdmin):
    list_display = ("pledge", "status", "author", "created_at", "answered_at")
    list_filter = ("status",)
    list_select_related = ("pledge__branch", "pledge__general_branch", "pledge__person", "author")
    # Answering and hiding belong to the services (with their checks): shown here, not changed.
    readonly_fields = [f.name for f in PledgeComment._meta.fields]
