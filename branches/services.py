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

from .models import Branch, Membership, PartyGroup, Person
from .workflow import MEMBERSHIPS


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
    current = person.memberships.filter(ended_on__isnull=True).select_related("branch").first()
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
    save_as(current, access.user, update_fields=["ended_on"])
    person.branch = branch
    person.party_group = party_group
    save_as(person, access.user, update_fields=["branch", "party_group"])
    membership = Membership(person=person, branch=branch, party_group=party_group, started_on=on, note=note)
    save_as(membership, access.user)
    return membership


@transaction.atomic
def member_leave(*, person: Person, on: datetime.date, note: str = "", access) -> Membership:
    """End a member's party membership here (moved to another organisation, deceased…)."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    current = person.memberships.filter(ended_on__isnull=True).select_related("branch").first()
    if current is None:
        raise ValidationError(_("%(name)s is not a party member of any branch.") % {"name": person.name})
    MEMBERSHIPS.authorize(access, current.branch, "leave")
    if on < current.started_on:
        raise ValidationError(
            _("The date must not be before %(date)s.") % {"date": current.started_on.isoformat()}
        )
    current.ended_on = on
    current.note = note or current.note
    save_as(current, access.user, update_fields=["ended_on", "note"])
    person.branch = None
    person.party_group = None
    save_as(person, access.user, update_fields=["branch", "party_group"])
    return current
