"""Writes for supervision (督查) and semi-annual reviews (半年点评).

Every service is keyword-only and atomic, checks that ``actor`` may act (from the records, with
``accounts.access``; the views check the same permission first), validates, and records who did
it in the history. Refusals are ``PermissionDenied`` or ``ValidationError`` (a message for the
user).
"""

import datetime
import random
import secrets
from collections.abc import Iterable, Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import Access, compute_access
from accounts.models import User
from accounts.services import notify
from branches.models import Branch, Person, Position
from branches.selectors import open_positions
from campaigns.models import CampaignYear
from core.evidence import validate_evidence

from .models import (
    Inspection,
    InspectionEvidence,
    Review,
    ReviewRound,
    SpotCheckDraw,
    SupervisionRound,
)

# What a concluded quarterly round keeps of each branch's row.
SNAPSHOT_KEYS = (
    "branch_id",
    "branch",
    "inspections",
    "findings",
    "closed",
    "open",
    "overdue",
    "news_reports",
)

# Days the office has, after a round's review date, to write its reviews (ReviewRound.write_by).
WRITE_WITHIN_DAYS = 15


# --- who may act, who is told -------------------------------------------------------------


def _save(obj, actor, **kwargs):
    obj._history_user = actor  # who made the change, also outside a request
    obj.save(**kwargs)
    return obj


def _authorize_branch(actor: User, permission: str, branch: Branch) -> Access:
    access = compute_access(actor)
    if not access.restrict(Branch.objects.filter(pk=branch.pk), permission, branch="").exists():
        raise PermissionDenied(_("You may not do this for %(branch)s.") % {"branch": branch.name})
    return access


def _authorize_institute(actor: User, permission: str, campaign_year: CampaignYear) -> Access:
    access = compute_access(actor)
    if not access.reaches_institute(permission, campaign_year.campaign.committee_id):
        raise PermissionDenied(_("Only the campaign office may do this."))
    return access


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


def office_users(campaign_id: int):
    return User.objects.filter(person__office_seats__campaign_id=campaign_id, is_active=True).distinct()


def _tell(users: Iterable[User], actor: User | None, message: str, link: str) -> None:
    """Tell the others concerned (never the actor) what happened."""
    notify(
        users=[u for u in dict.fromkeys(users) if actor is None or u.pk != actor.pk],
        message=message,
        link=link,
    )


# --- inspections ----------------------------------------------------------------------------


def _check_inspection(
    *, campaign_year, branch, inspected_on, findings, rectification_due, inspectors
) -> None:
    if branch.committee_id != campaign_year.campaign.committee_id:
        raise ValidationError(_("This branch belongs to another party committee."), code="branch")
    if rectification_due is not None and not findings:
        raise ValidationError(
            {"rectification_due": _("Write the findings that are to be rectified.")}, code="no_findings"
        )
    if rectification_due is not None and rectification_due < inspected_on:
        raise ValidationError(
            {"rectification_due": _("The deadline cannot be before the inspection.")}, code="deadline"
        )
    if any(p.committee_id != branch.committee_id for p in inspectors):
        raise ValidationError({"inspectors": _("An inspector is from another institute.")}, code="inspectors")


def _lock_inspection(inspection: Inspection) -> Inspection:
    """Re-read the inspection under a row lock so that two clicks cannot both move it."""
    return (
        Inspection.objects.select_for_update(of=("self",))
        .select_related("branch", "campaign_year__campaign")
        .get(pk=inspection.pk)
    )


def _inspection_link(inspection: Inspection) -> str:
    return reverse("supervision:inspection_detail", args=[inspection.pk])


