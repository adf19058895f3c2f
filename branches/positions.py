"""Positions and elections (换届): appointing and ending 书记, 副书记, 组织委员, 宣传委员, 纪检委员,
委员 and 党小组长, recording an election, and ending the positions a transfer or leaving the
institute takes away. Like ``branches.services``: keyword-only, authorised by
``branches.workflow.POSITIONS``, validated (``ValidationError``, nothing written), kept in the
history, never deleted.

A position holds on every day from ``started_on`` to ``ended_on`` inclusive; rights follow from
the positions held today (``accounts.access``), so ending one changes rights at once.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.services import save_as

from .models import Branch, Election, GeneralBranch, PartyGroup, Person, Position
from .workflow import POSITIONS

Unit = Branch | GeneralBranch
DAY = datetime.timedelta(days=1)


def unit_filter(unit: Unit, prefix: str = "") -> dict:
    return {f"{prefix}branch" if isinstance(unit, Branch) else f"{prefix}general_branch": unit}


def is_member_of(person: Person, unit: Unit) -> bool:
    """Whether ``person`` is a party member of ``unit`` now (of one of its branches, for a
    general branch)."""
    if person.branch_id is None:
        return False
    if isinstance(unit, Branch):
        return person.branch_id == unit.pk
    return Branch.objects.filter(pk=person.branch_id, general_branch=unit).exists()


def _lock_unit(unit: Unit) -> None:
    # Appointments in one unit wait for each other: two clicks cannot both name a 书记.
    type(unit).objects.select_for_update().filter(pk=unit.pk).first()


def _check_dates(started_on: datetime.date, ended_on: datetime.date | None) -> None:
    if ended_on is not None and ended_on < started_on:
        raise ValidationError(
            _("The end date %(end)s is before the start date %(start)s.")
            % {"end": ended_on.isoformat(), "start": started_on.isoformat()},
            code="end_before_start",
        )


def _check_overlap(
    *,
    unit: Unit,
    person: Person,
    title: str,
    party_group: PartyGroup | None,
    started_on: datetime.date,
    ended_on: datetime.date | None,
) -> None:
    """Refuse a term that overlaps the same person's term of the same office, or another
    person's term of an office held by one person at a time."""
    overlapping = Position.objects.filter(**unit_filter(unit), title=title).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=started_on)
    )
    if ended_on is not None:
        overlapping = overlapping.filter(started_on__lte=ended_on)
    label = Position.Title(title).label
    same = overlapping.filter(person=person)
    if title == Position.Title.GROUP_LEADER:
        same = same.filter(party_group=party_group)
    if held := same.first():
        raise ValidationError(
            _(
                "%(name)s already holds the office of %(title)s in %(unit)s from %(start)s; the terms would overlap."
            )
            % {"name": person.name, "title": label, "unit": unit.name, "start": held.started_on.isoformat()},
            code="overlap_same_person",
        )
    if title == Position.Title.GROUP_LEADER:
        others = overlapping.filter(party_group=party_group)
    elif title in Position.SINGLE_SEAT_TITLES:
        others = overlapping
    else:
        return
    if other := others.exclude(person=person).select_related("person").first():
        raise ValidationError(
            _(
                "%(unit)s already has a %(title)s for part of this time: %(name)s, from %(start)s. "
                "End that position first, or record an election."
            )
            % {
                "unit": party_group.name if title == Position.Title.GROUP_LEADER else unit.name,
                "title": label,
                "name": other.person.name,
                "start": other.started_on.isoformat(),
            },
            code="overlap_single_seat",
        )


def _check_holder(*, unit: Unit, person: Person, title: str, party_group: PartyGroup | None) -> None:
    if not is_member_of(person, unit):
        raise ValidationError(
            _("%(name)s is not a party member of %(unit)s; only its members hold its positions.")
            % {"name": person.name, "unit": unit.name},
            code="not_member",
        )
    if title == Position.Title.GROUP_LEADER:
        if not isinstance(unit, Branch):
            raise ValidationError(_("A general branch has no party groups."), code="group_in_general_branch")
        if party_group is None:
            raise ValidationError(_("Choose the party group this person leads."), code="group_required")
        if party_group.branch_id != unit.pk:
            raise ValidationError(
                _("Party group “%(group)s” does not belong to branch “%(branch)s”.")
                % {"group": party_group.name, "branch": unit.name},
                code="group_elsewhere",
            )


@transaction.atomic
def position_appoint(
    *,
    unit: Unit,
    person: Person,
    title: str,
    started_on: datetime.date,
    ended_on: datetime.date | None = None,
    party_group: PartyGroup | None = None,
    access,
) -> Position:
    """Appoint ``person`` to ``title`` in ``unit`` (a Branch or GeneralBranch)."""
    POSITIONS.authorize(access, unit, POSITIONS.action_for(title))
    _lock_unit(unit)
    person = Person.objects.get(pk=person.pk)
    if title != Position.Title.GROUP_LEADER:
        party_group = None
    _check_dates(started_on, ended_on)
    _check_holder(unit=unit, person=person, title=title, party_group=party_group)
    _check_overlap(
        unit=unit,
        person=person,
        title=title,
        party_group=party_group,
        started_on=started_on,
        ended_on=ended_on,
    )
    position = Position(
        person=person,
        title=title,
        party_group=party_group,
        started_on=started_on,
        ended_on=ended_on,
        **unit_filter(unit),
    )
    return save_as(position, access.user)


