"""Writes to the organisation and its people. Each service takes the actor's ``access``
(keyword-only), asks ``branches.workflow`` whether that person may act (``PermissionDenied``
if not), validates (``ValidationError``), keeps the history row (who and when, through
django-simple-history) and never deletes.

Who acts when no person does: the demo loader, the bench generator and the test factories set
up people as the system, ``access=core.workflow.SYSTEM``.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.services import save_as
from core.workflow import SYSTEM  # noqa: F401  (callers import it from here too)

from .models import Branch, EndReason, Membership, PartyGroup, Person
from .positions import positions_end_for_move
from .workflow import DEPARTURES, MEMBERSHIPS


def _units_left(old: Branch, new: Branch | None) -> list:
    """The units whose positions a member leaving ``old`` (for ``new``, or for nowhere) gives
    up: the old branch, and its general branch unless the new branch is under it too."""
    units = [old]
    if old.general_branch_id and (new is None or new.general_branch_id != old.general_branch_id):
        units.append(old.general_branch)
    return units


def _check_group(branch: Branch, party_group: PartyGroup | None):
    if party_group is not None and party_group.branch_id != branch.pk:
        raise ValidationError(
            _("Party group “%(group)s” does not belong to branch “%(branch)s”.")
            % {"group": party_group.name, "branch": branch.name}
        )


@transaction.atomic
def member_join(
    *,
    person: Person,
    branch: Branch,
    started_on: datetime.date,
    joined_party_on: datetime.date | None = None,
    party_group: PartyGroup | None = None,
    note: str = "",
    access,
) -> Membership:
    """Make ``person`` a member of ``branch`` (a new member or one arriving from outside)."""
    MEMBERSHIPS.authorize(access, branch, "join")
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.branch_id:
        raise ValidationError(
            _("%(name)s is already a member of %(branch)s; transfer instead.")
            % {"name": person.name, "branch": person.branch}
        )
    _check_group(branch, party_group)
    joined_party_on = joined_party_on or person.joined_party_on
    if joined_party_on is None:
        raise ValidationError(_("A party member needs the date of joining the party."))
    person.joined_party_on = joined_party_on
    person.branch = branch
    person.party_group = party_group
    save_as(person, access.user)
    membership = Membership(
        person=person, branch=branch, party_group=party_group, started_on=started_on, note=note
    )
    save_as(membership, access.user)
    return membership


@transaction.atomic
def member_transfer(
    *,
    person: Person,
    branch: Branch,
    on: datetime.date,
    party_group: PartyGroup | None = None,
    note: str = "",
    access,
) -> Membership:
    """Move a member to another branch (or another party group) from ``on``.

    The current stay ends the day before ``on``; the history of stays is the transfer record."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    current = (
        person.memberships.filter(ended_on__isnull=True).select_related("branch__general_branch").first()
    )
    if current is None:
        raise ValidationError(_("%(name)s is not a party member of any branch.") % {"name": person.name})
    MEMBERSHIPS.authorize(access, current.branch, "transfer")  # from a branch the actor reaches…
    MEMBERSHIPS.authorize(access, branch, "transfer")  # …to one the actor reaches
    _check_group(branch, party_group)
    if current.branch_id == branch.pk and current.party_group_id == (party_group.pk if party_group else None):
        raise ValidationError(
            _("%(name)s is already in this branch and party group.") % {"name": person.name}
        )
    if on <= current.started_on:
        raise ValidationError(
            _("The transfer date must be after %(date)s, when the current membership began.")
            % {"date": current.started_on.isoformat()}
        )
    current.ended_on = on - datetime.timedelta(days=1)
    current.end_reason = EndReason.TRANSFER
    save_as(current, access.user, update_fields=["ended_on", "end_reason"])
    if current.branch_id != branch.pk:
        # A transfer ends every position in the old branch: rights change at once. (A move
        # between party groups of one branch keeps the branch's offices; a 党小组长 of the old
        # group ends below.)
        positions_end_for_move(
            person=person,
            units=_units_left(current.branch, branch),
            last_day=current.ended_on,
            actor=access.user,
        )
    elif current.party_group_id:
        _end_group_leader(person, current, access)
    person.branch = branch
    person.party_group = party_group
    save_as(person, access.user, update_fields=["branch", "party_group"])
    membership = Membership(person=person, branch=branch, party_group=party_group, started_on=on, note=note)
    save_as(membership, access.user)
    return membership


