"""Writes for pledges: one service per action of the workflow (``pledges/workflow.py``).

Each service is keyword-only and atomic, checks with :func:`workflow.authorize` that the actor
may take the action on the pledge in its present state, validates, and records who did it in
the history. Refusals are ``PermissionDenied`` (not the person's pledge) or ``ValidationError``
(a message for the user).
"""

import datetime
from collections.abc import Iterable, Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.evidence import validate_evidence
from core.services import lock, save_as

from . import selectors
from .models import (
    FiveGoods,
    FiveLeads,
    Pledge,
    PledgeItem,
    PledgeReview,
    ProgressEntry,
    ProgressEvidence,
    Publication,
)
from .notifications import approvers, label, tell, writers
from .workflow import WORKFLOW, WRITER, authorize, pledge_roles

MIN_COMMITMENTS, MAX_COMMITMENTS = 2, 5
BRANCH_FIELDS = ("focus", "targets", "measures")
MEMBER_FIELDS = ("plan", "direction")


def _save(obj, access, **kwargs):
    return save_as(obj, access.user, **kwargs)


def _move(pledge: Pledge, action: str, access, **changes) -> Pledge:
    WORKFLOW.advance(pledge, action)
    for name, value in changes.items():
        setattr(pledge, name, value)
    return _save(pledge, access)


def _lock(pledge: Pledge) -> Pledge:
    """Re-read the pledge under a row lock so that two clicks cannot both move it."""
    lock(pledge)
    relation = Pledge.next_version.related  # a correction started meanwhile must be seen
    if relation.is_cached(pledge):
        relation.delete_cached_value(pledge)
    return pledge


def _texts(kind: str, texts: dict) -> dict:
    names = BRANCH_FIELDS if kind == Pledge.Kind.BRANCH else MEMBER_FIELDS
    unknown = set(texts) - set(BRANCH_FIELDS + MEMBER_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {unknown}")
    return {name: (texts.get(name) or "").strip() for name in names}


def _clean_items(pledge: Pledge, items: Sequence[dict]) -> list[dict]:
    """Validate the items as written in a form: a dict each with text, criterion and, for a
    milestone, due_on and responsible; an ``id`` keeps an existing item."""
    criteria = FiveGoods if pledge.is_branch else FiveLeads
    if not pledge.is_branch and len(items) > MAX_COMMITMENTS:
        raise ValidationError(
            _("A member pledge has at most %(max)s commitments.") % {"max": MAX_COMMITMENTS}, code="too_many"
        )
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
        if pledge.is_branch:
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
            if responsible.branch_id != pledge.branch_id:
                raise ValidationError(
                    _("Milestone %(n)s: %(name)s is not a member of %(branch)s.")
                    % {"n": n, "name": responsible.name, "branch": pledge.branch.name},
                    code="milestone_responsible",
                )
            row.update(due_on=due_on, responsible=responsible)
        else:
            row.update(due_on=None, responsible=None)
        cleaned.append(row)
    return cleaned


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
        _save(item, access)
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
    items: Sequence[dict] = (),
    **texts,
) -> Pledge:
    """Start the pledge of a branch (its secretary) or of the acting member for a campaign year."""
    if kind == Pledge.Kind.MEMBER:
        person = access.person
        if person is None or person.branch_id is None:
            raise PermissionDenied(_("Only a party member writes a member pledge."))
        branch, owner = person.branch, {"person": person}
    else:
        if branch is None:
            raise ValidationError(_("Choose the branch."), code="branch")
        owner = {"person": None}
    pledge = Pledge(kind=kind, campaign_year=campaign_year, branch=branch, created_by=access.user, **owner)
    if WRITER not in pledge_roles(access, pledge):
        raise PermissionDenied(_("You may not write this pledge."))
    if campaign_year.campaign.committee_id != branch.committee_id:
        raise ValidationError(_("This campaign year belongs to another party committee."), code="year")
    existing = Pledge.objects.filter(campaign_year=campaign_year, kind=kind, version=1)
    existing = existing.filter(person=owner["person"]) if owner["person"] else existing.filter(branch=branch)
    if existing.exists():
        raise ValidationError(
            _("There is already a pledge for %(year)s; open it to continue.") % {"year": campaign_year.year},
            code="exists",
        )
    for name, value in _texts(kind, texts).items():
        setattr(pledge, name, value)
    _save(pledge, access)
    _write_items(pledge, items, access)
    return pledge