def _tell_branch_of_findings(inspection: Inspection, actor: User) -> None:
    if inspection.rectification_due:
        message = _(
            "The campaign office recorded findings for %(branch)s (%(kind)s, %(date)s); rectify and reply by %(due)s."
        ) % {
            "branch": inspection.branch.name,
            "kind": inspection.get_kind_display(),
            "date": inspection.inspected_on,
            "due": inspection.rectification_due,
        }
    else:
        message = _("The campaign office recorded findings for %(branch)s (%(kind)s, %(date)s).") % {
            "branch": inspection.branch.name,
            "kind": inspection.get_kind_display(),
            "date": inspection.inspected_on,
        }
    _tell(
        secretary_users([inspection.branch_id])[inspection.branch_id],
        actor,
        message,
        _inspection_link(inspection),
    )


@transaction.atomic
def inspection_create(
    *,
    actor: User,
    campaign_year: CampaignYear,
    branch: Branch,
    kind: str,
    inspected_on: datetime.date,
    subject: str = "",
    inspectors: Sequence[Person] = (),
    findings: str = "",
    rectification_due: datetime.date | None = None,
    draw: SpotCheckDraw | None = None,
) -> Inspection:
    """Record an inspection of ``branch``; with findings, its secretaries are told to answer."""
    _authorize_branch(actor, "supervision.change", branch)
    findings = (findings or "").strip()
    inspectors = list(inspectors)
    if kind not in Inspection.Kind.values:
        raise ValidationError({"kind": _("Choose the kind of inspection.")}, code="kind")
    _check_inspection(
        campaign_year=campaign_year,
        branch=branch,
        inspected_on=inspected_on,
        findings=findings,
        rectification_due=rectification_due,
        inspectors=inspectors,
    )
    inspection = _save(
        Inspection(
            campaign_year=campaign_year,
            branch=branch,
            kind=kind,
            inspected_on=inspected_on,
            subject=(subject or "").strip(),
            findings=findings,
            rectification_due=rectification_due,
            draw=draw,
            recorded_by=actor,
        ),
        actor,
    )
    if inspectors:
        inspection.inspectors.set(inspectors)
    if findings:
        _tell_branch_of_findings(inspection, actor)
    return inspection


EDITABLE = ("kind", "inspected_on", "subject", "findings", "rectification_due")


