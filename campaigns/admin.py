from django.contrib import admin

from core.admin import AuditedAdmin

from .models import Campaign, CampaignYear, ContactPoint, LeadingGroupMember, OfficeMember, Phase


class LeadingGroupInline(admin.TabularInline):
    model = LeadingGroupMember
    extra = 0
    raw_id_fields = ("person",)


class OfficeInline(admin.TabularInline):
    model = OfficeMember
    extra = 0
    raw_id_fields = ("person",)


@admin.register(Campaign)
class CampaignAdmin(AuditedAdmin):
    list_display = ("name", "committee", "theme", "started_on", "ended_on")
    inlines = [LeadingGroupInline, OfficeInline]


class PhaseInline(admin.TabularInline):
    model = Phase
    extra = 0
    can_delete = False


@admin.register(CampaignYear)
class CampaignYearAdmin(AuditedAdmin):
    list_display = ("campaign", "year", "pledges_due_on", "awards_announced_by")
    inlines = [PhaseInline]


@admin.register(ContactPoint)
class ContactPointAdmin(AuditedAdmin):
    list_display = ("leader", "branch", "campaign")
    raw_id_fields = ("leader", "branch")
    list_select_related = ("leader", "branch", "campaign")