@transaction.atomic
def pledge_update(*, access, pledge: Pledge, items: Sequence[dict], **texts) -> Pledge:
    """Change a draft or returned pledge: its texts and its whole list of items."""
    authorize(access, _lock(pledge), "edit")
    for name, value in _texts(pledge.kind, texts).items():
        setattr(pledge, name, value)
    _save(pledge, access)
    _write_items(pledge, items, access)
    return pledge


@transaction.atomic
def pledge_submit(*, access, pledge: Pledge) -> Pledge:
    """Send the pledge to its approver once it is complete: a branch pledge with its four parts
    (at least one milestone), a member pledge with plan, direction and 2–5 commitments."""
    authorize(access, _lock(pledge), "submit")
    missing = [
        str(Pledge._meta.get_field(name).verbose_name)
        for name in (BRANCH_FIELDS if pledge.is_branch else MEMBER_FIELDS)
        if not getattr(pledge, name).strip()
    ]
    if missing:
        raise ValidationError(
            _("Fill in before submitting: %(fields)s.") % {"fields": "、".join(missing)}, code="incomplete"
        )
    count = pledge.items.count()
    if pledge.is_branch and count < 1:
        raise ValidationError(_("A branch pledge needs at least one milestone."), code="no_milestone")
    if not pledge.is_branch and not MIN_COMMITMENTS <= count <= MAX_COMMITMENTS:
        raise ValidationError(
            _("A member pledge needs %(min)s to %(max)s commitments; it has %(count)s.")
            % {"min": MIN_COMMITMENTS, "max": MAX_COMMITMENTS, "count": count},
            code="commitments",
        )
    _move(pledge, "submit", access, submitted_at=timezone.now(), return_reason="")
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
    authorize(access, _lock(pledge), "return")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the pledge is returned.")})
    _move(pledge, "return", access, return_reason=reason)
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
    authorize(access, _lock(pledge), "approve")
    _move(pledge, "approve", access, approved_at=timezone.now(), approved_by=access.user)
    tell(
        writers(pledge),
        pledge,
        access,
        _("%(owner)s · %(kind)s %(year)s has been approved.") % label(pledge),
    )
    return pledge


def _publication_fields(occasion: str, occasion_other: str, audience: str) -> dict:
    errors = {}
    if occasion not in Publication.Occasion.values:
        errors["occasion"] = _("Choose the occasion.")
    occasion_other = (occasion_other or "").strip()
    if occasion == Publication.Occasion.OTHER and not occasion_other:
        errors["occasion_other"] = _("Name the occasion.")
    audience = (audience or "").strip()
    if not audience:
        errors["audience"] = _("Say to whom it was announced.")
    if errors:
        raise ValidationError(errors)
    return {
        "occasion": occasion,
        "occasion_other": occasion_other if occasion == Publication.Occasion.OTHER else "",
        "audience": audience,
    }


