"""The office's 座谈会, 党支部书记例会 and 情况通报会 (第三阶段(一)): date, who attended, what was
raised, and follow-ups assigned to branches with deadlines, which are inspections of the
meeting's kind so that each branch answers them like findings (``inspections``)."""

import datetime
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.access import Access
from branches.models import Person
from campaigns.models import CampaignYear
from core.services import lock, save_as

from ..models import SupervisionMeeting
from ..workflow import MEETING
from .inspections import _tell_branch, inspection_create


@transaction.atomic
def meeting_record(
    *,
    access: Access,
    campaign_year: CampaignYear,
    kind: str,
    held_on: datetime.date,
    subject: str,
    raised: str,
    attendees: Sequence[Person] = (),
    other_attendees: str = "",
    follow_ups: Sequence[dict] = (),
) -> SupervisionMeeting:
    """Record a meeting with its follow-ups (``{"branch", "text", "due"}`` each); each branch's
    secretaries are told to answer theirs by the deadline."""
    meeting = SupervisionMeeting(
        campaign_year=campaign_year,
        kind=kind,
        held_on=held_on,
        subject=(subject or "").strip(),
        raised=(raised or "").strip(),
        other_attendees=(other_attendees or "").strip(),
        recorded_by=access.user,
    )
    MEETING.authorize(access, meeting, "record")
    errors = {}
    if kind not in SupervisionMeeting.Kind.values:
        errors["kind"] = _("Choose the kind of meeting.")
    if not meeting.subject:
        errors["subject"] = _("Give the meeting a subject.")
    if not meeting.raised:
        errors["raised"] = _("Write what was raised at the meeting.")
    attendees = list(attendees)
    committee_id = campaign_year.campaign.committee_id
    if any(p.committee_id != committee_id for p in attendees):
        errors["attendees"] = _("An attendee is from another institute.")
    problems = []
    seen = set()
    for n, item in enumerate(follow_ups, start=1):
        branch, text, due = item.get("branch"), (item.get("text") or "").strip(), item.get("due")
        if branch is None or not text or due is None:
            problems.append(
                _("Follow-up %(n)s: choose the branch, write what it is to do and set a deadline.") % {"n": n}
            )
        elif due < held_on:
            problems.append(_("Follow-up %(n)s: the deadline cannot be before the meeting.") % {"n": n})
        elif branch.committee_id != committee_id:
            problems.append(_("Follow-up %(n)s: the branch belongs to another party committee.") % {"n": n})
        elif branch.pk in seen:
            problems.append(
                _("Follow-up %(n)s: %(branch)s has a follow-up already; write both in one.")
                % {"n": n, "branch": branch.name}
            )
        else:
            seen.add(branch.pk)
    if problems:
        errors["follow_ups"] = problems
    if errors:
        raise ValidationError(errors)
    save_as(meeting, access.user)
    if attendees:
        meeting.attendees.set(attendees)
    for item in follow_ups:
        inspection_create(
            access=access,
            campaign_year=campaign_year,
            branch=item["branch"],
            kind=kind,
            inspected_on=held_on,
            subject=meeting.subject,
            findings=item["text"],
            rectification_due=item["due"],
            meeting=meeting,
        )
    return meeting


def follow_up_answered(inspection) -> bool:
    """A follow-up the branch has answered (or the office closed) is part of the record as it
    stands: a correction of the meeting leaves it alone."""
    return inspection.status != inspection.Status.OPEN or bool(inspection.reply)


