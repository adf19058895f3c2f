"""Inspections (督查) and the rectification of their findings: the office records and decides,
the branch replies (``workflow.InspectionWorkflow``)."""

import datetime
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import Access
from accounts.models import User
from branches.models import Branch, Person
from campaigns.models import CampaignYear
from core.evidence import validate_evidence
from core.services import lock, save_as

from ..models import MEETING_KINDS, Inspection, InspectionEvidence, SpotCheckDraw, SupervisionMeeting
from ..workflow import INSPECTION
from .notifications import secretary_users, tell

EDITABLE = ("kind", "inspected_on", "subject", "findings", "rectification_due")


def _check_inspection(
    *, campaign_year, branch, inspected_on, findings, rectification_due, inspectors
) -> None:
    if branch.committee_id != campaign_year.campaign.committee_id:
        raise ValidationError(_("This branch belongs to another party committee."), code="branch")
    if rectification_due is not None and not findings:
        raise ValidationError(
            {"rectification_due": _("Write the findings that are to be rectified.")}, code="no_findings"
        )
    if rectification_due is not None and rectification_due < inspected_on:
        raise ValidationError(
            {"rectification_due": _("The deadline cannot be before the inspection.")}, code="deadline"
        )
    if any(p.committee_id != branch.committee_id for p in inspectors):
        raise ValidationError({"inspectors": _("An inspector is from another institute.")}, code="inspectors")


def _lock(inspection: Inspection) -> Inspection:
    """Re-read the whole inspection under a row lock so that two clicks cannot both move it."""
    return lock(
        inspection,
        refresh=[f.attname for f in Inspection._meta.concrete_fields],
        select_related=("branch", "campaign_year", "campaign_year__campaign"),
    )


def _link(inspection: Inspection) -> str:
    return reverse("supervision:inspection_detail", args=[inspection.pk])


def _tell_branch(inspection: Inspection, actor: User, message: str) -> None:
    tell(secretary_users([inspection.branch_id])[inspection.branch_id], actor, message, _link(inspection))


def _tell_branch_of_findings(inspection: Inspection, actor: User) -> None:
    if inspection.rectification_due:
        message = _(
            "The campaign office recorded findings for %(branch)s (%(kind)s, %(date)s); rectify and reply by %(due)s."
        ) % {
            "branch": inspection.branch.name,
            "kind": inspection.get_kind_display(),
            "date": inspection.inspected_on,
            "due": inspection.rectification_due,
        }
    else:
        message = _("The campaign office recorded findings for %(branch)s (%(kind)s, %(date)s).") % {
            "branch": inspection.branch.name,
            "kind": inspection.get_kind_display(),
            "date": inspection.inspected_on,
        }
    _tell_branch(inspection, actor, message)


@transaction.atomic
def inspection_create(
    *,
    access: Access,
    campaign_year: CampaignYear,
    branch: Branch,
    kind: str,
    inspected_on: datetime.date,
    subject: str = "",
    inspectors: Sequence[Person] = (),
    findings: str = "",
    rectification_due: datetime.date | None = None,
    draw: SpotCheckDraw | None = None,
    meeting: SupervisionMeeting | None = None,
) -> Inspection:
    """Record an inspection of ``branch``; with findings, its secretaries are told to answer."""
    actor = access.user
    inspection = Inspection(
        campaign_year=campaign_year,
        branch=branch,
        kind=kind,
        inspected_on=inspected_on,
        subject=(subject or "").strip(),
        findings=(findings or "").strip(),
        rectification_due=rectification_due,
        draw=draw,
        meeting=meeting,
        recorded_by=actor,
    )
    INSPECTION.authorize(access, inspection, "create")
    inspectors = list(inspectors)
    if kind not in Inspection.Kind.values:
        raise ValidationError({"kind": _("Choose the kind of inspection.")}, code="kind")
    if (meeting is not None) != (kind in MEETING_KINDS) or (meeting is not None and meeting.kind != kind):
        # A follow-up carries its meeting's kind; a meeting is recorded on its own page.
        raise ValidationError(
            {"kind": _("Record a forum, secretaries' meeting or briefing on its own page.")}, code="kind"
        )
    _check_inspection(
        campaign_year=campaign_year,
        branch=branch,
        inspected_on=inspected_on,
        findings=inspection.findings,
        rectification_due=rectification_due,
        inspectors=inspectors,
    )
    save_as(inspection, actor)
    if inspectors:
        inspection.inspectors.set(inspectors)
    if inspection.findings:
        _tell_branch_of_findings(inspection, actor)
    return inspection