@transaction.atomic
def inspection_update(*, actor: User, inspection: Inspection, inspectors=None, **changes) -> Inspection:
    """Complete or correct an open inspection (e.g. a drawn spot check once it has been done).
    Once the branch has replied, the findings stay as they were answered."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise TypeError(f"unknown fields {unknown}")
    _authorize_branch(actor, "supervision.change", inspection.branch)
    inspection = _lock_inspection(inspection)
    if inspection.status != Inspection.Status.OPEN:
        raise ValidationError(_("Only an open inspection can be changed."), code="status")
    if inspection.draw_id and changes.get("kind", inspection.kind) != Inspection.Kind.SPOT_CHECK:
        raise ValidationError({"kind": _("A drawn spot check stays a spot check.")}, code="kind")
    had_findings = bool(inspection.findings)
    for name, value in changes.items():
        setattr(inspection, name, value.strip() if isinstance(value, str) else value)
    _check_inspection(
        campaign_year=inspection.campaign_year,
        branch=inspection.branch,
        inspected_on=inspection.inspected_on,
        findings=inspection.findings,
        rectification_due=inspection.rectification_due,
        inspectors=list(inspectors) if inspectors is not None else [],
    )
    _save(inspection, actor)
    if inspectors is not None:
        inspection._history_user = actor
        inspection.inspectors.set(inspectors)
    if inspection.findings and not had_findings:
        _tell_branch_of_findings(inspection, actor)
    return inspection


@transaction.atomic
def inspection_reply(*, actor: User, inspection: Inspection, reply: str, files: Sequence = ()) -> Inspection:
    """The branch answers the findings: what was rectified, with closing evidence. A finding with
    a rectification deadline needs at least one evidence file."""
    _authorize_branch(actor, "supervision.reply", inspection.branch)
    inspection = _lock_inspection(inspection)
    if inspection.status != Inspection.Status.OPEN:
        raise ValidationError(_("This inspection is not waiting for a reply."), code="status")
    if not inspection.findings:
        raise ValidationError(_("There are no findings to answer yet."), code="no_findings")
    reply = (reply or "").strip()
    if not reply:
        raise ValidationError({"reply": _("Write what was rectified and how.")}, code="reply")
    for file in files:
        validate_evidence(file)
    if inspection.rectification_due and not files and not inspection.evidence.exists():
        raise ValidationError(
            {"files": _("Attach at least one file that proves the rectification.")}, code="evidence"
        )
    for file in files:
        _save(
            InspectionEvidence(
                inspection=inspection,
                file=file,
                original_name=file.name[:255],
                size=file.size,
                uploaded_by=actor,
            ),
            actor,
        )
    inspection.reply = reply
    inspection.replied_by = actor
    inspection.replied_at = timezone.now()
    inspection.status = Inspection.Status.REPLIED
    _save(inspection, actor)
    users = [inspection.recorded_by, *User.objects.filter(person__inspections_made=inspection)]
    _tell(
        users,
        actor,
        _("%(branch)s replied to the findings of %(date)s.")
        % {"branch": inspection.branch.name, "date": inspection.inspected_on},
        _inspection_link(inspection),
    )
    return inspection


@transaction.atomic
def inspection_return(*, actor: User, inspection: Inspection, comment: str) -> Inspection:
    """The office does not accept the reply: the inspection is open again, with the reason."""
    _authorize_branch(actor, "supervision.change", inspection.branch)
    inspection = _lock_inspection(inspection)
    if inspection.status != Inspection.Status.REPLIED:
        raise ValidationError(_("Only a replied inspection can be returned."), code="status")
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("Say what is still missing.")}, code="comment")
    inspection.status = Inspection.Status.OPEN
    inspection.office_comment = comment
    _save(inspection, actor)
    _tell(
        secretary_users([inspection.branch_id])[inspection.branch_id],
        actor,
        _("The campaign office returned your reply to the findings of %(date)s: %(comment)s")
        % {"date": inspection.inspected_on, "comment": comment},
        _inspection_link(inspection),
    )
    return inspection


@transaction.atomic
def inspection_close(*, actor: User, inspection: Inspection, comment: str = "") -> Inspection:
    """The office closes an inspection: after the branch's reply, or at once when no
    rectification was asked for."""
    _authorize_branch(actor, "supervision.change", inspection.branch)
    inspection = _lock_inspection(inspection)
    if inspection.status == Inspection.Status.CLOSED:
        raise ValidationError(_("This inspection is already closed."), code="status")
    if inspection.status == Inspection.Status.OPEN and inspection.rectification_due is not None:
        raise ValidationError(
            _("The branch has not answered the findings yet; it can be closed once it has replied."),
            code="not_replied",
        )
    inspection.status = Inspection.Status.CLOSED
    inspection.office_comment = (comment or "").strip() or inspection.office_comment
    inspection.closed_by = actor
    inspection.closed_at = timezone.now()
    _save(inspection, actor)
    if inspection.findings:
        _tell(
            secretary_users([inspection.branch_id])[inspection.branch_id],
            actor,
            _("The campaign office closed the inspection of %(date)s.") % {"date": inspection.inspected_on},
            _inspection_link(inspection),
        )
    return inspection


# --- random spot checks ---------------------------------------------------------------------


def new_seed() -> str:
    """64 random bits from the operating system, as 16 hex digits."""
    return f"{secrets.randbits(64):016x}"


def spot_check_sample(population: Sequence[int], k: int, seed: str) -> list[int]:
    """The sample of a draw: plain Python, so anyone can re-derive it from the stored seed and
    population (``SPOT_CHECK_METHOD``)."""
    return random.Random(int(seed, 16)).sample(list(population), k)


def spot_check_population(*, campaign_year: CampaignYear, population_kind: str) -> list[int]:
    """The candidates, in ascending id order: the institute's active branches, the members of
    those branches, or their activity records (纪实登记, not archived) of the year."""
    branches = Branch.objects.active().filter(committee_id=campaign_year.campaign.committee_id)
    if population_kind == SpotCheckDraw.Population.BRANCHES:
        ids = branches.values_list("pk", flat=True)
    elif population_kind == SpotCheckDraw.Population.MEMBERS:
        ids = Person.objects.members().filter(branch__in=branches).values_list("pk", flat=True)
    elif population_kind == SpotCheckDraw.Population.RECORDS:
        from activities.models import ActivityRecord

        ids = (
            ActivityRecord.objects.active()
            .filter(branch__in=branches, held_on__year=campaign_year.year)
            .values_list("pk", flat=True)
        )
    else:
        raise ValidationError({"population_kind": _("Choose what to draw from.")}, code="population")
    return sorted(ids)


@transaction.atomic
def spot_check_draw_create(
    *,
    actor: User,
    campaign_year: CampaignYear,
    population_kind: str,
    sample_size: int,
    purpose: str = "",
    inspect_on: datetime.date | None = None,
) -> SpotCheckDraw:
    """Draw ``sample_size`` of the population with a fresh random seed and record the draw.
    With ``inspect_on`` (branches only), a spot-check inspection is opened for each branch drawn."""
    _authorize_institute(actor, "supervision.change", campaign_year)
    population = spot_check_population(campaign_year=campaign_year, population_kind=population_kind)
    if not population:
        raise ValidationError(_("There is nothing to draw from."), code="empty")
    if not 1 <= sample_size <= len(population):
        raise ValidationError(
            {"sample_size": _("Draw between 1 and %(n)s.") % {"n": len(population)}}, code="sample_size"
        )
    if inspect_on is not None and population_kind != SpotCheckDraw.Population.BRANCHES:
        raise ValidationError(
            {"inspect_on": _("Inspections are opened for drawn branches only.")}, code="inspect_on"
        )
    seed = new_seed()
    draw = _save(
        SpotCheckDraw(
            campaign_year=campaign_year,
            population_kind=population_kind,
            population=population,
            sample_size=sample_size,
            seed=seed,
            result=spot_check_sample(population, sample_size, seed),
            purpose=(purpose or "").strip(),
            drawn_by=actor,
        ),
        actor,
    )
    if inspect_on is not None:
        for branch in Branch.objects.filter(pk__in=draw.result).order_by("pk"):
            _save(
                Inspection(
                    campaign_year=campaign_year,
                    branch=branch,
                    kind=Inspection.Kind.SPOT_CHECK,
                    inspected_on=inspect_on,
                    subject=draw.purpose,
                    draw=draw,
                    recorded_by=actor,
                ),
                actor,
            )
    return draw


def spot_check_redraw(draw: SpotCheckDraw) -> list[int]:
    """Recompute a draw's sample from its stored population and seed."""
    return spot_check_sample(draw.population, draw.sample_size, draw.seed)


