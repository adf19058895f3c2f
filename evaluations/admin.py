"""Admin for the set-up records only.

The roll (Voter, AppraisalVoter) and the ballot box (RatingCount, BallotCount, FreeText,
AppraisalTally) are deliberately not registered: an administrator configures evaluations, and
has no screen that lists who has voted next to what was answered. Free texts are reviewed by
the office in the application, after the evaluation closes."""

from django.contrib import admin

from core.admin import AuditedAdmin

from .models import Appraisal, AppraisalGrade, Criterion, Evaluation, Suggestion, Target


@admin.register(Evaluation)
class EvaluationAdmin(AuditedAdmin):
    list_display = ("title", "committee", "campaign_year", "opens_on", "closes_on", "status")
    list_filter = ("status", "committee")
    search_fields = ("title",)
    # Status moves only through the services, which set up the roll and the ballot box.
    readonly_fields = ("committee", "campaign_year", "status", "created_by")
    filter_horizontal = ("voter_departments", "voter_branches")


@admin.register(Criterion)
class CriterionAdmin(AuditedAdmin):
    list_display = ("text", "evaluation", "subject", "sort_order")
    list_filter = ("subject",)


@admin.register(Target)
class TargetAdmin(AuditedAdmin):
    list_display = ("__str__", "evaluation", "branch", "person")
    raw_id_fields = ("person",)
    list_select_related = ("evaluation", "branch", "person")


@admin.register(Suggestion)
class SuggestionAdmin(AuditedAdmin):
    list_display = ("submitted_on", "committee", "branch", "status", "answered_on")
    list_filter = ("status", "committee")
    readonly_fields = ("submitted_on",)


@admin.register(Appraisal)
class AppraisalAdmin(AuditedAdmin):
    list_display = ("branch", "campaign_year", "status")
    list_filter = ("status",)
    readonly_fields = ("status", "started_by")


@admin.register(AppraisalGrade)
class AppraisalGradeAdmin(AuditedAdmin):
    list_display = ("person", "appraisal", "grade", "set_by")
    list_filter = ("grade",)
    readonly_fields = ("set_by",)