@transaction.atomic
def member_leave(
    *, person: Person, on: datetime.date, note: str = "", end_reason: str = "", access
) -> Membership:
    """End a member's party membership here (moved to another organisation, deceased…)."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    current = (
        person.memberships.filter(ended_on__isnull=True).select_related("branch__general_branch").first()
    )
    if current is None:
        raise ValidationError(_("%(name)s is not a party member of any branch.") % {"name": person.name})
    MEMBERSHIPS.authorize(access, current.branch, "leave")
    if on < current.started_on:
        raise ValidationError(
            _("The date must not be before %(date)s.") % {"date": current.started_on.isoformat()}
        )
    current.ended_on = on
    current.note = note or current.note
    current.end_reason = end_reason
    save_as(current, access.user, update_fields=["ended_on", "note", "end_reason"])
    positions_end_for_move(
        person=person, units=_units_left(current.branch, None), last_day=on, actor=access.user
    )
    person.branch = None
    person.party_group = None
    save_as(person, access.user, update_fields=["branch", "party_group"])
    return current


def _end_group_leader(person: Person, current: Membership, access) -> None:
    from .models import Position

    for position in (
        Position.objects.select_for_update()
        .filter(person=person, title=Position.Title.GROUP_LEADER, party_group_id=current.party_group_id)
        .not_ended_by(current.ended_on + datetime.timedelta(days=1))
    ):
        position.ended_on = max(current.ended_on, position.started_on)
        save_as(position, access.user, update_fields=["ended_on"])


# Leaving the institute: the reason → the person's status afterwards (出党 leaves it as it is).
LEAVING_STATUS = {
    EndReason.LEFT: Person.Status.LEFT,
    EndReason.RETIRED: Person.Status.RETIRED,
    EndReason.DECEASED: Person.Status.DECEASED,
    EndReason.LEFT_PARTY: None,
}


@transaction.atomic
def person_leave_institute(
    *, person: Person, reason: str, on: datetime.date, note: str = "", access
) -> Person:
    """离职, 退休, 死亡 or 出党: the membership and every position end on ``on``, the login stops
    working, the status follows the reason. Nothing is deleted; every row keeps its history."""
    from django.utils import timezone

    person = (
        Person.objects.select_for_update(of=("self",)).select_related("committee", "user").get(pk=person.pk)
    )
    DEPARTURES.authorize(access, person.committee, "leave_institute")
    if reason not in LEAVING_STATUS:
        raise ValidationError(_("Choose why the person leaves."), code="reason")
    if on > timezone.localdate():
        raise ValidationError(
            _("The date cannot be in the future: the login stops working at once."), code="future"
        )
    current = (
        person.memberships.filter(ended_on__isnull=True).select_related("branch__general_branch").first()
    )
    if reason == EndReason.LEFT_PARTY and current is None:
        raise ValidationError(_("%(name)s is not a party member of any branch.") % {"name": person.name})
    status = LEAVING_STATUS[reason] or person.status
    if current is None and person.status == status and not (person.user and person.user.is_active):
        raise ValidationError(_("%(name)s has already left.") % {"name": person.name}, code="already_left")
    if current is not None:
        if on < current.started_on:
            raise ValidationError(
                _("The date must not be before %(date)s.") % {"date": current.started_on.isoformat()}
            )
        current.ended_on, current.end_reason = on, reason
        current.note = note or current.note
        save_as(current, access.user, update_fields=["ended_on", "note", "end_reason"])
    from .models import Position

    for position in (
        Position.objects.select_for_update()
        .filter(person=person)
        .not_ended_by(on + datetime.timedelta(days=1))
    ):
        position.ended_on = max(on, position.started_on)
        save_as(position, access.user, update_fields=["ended_on"])
    person.branch = person.party_group = None
    person.status = status
    save_as(person, access.user, update_fields=["branch", "party_group", "status"])
    if person.user is not None and person.user.is_active:
        # The login stops working (accounts refuses an inactive user); the account is kept.
        person.user.is_active = False
        save_as(person.user, access.user, update_fields=["is_active"])
    return person