# --- quarterly supervision rounds -----------------------------------------------------------


@transaction.atomic
def supervision_round_create(*, actor: User, campaign_year: CampaignYear, quarter: int) -> SupervisionRound:
    _authorize_institute(actor, "supervision.change", campaign_year)
    if quarter not in (1, 2, 3, 4):
        raise ValidationError({"quarter": _("Choose a quarter from 1 to 4.")}, code="quarter")
    try:
        with transaction.atomic():
            return _save(
                SupervisionRound(campaign_year=campaign_year, quarter=quarter, created_by=actor), actor
            )
    except IntegrityError:
        raise ValidationError(
            {"quarter": _("The round of this quarter has been started already.")}, code="exists"
        ) from None


@transaction.atomic
def supervision_round_conclude(
    *, actor: User, supervision_round: SupervisionRound, summary: str
) -> SupervisionRound:
    """Conclude the round with the office's summary and keep the branches' state as it is now."""
    from .selectors import round_rows

    _authorize_institute(actor, "supervision.change", supervision_round.campaign_year)
    supervision_round = (
        SupervisionRound.objects.select_for_update(of=("self",))
        .select_related("campaign_year__campaign")
        .get(pk=supervision_round.pk)
    )
    if supervision_round.status != SupervisionRound.Status.OPEN:
        raise ValidationError(_("This round is already concluded."), code="status")
    summary = (summary or "").strip()
    if not summary:
        raise ValidationError({"summary": _("Write the round's summary.")}, code="summary")
    rows = round_rows(supervision_round, today=timezone.localdate())
    supervision_round.snapshot = [{key: row[key] for key in SNAPSHOT_KEYS} for row in rows]
    supervision_round.summary = summary
    supervision_round.status = SupervisionRound.Status.CONCLUDED
    supervision_round.concluded_by = actor
    supervision_round.concluded_at = timezone.now()
    return _save(supervision_round, actor)


