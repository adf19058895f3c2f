"""Who may do what, and where: the one place where permissions are decided.

A role is never stored; it follows from the records that make it true, so that a transfer or
the end of a term changes rights at once:

- system administrator: ``user.is_superuser``
- leading group / campaign office: a seat in a running campaign (of one party committee)
- secretary: an open 书记/副书记 position in a branch or general branch
- member: an open membership in a branch
- staff: an employed person

Each role grants permission strings, each within a scope of the org tree. Views declare the
permission they need (``AccessRequiredMixin``); querysets are narrowed with
``Access.restrict`` so that another branch's object is simply not found (404).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.arrays import any_of


class Role(models.TextChoices):
    ADMIN = "admin", _("System administrator")
    LEADING_GROUP = "leading_group", _("Leading group")
    OFFICE = "office", _("Campaign office")
    SECRETARY = "secretary", _("Branch secretary")
    MEMBER = "member", _("Party member")
    STAFF = "staff", _("Staff")


# Order in which a person holding several roles sees home pages: the widest duty first.
ROLE_ORDER = [Role.ADMIN, Role.LEADING_GROUP, Role.OFFICE, Role.SECRETARY, Role.MEMBER, Role.STAFF]

# Permissions that reach the whole institute of the person, whatever the role. Whether one may
# vote in a given evaluation is decided by its list of eligible voters, not by a role.
# "awards.notice": see the public notice (公示) of award candidates and lodge an objection;
# "reports.request": use the download centre (each report checks the permission of its data).
_EVERYONE = {"campaign.view", "evaluations.vote", "suggestions.submit", "awards.notice", "reports.request"}
# Permissions a member holds over the own records only (scope "person").
_OWN = {"reviews.view", "reviews.acknowledge", "scoring.view"}
# The campaign office runs the campaign of its institute; the administrator may do the same
# everywhere (and configures the system in the admin).
_OFFICE = frozenset(
    _EVERYONE
    | {
        "org.view",
        "branches.view",
        "people.view",
        "people.transfer",
        "positions.change",  # appoint and end every position, record elections (换届)
        "positions.change_committee",  # appoint and end 委员 and 党小组长
        "roster.import",
        "roster.export",
        "campaign.change",
        "history.view",
        "audit.view",  # the audit log across all records of the institute
        "pledges.view",
        "pledges.approve_branch",  # approve, return and review (评诺) branch pledges
        "activities.view",
        "activities.reading_list",  # publish the recommended reading lists
        "activities.restore",  # restore an archived activity record, with a reason
        "compliance.view",
        "compliance.change",  # set the required frequencies of a year
        "supervision.view",
        "supervision.change",  # inspections, spot checks, quarterly rounds
        "reviews.view",
        "reviews.write",  # write the semi-annual reviews (半年点评)
        "evaluations.manage",  # open mass evaluations, moderate free text
        "evaluations.results",
        "suggestions.triage",  # triage and answer suggestions (意见箱)
        "appraisal.view",
        "scoring.view",
        "scoring.run",  # run the yearly scoring
        "scoring.change",  # rubric, weights, awarded points and deductions, vetoes
        "awards.view",
        "awards.propose",  # propose candidates, answer objections, announce
        "dashboard.view",
    }
)
ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.ADMIN: _OFFICE,
    Role.OFFICE: _OFFICE,
    # The leading group sees the organisation and aggregated figures, not individual files.
    Role.LEADING_GROUP: frozenset(
        _EVERYONE
        | {
            "org.view",
            "branches.view",
            "pledges.view",
            "activities.view",
            "compliance.view",
            "supervision.view",
            "reviews.view",
            "evaluations.results",
            "appraisal.view",
            "scoring.view",
            "awards.view",
            "awards.approve",  # approve the award list
            "dashboard.view",
        }
    ),
    Role.SECRETARY: frozenset(
        _EVERYONE
        | {
            "org.view",
            "branches.view",
            "people.view",
            "history.view",
            "positions.change_committee",  # the own branch's 委员 and 党小组长 (branches.workflow)
            "pledges.view",
            "pledges.write_branch",  # write, submit and publish the branch pledge
            "pledges.approve_member",  # approve, return and review (评诺) members' pledges
            "activities.view",
            "activities.change",  # enter and correct the branch's activity records
            "activities.restore",  # restore the branch's archived records, with a reason
            "compliance.view",
            "supervision.view",
            "supervision.reply",  # answer inspection findings with closing evidence
            "reviews.view",
            "reviews.acknowledge",  # acknowledge the branch's semi-annual review
            "evaluations.results",
            "suggestions.triage",  # suggestions addressed to the branch
            "appraisal.manage",  # run the branch's democratic appraisal, set grades
            "appraisal.view",
            "scoring.view",
            "dashboard.view",
        }
    ),
    # A member writes the own pledge (the services check it is the own one) and sees the
    # published pledges of the own branch.
    # Semi-annual reviews: only the own (scope "person", see _OWN).
    Role.MEMBER: frozenset(_EVERYONE | _OWN | {"pledges.view", "pledges.write_own"}),
    # Staff see the published pledges of the branches set up for their department.
    Role.STAFF: frozenset(_EVERYONE | {"pledges.view"}),
}


# A scope is one of: ("all", None), ("committee", id), ("general_branch", id), ("branch", id),
# ("person", id).
Scope = tuple[str, int | None]


@dataclass
class Access:
    """What one user may do. The roles that cost queries (seats, positions, the department's
    branches) are read on first need: a request asking only for a permission every role holds
    (casting a ballot, say) does not pay for them, since every role gives those the same reach."""

    user: object
    person: object | None = None
    today: datetime.date | None = None
    # The reach of the _EVERYONE permissions when it is known without a query, else None.
    everyone: set[Scope] | None = None
    _roles: list[str] = field(default_factory=list)
    _grants: dict[str, set[Scope]] = field(default_factory=dict)
    _secretary_positions: list[int] = field(default_factory=list)
    # The branches of each general branch the person is secretary of, read with the roles.
    _general_branch_branches: dict[int, list[int]] = field(default_factory=dict)
    _complete: bool = True
    # Requests read the role records through accounts.role_cache; services and workers never.
    _cached: bool = False

    @property
    def roles(self) -> list[str]:
        self._read_roles()
        return self._roles

    @property
    def grants(self) -> dict[str, set[Scope]]:
        self._read_roles()
        return self._grants

    @property
    def secretary_of(self) -> list[object]:
        """The branches and general branches of the person's secretary positions (a query)."""
        from branches.models import Position

        self._read_roles()
        positions = Position.objects.filter(pk__in=self._secretary_positions).select_related(
            "branch", "general_branch"
        )
        return [p.unit for p in positions.order_by("pk")]

    @property
    def primary_role(self) -> str | None:
        return self.roles[0] if self.roles else None

    def has_role(self, role: str) -> bool:
        return role in self.roles

    def reach(self, permission: str) -> set[Scope]:
        """The scopes ``permission`` reaches (empty when no role grants it)."""
        if permission in _EVERYONE and self.everyone is not None:
            return self.everyone
        return self.grants.get(permission, set())

    def has(self, permission: str) -> bool:
        """Whether a role grants ``permission`` at all; its reach may still be empty (a member of
        staff whose department has no branch sees no pledges, rather than a refusal)."""
        if permission in _EVERYONE and self.everyone is not None:
            return bool(self.everyone)
        return permission in self.grants

    def scope_q(
        self,
        permission: str,
        *,
        branch: str = "branch",
        committee: str | None = None,
        person: str | None = None,
    ) -> Q | None:
        """A filter admitting what ``permission`` reaches, or None when it reaches everything.

        ``branch`` is the lookup from the queried model to its Branch ("" for Branch itself);
        ``committee`` to its PartyCommittee (defaults to the branch's committee); ``person`` to
        the Person a record is about, for permissions held over one's own records.

        A general branch's scope is ``branch IN (its branches' keys)``, the keys read with the
        roles (``_role_records``), rather than a join to the branch table: OR'd with another
        scope or with a record's own general-branch owner (``unit_q``), the join could use no
        index, and PostgreSQL read every record of the group for each page of a general-branch
        secretary (the ledger's count: 62 ms at 1/10 scale, issue 18). Written out, the keys
        also tell the planner how few records they hold: as an array computed in the statement
        (``core.arrays``) it walked the group's records newest first to find a page of them
        (the ledger at full scale: 17 ms, 0.4 ms with the keys)."""
        prefix = f"{branch}__" if branch else ""
        committee = committee if committee is not None else f"{prefix}committee"
        q = Q(pk__in=[])
        for kind, pk in self.reach(permission):
            if kind == "all":
                return None
            if kind == "committee":
                q |= Q(**{f"{committee}_id": pk})
            elif kind == "general_branch":
                if branch:
                    q |= Q(**{f"{branch}_id__in": self._general_branch_branches.get(pk, [])})
                else:
                    q |= Q(general_branch_id=pk)
            elif kind == "branch":
                q |= Q(**{f"{branch}_id" if branch else "pk": pk})
            elif kind == "person" and person is not None:
                q |= Q(**{f"{person}_id" if person else "pk": pk})
        return q

    def reaches_branch(self, permission: str, branch) -> bool:
        """Whether ``permission`` reaches ``branch`` (a Branch): the rule of ``scope_q`` with
        ``branch=""``, decided without a query for a branch already loaded."""
        for kind, pk in self.reach(permission):
            if (
                kind == "all"
                or (kind == "committee" and pk == branch.committee_id)
                or (kind == "general_branch" and pk == branch.general_branch_id)
                or (kind == "branch" and pk == branch.pk)
            ):
                return True
        return False

    def unit_q(
        self,
        permission: str,
        *,
        branch: str = "branch",
        general_branch: str = "general_branch",
        through_branches: bool = False,
    ) -> Q | None:
        """``scope_q`` for a model owned by a branch *or* by a general branch itself (the general
        branch's own pledge, meetings, review: the plan makes it a participant, not only a
        container). ``branch`` and ``general_branch`` are the two nullable owner lookups.

        A general-branch record is reached by "all", by its institute, and by its general
        branch's scope. With ``through_branches`` a branch scope reaches the records of the
        branch's general branch too: the general branch's published pledge is public to the
        members and staff of its branches, as a branch's is to its own."""
        q = self.scope_q(permission, branch=branch)
        if q is None:
            return None
        through = []
        for kind, pk in self.reach(permission):
            if kind == "committee":
                q |= Q(**{f"{general_branch}__committee_id": pk})
            elif kind == "general_branch":
                q |= Q(**{f"{general_branch}_id": pk})
            elif kind == "branch" and through_branches:
                through.append(pk)
        if through:
            from branches.models import Branch

            # A subquery, not a join through the general branch's branches: the join would
            # repeat a record once for each of its branches reached (a member who is also staff
            # of a department whose branch sits under the same general branch). As an array
            # (``core.arrays``): as ``__in`` the planner took a staff home's twenty pledges for
            # thousands and read every person of the group to join them (20 ms at full scale).
            general_branches = Branch.objects.filter(pk__in=through, general_branch__isnull=False)
            q |= any_of(f"{general_branch}_id", general_branches.order_by().values("general_branch_id"))
        return q

    def reaches_general_branch(
        self, permission: str, general_branch, *, through_branches: bool = False
    ) -> bool:
        """Whether ``permission`` reaches a record owned by ``general_branch`` (a GeneralBranch):
        the rule of ``unit_q``. With ``through_branches`` a branch scope needs the general branch's
        branch ids, which costs one query only when such a scope is held."""
        branch_ids = None
        for kind, pk in self.reach(permission):
            if kind == "all" or (kind == "committee" and pk == general_branch.committee_id):
                return True
            if kind == "general_branch" and pk == general_branch.pk:
                return True
            if kind == "branch" and through_branches:
                if branch_ids is None:
                    branch_ids = set(general_branch.branches.values_list("pk", flat=True))
                if pk in branch_ids:
                    return True
        return False

    def reaches_institute(self, permission: str, committee_id: int | None = None) -> bool:
        """Whether ``permission`` reaches a whole institute (``committee_id``, or any when None):
        branch scopes count for nothing here."""
        return any(
            kind == "all" or (kind == "committee" and (committee_id is None or pk == committee_id))
            for kind, pk in self.reach(permission)
        )

    def restrict_institute(self, queryset, permission: str, *, committee: str):
        """``queryset`` narrowed to the institutes ``permission`` reaches as a whole, for pages
        about a whole institute (spot-check draws, quarterly rounds, review rounds); ``committee``
        is the lookup from the model to its PartyCommittee. Branch scopes count for nothing."""
        q = Q(pk__in=[])
        for kind, pk in self.reach(permission):
            if kind == "all":
                return queryset
            if kind == "committee":
                q |= Q(**{f"{committee}_id": pk})
        return queryset.filter(q)

    def restrict(
        self,
        queryset,
        permission: str,
        *,
        branch: str = "branch",
        committee: str | None = None,
        person: str | None = None,
    ):
        q = self.scope_q(permission, branch=branch, committee=committee, person=person)
        return queryset if q is None else queryset.filter(q)

    def _grant(self, role: str, scopes: set[Scope]):
        if role not in self._roles:
            self._roles.append(role)
        own = {("person", self.person.pk)} if self.person is not None else set()
        for perm in ROLE_PERMISSIONS[role] - _EVERYONE:
            # An empty scope reaches nothing; a member's _OWN permissions reach the own records.
            reach = own if (role == Role.MEMBER and perm in _OWN) else scopes
            self._grants.setdefault(perm, set()).update(reach)
        everyone = {("all", None)} if role == Role.ADMIN else {("committee", self.person.committee_id)}
        for perm in _EVERYONE:
            self._grants.setdefault(perm, set()).update(everyone)

    def _read_roles(self):
        """Derive the roles from the records, once: one query for seats, secretary positions and
        the branches set up for the person's department together."""
        if self._complete:
            return
        self._complete = True
        from branches.models import Person

        if self.user.is_superuser:
            self._grant(Role.ADMIN, {("all", None)})
        person = self.person
        if person is not None:
            seats: dict[str, set[Scope]] = {"lead": set(), "office": set(), "secretary": set()}
            department_branches: set[Scope] = set()
            for kind, pk, branch_id, general_branch_id in self._role_rows(person):
                if kind == "department":
                    department_branches.add(("branch", pk))
                elif kind == "general_branch_branch":
                    self._general_branch_branches.setdefault(general_branch_id, []).append(pk)
                elif kind == "secretary":
                    self._secretary_positions.append(pk)
                    seats[kind].add(
                        ("branch", branch_id) if branch_id else ("general_branch", general_branch_id)
                    )
                else:
                    seats[kind].add(("committee", pk))
            if seats["lead"]:
                self._grant(Role.LEADING_GROUP, seats["lead"])
            if seats["office"]:
                self._grant(Role.OFFICE, seats["office"])
            if seats["secretary"]:
                self._grant(Role.SECRETARY, seats["secretary"])
            if person.branch_id:
                self._grant(Role.MEMBER, {("branch", person.branch_id)})
            if person.status == Person.Status.EMPLOYED:
                self._grant(Role.STAFF, department_branches)
        self._roles.sort(key=ROLE_ORDER.index)

    def _role_rows(self, person) -> list[tuple]:
        if not self._cached:
            return list(_role_records(person, self.today))
        from . import role_cache

        rows = role_cache.get(self.user, person, self.today)
        if rows is None:
            rows = list(_role_records(person, self.today))
            role_cache.put(self.user, person, self.today, rows)
        return rows