@transaction.atomic
def position_end(*, position: Position, ended_on: datetime.date, access) -> Position:
    """End a position on ``ended_on`` (the last day it is held)."""
    position = (
        Position.objects.select_for_update(of=("self",))
        .select_related("branch", "general_branch", "person")
        .get(pk=position.pk)
    )
    POSITIONS.authorize(access, position.unit, POSITIONS.action_for(position.title))
    if position.ended_on is not None and position.ended_on < timezone.localdate():
        raise ValidationError(
            _("This position already ended on %(date)s.") % {"date": position.ended_on.isoformat()},
            code="already_ended",
        )
    _check_dates(position.started_on, ended_on)
    position.ended_on = ended_on
    return save_as(position, access.user, update_fields=["ended_on"])


def positions_end_for_move(*, person: Person, units, last_day: datetime.date, actor) -> list[Position]:
    """End ``person``'s positions in ``units`` that still run after ``last_day``: part of a
    transfer or of leaving, whose service has authorised the move. A position begun after
    ``last_day`` ends on its first day (nothing is deleted)."""
    q = Q(pk__in=[])
    for unit in units:
        q |= Q(**unit_filter(unit))
    ended = []
    for position in (
        Position.objects.select_for_update().filter(q, person=person).not_ended_by(last_day + DAY)
    ):
        position.ended_on = max(last_day, position.started_on)
        ended.append(save_as(position, actor, update_fields=["ended_on"]))
    return ended


def unit_committee(unit: Unit, on: datetime.date):
    """The committee positions (not the 党小组长) of ``unit`` that run on ``on`` or later."""
    return Position.objects.filter(**unit_filter(unit), title__in=Position.COMMITTEE_TITLES).not_ended_by(on)


@transaction.atomic
def election_record(
    *,
    unit: Unit,
    held_on: datetime.date,
    term_ends_on: datetime.date,
    committee: list[tuple[str, Person]],
    note: str = "",
    access,
) -> Election:
    """Record a 换届: the old committee's positions end the day before ``held_on`` and the new
    committee (``committee``: (title, person) pairs, one 书记) starts on it, all or nothing."""
    POSITIONS.authorize(access, unit, "elect")
    _lock_unit(unit)
    if term_ends_on <= held_on:
        raise ValidationError(
            _("The term must end after the election date %(date)s.") % {"date": held_on.isoformat()},
            code="end_before_start",
        )
    titles = [title for title, _person in committee]
    if titles.count(Position.Title.SECRETARY) != 1:
        raise ValidationError(_("The new committee needs exactly one secretary."), code="secretary_required")
    for title in Position.SINGLE_SEAT_TITLES:
        if titles.count(title) > 1:
            raise ValidationError(
                _("Only one person can be %(title)s.") % {"title": Position.Title(title).label},
                code="overlap_single_seat",
            )
    people = [person for _title, person in committee]
    seen = set()
    for person in people:
        if person.pk in seen:
            raise ValidationError(
                _("%(name)s is named twice; each person holds one office in the committee.")
                % {"name": person.name},
                code="overlap_same_person",
            )
        seen.add(person.pk)
    fresh = {p.pk: p for p in Person.objects.filter(pk__in=seen)}
    for person in people:
        _check_holder(unit=unit, person=fresh[person.pk], title="", party_group=None)
    last = Election.objects.filter(**unit_filter(unit)).order_by("-held_on").first()
    if last is not None and held_on <= last.held_on:
        raise ValidationError(
            _("The election date must be after the last election, on %(date)s.")
            % {"date": last.held_on.isoformat()},
            code="election_too_early",
        )
    old = list(unit_committee(unit, held_on).select_for_update())
    if too_recent := [p for p in old if p.started_on >= held_on]:
        raise ValidationError(
            _("The election date must be after %(date)s, when a position of the current committee began.")
            % {"date": max(p.started_on for p in too_recent).isoformat()},
            code="election_too_early",
        )
    for position in old:
        position.ended_on = held_on - DAY
        save_as(position, access.user, update_fields=["ended_on"])
    election = save_as(
        Election(
            held_on=held_on,
            term_ends_on=term_ends_on,
            note=note,
            recorded_by=access.user,
            **unit_filter(unit),
        ),
        access.user,
    )
    for title, person in committee:
        save_as(
            Position(person=person, title=title, started_on=held_on, election=election, **unit_filter(unit)),
            access.user,
        )
    return election
