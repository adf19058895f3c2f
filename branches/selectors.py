"""Reads for the organisation pages; each returns querysets with their relations loaded so that
a page costs the same number of queries however many rows it shows."""

from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from .models import (
    Branch,
    Department,
    Election,
    GeneralBranch,
    Membership,
    PartyCommittee,
    PartyGroup,
    Person,
    Position,
)


def open_positions():
    today = timezone.localdate()
    return Position.objects.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today), started_on__lte=today)


def with_member_counts(branches) -> list:
    """The branches of a page with ``member_count`` set, in one query for the page: counting in
    the page's query (Count, or a subquery) counted the members of every branch before the
    page was cut, 60 ms for a group's 5,000 branches."""
    branches = list(branches)
    counts = dict(
        Person.objects.filter(branch__in=branches)
        .order_by()
        .values("branch")
        .annotate(n=Count("pk"))
        .values_list("branch", "n")
    )
    for branch in branches:
        branch.member_count = counts.get(branch.pk, 0)
    return branches


def branch_list(branches):
    return (
        branches.active()
        .select_related("general_branch", "committee")
        .prefetch_related(
            Prefetch(
                "positions",
                queryset=open_positions().filter(title=Position.Title.SECRETARY).select_related("person"),
                to_attr="secretaries",
            ),
            "departments",
        )
        .order_by(
            "committee__name",
            "general_branch__sort_order",
            "general_branch__name_key",
            "sort_order",
            "name_key",
        )
    )


def branch_detail(branches):
    return branches.select_related("general_branch", "committee").prefetch_related(
        "departments",
        Prefetch(
            "party_groups",
            queryset=PartyGroup.objects.filter(is_active=True).annotate(member_count=Count("members")),
        ),
        Prefetch("contact_points__leader"),
    )


def branch_members(branch):
    return branch.members.select_related("party_group", "department").order_by(
        "party_group__name", "employee_no"
    )


def org_tree(branches):
    """Committees → general branches → branches → groups, limited to ``branches``."""
    visible = (
        branches.active()
        .annotate(member_count=Count("members", distinct=True))
        .prefetch_related(Prefetch("party_groups", queryset=PartyGroup.objects.filter(is_active=True)))
    )
    committees = (
        PartyCommittee.objects.filter(branches__in=visible)
        .distinct()
        .prefetch_related(
            Prefetch(
                "branches", queryset=visible.select_related("general_branch"), to_attr="visible_branches"
            ),
            Prefetch(
                "departments",
                queryset=Department.objects.filter(is_active=True).annotate(branch_count=Count("branches")),
            ),
        )
    )
    tree = []
    for committee in committees:
        under: dict[int | None, list] = {}
        general: dict[int, GeneralBranch] = {}
        for branch in committee.visible_branches:
            under.setdefault(branch.general_branch_id, []).append(branch)
            if branch.general_branch_id:
                general[branch.general_branch_id] = branch.general_branch
        tree.append(
            {
                "committee": committee,
                "general_branches": [
                    (general[pk], under[pk])
                    for pk in sorted(general, key=lambda k: (general[k].sort_order, general[k].name))
                ],
                "direct_branches": under.get(None, []),
                "departments_without_branch": [d for d in committee.departments.all() if not d.branch_count],
            }
        )
    return tree


def person_list(people):
    return people.select_related("branch", "party_group", "department").order_by("employee_no")


def person_detail(people):
    return people.select_related("branch", "party_group", "department", "committee", "user").prefetch_related(
        Prefetch("memberships", queryset=Membership.objects.select_related("branch", "party_group")),
        Prefetch(
            "positions", queryset=Position.objects.select_related("branch", "general_branch", "party_group")
        ),
    )


def names_to_suggest(queryset, limit: int = 100) -> list[str] | None:
    """The names of ``queryset`` for a typed filter to suggest (a datalist), or None when there
    are more than ``limit``: too many to send with the page."""
    names = list(queryset.values_list("name", flat=True)[: limit + 1])
    return names if len(names) <= limit else None


def unit_committee(unit) -> dict:
    """The committee of a branch or general branch now and before, in three queries however long
    its history: ``now`` (positions held today, 党小组长 included), ``before`` (positions ended,
    latest first) and ``elections`` (换届, latest first, with ``term_passed``)."""
    today = timezone.localdate()
    where = {"branch": unit} if isinstance(unit, Branch) else {"general_branch": unit}
    rows = list(
        Position.objects.filter(**where)
        .select_related("person", "party_group", "election")
        .order_by("-started_on", "title", "pk")
    )
    order = {title: n for n, title in enumerate(Position.Title.values)}
    now = sorted(
        (p for p in rows if p.started_on <= today and (p.ended_on is None or p.ended_on >= today)),
        key=lambda p: (order[p.title], p.party_group.name if p.party_group else "", p.started_on),
    )
    before = sorted(
        (p for p in rows if p.ended_on is not None and p.ended_on < today),
        key=lambda p: (-p.ended_on.toordinal(), order[p.title]),
    )
    upcoming = [p for p in rows if p.started_on > today]
    elections = list(Election.objects.filter(**where).order_by("-held_on", "-pk"))
    for election in elections:
        election.term_passed = election.term_ends_on < today
    return {"now": now, "before": before, "upcoming": upcoming, "elections": elections}
