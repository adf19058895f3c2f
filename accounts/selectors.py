"""Reads of the login pages (the office's): people with their logins, the units to choose from,
and the counts shown before logins are created. Each page costs a fixed number of queries."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from branches.models import Branch, Department, GeneralBranch, Person

from .workflow import PERMISSION, TAKES_PART


def people_for_logins(access) -> QuerySet[Person]:
    """The people whose logins ``access`` manages: those of the institutes it runs."""
    return access.restrict(Person.objects.all(), PERMISSION, branch="branch", committee="committee")


def _in_reach(access, queryset):
    return access.restrict_institute(queryset, PERMISSION, committee="committee")


def unit_choices(access) -> list:
    """The units one may pick (grouped choices): departments, general branches, branches; values
    "d12", "g3", "b7". Three queries."""
    groups = [
        ("d", _("Departments"), Department.objects.filter(is_active=True).order_by("sort_order", "name")),
        (
            "g",
            _("General branches"),
            GeneralBranch.objects.filter(is_active=True).order_by("sort_order", "name"),
        ),
        ("b", _("Branches"), Branch.objects.active().order_by(*Branch.TREE_ORDER)),
    ]
    return [
        (label, [(f"{prefix}{pk}", name) for pk, name in _in_reach(access, qs).values_list("pk", "name")])
        for prefix, label, qs in groups
    ]


def unit_filter(value: str) -> Q:
    """The people of a unit chosen in ``unit_choices``: a department's staff, the members of a
    branch, the members of a general branch's branches."""
    kind, pk = value[:1], int(value[1:])
    return {
        "d": Q(department_id=pk),
        "g": Q(branch__general_branch_id=pk),
        "b": Q(branch_id=pk),
    }[kind]


def login_list(access, *, unit: str = "", query: str = "", state: str = "") -> QuerySet[Person]:
    people = people_for_logins(access).select_related("user", "department", "branch")
    if unit:
        people = people.filter(unit_filter(unit))
    if query:
        people = people.filter(
            Q(name__icontains=query) | Q(employee_no__iexact=query) | Q(user__username__iexact=query)
        )
    if state == "none":
        people = people.filter(user__isnull=True)
    elif state == "active":
        people = people.filter(user__isnull=False, user__is_active=True)
    elif state == "inactive":
        people = people.filter(user__isnull=False, user__is_active=False)
    return people.order_by("department__sort_order", "department__name", "name", "employee_no")


def issue_counts(people: QuerySet[Person]) -> dict:
    """How many of ``people`` get a login, already have one, or do not take part: one query."""
    return people.aggregate(
        to_create=Count("pk", filter=Q(user__isnull=True) & TAKES_PART),
        have_login=Count("pk", filter=Q(user__isnull=False)),
        not_taking_part=Count("pk", filter=Q(user__isnull=True) & ~TAKES_PART),
    )


def issue_preview(people: QuerySet[Person], *, limit: int = 100) -> list[Person]:
    """The first ``limit`` people who would get a login (the page names them): one query."""
    return list(
        people.filter(TAKES_PART, user__isnull=True)
        .select_related("department", "branch")
        .order_by("department__sort_order", "department__name", "name", "employee_no")[:limit]
    )
