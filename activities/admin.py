from django.contrib import admin

from core.admin import AuditedAdmin

from .models import (
    ActivityRecord,
    Attendance,
    Book,
    Evidence,
    ReadingList,
    RequiredFrequency,
    ResearchChampion,
    VanguardTeam,
)


class AttendanceInline(admin.TabularInline):
    model = Attendance
    extra = 0
    can_delete = False
    raw_id_fields = ("person",)


class EvidenceInline(admin.TabularInline):
    model = Evidence
    extra = 0
    can_delete = False
    fields = ("original_name", "size", "uploaded_by", "uploaded_at", "archived_at", "archived_by")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False  # uploads are checked by the record pages, not here


@admin.register(ActivityRecord)
class ActivityRecordAdmin(AuditedAdmin):
    list_display = ("held_on", "kind", "title", "branch", "archived_at")
    list_filter = ("kind", "archived_at")
    search_fields = ("title", "branch__name")
    date_hierarchy = "held_on"
    raw_id_fields = ("branch", "host", "recorder", "party_group", "reading_list", "created_by", "archived_by")
    list_select_related = ("branch",)
    inlines = [AttendanceInline, EvidenceInline]


class BookInline(admin.TabularInline):
    model = Book
    extra = 0


@admin.register(ReadingList)
class ReadingListAdmin(AuditedAdmin):
    list_display = ("title", "committee", "campaign_year", "published_on")
    raw_id_fields = ("published_by",)
    inlines = [BookInline]


@admin.register(RequiredFrequency)
class RequiredFrequencyAdmin(AuditedAdmin):
    list_display = ("campaign_year", "kind", "is_required", "period", "count")
    list_filter = ("campaign_year", "is_required", "period")


@admin.register(VanguardTeam)
class VanguardTeamAdmin(AuditedAdmin):
    list_display = ("name", "branch", "campaign_year", "leader")
    raw_id_fields = ("branch", "leader", "members", "created_by")
    list_select_related = ("branch", "campaign_year__campaign", "leader")


@admin.register(ResearchChampion)
class ResearchChampionAdmin(AuditedAdmin):
    list_display = ("person", "branch", "campaign_year")
    raw_id_fields = ("person", "branch", "created_by")
    list_select_related = ("person", "branch", "campaign_year__campaign")
