"""The office's writes on logins: issue for many people at once, reset a password, deactivate
and reactivate. Each takes the actor's ``access`` and is authorised by ``accounts.workflow``.

An issued or reset password is a one-time password for a printed slip: it is returned to the
caller once (for the PDF made in the same response) and stored only as a hash; the login must
change it at its next sign-in (``User.must_change_password``)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.contrib.auth.hashers import get_hasher
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from branches.models import Person
from core.services import lock, save_as

from .loginnames import next_free_names, save_under_free_name
from .models import User
from .workflow import TAKES_PART, authorize

# No 0/O, 1/l/I: the password is read off paper and typed. 12 of 31 signs: about 59 bits.
ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
LENGTH = 12
# A one-time password is random and replaced at the first sign-in, so it is hashed with few
# iterations: a whole department's logins are made within the request (the default hasher's
# hundreds of thousands of rounds take ~0.4 s per password). Django re-hashes it with the full
# count when it is used, and the person's own password gets the full count anyway.
ONE_TIME_ITERATIONS = 1000


@dataclass(frozen=True)
class Slip:
    """One login slip: what the person needs to sign in the first time."""

    name: str
    unit: str
    username: str
    password: str


def new_password() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def one_time_hash(password: str) -> str:
    hasher = get_hasher()
    salt = hasher.salt()
    if hasattr(hasher, "iterations"):  # PBKDF2 (the default); the test settings use MD5
        return hasher.encode(password, salt, iterations=ONE_TIME_ITERATIONS)
    return hasher.encode(password, salt)


def unit_of(person: Person) -> str:
    """The unit a slip names: the department, else the branch."""
    parts = [str(u) for u in (person.department, person.branch) if u is not None]
    return " · ".join(dict.fromkeys(parts))


def _unlock(username: str) -> None:
    # A forgotten password often comes after a lock-out: a new slip works at once.
    from axes.utils import reset

    reset(username=username)


@transaction.atomic
def logins_issue(*, access, people) -> list[Slip]:
    """Give a login to each of ``people`` (a queryset) who has none yet; the others are left as
    they are, and so are those who do not take part (``workflow.takes_part``). Returns the slips,
    in the order of the people. All or nothing: one person the actor may not give a login
    refuses the whole action."""
    people = list(
        people.filter(TAKES_PART, user__isnull=True)
        .select_for_update(of=("self",))
        .select_related("department", "branch")
        .order_by("department__sort_order", "department__name", "name", "employee_no")
    )
    for person in people:
        authorize(access, person, "issue")
    slips = []
    for person, username in zip(people, next_free_names(p.name for p in people), strict=True):
        password = new_password()
        user = User(username=username, password=one_time_hash(password), must_change_password=True)
        save_under_free_name(user, person.name, access.user)
        person.user = user
        save_as(person, access.user, update_fields=["user"])
        slips.append(Slip(person.name, unit_of(person), user.username, password))  # as saved
    return slips


def _locked_person(person: Person) -> Person:
    lock(person, refresh=("user_id", "status", "branch_id"))
    if person.user is not None:
        lock(person.user, refresh=("is_active", "is_superuser", "is_staff", "must_change_password"))
    return person


@transaction.atomic
def login_reset_password(*, access, person: Person) -> Slip:
    """A new one-time password for ``person``'s login (a new slip); the old one stops working,
    and with it every session of the login (Django ties sessions to the password hash)."""
    _locked_person(person)
    authorize(access, person, "reset")
    password = new_password()
    user = person.user
    user.password = one_time_hash(password)
    user.must_change_password = True
    save_as(user, access.user, update_fields=["password", "must_change_password"])
    _unlock(user.username)
    return Slip(person.name, unit_of(person), user.username, password)


@transaction.atomic
def login_set_active(*, access, person: Person, active: bool) -> User:
    """Deactivate (``active=False``) or reactivate a login; nothing is deleted, the history
    keeps who did it and when."""
    _locked_person(person)
    authorize(access, person, "reactivate" if active else "deactivate")
    if not active and person.user_id == getattr(access.user, "pk", None):
        raise ValidationError(_("You cannot deactivate your own login."), code="own")
    user = person.user
    user.is_active = active
    save_as(user, access.user, update_fields=["is_active"])
    return user
