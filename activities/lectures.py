"""One way to record a lecture (issue 21): a secretary records a 党课, and who gave it decides what
it counts for. Given by the unit's secretary it is the secretary's lecture (书记讲党课), which
the yearly requirement counts; given by anyone else it is a party class (党课) of 三会一课.
The two kinds stay in the data, so that records entered before keep their kind and the
compliance, scoring and reports read them as before.

The same rule holds for a general branch's own lecture (issue 20, "各党总支、支部书记每年组织一次
党课"): given by the general branch's secretary it is its secretary's lecture; given by anyone
else, a branch's secretary included, a party class of the general branch."""

from __future__ import annotations

import datetime

from django.db.models import Q

from branches.models import Branch, GeneralBranch, Person, Position

from .models import Kind


def secretary_on(day: datetime.date, **unit) -> Person | None:
    """Who was the unit's secretary (书记, not a deputy) on ``day``, if anybody; ``unit`` is
    ``branch=`` or ``general_branch=``."""
    position = (
        Position.objects.filter(
            Q(ended_on__isnull=True) | Q(ended_on__gte=day),
            title=Position.Title.SECRETARY,
            started_on__lte=day,
            **unit,
        )
        .select_related("person")
        .order_by("-started_on", "-pk")
        .first()
    )
    return position.person if position else None


def branch_secretary_on(branch: Branch | int, day: datetime.date) -> Person | None:
    """Who was the branch's secretary (书记, not a deputy) on ``day``, if anybody."""
    return secretary_on(day, branch=branch)


def general_branch_secretary_on(general_branch: GeneralBranch | int, day: datetime.date) -> Person | None:
    """Who was the general branch's secretary (书记, not a deputy) on ``day``, if anybody."""
    return secretary_on(day, general_branch=general_branch)


def lecture_kind(
    *,
    branch: Branch | None = None,
    general_branch: GeneralBranch | None = None,
    host: Person | None,
    held_on: datetime.date | None,
) -> str:
    """The kind of a lecture, from who gave it (issue 21: one way to record a lecture): the
    unit's secretary on that day makes it the secretary's lecture, which counts toward the
    yearly requirement; anyone else (or nobody named) a party class."""
    if host is not None and held_on is not None:
        if branch is not None:
            secretary = branch_secretary_on(branch, held_on)
        else:
            secretary = general_branch_secretary_on(general_branch, held_on)
        if secretary is not None and secretary.pk == host.pk:
            return Kind.SECRETARY_LECTURE
    return Kind.PARTY_CLASS