# --- semi-annual reviews --------------------------------------------------------------------


def review_date(campaign_year: CampaignYear, half: int) -> datetime.date:
    """The calendar's date of a round, editable on the campaign calendar page."""
    return (
        campaign_year.midyear_review_on if half == ReviewRound.Half.FIRST else campaign_year.yearend_review_on
    )


@transaction.atomic
def review_round_open(
    *, campaign_year: CampaignYear, half: int, actor: User | None = None
) -> tuple[ReviewRound, int]:
    """Open a year's mid-year or year-end round with one review for every active branch of the
    institute and every member of those branches. Returns the round and how many reviews this
    call created.

    Safe to run twice and concurrently (the schedule and a worker retry, two workers, the office
    clicking at the same time): the round is ``get_or_create``d on its unique key, the opener
    then holds the round's row lock while it adds what is missing, and the reviews' partial
    unique constraints (with ``ON CONFLICT DO NOTHING``) are the final guarantee that each review
    exists once. Running it again later adds the reviews of branches or members added since."""
    if half not in ReviewRound.Half.values:
        raise ValidationError(_("Choose the mid-year or the year-end review."), code="half")
    if actor is not None:
        _authorize_institute(actor, "reviews.write", campaign_year)
    opened_on = review_date(campaign_year, half)
    review_round, round_created = ReviewRound.objects.get_or_create(
        campaign_year=campaign_year,
        half=half,
        defaults={
            "opened_on": opened_on,
            "write_by": opened_on + datetime.timedelta(days=WRITE_WITHIN_DAYS),
            "opened_by": actor,
        },
    )
    # Serialise openers of the same round: the second one waits here, then finds everything.
    review_round = ReviewRound.objects.select_for_update().get(pk=review_round.pk)
    committee_id = campaign_year.campaign.committee_id
    branch_ids = list(
        Branch.objects.active().filter(committee_id=committee_id).order_by("pk").values_list("pk", flat=True)
    )
    members = list(
        Person.objects.members()
        .filter(branch_id__in=branch_ids)
        .order_by("pk")
        .values_list("pk", "branch_id")
    )
    existing = Review.objects.filter(round=review_round)
    have_branches = set(existing.filter(kind=Review.Kind.BRANCH).values_list("branch_id", flat=True))
    have_people = set(existing.filter(kind=Review.Kind.MEMBER).values_list("person_id", flat=True))
    new_branches = [pk for pk in branch_ids if pk not in have_branches]
    new_people = [(pk, branch_id) for pk, branch_id in members if pk not in have_people]
    Review.objects.bulk_create(
        [Review(round=review_round, kind=Review.Kind.BRANCH, branch_id=pk) for pk in new_branches]
        + [
            Review(round=review_round, kind=Review.Kind.MEMBER, branch_id=branch_id, person_id=pk)
            for pk, branch_id in new_people
        ],
        batch_size=500,
        ignore_conflicts=True,
    )
    # ignore_conflicts returns no primary keys: read back the rows this call added (the lock
    # above means nobody else added them) and write their "created" history.
    created = list(
        existing.filter(
            Q(kind=Review.Kind.BRANCH, branch_id__in=new_branches)
            | Q(kind=Review.Kind.MEMBER, person_id__in=[pk for pk, _b in new_people])
        )
    )
    if created:
        Review.history.bulk_history_create(created, default_user=actor, batch_size=500)
    if round_created:
        _tell(
            office_users(campaign_year.campaign_id),
            actor,
            _("The %(round)s round is open: %(n)s reviews to write by %(date)s.")
            % {"round": review_round, "n": len(created), "date": review_round.write_by},
            reverse("supervision:review_round_detail", args=[review_round.pk]),
        )
    return review_round, len(created)


