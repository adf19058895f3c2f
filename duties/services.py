"""Writes of duty reports: keyword-only, atomic, each authorised by ``workflow.REPORT`` (or, for
the year's form and the assessment meetings, by the office's reach over the institute)."""

import datetime
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import Access
from branches.models import Branch, Department, GeneralBranch, Person
from campaigns.models import CampaignYear
from core.evidence import validate_evidence
from core.services import lock, save_as
from evaluations.services import evaluation_create

from .models import AssessmentMeeting, DutyReport, DutyReportAttachment, DutyReportForm
from .workflow import OFFICE_PERMISSION, REPORT


def _office(access: Access, campaign_year: CampaignYear) -> None:
    if not access.reaches_institute(OFFICE_PERMISSION, campaign_year.campaign.committee_id):
        raise PermissionDenied(_("Only the campaign office may do this."))


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason.")}, code="reason")
    return reason


@transaction.atomic
def duty_form_save(
    *,
    access: Access,
    campaign_year: CampaignYear,
    duty_prompt: str,
    integrity_prompt: str,
    due_on: datetime.date,
) -> DutyReportForm:
    """The office sets (or revises) the year's form."""
    _office(access, campaign_year)
    form = DutyReportForm.objects.filter(campaign_year=campaign_year).first() or DutyReportForm(
        campaign_year=campaign_year
    )
    form.duty_prompt, form.integrity_prompt = (duty_prompt or "").strip(), (integrity_prompt or "").strip()
    form.due_on = due_on
    errors = {}
    if not form.duty_prompt:
        errors["duty_prompt"] = _("Say what the duty report is to cover.")
    if not form.integrity_prompt:
        errors["integrity_prompt"] = _("Say what the integrity part is to cover.")
    if errors:
        raise ValidationError(errors)
    return save_as(form, access.user)


@transaction.atomic
def report_start(*, access: Access, campaign_year: CampaignYear, unit) -> DutyReport:
    """The secretary of ``unit`` (a branch or general branch) starts the year's report."""
    if not DutyReportForm.objects.filter(campaign_year=campaign_year).exists():
        raise ValidationError(
            _("The campaign office has not set this year's duty report form yet."), code="no_form"
        )
    if access.person is None or unit not in access.secretary_of:
        raise PermissionDenied(_("Only the unit's secretary reports on it."))
    is_branch = isinstance(unit, Branch)
    existing = DutyReport.objects.filter(
        campaign_year=campaign_year,
        secretary=access.person,
        **({"branch": unit} if is_branch else {"general_branch": unit}),
    ).first()
    if existing is not None:
        return existing
    report = DutyReport(
        campaign_year=campaign_year,
        secretary=access.person,
        branch=unit if is_branch else None,
        general_branch=None if is_branch else unit,
    )
    return save_as(report, access.user)


@transaction.atomic
def report_save(
    *,
    access: Access,
    report: DutyReport,
    duty: str,
    integrity: str,
    files: Sequence = (),
    submit: bool = False,
) -> DutyReport:
    """Write the draft (with attachments); ``submit`` hands it to the office, complete."""
    lock(report)
    REPORT.authorize(access, report, "submit" if submit else "edit")
    report.duty, report.integrity = (duty or "").strip(), (integrity or "").strip()
    problems = []
    for file in files:
        try:
            validate_evidence(file)
        except ValidationError as refused:
            problems.extend(refused.messages)
    if problems:
        raise ValidationError({"files": problems})
    if submit:
        errors = {}
        if not report.duty:
            errors["duty"] = _("Write the duty report before submitting.")
        if not report.integrity:
            errors["integrity"] = _("Write the integrity part before submitting.")
        if errors:
            raise ValidationError(errors)
        REPORT.advance(report, "submit")
        # The reason of an earlier return is answered by this submission (the history keeps it).
        report.submitted_at, report.reason = timezone.now(), ""
    save_as(report, access.user)
    for file in files:
        save_as(
            DutyReportAttachment(
                report=report,
                file=file,
                original_name=file.name[:255],
                size=file.size,
                uploaded_by=access.user,
            ),
            access.user,
        )
    return report


