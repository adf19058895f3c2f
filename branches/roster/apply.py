"""Writing a roster: store the upload and its preview, then apply it all or nothing through
the membership services (``branches.services``), so that every join, transfer and leave is
authorised and keeps its history."""

import datetime
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from core.services import save_as

from ..models import PartyCommittee, Person, RosterImport
from ..services import member_join, member_leave, member_transfer
from ..workflow import ROSTER
from .columns import MESSAGES
from .plan import RosterCheck, roster_check, roster_import_check
from .positions import apply_positions
from .read import roster_file_validate


@transaction.atomic
def roster_import_create(
    *, committee: PartyCommittee, file, access, today: datetime.date | None = None
) -> RosterImport:
    """Store an uploaded roster and check it: PREVIEWED when valid, INVALID otherwise."""
    ROSTER.authorize(access, committee, "import")
    roster_file_validate(file)
    roster_import = RosterImport(committee=committee, original_name=file.name[:255], uploaded_by=access.user)
    roster_import.file.save(PurePath(file.name).name, file, save=False)
    check = roster_check(committee=committee, file=file, today=today)
    roster_import.status = RosterImport.Status.PREVIEWED if check.is_valid else RosterImport.Status.INVALID
    roster_import.summary = check.summary()
    return save_as(roster_import, access.user)


@transaction.atomic
def roster_import_apply(
    *,
    roster_import: RosterImport,
    access,
    expected_digest: str | None = None,
    today: datetime.date | None = None,
) -> RosterImport:
    """Apply a previewed roster, all or nothing.

    The stored file is checked again; if it now has errors the import is marked INVALID and
    nothing else is written. ``expected_digest`` is the digest of the preview the user confirmed:
    if the plan is no longer the same, nothing is applied (ValidationError ``plan_changed``)."""
    roster_import = (
        RosterImport.objects.select_for_update().select_related("committee").get(pk=roster_import.pk)
    )
    ROSTER.authorize(access, roster_import.committee, "import")
    if roster_import.status == RosterImport.Status.APPLIED:
        raise ValidationError(MESSAGES["already_applied"], code="already_applied")
    if roster_import.status == RosterImport.Status.INVALID:
        raise ValidationError(MESSAGES["invalid"], code="invalid")
    today = today or timezone.localdate()
    check = roster_import_check(roster_import=roster_import, today=today)
    summary = check.summary()
    roster_import._history_user = access.user
    if not check.is_valid:
        roster_import.status, roster_import.summary = RosterImport.Status.INVALID, summary
        roster_import.save(update_fields=["status", "summary"])
        return roster_import
    if expected_digest is not None and expected_digest != summary["digest"]:
        raise ValidationError(MESSAGES["plan_changed"], code="plan_changed")
    note = (_("Roster import “%(file)s”") % {"file": roster_import.original_name})[:100]
    _apply(check, committee=roster_import.committee, access=access, today=today, note=note)
    roster_import.status, roster_import.summary = RosterImport.Status.APPLIED, summary
    roster_import.applied_at = timezone.now()
    roster_import.save(update_fields=["status", "summary", "applied_at"])
    return roster_import


def _apply(check: RosterCheck, *, committee, access, today, note):
    # Order matters for the database constraints: a leaver may have the join date cleared only
    # after leaving, and a joiner must exist (and have the join date) before joining.
    for plan in check.plans:
        if plan.membership == "leave":
            member_leave(person=plan.person, on=today, note=note, access=access)
            plan.person.branch = plan.person.party_group = None  # keep the history snapshot true
    new = [plan for plan in check.plans if plan.person is None]
    created = bulk_create_with_history(
        [Person(committee=committee, employee_no=plan.employee_no, **plan.values) for plan in new],
        Person,
        batch_size=1000,
        default_user=access.user,
        default_change_reason=note,
    )
    for plan, person in zip(new, created, strict=True):
        plan.person = person
    changed = [plan for plan in check.plans if plan.changed_fields]
    for plan in changed:
        for key in plan.changed_fields:
            setattr(plan.person, key, plan.values[key])
    if changed:
        fields = sorted({key for plan in changed for key in plan.changed_fields})
        bulk_update_with_history(
            [plan.person for plan in changed],
            Person,
            fields,
            batch_size=1000,
            default_user=access.user,
            default_change_reason=note,
        )
    for plan in check.plans:
        if plan.membership == "join":
            member_join(
                person=plan.person,
                branch=plan.branch,
                party_group=plan.party_group,
                started_on=today,
                joined_party_on=plan.values["joined_party_on"],
                note=note,
                access=access,
            )
        elif plan.membership == "transfer":
            member_transfer(
                person=plan.person,
                branch=plan.branch,
                party_group=plan.party_group,
                on=today,
                note=note,
                access=access,
            )
    # After the moves: a transfer has already ended the positions in the old branch.
    apply_positions(check.plans, access=access, today=today)