def _lock_review(review: Review) -> Review:
    return (
        Review.objects.select_for_update(of=("self",))
        .select_related("round__campaign_year__campaign", "branch", "person__user")
        .get(pk=review.pk)
    )


def review_acknowledgers(review: Review) -> list[User]:
    """Who acknowledges a review: the member, or the branch's secretaries."""
    if review.kind == Review.Kind.MEMBER:
        user = review.person.user
        return [user] if user is not None and user.is_active else []
    return secretary_users([review.branch_id])[review.branch_id]


@transaction.atomic
def review_write(*, actor: User, review: Review, achievements: str, problems: str, direction: str) -> Review:
    """The office writes (or, until it is acknowledged, revises) a review; the first time, the
    branch's secretaries or the member are asked to acknowledge it."""
    _authorize_institute(actor, "reviews.write", review.round.campaign_year)
    review = _lock_review(review)
    if review.status == Review.Status.ACKNOWLEDGED:
        raise ValidationError(_("An acknowledged review can no longer be changed."), code="status")
    texts = {
        "achievements": (achievements or "").strip(),
        "problems": (problems or "").strip(),
        "direction": (direction or "").strip(),
    }
    missing = {name: _("This part of the review is required.") for name, text in texts.items() if not text}
    if missing:
        raise ValidationError(missing, code="required")
    first = review.status == Review.Status.PENDING
    for name, text in texts.items():
        setattr(review, name, text)
    review.status = Review.Status.WRITTEN
    review.written_by = actor
    review.written_at = timezone.now()
    _save(review, actor)
    if first:
        _tell(
            review_acknowledgers(review),
            actor,
            _("Your %(round)s review (%(subject)s) is written; please read and acknowledge it.")
            % {"round": review.round, "subject": review.subject_name},
            reverse("supervision:review_detail", args=[review.pk]),
        )
    return review


@transaction.atomic
def review_acknowledge(*, actor: User, review: Review, comment: str = "") -> Review:
    """The member (own review) or a secretary of the branch (the branch's review) confirms having
    read the review, with an optional comment."""
    access = compute_access(actor)
    if not Review.objects.filter(pk=review.pk).acknowledgeable_by(access).exists():
        raise PermissionDenied(_("You may not acknowledge this review."))
    review = _lock_review(review)
    if review.status != Review.Status.WRITTEN:
        raise ValidationError(
            _("Only a written review that is not yet acknowledged can be acknowledged."), code="status"
        )
    review.status = Review.Status.ACKNOWLEDGED
    review.acknowledged_by = actor
    review.acknowledged_at = timezone.now()
    review.acknowledgement = (comment or "").strip()
    _save(review, actor)
    _tell(
        [review.written_by],
        actor,
        _("%(subject)s acknowledged the %(round)s review.")
        % {"subject": review.subject_name, "round": review.round},
        reverse("supervision:review_detail", args=[review.pk]),
    )
    return review
