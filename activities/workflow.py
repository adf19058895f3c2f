"""Who may write what in the activity record: the one place it is decided (``core.workflow``).

Views ask ``actions(access, obj)`` for the buttons; every write service in ``services`` calls
``authorize(access, obj, action)`` before it writes, so that a POST is refused the same way as a
hidden button: ``PermissionDenied`` when the person plays no part, ``ValidationError`` when the
object's state does not allow the action (an archived record).

- A branch's records, vanguard teams and research champions are entered and corrected by whom
  ``activities.change`` reaches the branch (its secretary). A general branch's own records
  (``ActivityRecord.general_branch``) by whom it reaches the general branch as an owner
  (``Access.reaches_general_branch``: its secretary and the office; never a branch's secretary).
- A reading list is published and corrected by whom ``activities.reading_list`` reaches its
  institute (the campaign office).
- The required frequencies of a year are set by whom ``compliance.change`` reaches the year's
  institute (the campaign office).

Only records have a state (archived or not); the other objects use steady actions allowed in
every state.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from branches.models import Branch
from core.workflow import ANY, Workflow

RECORDER, PUBLISHER, OFFICE, RESTORER = "recorder", "publisher", "office", "restorer"
ACTIVE, ARCHIVED = "active", "archived"
ATTENDEE, OPEN, CLOSED = "attendee", "open", "closed"


def reaches_committee(access, permission: str, committee_id: int) -> bool:
    """Whether ``permission`` reaches at least one branch of the institute ``committee_id`` (the
    rule by which the years and reading lists of an institute are shown): decided without a
    query for a whole institute, with one for a person whose reach is some branches."""
    if access.reaches_institute(permission, committee_id):
        return True
    if not access.has(permission):
        return False
    return access.restrict(Branch.objects.filter(committee_id=committee_id), permission, branch="").exists()


def reaches_owner(access, permission: str, obj) -> bool:
    """Whether ``permission`` reaches the owner of ``obj``: its branch, or the general branch
    that owns it itself (a general branch's record is not reached through its branches)."""
    general_branch_id = getattr(obj, "general_branch_id", None)
    if general_branch_id is not None:
        return access.reaches_general_branch(permission, obj.general_branch)
    return access.reaches_branch(permission, obj.branch)


class _Stateless(Workflow):
    """Objects without a state: every action is a steady one, allowed at any time."""

    def state(self, obj) -> str:
        return ""


class BranchWorkWorkflow(_Stateless):
    """A branch's vanguard teams and research champions."""

    steady = {"save": ANY}
    actors = {"save": RECORDER}
    labels = {"save": gettext_lazy("Save")}
    refused = gettext_lazy("You may not change the records of this branch.")

    def parts(self, access, obj) -> set[str]:
        return {RECORDER} if reaches_owner(access, "activities.change", obj) else set()


class RecordWorkflow(BranchWorkWorkflow):
    """An activity record: entered, corrected, given files and archived while not archived;
    an archived record is restored, with a reason, by the branch's secretary or the office::

        active ──archive (reason)──▶ archived ──restore (reason)──▶ active
    """

    transitions = {(ACTIVE, "archive"): ARCHIVED, (ARCHIVED, "restore"): ACTIVE}
    steady = {
        "create": ANY,
        "edit": frozenset({ACTIVE}),
        "add_evidence": frozenset({ACTIVE}),
        "open_sign_in": frozenset({ACTIVE}),
    }
    actors = {**dict.fromkeys((*steady, "archive"), RECORDER), "restore": RESTORER}
    labels = {
        "create": gettext_lazy("New record"),
        "edit": gettext_lazy("Correct"),
        "add_evidence": gettext_lazy("Add files"),
        "archive": gettext_lazy("Archive"),
        "restore": gettext_lazy("Restore"),
        "open_sign_in": gettext_lazy("Open sign-in"),
    }

    def parts(self, access, record) -> set[str]:
        parts = super().parts(access, record)
        if reaches_owner(access, "activities.restore", record):
            parts.add(RESTORER)
        return parts

    def state(self, record) -> str:
        return ARCHIVED if record.archived_at is not None else ACTIVE

    def refusal(self, record, action: str) -> ValidationError:
        if action == "archive":
            return ValidationError(_("This record is already archived."), code="archived")
        if action == "restore":
            return ValidationError(_("This record is not archived."), code="not_archived")
        return ValidationError(_("An archived record cannot be changed."), code="archived")


class ReadingListWorkflow(_Stateless):
    steady = {"save": ANY}
    actors = {"save": PUBLISHER}
    labels = {"save": gettext_lazy("Publish")}
    refused = gettext_lazy("You may not publish reading lists of this institute.")

    def parts(self, access, reading_list) -> set[str]:
        return (
            {PUBLISHER}
            if reaches_committee(access, "activities.reading_list", reading_list.committee_id)
            else set()
        )


class FrequencyWorkflow(_Stateless):
    """The required frequencies of a campaign year (the object is the year)."""

    steady = {"set": ANY}
    actors = {"set": OFFICE}
    labels = {"set": gettext_lazy("Required frequencies")}
    refused = gettext_lazy("You may not set the required frequencies of this year.")

    def parts(self, access, campaign_year) -> set[str]:
        committee_id = campaign_year.campaign.committee_id
        return {OFFICE} if reaches_committee(access, "compliance.change", committee_id) else set()


class SignInWorkflow(Workflow):
    """A meeting's sign-in window (扫码签到): the record's secretary closes it and marks leave
    while it is open; a person expected at the meeting signs in while it is open::

        open ──close──▶ closed   (a new window may be opened on the record afterwards)
    """

    transitions = {(OPEN, "close"): CLOSED}
    steady = {"sign_in": frozenset({OPEN}), "mark_leave": frozenset({OPEN})}
    actors = {"close": RECORDER, "mark_leave": RECORDER, "sign_in": ATTENDEE}
    labels = {
        "close": gettext_lazy("Close sign-in"),
        "mark_leave": gettext_lazy("Mark leave"),
        "sign_in": gettext_lazy("Sign in"),
    }
    refused = gettext_lazy("You are not on the list of this meeting.")

    def parts(self, access, window) -> set[str]:
        parts = set()
        if reaches_owner(access, "activities.change", window.record):
            parts.add(RECORDER)
        # ``expected_ids``: who the meeting lists, set by the service that read them.
        person = access.person
        if person is not None and person.pk in getattr(window, "expected_ids", ()):
            parts.add(ATTENDEE)
        return parts

    def state(self, window) -> str:
        return OPEN if window.closed_at is None else CLOSED

    def refusal(self, window, action: str) -> ValidationError:
        return ValidationError(_("Sign-in for this meeting has ended."), code="closed")


RECORDS = RecordWorkflow()
SIGN_INS = SignInWorkflow()
BRANCH_WORK = BranchWorkWorkflow()
READING_LISTS = ReadingListWorkflow()
FREQUENCIES = FrequencyWorkflow()
