"""Who is told what happened: the secretaries of a branch or general branch, the campaign office of a
campaign."""

from collections.abc import Iterable

from django.db.models import Q

from accounts.models import User
from accounts.services import notify
from branches.models import Branch, Position
from branches.selectors import open_positions


def secretary_users(branch_ids: Iterable[int]) -> dict[int, list[User]]:
    """The active logins of each branch's secretaries and deputies; a branch without one gets
    its general branch's. Two queries."""
    branch_ids = list(branch_ids)
    general = dict(Branch.objects.filter(pk__in=branch_ids).values_list("pk", "general_branch_id"))
    positions = (
        open_positions()
        .filter(title__in=Position.SECRETARY_TITLES, person__user__is_active=True)
        .filter(Q(branch_id__in=branch_ids) | Q(general_branch_id__in={g for g in general.values() if g}))
        .select_related("person__user")
        .order_by("pk")
    )
    by_branch: dict[int, list[User]] = {}
    by_general: dict[int, list[User]] = {}
    for position in positions:
        target = by_branch.setdefault(position.branch_id, []) if position.branch_id else None
        if target is None:
            target = by_general.setdefault(position.general_branch_id, [])
        if position.person.user not in target:
            target.append(position.person.user)
    return {pk: by_branch.get(pk) or by_general.get(general.get(pk), []) for pk in branch_ids}


def general_branch_secretary_users(general_branch_ids: Iterable[int]) -> dict[int, list[User]]:
    """The active logins of each general branch's own secretaries and deputies (not of its
    branches: a general branch's own review is answered by its own secretary). One query."""
    ids = list(general_branch_ids)
    positions = (
        open_positions()
        .filter(title__in=Position.SECRETARY_TITLES, person__user__is_active=True, general_branch_id__in=ids)
        .select_related("person__user")
        .order_by("pk")
    )
    users: dict[int, list[User]] = {pk: [] for pk in ids}
    for position in positions:
        if position.person.user not in users[position.general_branch_id]:
            users[position.general_branch_id].append(position.person.user)
    return users


def office_users(campaign_id: int):
    return User.objects.filter(person__office_seats__campaign_id=campaign_id, is_active=True).distinct()


def tell(users: Iterable[User], actor: User | None, message: str, link: str) -> None:
    """Tell the others concerned (never the actor; None: the scheduler) what happened."""
    notify(
        users=[u for u in dict.fromkeys(users) if actor is None or u.pk != actor.pk],
        message=message,
        link=link,
    )