def _role_records(person, today: datetime.date):
    """(kind, pk, branch_id, general_branch_id) rows: ("lead"|"office", committee id) for each
    seat in a running campaign, ("secretary", position id, unit) for each open 书记/副书记
    position, ("general_branch_branch", branch id, -, general branch id) for each branch of the
    general branches of those positions, ("department", branch id) for each branch set up for
    the person's department."""
    from branches.models import Branch, Position
    from campaigns.models import Campaign, LeadingGroupMember, OfficeMember

    # Typed, or PostgreSQL takes two NULLs in a row for text.
    none = Cast(Value(None), models.BigIntegerField())

    def rows(queryset, kind, pk, branch_id=none, general_branch_id=none):
        # The same four columns in each part of the UNION (and no ORDER BY, which SQLite refuses).
        return (
            queryset.order_by()
            .annotate(role_kind=Value(kind), role_pk=pk, role_branch=branch_id, role_gb=general_branch_id)
            .values_list("role_kind", "role_pk", "role_branch", "role_gb")
        )

    running = Campaign.objects.running(today).values("pk")
    secretary = Position.objects.filter(
        person=person, title__in=Position.SECRETARY_TITLES, started_on__lte=today
    ).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today))
    parts = [
        rows(
            LeadingGroupMember.objects.filter(person=person, campaign__in=running),
            "lead",
            F("campaign__committee_id"),
        ),
        rows(
            OfficeMember.objects.filter(person=person, campaign__in=running),
            "office",
            F("campaign__committee_id"),
        ),
        rows(secretary, "secretary", F("pk"), F("branch_id"), F("general_branch_id")),
        rows(
            Branch.objects.filter(general_branch__in=secretary.values("general_branch_id")),
            "general_branch_branch",
            F("pk"),
            general_branch_id=F("general_branch_id"),
        ),
    ]
    if person.department_id:
        parts.append(rows(Branch.objects.filter(departments=person.department_id), "department", F("pk")))
    return parts[0].union(*parts[1:], all=True)


def compute_access(user, *, today: datetime.date | None = None, cached: bool = False) -> Access:
    """Who ``user`` is and what they may do. Costs no query for a user loaded with the person
    (accounts.backends; else one), and at most 3 more when a permission beyond the everyone-
    permissions, or the roles, are first asked for (``Access._read_roles``). ``cached``: read
    the records behind the roles through ``accounts.role_cache`` (requests only)."""
    from branches.models import Person

    access = Access(user=user, _cached=cached)
    if not user.is_authenticated or not user.is_active:
        return access
    try:
        person = user.person
    except Person.DoesNotExist:
        person = None
    access.person = person
    access.today = today or timezone.localdate()
    access._complete = False
    # Every role grants the everyone-permissions over the person's institute (the administrator:
    # over all). Membership and employment are read off the person, so the reach is known here
    # unless only seats or positions could give this person a role.
    if user.is_superuser:
        access.everyone = {("all", None)}
    elif person is not None and (person.branch_id or person.status == Person.Status.EMPLOYED):
        access.everyone = {("committee", person.committee_id)}
    return access


def get_access(request) -> Access:
    """The request's Access, computed once per request."""
    if not hasattr(request, "_access"):
        request._access = compute_access(request.user, cached=True)
    return request._access
