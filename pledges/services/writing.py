"""Writing a pledge (a branch's by its secretary, a member's by the member) and taking it
through approval: create, edit, submit, return, approve, and start a correction."""

from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import FiveGoods, FiveLeads, Pledge, PledgeItem
from ..notifications import approvers, label, tell, writers
from ..workflow import WRITER, authorize, pledge_roles
from .common import BRANCH_FIELDS, MAX_COMMITMENTS, MEMBER_FIELDS, MIN_COMMITMENTS, lock_pledge, move, save_by


def _texts(kind: str, texts: dict) -> dict:
    names = MEMBER_FIELDS if kind == Pledge.Kind.MEMBER else BRANCH_FIELDS
    unknown = set(texts) - set(BRANCH_FIELDS + MEMBER_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {unknown}")
    return {name: (texts.get(name) or "").strip() for name in names}


def _clean_items(pledge: Pledge, items: Sequence[dict]) -> list[dict]:
    """Validate the items as written in a form: a dict each with text, criterion and, for a
    milestone, due_on and responsible; an ``id`` keeps an existing item."""
    criteria = FiveGoods if pledge.is_unit else FiveLeads
    if not pledge.is_unit and len(items) > MAX_COMMITMENTS:
        raise ValidationError(
            _("A member pledge has at most %(max)s commitments.") % {"max": MAX_COMMITMENTS}, code="too_many"
        )
    members_of = _member_check(pledge)
    cleaned = []
    for n, item in enumerate(items, start=1):
        text = (item.get("text") or "").strip()
        if not text:
            raise ValidationError(_("Item %(n)s: write what is promised.") % {"n": n}, code="item_text")
        if item.get("criterion") not in criteria.values:
            raise ValidationError(
                _("Item %(n)s: choose one of: %(choices)s.")
                % {"n": n, "choices": "、".join(str(label) for label in criteria.labels)},
                code="item_criterion",
            )
        row = {"id": item.get("id"), "text": text, "criterion": item["criterion"], "position": n}
        if pledge.is_unit:
            due_on, responsible = item.get("due_on"), item.get("responsible")
            if due_on is None or responsible is None:
                raise ValidationError(
                    _("Milestone %(n)s: give its date and the member responsible.") % {"n": n},
                    code="milestone_incomplete",
                )
            if due_on.year != pledge.campaign_year.year:
                raise ValidationError(
                    _("Milestone %(n)s: the date must fall within %(year)s.")
                    % {"n": n, "year": pledge.campaign_year.year},
                    code="milestone_date",
                )
            if not members_of(responsible):
                raise ValidationError(
                    _("Milestone %(n)s: %(name)s is not a member of %(branch)s.")
                    % {"n": n, "name": responsible.name, "branch": pledge.unit.name},
                    code="milestone_responsible",
                )
            row.update(due_on=due_on, responsible=responsible)
        else:
            row.update(due_on=None, responsible=None)
        cleaned.append(row)
    return cleaned


def _member_check(pledge: Pledge):
    """Whether a person may be responsible for a milestone: a member of the pledge's branch, or
    for a general branch's own pledge a member of one of its branches."""
    if not pledge.is_general_branch:
        return lambda person: person.branch_id == pledge.branch_id
    branch_ids = None

    def check(person):
        nonlocal branch_ids
        if branch_ids is None:  # read once, and only when there is a milestone
            branch_ids = set(pledge.general_branch.branches.values_list("pk", flat=True))
        return person.branch_id in branch_ids

    return check


def _write_items(pledge: Pledge, items: Sequence[dict], access) -> None:
    """Make the pledge's items those of ``items``: update kept ones, add new ones, remove the
    rest. Only for a pledge being written, which has no progress yet."""
    existing = {item.pk: item for item in pledge.items.all()}
    kept = set()
    for row in _clean_items(pledge, items):
        item = existing.get(row.pop("id")) if row.get("id") else None
        if item is None:
            item = PledgeItem(pledge=pledge)
        else:
            kept.add(item.pk)
        for name, value in row.items():
            setattr(item, name, value)
        save_by(item, access)
    for pk, item in existing.items():
        if pk not in kept:
            item._history_user = access.user
            item.delete()


@transaction.atomic
def pledge_create(
    *,
    access,
    kind: str,
    campaign_year,
    branch=None,
    general_branch=None,
    items: Sequence[dict] = (),
    **texts,
) -> Pledge:
    """Start the pledge of a branch or of a general branch (its secretary), or of the acting
    member, for a campaign year."""
    if kind == Pledge.Kind.MEMBER:
        person = access.person
        if person is None or person.branch_id is None:
            raise PermissionDenied(_("Only a party member writes a member pledge."))
        owner = {"branch": person.branch, "person": person}
    elif kind == Pledge.Kind.GENERAL_BRANCH:
        if general_branch is None:
            raise ValidationError(_("Choose the general branch."), code="general_branch")
        owner = {"general_branch": general_branch, "person": None}
    else:
        if branch is None:
            raise ValidationError(_("Choose the branch."), code="branch")
        owner = {"branch": branch, "person": None}
    pledge = Pledge(kind=kind, campaign_year=campaign_year, created_by=access.user, **owner)
    if WRITER not in pledge_roles(access, pledge):
        raise PermissionDenied(_("You may not write this pledge."))
    if campaign_year.campaign.committee_id != pledge.unit.committee_id:
        raise ValidationError(_("This campaign year belongs to another party committee."), code="year")
    existing = Pledge.objects.filter(campaign_year=campaign_year, kind=kind, version=1)
    if kind == Pledge.Kind.MEMBER:
        existing = existing.filter(person=owner["person"])  # wherever it was written
    else:
        existing = existing.filter(branch=pledge.branch, general_branch=pledge.general_branch)
    if existing.exists():
        raise ValidationError(
            _("There is already a pledge for %(year)s; open it to continue.") % {"year": campaign_year.year},
            code="exists",
        )
    for name, value in _texts(kind, texts).items():
        setattr(pledge, name, value)
    save_by(pledge, access)
    _write_items(pledge, items, access)
    return pledge


@transaction.atomic
def pledge_update(*, access, pledge: Pledge, items: Sequence[dict], **texts) -> Pledge:
    """Change a draft or returned pledge: its texts and its whole list of items."""
    authorize(access, lock_pledge(pledge), "edit")
    for name, value in _texts(pledge.kind, texts).items():
        setattr(pledge, name, value)
    save_by(pledge, access)
    _write_items(pledge, items, access)
    return pledge


@transaction.atomic
def pledge_submit(*, access, pledge: Pledge) -> Pledge:
    """Send the pledge to its approver once it is complete: a branch pledge with its four parts
    (at least one milestone), a member pledge with plan, direction and 2–5 commitments."""
    authorize(access, lock_pledge(pledge), "submit")
    missing = [
        str(Pledge._meta.get_field(name).verbose_name)
        for name in (BRANCH_FIELDS if pledge.is_unit else MEMBER_FIELDS)
        if not getattr(pledge, name).strip()
    ]
    if missing:
        raise ValidationError(
            _("Fill in before submitting: %(fields)s.") % {"fields": "、".join(missing)}, code="incomplete"
        )
    count = pledge.items.count()
    if pledge.is_unit and count < 1:
        raise ValidationError(_("A branch pledge needs at least one milestone."), code="no_milestone")
    if not pledge.is_unit and not MIN_COMMITMENTS <= count <= MAX_COMMITMENTS:
        raise ValidationError(
            _("A member pledge needs %(min)s to %(max)s commitments; it has %(count)s.")
            % {"min": MIN_COMMITMENTS, "max": MAX_COMMITMENTS, "count": count},
            code="commitments",
        )
    move(pledge, "submit", access, submitted_at=timezone.now(), return_reason="")
    tell(
        approvers(pledge),
        pledge,
        access,
        _("%(owner)s · %(kind)s %(year)s has been submitted for your approval.") % label(pledge),
    )
    return pledge


@transaction.atomic
def pledge_return(*, access, pledge: Pledge, reason: str) -> Pledge:
    """Send a submitted pledge back to its writer, saying why."""
    authorize(access, lock_pledge(pledge), "return")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the pledge is returned.")})
    move(pledge, "return", access, return_reason=reason)
    tell(
        writers(pledge),
        pledge,
        access,
        _("%(owner)s · %(kind)s %(year)s has been returned: %(reason)s")
        % {**label(pledge), "reason": reason},
    )
    return pledge


@transaction.atomic
def pledge_approve(*, access, pledge: Pledge) -> Pledge:
    authorize(access, lock_pledge(pledge), "approve")
    move(pledge, "approve", access, approved_at=timezone.now(), approved_by=access.user)
    tell(
        writers(pledge),
        pledge,
        access,
        _("%(owner)s · %(kind)s %(year)s has been approved.") % label(pledge),
    )
    return pledge


@transaction.atomic
def pledge_correct(*, access, pledge: Pledge) -> Pledge:
    """Start a correction of a published pledge: a new draft version with the same texts and
    items. The published version stays in force (and visible) until the correction is
    published."""
    authorize(access, lock_pledge(pledge), "correct")
    new = Pledge(
        kind=pledge.kind,
        campaign_year=pledge.campaign_year,
        branch=pledge.branch,
        general_branch=pledge.general_branch,
        person=pledge.person,
        version=pledge.version + 1,
        previous=pledge,
        created_by=access.user,
        **{name: getattr(pledge, name) for name in BRANCH_FIELDS + MEMBER_FIELDS},
    )
    save_by(new, access)
    for item in pledge.items.all():
        save_by(
            PledgeItem(
                pledge=new,
                position=item.position,
                text=item.text,
                criterion=item.criterion,
                due_on=item.due_on,
                responsible_id=item.responsible_id,
                source=item,
            ),
            access,
        )
    return new