@transaction.atomic
def report_return(*, access: Access, report: DutyReport, reason: str) -> DutyReport:
    lock(report)
    REPORT.authorize(access, report, "return")
    report.reason = _reason(reason)
    REPORT.advance(report, "return")
    report.submitted_at = None
    return save_as(report, access.user)


@transaction.atomic
def meeting_record(
    *,
    access: Access,
    campaign_year: CampaignYear,
    held_on: datetime.date,
    assessors: Sequence[Person],
    note: str = "",
) -> AssessmentMeeting:
    """述职评议会: its date and who assessed."""
    _office(access, campaign_year)
    assessors = list(assessors)
    if not assessors:
        raise ValidationError({"assessors": _("Choose who assessed the reports.")}, code="assessors")
    if any(p.committee_id != campaign_year.campaign.committee_id for p in assessors):
        raise ValidationError({"assessors": _("An assessor is from another institute.")}, code="assessors")
    meeting = save_as(
        AssessmentMeeting(
            campaign_year=campaign_year, held_on=held_on, note=(note or "").strip(), recorded_by=access.user
        ),
        access.user,
    )
    meeting.assessors.set(assessors)
    return meeting


@transaction.atomic
def report_grade(
    *, access: Access, report: DutyReport, meeting: AssessmentMeeting, grade: str, comment: str
) -> DutyReport:
    """The grade (好, 较好, 一般, 差) with a comment, given at an assessment meeting of the year."""
    lock(report)
    REPORT.authorize(access, report, "grade")
    errors = {}
    if grade not in DutyReport.Grade.values:
        errors["grade"] = _("Choose the grade.")
    if meeting is None or meeting.campaign_year_id != report.campaign_year_id:
        errors["meeting"] = _("Choose an assessment meeting of the report's year.")
    if not (comment or "").strip():
        errors["comment"] = _("Write a comment on the grade.")
    if errors:
        raise ValidationError(errors)
    REPORT.advance(report, "grade")
    report.meeting, report.grade, report.grade_comment = meeting, grade, comment.strip()
    report.graded_by, report.graded_at = access.user, timezone.now()
    report.reason = ""  # a reopening's reason is answered by the new grade (kept in the history)
    return save_as(report, access.user)


@transaction.atomic
def report_reopen(*, access: Access, report: DutyReport, reason: str) -> DutyReport:
    """Take a grade back (it is final until then), with the reason kept in the history."""
    lock(report)
    REPORT.authorize(access, report, "reopen")
    report.reason = _reason(reason)
    REPORT.advance(report, "reopen")
    report.grade, report.grade_comment, report.graded_by, report.graded_at = "", "", None, None
    return save_as(report, access.user)


@transaction.atomic
def report_rate(
    *, access: Access, report: DutyReport, opens_on: datetime.date, closes_on: datetime.date
) -> DutyReport:
    """A satisfaction rating (满意度测评) of the report's secretary by the unit's members and
    staff: an evaluation of the evaluations app (its anonymous ballot, its threshold), created
    as a draft the office opens there like any other."""
    lock(report, refresh=("status", "evaluation_id"))
    REPORT.authorize(access, report, "rate")
    if isinstance(report.unit, GeneralBranch):
        branches = list(Branch.objects.active().filter(general_branch=report.general_branch))
    else:
        branches = [report.branch]
    departments = list(Department.objects.filter(branches__in=branches).distinct())
    evaluation = evaluation_create(
        campaign_year=report.campaign_year,
        title=_("Satisfaction with the duty report of %(name)s (%(unit)s)")
        % {"name": report.secretary.name, "unit": report.unit.name},
        opens_on=opens_on,
        closes_on=closes_on,
        access=access,
        members=[report.secretary],
        voter_branches=branches,
        voter_departments=departments,
        member_questions=[_("Overall satisfaction with the secretary's duty and integrity report")],
    )
    report.evaluation = evaluation
    return save_as(report, access.user)
