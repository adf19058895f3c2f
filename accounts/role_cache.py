"""The records behind a login's roles, read once per person and day until they change.

Every page reads the roles (the menu shows what they permit): one UNION query over seats,
secretary positions, their general branches' branches and the department's branches
(``accounts.access._role_records``). Its rows are kept in the cache under a key holding the
login's ``roles_version``, which comes with the user on every request (``accounts.backends``
loads the whole row). Every change of the records the rows come from bumps the version of the
logins concerned in the same transaction, so the next request of such a login misses the cache
and reads the roles again: a removed secretary loses the secretary's pages on the next request,
in every worker, although the cache is each process's own (``CACHES``). The day is part of the
key, as positions and campaigns start and end on dates. What the person row itself says (membership, employment, institute) is read fresh on
every request and never cached.

Only requests use the cache (``accounts.access.get_access``); services, workers and commands
call ``compute_access``, which reads the records every time.

The version is bumped by signals, so the admin, the services and the roster import are all
covered; a bulk ``QuerySet.update()`` of positions, seats or campaigns sends no signal and must
call ``roles_changed`` itself (none does today; nor of branches between general branches)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.cache import cache
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

# A day at most: the day is in the key anyway.
TIMEOUT = 24 * 60 * 60


# The shape of the rows (``accounts.access._role_records``): raised when it changes, so that
# rows cached by the code before are not read as the code now expects them (2: the general
# branches' branches).
SHAPE = 2


def key(user, person, today: datetime.date) -> str:
    return (
        f"roles{SHAPE}:{user.pk}:{getattr(user, 'roles_version', 0)}:{person.pk}:"
        f"{person.department_id}:{today.isoformat()}"
    )


def enabled() -> bool:
    # Off in the test settings: the suite's query counts compare requests with and without
    # growth, and a roles query only on a login's first request would tell them apart.
    # tests/test_role_cache.py switches it on.
    return getattr(settings, "CXZY_ROLE_CACHE", True)


def get(user, person, today: datetime.date) -> list[tuple] | None:
    return cache.get(key(user, person, today)) if enabled() else None


def put(user, person, today: datetime.date, rows: list[tuple]) -> None:
    if enabled():
        cache.set(key(user, person, today), rows, TIMEOUT)


def roles_changed(*, person_ids=None, department_ids=None) -> None:
    """Bump the version of the logins of these people, or of the people of these departments:
    their cached role records are not used again."""
    from branches.models import Person

    from .models import User

    people = Person.objects.none()
    if person_ids:
        people |= Person.objects.filter(pk__in=[pk for pk in person_ids if pk is not None])
    if department_ids:
        people |= Person.objects.filter(department_id__in=list(department_ids))
    if person_ids or department_ids:
        # A version per login, not a timestamp: two changes in one clock tick still differ.
        User.objects.filter(pk__in=people.filter(user__isnull=False).values("user_id")).update(
            roles_version=F("roles_version") + 1
        )


def _person_changed(sender, instance, **kwargs):
    roles_changed(person_ids=[instance.person_id])


def _campaign_changed(sender, instance, **kwargs):
    # Its seats give roles only while it runs, in its institute: dates, status or institute.
    from campaigns.models import LeadingGroupMember, OfficeMember

    seated = [
        *LeadingGroupMember.objects.filter(campaign=instance).values_list("person_id", flat=True),
        *OfficeMember.objects.filter(campaign=instance).values_list("person_id", flat=True),
    ]
    roles_changed(person_ids=seated)


def _branch_departments_changed(sender, instance, action, reverse, pk_set, **kwargs):
    # The branches set up for a department are the reach of its staff.
    from branches.models import Branch, Department

    if action not in ("pre_clear", "post_add", "post_remove"):
        return
    if isinstance(instance, Department):
        departments = {instance.pk}
    elif action == "pre_clear":
        departments = set(instance.departments.values_list("pk", flat=True))
    else:
        departments = set(pk_set or ())
    assert isinstance(instance, Department | Branch)
    roles_changed(department_ids=departments)


def _general_branch_secretaries(general_branch_ids) -> list[int]:
    from branches.models import Position

    return list(
        Position.objects.filter(
            general_branch_id__in=[pk for pk in general_branch_ids if pk is not None],
            title__in=Position.SECRETARY_TITLES,
        ).values_list("person_id", flat=True)
    )


def _branch_moving(sender, instance, raw=False, **kwargs):
    # The general branch it leaves: its secretary's roles list its branches.
    if raw or instance.pk is None:
        instance._general_branch_before = None
        return
    instance._general_branch_before = (
        sender.objects.filter(pk=instance.pk).values_list("general_branch_id", flat=True).first()
    )


def _branch_moved(sender, instance, created, raw=False, **kwargs):
    before = getattr(instance, "_general_branch_before", None)
    if created or before != instance.general_branch_id:
        roles_changed(person_ids=_general_branch_secretaries({before, instance.general_branch_id}))


def _branch_deleted(sender, instance, **kwargs):
    roles_changed(
        person_ids=_general_branch_secretaries({instance.general_branch_id}),
        department_ids=set(instance.departments.values_list("pk", flat=True)),
    )


def connect() -> None:
    """Called once from ``AccountsConfig.ready``."""
    from branches.models import Branch, Position
    from campaigns.models import Campaign, LeadingGroupMember, OfficeMember

    for model in (Position, LeadingGroupMember, OfficeMember):
        for signal in (post_save, post_delete):
            signal.connect(_person_changed, sender=model, dispatch_uid=f"roles_changed_{model.__name__}")
    for signal in (post_save, post_delete):
        signal.connect(_campaign_changed, sender=Campaign, dispatch_uid="roles_changed_campaign")
    m2m_changed.connect(
        _branch_departments_changed,
        sender=Branch.departments.through,
        dispatch_uid="roles_changed_departments",
    )
    pre_delete.connect(_branch_deleted, sender=Branch, dispatch_uid="roles_changed_branch_deleted")
    pre_save.connect(_branch_moving, sender=Branch, dispatch_uid="roles_changed_branch_moving")
    post_save.connect(_branch_moved, sender=Branch, dispatch_uid="roles_changed_branch_moved")
