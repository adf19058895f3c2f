"""Writes of notices: issue (the office; also the demo, as ``SYSTEM``), confirm reading (an
addressee). A notice is never changed after issue: a correction is a new notice."""

import datetime
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.services import notify
from branches.models import Branch, Department, GeneralBranch, PartyCommittee, Position
from branches.selectors import open_positions
from core.evidence import validate_evidence
from core.services import save_as
from core.workflow import SYSTEM

from .models import DepartmentHead, Notice, NoticeAddressee, NoticeAttachment
from .selectors import addressable
from .workflow import NOTICE, addressee_q


def default_addressees(committee: PartyCommittee):
    """The plan's own addressees (各党总支、未设党总支的支部、未设党支部的处及中心) of an
    institute: what the 实施方案 goes to."""
    return addressable([committee.pk])


def _check(
    *,
    committee,
    title,
    body,
    issuing_body,
    document_number,
    general_branches,
    branches,
    departments,
    corrects,
):
    errors = {}
    if not title:
        errors["title"] = _("Give the notice a title.")
    if not body:
        errors["body"] = _("Write the text of the notice.")
    if not issuing_body:
        errors["issuing_body"] = _("Say who issues the notice.")
    if not (general_branches or branches or departments):
        errors["general_branches"] = _("Choose at least one unit to send the notice to.")
    general, plain, depts = addressable([committee.pk])
    allowed = {
        "general_branches": set(general.values_list("pk", flat=True)) if general_branches else set(),
        "branches": set(plain.values_list("pk", flat=True)) if branches else set(),
        "departments": set(depts.values_list("pk", flat=True)) if departments else set(),
    }
    messages = {
        "general_branches": _("A general branch chosen is not one of this institute's."),
        "branches": _("A branch chosen has a general branch: the notice goes to its general branch."),
        "departments": _("A department chosen has a branch: the notice goes to its branch."),
    }
    for name, units in (
        ("general_branches", general_branches),
        ("branches", branches),
        ("departments", departments),
    ):
        if any(u.pk not in allowed[name] for u in units):
            errors.setdefault(name, messages[name])
    if (
        document_number
        and Notice.objects.filter(committee=committee, document_number=document_number).exists()
    ):
        errors["document_number"] = _("Another notice already has this document number.")
    if corrects is not None and corrects.committee_id != committee.pk:
        errors["corrects"] = _("The notice corrected is of another institute.")
    if errors:
        raise ValidationError(errors)


def _readers(rows: Sequence[NoticeAddressee]):
    """The logins of the secretaries (general branch, branch) and heads (department) of the rows."""
    general = [r.general_branch_id for r in rows if r.general_branch_id]
    branches = [r.branch_id for r in rows if r.branch_id]
    departments = [r.department_id for r in rows if r.department_id]
    users = [
        p.person.user
        for p in open_positions()
        .filter(title__in=Position.SECRETARY_TITLES, person__user__is_active=True)
        .filter(Q(general_branch_id__in=general) | Q(branch_id__in=branches))
        .select_related("person__user")
    ]
    users += [
        h.person.user
        for h in DepartmentHead.objects.filter(
            department_id__in=departments, person__user__is_active=True
        ).select_related("person__user")
    ]
    return list(dict.fromkeys(users))


@transaction.atomic
def notice_issue(
    *,
    access,
    committee: PartyCommittee,
    title: str,
    body: str,
    issuing_body: str,
    issued_on: datetime.date,
    document_number: str = "",
    general_branches: Sequence[GeneralBranch] = (),
    branches: Sequence[Branch] = (),
    departments: Sequence[Department] = (),
    files: Sequence = (),
    corrects: Notice | None = None,
) -> Notice:
    """Issue a notice to the units chosen, with its attachments; their secretaries and heads are
    told in the inbox. ``access=SYSTEM`` for the demo (e.g. the 实施方案 as the first notice,
    to ``default_addressees(committee)``)."""
    actor = access.user
    notice = Notice(
        committee=committee,
        title=(title or "").strip(),
        body=(body or "").strip(),
        issuing_body=(issuing_body or "").strip(),
        document_number=(document_number or "").strip(),
        issued_on=issued_on,
        corrects=corrects,
        issued_by=actor,
    )
    NOTICE.authorize(access, notice, "correct" if corrects is not None else "issue")
    general_branches, branches, departments = list(general_branches), list(branches), list(departments)
    _check(
        committee=committee,
        title=notice.title,
        body=notice.body,
        issuing_body=notice.issuing_body,
        document_number=notice.document_number,
        general_branches=general_branches,
        branches=branches,
        departments=departments,
        corrects=corrects,
    )
    problems = []
    for file in files:
        try:
            validate_evidence(file)
        except ValidationError as refused:
            problems.extend(refused.messages)
    if problems:
        raise ValidationError({"files": problems})
    save_as(notice, actor)
    rows = [NoticeAddressee(notice=notice, general_branch=g) for g in general_branches]
    rows += [NoticeAddressee(notice=notice, branch=b) for b in branches]
    rows += [NoticeAddressee(notice=notice, department=d) for d in departments]
    for row in rows:  # one by one: each gets its history row with the actor
        save_as(row, actor)
    for file in files:
        save_as(
            NoticeAttachment(
                notice=notice, file=file, original_name=file.name[:255], size=file.size, uploaded_by=actor
            ),
            actor,
        )
    notify(
        users=[u for u in _readers(rows) if actor is None or u.pk != actor.pk],
        message=_("New notice from %(body)s: %(title)s. Read it and confirm.")
        % {"body": notice.issuing_body, "title": notice.title},
        link=reverse("notices:detail", args=[notice.pk]),
    )
    return notice


@transaction.atomic
def notice_confirm(*, access, notice: Notice) -> int:
    """Confirm reading ``notice`` for every unit the reader answers for; returns how many."""
    if access is SYSTEM:
        raise ValueError("a person confirms reading")
    rows = list(
        NoticeAddressee.objects.filter(addressee_q(access), notice=notice, confirmed_at__isnull=True)
        .select_for_update(of=("self",))
        .order_by("pk")
    )
    notice.unread_rows = rows
    if not rows and NoticeAddressee.objects.filter(addressee_q(access), notice=notice).exists():
        raise ValidationError(_("You have already confirmed reading this notice."), code="confirmed")
    NOTICE.authorize(access, notice, "confirm")
    now = timezone.now()
    for row in rows:
        row.confirmed_by, row.confirmed_at = access.user, now
        save_as(row, access.user)
    return len(rows)
