"""Who is told about a pledge's progress through the workflow (in-app and by e-mail).

The message is written in the actor's language at the time of the action."""

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.services import notify
from branches.models import GeneralBranch, Position

from .models import Pledge


def secretaries(branch):
    """The secretaries of a branch and of its general branch; given a general branch, its own."""
    today = timezone.localdate()
    if isinstance(branch, GeneralBranch):
        unit = Q(general_branch=branch)
    else:
        unit = Q(branch=branch) | (
            Q(general_branch=branch.general_branch_id) if branch.general_branch_id else Q()
        )
    positions = Position.objects.filter(
        unit, title__in=Position.SECRETARY_TITLES, started_on__lte=today
    ).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today))
    return User.objects.filter(person__positions__in=positions)


def writers(pledge: Pledge):
    if pledge.is_unit:
        return secretaries(pledge.unit)
    return User.objects.filter(person=pledge.person_id)


def approvers(pledge: Pledge):
    if pledge.is_unit:
        return User.objects.filter(person__office_seats__campaign=pledge.campaign_year.campaign_id)
    return secretaries(pledge.branch)


def tell(users, pledge: Pledge, access, message: str) -> None:
    """Tell the others concerned (never the actor) what happened, with a link to the pledge."""
    recipients = users.exclude(pk=access.user.pk).distinct()
    notify(users=list(recipients), message=message, link=reverse("pledges:detail", args=[pledge.pk]))


def label(pledge: Pledge) -> dict:
    owner = pledge.person.name if pledge.person_id else pledge.unit.name
    return {"owner": owner, "kind": pledge.get_kind_display(), "year": pledge.campaign_year.year}
