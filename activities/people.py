"""Who a general branch's own meetings list (issue 20). A general branch has no members of its
own: its party members are those of its branches, and its committee (党总支委员会) is the people
holding its open committee positions.

- 党总支委员会: the committee (书记, 副书记, 组织/宣传/纪检委员, 委员 of the general branch), as a
  branch's 支委会 lists the branch committee; when none is recorded, the members of its branches,
  so that the meeting can still be entered.
- its secretary's 党课, its members' meeting and its other meetings: every current member of its
  active branches. The plan has the general-branch secretary "组织一次党课" for the party members
  of the general branch (党性教育 of every member, not of the secretaries only), and attendance
  is what the compliance and the members' own records read; the committee is added, as a
  committee member may sit in a branch outside it.
"""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.utils import timezone

from branches.models import GeneralBranch, Person, Position

from .models import Kind


def general_branch_committee(general_branch: GeneralBranch, day: datetime.date | None = None):
    """The people holding an open committee position of ``general_branch`` on ``day``."""
    day = day or timezone.localdate()
    seats = Position.objects.open_on(day).filter(
        general_branch=general_branch, title__in=Position.COMMITTEE_TITLES
    )
    return Person.objects.filter(pk__in=seats.values("person_id"))


def general_branch_people(general_branch: GeneralBranch):
    """Everyone a general branch's meeting may list: the members of its active branches and its
    committee (a queryset, ordered by branch and employee number)."""
    return (
        Person.objects.filter(
            Q(branch__general_branch=general_branch, branch__is_active=True)
            | Q(pk__in=general_branch_committee(general_branch).values("pk"))
        )
        .select_related("branch")
        .order_by("branch__sort_order", "branch__name_key", "employee_no")
    )


def general_branch_attendees(general_branch: GeneralBranch, kind: str) -> list[Person]:
    """The people whose attendance a general branch's meeting records (see the module)."""
    if kind == Kind.GB_COMMITTEE_MEETING:
        committee = list(general_branch_committee(general_branch).order_by("employee_no"))
        if committee:
            return committee
    return list(general_branch_people(general_branch))
