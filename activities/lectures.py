"""One way to record a lecture (issue 21): a secretary records a 党课, and who gave it decides what
it counts for. Given by the branch's secretary it is the secretary's lecture (书记讲党课), which
the yearly requirement counts; given by anyone else it is a party class (党课) of 三会一课.
The two kinds stay in the data, so that records entered before keep their kind and the
compliance, scoring and reports read them as before."""

from __future__ import annotations

import datetime

from django.db.models import Q

from branches.models import Branch, Person, Position

from .models import Kind


def branch_secretary_on(branch: Branch | int, day: datetime.date) -> Person | None:
    """Who was the branch's secretary (书记, not a deputy) on ``day``, if anybody."""
    position = (
        Position.objects.filter(
            Q(ended_on__isnull=True) | Q(ended_on__gte=day),
            branch=branch,
            title=Position.Title.SECRETARY,
            started_on__lte=day,
        )
        .select_related("person")
        .order_by("-started_on", "-pk")
        .first()
    )
    return position.person if position else None


def lecture_kind(*, branch: Branch, host: Person | None, held_on: datetime.date | None) -> str:
    """The kind of a lecture, from who gave it (issue 21: one way to record a lecture): the
    branch's secretary on that day makes it the secretary's lecture, which counts toward the
    yearly requirement; anyone else (or nobody named) a party class."""
    if host is not None and held_on is not None:
        secretary = branch_secretary_on(branch, held_on)
        if secretary is not None and secretary.pk == host.pk:
            return Kind.SECRETARY_LECTURE
    return Kind.PARTY_CLASS
