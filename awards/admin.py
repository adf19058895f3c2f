from django.contrib import admin

from core.admin import AuditedAdmin

from .models import (
    AwardCycle,
    Candidate,
    ModelPost,
    Objection,
    Rubric,
    RubricItem,
    ScoreEntry,
    ScoringSettings,
)


class RubricItemInline(admin.TabularInline):
    model = RubricItem
    extra = 0


@admin.register(Rubric)
class RubricAdmin(AuditedAdmin):
    list_display = ("campaign_year", "kind", "version")
    inlines = [RubricItemInline]


@admin.register(ScoringSettings)
class ScoringSettingsAdmin(AuditedAdmin):
    list_display = ("campaign_year", "branch_rubric_weight", "branch_evaluation_weight", "trim_extremes")


@admin.register(ScoreEntry)
class ScoreEntryAdmin(AuditedAdmin):
    list_display = ("item", "branch", "person", "points", "withdrawn")


@admin.register(AwardCycle)
class AwardCycleAdmin(AuditedAdmin):
    list_display = ("campaign_year", "status", "notice_starts_on", "notice_ends_on")
    readonly_fields = ("status", "run")


@admin.register(Candidate)
class CandidateAdmin(AuditedAdmin):
    list_display = ("cycle", "title", "branch", "general_branch", "person", "source", "removed")
    list_select_related = ("cycle__campaign_year__campaign", "branch", "general_branch", "person")


@admin.register(Objection)
class ObjectionAdmin(AuditedAdmin):
    list_display = ("candidate", "submitted_on", "answered_on")
    list_select_related = ("candidate__branch", "candidate__general_branch", "candidate__person")


@admin.register(ModelPost)
class ModelPostAdmin(AuditedAdmin):
    list_display = ("person", "post_name", "designated_on", "term_ends_on", "withdrawn_on")
