"""A demo institute: the 26th Research Institute of the seed with its leading group and campaign
office, a plausible tree of general branches, branches and party groups, ~600 staff, ~300 party
members, and one login per role.

Everything is drawn from ``random.Random(seed)``, so the same seed gives the same institute.
Rows are written with ``bulk_create_with_history`` (each one gets its audit row); the few
transfers go through the membership services so that their history reads like real ones.
The load is idempotent: when the committee exists, nothing is written.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from django.contrib.auth.hashers import check_password
from django.db import transaction
from django.utils import timezone

from accounts.access import Role
from accounts.models import User
from branches.models import (
    PartyCommittee,
    Person,
    Position,
)
from campaigns.models import Campaign, LeadingGroupMember, OfficeMember

from .build import _Builder
from .data import (
    COMMITTEE_NAME,
    DEMO_PASSWORD,
    LOGINS,
)
from .year import YearBuilder


@dataclass(frozen=True)
class DemoLogin:
    role: str  # the intended primary role (accounts.access.Role)
    username: str
    password: str | None  # None: not the demo password any more
    name: str
    unit: str  # where the role applies: seat title, branch or department

    @property
    def role_label(self) -> str:
        return str(Role(self.role).label)


@dataclass
class DemoResult:
    committee: PartyCommittee
    campaign: Campaign | None
    created: bool
    logins: list[DemoLogin]
    people: int
    members: int
    staff: int


def demo_load(*, seed: int = 2026, today: datetime.date | None = None, year: bool = True) -> DemoResult:
    """Load the demo institute unless it is there already; return its logins and head counts.
    ``year=False`` builds the organisation only, without the campaign year as lived (the tests
    of the organisation's shape, which need not pay for a year of records each)."""
    committee = PartyCommittee.objects.filter(name=COMMITTEE_NAME).first()
    if committee is not None:
        return _result(committee, created=False)
    today = today or timezone.localdate()
    builder = _Builder(random.Random(seed), today)
    with transaction.atomic():
        committee = builder.build()
        # The year as lived draws from its own generator: the institute stays as it was.
        if year:
            YearBuilder(random.Random(f"{seed}-year"), today, committee.campaigns.get()).build()
    return _result(committee, created=True, check=builder.taken)


def _result(committee: PartyCommittee, *, created: bool, check: set[str] | None = None) -> DemoResult:
    people = Person.objects.filter(committee=committee)
    return DemoResult(
        committee=committee,
        campaign=committee.campaigns.order_by("-started_on").first(),
        created=created,
        logins=_logins(committee, check=check),
        people=people.count(),
        members=people.members().count(),
        staff=people.staff().count(),
    )


def _logins(committee: PartyCommittee, *, check: set[str] | None = None) -> list[DemoLogin]:
    """The demo logins as they are now in the database (also on a later run).

    A login whose password is not the demo password (changed since, or an account that existed
    before the load) shows ``password=None``. ``check`` names the logins to check (None: all);
    the demo accounts share one hash, so checking them all costs one hashing, not eight."""
    users = {u.username: u for u in User.objects.filter(username__in=[u for u, _ in LOGINS])}
    people = {
        p.user_id: p
        for p in Person.objects.filter(committee=committee, user__in=users.values()).select_related(
            "branch", "department"
        )
    }
    seats = {s.person_id: s.title for s in LeadingGroupMember.objects.filter(campaign__committee=committee)}
    seats.update({s.person_id: s.title for s in OfficeMember.objects.filter(campaign__committee=committee)})
    positions = {
        p.person_id: p.unit.name
        for p in Position.objects.filter(
            person__in=people.values(), title=Position.Title.SECRETARY, ended_on__isnull=True
        ).select_related("branch", "general_branch")
    }
    demo_hashes: dict[str, bool] = {}

    def password(user: User) -> str | None:
        if check is not None and user.username not in check:
            return DEMO_PASSWORD
        if user.password not in demo_hashes:
            demo_hashes[user.password] = check_password(DEMO_PASSWORD, user.password)
        return DEMO_PASSWORD if demo_hashes[user.password] else None

    rows = []
    for username, role in LOGINS:
        user = users.get(username)
        if user is None:
            continue
        person = people.get(user.pk)
        if role == Role.ADMIN:
            rows.append(DemoLogin(role, username, password(user), user.display_name(), ""))
            continue
        if person is None:  # not one of this institute's people (taken before the load, or relinked)
            continue
        if role in (Role.LEADING_GROUP, Role.OFFICE):
            unit = seats.get(person.pk, "")
        elif role == Role.SECRETARY:
            unit = positions.get(person.pk, "")
        elif role == Role.MEMBER:
            unit = person.branch.name if person.branch else ""
        else:
            unit = person.department.name if person.department else ""
        rows.append(DemoLogin(role, username, password(user), person.name, unit))
    return rows
