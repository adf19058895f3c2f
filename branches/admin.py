from django.contrib import admin

from core.admin import AuditedAdmin

from .models import (
    Branch,
    Department,
    GeneralBranch,
    Membership,
    PartyCommittee,
    PartyGroup,
    Person,
    Position,
    RosterImport,
)


@admin.register(PartyCommittee)
class PartyCommitteeAdmin(AuditedAdmin):
    list_display = ("name", "short_name")


@admin.register(Department)
class DepartmentAdmin(AuditedAdmin):
    list_display = ("name", "kind", "committee", "is_active", "sort_order")
    list_filter = ("committee", "kind", "is_active")
    search_fields = ("name",)


@admin.register(GeneralBranch)
class GeneralBranchAdmin(AuditedAdmin):
    list_display = ("name", "category", "department", "committee", "is_active")
    list_filter = ("committee", "category", "is_active")
    list_select_related = ("department", "committee")
    search_fields = ("name",)


class PartyGroupInline(admin.TabularInline):
    model = PartyGroup
    extra = 0
    can_delete = False


@admin.register(Branch)
class BranchAdmin(AuditedAdmin):
    list_display = ("name", "category", "general_branch", "committee", "is_active")
    list_filter = ("committee", "category", "is_active")
    search_fields = ("name",)
    list_select_related = ("general_branch", "committee")
    filter_horizontal = ("departments",)
    inlines = [PartyGroupInline]


@admin.register(PartyGroup)
class PartyGroupAdmin(AuditedAdmin):
    list_display = ("name", "branch", "is_active")
    search_fields = ("name", "branch__name")
    list_select_related = ("branch",)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    can_delete = False
    # Branch and dates change through the transfer page so that history stays consistent.
    readonly_fields = ("branch", "party_group", "started_on", "ended_on", "note")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Person)
class PersonAdmin(AuditedAdmin):
    list_display = ("employee_no", "name", "department", "status", "branch", "user")
    list_filter = ("committee", "status")
    search_fields = ("name", "employee_no")
    list_select_related = ("department", "branch", "user")
    readonly_fields = ("branch", "party_group")
    raw_id_fields = ("user",)
    inlines = [MembershipInline]


@admin.register(Position)
class PositionAdmin(AuditedAdmin):
    list_display = ("person", "title", "branch", "general_branch", "party_group", "started_on", "ended_on")
    list_filter = ("title",)
    search_fields = ("person__name", "branch__name", "general_branch__name")
    raw_id_fields = ("person",)
    list_select_related = ("person", "branch", "general_branch", "party_group__branch")


@admin.register(RosterImport)
class RosterImportAdmin(AuditedAdmin):
    list_display = ("original_name", "status", "uploaded_by", "uploaded_at", "applied_at")
    readonly_fields = [f.name for f in RosterImport._meta.fields]

    def has_add_permission(self, request):
        return False