@transaction.atomic
def pledge_publish(
    *,
    access,
    pledge: Pledge,
    occasion: str,
    published_on: datetime.date,
    audience: str,
    occasion_other: str = "",
) -> Pledge:
    """Record that the approved pledge was announced to staff (部门例会, 班组长会 or another
    occasion), on which date and to whom. A published correction supersedes the version before
    it, whose progress entries it takes over."""
    authorize(access, _lock(pledge), "publish")
    fields = _publication_fields(occasion, occasion_other, audience)
    today = timezone.localdate()
    if published_on > today:
        raise ValidationError({"published_on": _("The date cannot be in the future.")})
    approved_on = timezone.localdate(pledge.approved_at)
    if published_on < approved_on:
        raise ValidationError(
            {
                "published_on": _("The pledge was approved on %(date)s; it cannot be published before.")
                % {"date": approved_on.isoformat()}
            }
        )
    if pledge.previous_id:
        previous = Pledge.objects.select_for_update().get(pk=pledge.previous_id)
        if previous.status != Pledge.Status.PUBLISHED:
            raise ValidationError(_("The previous version is no longer published."), code="previous")
        previous.status = Pledge.Status.SUPERSEDED
        _save(previous, access)
    _save(Publication(pledge=pledge, published_on=published_on, by=access.user, **fields), access)
    _move(pledge, "publish", access)
    if pledge.previous_id:
        _carry_over_progress(pledge, access)
    return pledge


def _carry_over_progress(pledge: Pledge, access) -> None:
    """Copy the progress of each item of the previous version to the item copied from it. The
    previous version keeps its own entries untouched; an item dropped by the correction keeps
    its progress there only."""
    items = pledge.items.filter(source__isnull=False).prefetch_related("source__entries__evidence")
    for item in items:
        for entry in item.source.entries.all():
            copy = _save(
                ProgressEntry(
                    item=item,
                    entered_on=entry.entered_on,
                    done=entry.done,
                    percent=entry.percent,
                    by=entry.by,
                    copied_from=entry,
                ),
                access,
            )
            for evidence in entry.evidence.all():
                _save(
                    ProgressEvidence(
                        entry=copy,
                        file=evidence.file.name,  # the same stored file, not a second copy
                        original_name=evidence.original_name,
                        size=evidence.size,
                        uploaded_by=evidence.uploaded_by,
                    ),
                    access,
                )