@transaction.atomic
def inspection_update(*, access: Access, inspection: Inspection, inspectors=None, **changes) -> Inspection:
    """Complete or correct an open inspection (e.g. a drawn spot check once it has been done).
    Once the branch has replied, the findings stay as they were answered."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise TypeError(f"unknown fields {unknown}")
    actor = access.user
    INSPECTION.authorize(access, _lock(inspection), "edit")
    if inspection.draw_id and changes.get("kind", inspection.kind) != Inspection.Kind.SPOT_CHECK:
        raise ValidationError({"kind": _("A drawn spot check stays a spot check.")}, code="kind")
    if (inspection.meeting_id is not None or changes.get("kind") in MEETING_KINDS) and changes.get(
        "kind", inspection.kind
    ) != inspection.kind:
        raise ValidationError({"kind": _("A meeting's follow-up keeps the meeting's kind.")}, code="kind")
    had_findings = bool(inspection.findings)
    for name, value in changes.items():
        setattr(inspection, name, value.strip() if isinstance(value, str) else value)
    _check_inspection(
        campaign_year=inspection.campaign_year,
        branch=inspection.branch,
        inspected_on=inspection.inspected_on,
        findings=inspection.findings,
        rectification_due=inspection.rectification_due,
        inspectors=list(inspectors) if inspectors is not None else [],
    )
    save_as(inspection, actor)
    if inspectors is not None:
        inspection._history_user = actor
        inspection.inspectors.set(inspectors)
    if inspection.findings and not had_findings:
        _tell_branch_of_findings(inspection, actor)
    return inspection


@transaction.atomic
def inspection_reply(
    *, access: Access, inspection: Inspection, reply: str, files: Sequence = ()
) -> Inspection:
    """The branch answers the findings: what was rectified, with closing evidence. A finding with
    a rectification deadline needs at least one evidence file."""
    actor = access.user
    INSPECTION.authorize(access, _lock(inspection), "reply")
    reply = (reply or "").strip()
    if not reply:
        raise ValidationError({"reply": _("Write what was rectified and how.")}, code="reply")
    for file in files:
        validate_evidence(file)
    if inspection.rectification_due and not files and not inspection.evidence.exists():
        raise ValidationError(
            {"files": _("Attach at least one file that proves the rectification.")}, code="evidence"
        )
    for file in files:
        save_as(
            InspectionEvidence(
                inspection=inspection,
                file=file,
                original_name=file.name[:255],
                size=file.size,
                uploaded_by=actor,
            ),
            actor,
        )
    INSPECTION.advance(inspection, "reply")
    inspection.reply = reply
    inspection.replied_by = actor
    inspection.replied_at = timezone.now()
    save_as(inspection, actor)
    users = [inspection.recorded_by, *User.objects.filter(person__inspections_made=inspection)]
    tell(
        users,
        actor,
        _("%(branch)s replied to the findings of %(date)s.")
        % {"branch": inspection.branch.name, "date": inspection.inspected_on},
        _link(inspection),
    )
    return inspection


@transaction.atomic
def inspection_return(*, access: Access, inspection: Inspection, comment: str) -> Inspection:
    """The office does not accept the reply: the inspection is open again, with the reason."""
    actor = access.user
    INSPECTION.authorize(access, _lock(inspection), "return")
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("Say what is still missing.")}, code="comment")
    INSPECTION.advance(inspection, "return")
    inspection.office_comment = comment
    save_as(inspection, actor)
    _tell_branch(
        inspection,
        actor,
        _("The campaign office returned your reply to the findings of %(date)s: %(comment)s")
        % {"date": inspection.inspected_on, "comment": comment},
    )
    return inspection


@transaction.atomic
def inspection_close(*, access: Access, inspection: Inspection, comment: str = "") -> Inspection:
    """The office closes an inspection: after the branch's reply, or at once when no
    rectification was asked for."""
    actor = access.user
    INSPECTION.authorize(access, _lock(inspection), "close")
    INSPECTION.advance(inspection, "close")
    inspection.office_comment = (comment or "").strip() or inspection.office_comment
    inspection.closed_by = actor
    inspection.closed_at = timezone.now()
    save_as(inspection, actor)
    if inspection.findings:
        _tell_branch(
            inspection,
            actor,
            _("The campaign office closed the inspection of %(date)s.") % {"date": inspection.inspected_on},
        )
    return inspection
