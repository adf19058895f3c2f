"""Who may act on a notice: the one place where it is decided.

A notice has no state to move: it is issued once and never edited (a correction is a new
notice). The office of the institute issues it; an addressee's secretary (the general
branch's or the branch's own, 书记 or 副书记) or a department's head confirms reading it.

    issue ──▶ issued ──confirm (per addressee, once)──▶ read
"""

from django.db.models import Q
from django.utils.translation import gettext_lazy

from core.workflow import ANY, Workflow

OFFICE, ADDRESSEE = "office", "addressee"

# The permission only a secretary holds, over exactly the own branch or general branch: its
# scopes are the units whose notices the person reads (a general-branch secretary's scope does
# not make them the reader of each branch under it: the branch has its own secretary).
SECRETARY_PERMISSION = "supervision.reply"
# Issuing notices is running the campaign (the office, the administrator).
ISSUE_PERMISSION = "campaign.change"
# The whole institute's notices: the office, the leading group and the administrator.
INSTITUTE_PERMISSION = "org.view"


def institutes(access, permission: str) -> tuple[bool, set[int]]:
    """(reaches every institute, the ids of the institutes ``permission`` reaches as a whole)."""
    ids = set()
    for kind, pk in access.reach(permission):
        if kind == "all":
            return True, set()
        if kind == "committee":
            ids.add(pk)
    return False, ids


def addressee_q(access, prefix: str = "") -> Q:
    """A filter on NoticeAddressee (``prefix``: the lookup to it) admitting the rows the reader
    answers for: the own general branch or branch as secretary, the own department as head."""
    general, branches = set(), set()
    for kind, pk in access.reach(SECRETARY_PERMISSION):
        if kind == "general_branch":
            general.add(pk)
        elif kind == "branch":
            branches.add(pk)
    q = Q(**{f"{prefix}general_branch_id__in": general}) | Q(**{f"{prefix}branch_id__in": branches})
    if access.person is not None:
        q |= Q(**{f"{prefix}department__notice_head__person_id": access.person.pk})
    return q


def answers_for(access, addressee) -> bool:
    """Whether the reader answers for one addressee row already loaded (``addressee_q``'s rule,
    without a query but the department's head)."""
    reach = access.reach(SECRETARY_PERMISSION)
    if addressee.general_branch_id:
        return ("general_branch", addressee.general_branch_id) in reach
    if addressee.branch_id:
        return ("branch", addressee.branch_id) in reach
    head = getattr(addressee.department, "notice_head", None) if addressee.department_id else None
    return head is not None and access.person is not None and head.person_id == access.person.pk


class NoticeWorkflow(Workflow):
    steady = {"issue": ANY, "correct": ANY, "confirm": ANY}
    actors = {"issue": OFFICE, "correct": OFFICE, "confirm": ADDRESSEE}
    labels = {
        "issue": gettext_lazy("Issue a notice"),
        "correct": gettext_lazy("Issue a correction"),
        "confirm": gettext_lazy("Confirm reading"),
    }
    refused = gettext_lazy("Only the campaign office may issue notices.")

    def parts(self, access, notice) -> set[str]:
        parts = set()
        every, ids = institutes(access, ISSUE_PERMISSION)
        if every or notice.committee_id in ids:
            parts.add(OFFICE)
        # ``unread_rows`` is set by the pages and services that loaded the reader's rows.
        if getattr(notice, "unread_rows", None):
            parts.add(ADDRESSEE)
        return parts


NOTICE = NoticeWorkflow()