@transaction.atomic
def pledge_correct(*, access, pledge: Pledge) -> Pledge:
    """Start a correction of a published pledge: a new draft version with the same texts and
    items. The published version stays in force (and visible) until the correction is
    published."""
    authorize(access, _lock(pledge), "correct")
    new = Pledge(
        kind=pledge.kind,
        campaign_year=pledge.campaign_year,
        branch=pledge.branch,
        person=pledge.person,
        version=pledge.version + 1,
        previous=pledge,
        created_by=access.user,
        **{name: getattr(pledge, name) for name in BRANCH_FIELDS + MEMBER_FIELDS},
    )
    _save(new, access)
    for item in pledge.items.all():
        _save(
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


@transaction.atomic
def progress_add(
    *,
    access,
    item: PledgeItem,
    entered_on: datetime.date,
    done: str,
    percent: int,
    files: Iterable = (),
) -> ProgressEntry:
    """Record what was done for a commitment or milestone of a published pledge.

    ``percent`` is how far the item is now, not what this step added: it may not go below the
    item's latest entry, and entries are kept in date order (a later entry cannot be dated
    before the latest one). Each file must pass ``validate_evidence``; one bad file refuses the
    whole entry."""
    pledge = item.pledge
    authorize(access, _lock(pledge), "progress")
    done = (done or "").strip()
    errors = {}
    if not done:
        errors["done"] = _("Say what was done.")
    if percent is None or not 0 <= percent <= 100:
        errors["percent"] = _("Give a percentage from 0 to 100.")
    if entered_on > timezone.localdate():
        errors["entered_on"] = _("The date cannot be in the future.")
    elif entered_on.year != pledge.campaign_year.year:
        errors["entered_on"] = _("The date must fall within %(year)s.") % {"year": pledge.campaign_year.year}
    latest = item.entries.order_by("-entered_on", "-pk").first()
    if latest is not None and not errors:
        if entered_on < latest.entered_on:
            errors["entered_on"] = _("The latest entry is dated %(date)s; a new one cannot be earlier.") % {
                "date": latest.entered_on.isoformat()
            }
        elif percent < latest.percent:
            errors["percent"] = _("The item was already at %(percent)s%%; progress cannot go back.") % {
                "percent": latest.percent
            }
    files = list(files)
    file_errors = []
    for file in files:
        try:
            validate_evidence(file)
        except ValidationError as error:
            file_errors.extend(error.error_list)
    if file_errors:
        errors["files"] = file_errors
    if errors:
        raise ValidationError(errors)
    entry = _save(
        ProgressEntry(item=item, entered_on=entered_on, done=done, percent=percent, by=access.user), access
    )
    for file in files:
        _save(
            ProgressEvidence(
                entry=entry,
                file=file,
                original_name=file.name.rsplit("/", 1)[-1][:255],
                size=file.size,
                uploaded_by=access.user,
            ),
            access,
        )
    return entry


def quarter_start(year: int, quarter: int) -> datetime.date:
    return datetime.date(year, 3 * (quarter - 1) + 1, 1)


@transaction.atomic
def progress_publish(
    *,
    access,
    pledge: Pledge,
    quarter: int,
    occasion: str,
    published_on: datetime.date,
    audience: str,
    occasion_other: str = "",
) -> Publication:
    """Record that a quarter's progress was announced to staff, keeping the figure shown then."""
    authorize(access, _lock(pledge), "progress_publish")
    if quarter not in (1, 2, 3, 4):
        raise ValidationError({"quarter": _("Choose a quarter from 1 to 4.")})
    fields = _publication_fields(occasion, occasion_other, audience)
    starts = quarter_start(pledge.campaign_year.year, quarter)
    if published_on > timezone.localdate():
        raise ValidationError({"published_on": _("The date cannot be in the future.")})
    if published_on < starts:
        raise ValidationError(
            {
                "published_on": _("Progress of quarter %(quarter)s can be published from %(date)s.")
                % {"quarter": quarter, "date": starts.isoformat()}
            }
        )
    if pledge.publications.filter(quarter=quarter).exists():
        raise ValidationError({"quarter": _("The progress of this quarter has already been published.")})
    progress = selectors.pledge_progress(pledge)
    return _save(
        Publication(
            pledge=pledge,
            quarter=quarter,
            published_on=published_on,
            by=access.user,
            progress=progress,
            **fields,
        ),
        access,
    )


@transaction.atomic
def pledge_self_assess(*, access, pledge: Pledge, self_assessment: str) -> PledgeReview:
    """The writer's self-assessment at the year's end; it may be rewritten until the review."""
    authorize(access, _lock(pledge), "self_assess")
    text = (self_assessment or "").strip()
    if not text:
        raise ValidationError({"self_assessment": _("Write the self-assessment.")})
    review = PledgeReview.objects.filter(pledge=pledge).first() or PledgeReview(pledge=pledge)
    review.self_assessment = text
    review.self_assessed_by = access.user
    review.self_assessed_at = timezone.now()
    return _save(review, access)


@transaction.atomic
def pledge_review(
    *, access, pledge: Pledge, assessment: str, result: str, explanation: str = ""
) -> PledgeReview:
    """评诺: judge the pledge after the writer's self-assessment and close it. Anything short of
    fulfilled needs an explanation."""
    authorize(access, _lock(pledge), "review")
    review = PledgeReview.objects.filter(pledge=pledge).first()
    if review is None:
        raise ValidationError(_("The self-assessment has not been written yet."), code="no_self_assessment")
    errors = {}
    assessment, explanation = (assessment or "").strip(), (explanation or "").strip()
    if not assessment:
        errors["assessment"] = _("Write the assessment.")
    if result not in PledgeReview.Result.values:
        errors["result"] = _("Choose the result.")
    elif result != PledgeReview.Result.FULFILLED and not explanation:
        errors["explanation"] = _("Explain what was not fulfilled, and why.")
    if errors:
        raise ValidationError(errors)
    review.assessment, review.result, review.explanation = assessment, result, explanation
    review.reviewed_by, review.reviewed_at = access.user, timezone.now()
    _save(review, access)
    _move(pledge, "review", access)
    return review
