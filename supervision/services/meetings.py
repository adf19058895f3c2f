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
from core.services import save_as

from ..models import SupervisionMeeting
from ..workflow import MEETING
from .inspections import inspection_create


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