@transaction.atomic
def meeting_correct(
    *,
    access: Access,
    meeting: SupervisionMeeting,
    held_on: datetime.date,
    subject: str,
    raised: str,
    reason: str,
    attendees: Sequence[Person] = (),
    other_attendees: str = "",
    follow_ups: Sequence[dict] = (),
) -> SupervisionMeeting:
    """The office corrects a recorded meeting: its date, subject, who attended, what was raised,
    and the follow-ups not yet answered (``{"inspection", "text", "due"}`` each). A follow-up the
    branch has answered stays as it is. The reason is kept with the new version in the history
    (one version per correction, with who and when); the branches whose follow-ups change are told."""
    meeting = lock(meeting, refresh=[f.attname for f in SupervisionMeeting._meta.concrete_fields])
    MEETING.authorize(access, meeting, "correct")
    errors = {}
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = _("Say what is corrected and why.")
    subject, raised = (subject or "").strip(), (raised or "").strip()
    if not subject:
        errors["subject"] = _("Give the meeting a subject.")
    if not raised:
        errors["raised"] = _("Write what was raised at the meeting.")
    attendees = list(attendees)
    if any(p.committee_id != meeting.campaign_year.campaign.committee_id for p in attendees):
        errors["attendees"] = _("An attendee is from another institute.")
    open_ones = {f.pk: f for f in meeting.follow_ups.select_for_update(of=("self",)).select_related("branch")}
    changed, problems = [], []
    for n, item in enumerate(follow_ups, start=1):
        inspection = open_ones.get(getattr(item.get("inspection"), "pk", None))
        if inspection is None or inspection.meeting_id != meeting.pk:
            problems.append(_("Follow-up %(n)s is not one of this meeting's.") % {"n": n})
            continue
        text, due = (item.get("text") or "").strip(), item.get("due")
        if (text, due) == (inspection.findings, inspection.rectification_due):
            continue
        if follow_up_answered(inspection):
            problems.append(
                _("%(branch)s has already answered its follow-up: it stays as it is.")
                % {"branch": inspection.branch.name}
            )
        elif not text or due is None:
            problems.append(
                _("Follow-up %(n)s: write what the branch is to do and set a deadline.") % {"n": n}
            )
        elif due < held_on:
            problems.append(_("Follow-up %(n)s: the deadline cannot be before the meeting.") % {"n": n})
        else:
            changed.append((inspection, text, due))
    if problems:
        errors["follow_ups"] = problems
    if errors:
        raise ValidationError(errors)
    other_attendees = (other_attendees or "").strip()
    before = (meeting.held_on, meeting.subject, meeting.raised, meeting.other_attendees)
    same_people = {p.pk for p in attendees} == set(meeting.attendees.values_list("pk", flat=True))
    if (held_on, subject, raised, other_attendees) == before and same_people and not changed:
        # Also what a second click or a form sent again after Back comes to.
        raise ValidationError(_("Nothing has been changed: the record stands as it is."), code="unchanged")

    meeting.held_on, meeting.subject, meeting.raised = held_on, subject, raised
    meeting.other_attendees = other_attendees
    meeting._change_reason = reason[:100]
    # The attendees change without a version of their own, so that the correction is one
    # version of the meeting (fields and attendees together) carrying its reason.
    meeting.skip_history_when_saving = True
    try:
        meeting.attendees.set(attendees)
    finally:
        del meeting.skip_history_when_saving
    save_as(meeting, access.user)
    for inspection in open_ones.values():
        if follow_up_answered(inspection):
            continue
        new = next(((text, due) for i, text, due in changed if i.pk == inspection.pk), None)
        moved = (inspection.inspected_on, inspection.subject) != (held_on, subject)
        if new is None and not moved:
            continue
        inspection.inspected_on, inspection.subject = held_on, subject
        if new is not None:
            inspection.findings, inspection.rectification_due = new
        inspection._change_reason = reason[:100]
        save_as(inspection, access.user)
        if new is not None:
            _tell_branch(
                inspection,
                access.user,
                _(
                    "The campaign office corrected the follow-up for %(branch)s (%(kind)s, %(date)s); "
                    "answer by %(due)s."
                )
                % {
                    "branch": inspection.branch.name,
                    "kind": inspection.get_kind_display(),
                    "date": held_on,
                    "due": inspection.rectification_due,
                },
            )
    return meeting
