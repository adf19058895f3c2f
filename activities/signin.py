"""Writes of the sign-in at meetings (扫码签到, see ``signin_models``). As every service: keyword-
only, atomic, authorised by the workflow (``SIGN_INS``, and ``RECORDS`` to open a window), saved
with the actor in the history. A member's sign-in is the member's own attendance entry."""

from __future__ import annotations

import secrets

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import Access
from branches.models import Person
from core.services import save_as

from .models import ATTENDANCE_KINDS, ActivityRecord, Attendance, AttendanceStatus, SignIn, SignInWindow
from .selectors import expected_attendees
from .workflow import RECORDS, SIGN_INS

# No look-alikes (0/O, 1/I/L): the code is read off a projected screen and typed on a phone.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(code: str) -> str:
    return "".join((code or "").split()).upper()[:20]


def expected_people(record: ActivityRecord) -> list[Person]:
    """Who may sign in: the people the meeting's attendance lists, and anyone already recorded
    (after a transfer), as on the attendance form."""
    people = expected_attendees(
        branch=record.branch,
        kind=record.kind,
        party_group=record.party_group,
        general_branch=record.general_branch,
    )
    known = {p.pk for p in people}
    people += [a.person for a in record.attendance.select_related("person") if a.person_id not in known]
    return people


def _with_expected(window: SignInWindow) -> SignInWindow:
    window.expected_ids = {p.pk for p in expected_people(window.record)}
    return window


def open_window(record: ActivityRecord) -> SignInWindow | None:
    return (
        SignInWindow.objects.filter(record=record, closed_at__isnull=True)
        .select_related("record__branch", "record__general_branch", "record__party_group")
        .first()
    )


@transaction.atomic
def sign_in_open(*, record: ActivityRecord, access: Access) -> SignInWindow:
    """Open the record's sign-in window (or give back the one already open)."""
    record = (
        ActivityRecord.objects.select_for_update(of=("self",))
        .select_related("branch", "general_branch")
        .get(pk=record.pk)
    )
    RECORDS.authorize(access, record, "open_sign_in")
    if record.kind not in ATTENDANCE_KINDS:
        raise ValidationError(_("Sign-in is for meetings and party lectures only."), code="kind")
    existing = open_window(record)
    if existing is not None:
        return existing
    for _attempt in range(10):
        window = SignInWindow(record=record, code=new_code(), opened_by=access.user)
        try:
            with transaction.atomic():  # a code taken by another open window: draw again
                save_as(window, access.user)
        except IntegrityError:
            continue
        return window
    raise ValidationError(_("No free sign-in code was found; try again."))


def _locked_window(**lookup) -> SignInWindow | None:
    return (
        SignInWindow.objects.select_for_update(of=("self",))
        .select_related("record__branch", "record__general_branch", "record__party_group")
        .filter(**lookup)
        .first()
    )


@transaction.atomic
def sign_in(*, code: str, access: Access) -> tuple[SignIn, bool]:
    """Sign the reader in at the open window of ``code``: their attendance becomes present.
    Returns the sign-in and whether it is new (False: already signed in, nothing changed)."""
    window = _locked_window(code=normalise_code(code), closed_at__isnull=True)
    if window is None or window.record.archived_at is not None:
        raise ValidationError(_("This sign-in code is not valid, or sign-in has ended."), code="no_window")
    SIGN_INS.authorize(access, _with_expected(window), "sign_in")
    person = access.person
    already = SignIn.objects.filter(window=window, person=person).first()
    if already is not None:
        return already, False
    signed = SignIn(window=window, person=person)
    save_as(signed, access.user)
    _set_attendance(window.record, person, AttendanceStatus.PRESENT, "", access.user)
    return signed, True


def _set_attendance(record, person, status, reason, actor) -> None:
    row = Attendance.objects.filter(record=record, person=person).first()
    if row is None:
        save_as(Attendance(record=record, person=person, status=status, reason=reason), actor)
    elif (row.status, row.reason) != (status, reason):
        row.status, row.reason = status, reason
        save_as(row, actor)


@transaction.atomic
def sign_in_mark_leave(*, record: ActivityRecord, access: Access, person: Person, reason: str) -> None:
    """The secretary marks a member of the meeting on leave, with the reason."""
    window = _locked_window(record=record, closed_at__isnull=True)
    if window is None:
        raise ValidationError(_("Sign-in for this meeting has ended."), code="closed")
    SIGN_INS.authorize(access, _with_expected(window), "mark_leave")
    reason = (reason or "").strip()
    errors = {}
    if person is None or person.pk not in window.expected_ids:
        errors["person"] = _("Choose a member of this meeting.")
    if not reason:
        errors["reason"] = _("State the reason for the leave.")
    if errors:
        raise ValidationError(errors)
    if window.sign_ins.filter(person=person).exists():
        raise ValidationError({"person": _("%(name)s has signed in and is present.") % {"name": person.name}})
    _set_attendance(window.record, person, AttendanceStatus.LEAVE, reason[:200], access.user)


@transaction.atomic
def sign_in_close(*, record: ActivityRecord, access: Access) -> SignInWindow:
    """Close the window: whoever of the meeting has no attendance yet is marked absent, and the
    attendance stands as if typed (corrected afterwards on the record's form, as ever)."""
    window = _locked_window(record=record, closed_at__isnull=True)
    if window is None:
        raise ValidationError(_("Sign-in for this meeting has ended."), code="closed")
    SIGN_INS.authorize(access, _with_expected(window), "close")
    recorded = set(Attendance.objects.filter(record=window.record).values_list("person_id", flat=True))
    for person in expected_people(window.record):
        if person.pk not in recorded:
            save_as(
                Attendance(record=window.record, person=person, status=AttendanceStatus.ABSENT), access.user
            )
    window.closed_at, window.closed_by = timezone.now(), access.user
    save_as(window, access.user)
    return window
