"""Semi-annual reviews (半年点评): a round opens with one review for each general branch, branch
and member (the plan: 每半年对各党总支、支部和党员…点评); the office writes them, the general
branch or branch (its secretary) or the member acknowledges (``workflow.ReviewWorkflow``)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import Access
from accounts.models import User
from branches.models import Branch, GeneralBranch, Person
from campaigns.models import CampaignYear
from core.services import lock, save_as
from core.workflow import SYSTEM

from ..models import Review, ReviewRound
from ..workflow import REVIEW, REVIEW_ROUND
from .notifications import general_branch_secretary_users, office_users, secretary_users, tell

# Days the office has, after a round's review date (or after the day it opened, if later), to
# write its reviews (ReviewRound.write_by).
WRITE_WITHIN_DAYS = 15

# The scheduled jobs (``tasks.open_due_review_rounds``) open rounds as the system
# (``core.workflow.SYSTEM``: no person acts, the history records no user). Only
# ``review_round_open`` takes it as its default; every service a person calls requires an Access.
SCHEDULER = SYSTEM


def review_date(campaign_year: CampaignYear, half: int) -> datetime.date:
    """The calendar's date of a round, editable on the campaign calendar page."""
    return (
        campaign_year.midyear_review_on if half == ReviewRound.Half.FIRST else campaign_year.yearend_review_on
    )


@transaction.atomic
def review_round_open(
    *, campaign_year: CampaignYear, half: int, access: Access = SCHEDULER, today: datetime.date | None = None
) -> tuple[ReviewRound, int]:
    """Open a year's mid-year or year-end round with one review for every active general branch
    and branch of the institute and every member of those branches. Returns the round and how many reviews this
    call created. ``access`` is the office opening it by hand, or ``SCHEDULER``. Opened after
    its review date, the round's write-by date counts from ``today`` and the office is told so.

    Safe to run twice and concurrently (the schedule and a worker retry, two workers, the office
    clicking at the same time): the round is ``get_or_create``d on its unique key, the opener
    then holds the round's row lock while it adds what is missing, and the reviews' partial
    unique constraints (with ``ON CONFLICT DO NOTHING``) are the final guarantee that each review
    exists once. Running it again later adds the reviews of units or members added since."""
    if half not in ReviewRound.Half.values:
        raise ValidationError(_("Choose the mid-year or the year-end review."), code="half")
    REVIEW_ROUND.authorize(access, ReviewRound(campaign_year=campaign_year, half=half), "open")
    actor = access.user
    opened_on = review_date(campaign_year, half)
    # A round opened after its review date (the scheduler was down, the office opened it by
    # hand later) gets its full time to write, counted from the day it actually opens.
    today = today or timezone.localdate()
    late = today > opened_on
    review_round, round_created = ReviewRound.objects.get_or_create(
        campaign_year=campaign_year,
        half=half,
        defaults={
            "opened_on": opened_on,
            "write_by": max(opened_on, today) + datetime.timedelta(days=WRITE_WITHIN_DAYS),
            "opened_by": actor,
        },
    )
    # Serialise openers of the same round: the second one waits here, then finds everything.
    review_round = ReviewRound.objects.select_for_update().get(pk=review_round.pk)
    committee_id = campaign_year.campaign.committee_id
    branch_ids = list(
        Branch.objects.active().filter(committee_id=committee_id).order_by("pk").values_list("pk", flat=True)
    )
    general_branch_ids = list(
        GeneralBranch.objects.filter(committee_id=committee_id, is_active=True)
        .order_by("pk")
        .values_list("pk", flat=True)
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
    have_general = set(
        existing.filter(kind=Review.Kind.GENERAL_BRANCH).values_list("general_branch_id", flat=True)
    )
    new_branches = [pk for pk in branch_ids if pk not in have_branches]
    new_people = [(pk, branch_id) for pk, branch_id in members if pk not in have_people]
    new_general = [pk for pk in general_branch_ids if pk not in have_general]
    Review.objects.bulk_create(
        [
            Review(round=review_round, kind=Review.Kind.GENERAL_BRANCH, general_branch_id=pk)
            for pk in new_general
        ]
        + [Review(round=review_round, kind=Review.Kind.BRANCH, branch_id=pk) for pk in new_branches]
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
            Q(kind=Review.Kind.GENERAL_BRANCH, general_branch_id__in=new_general)
            | Q(kind=Review.Kind.BRANCH, branch_id__in=new_branches)
            | Q(kind=Review.Kind.MEMBER, person_id__in=[pk for pk, _b in new_people])
        )
    )
    if created:
        Review.history.bulk_history_create(created, default_user=actor, batch_size=500)
    if round_created:
        if late:
            message = _(
                "The %(round)s round opened on %(today)s, after its review date %(due)s: "
                "%(n)s reviews to write by %(date)s, %(days)s days from today."
            ) % {
                "round": review_round,
                "today": today,
                "due": opened_on,
                "n": len(created),
                "date": review_round.write_by,
                "days": WRITE_WITHIN_DAYS,
            }
        else:
            message = _("The %(round)s round is open: %(n)s reviews to write by %(date)s.") % {
                "round": review_round,
                "n": len(created),
                "date": review_round.write_by,
            }
        tell(
            office_users(campaign_year.campaign_id),
            actor,
            message,
            reverse("supervision:review_round_detail", args=[review_round.pk]),
        )
    return review_round, len(created)


def _lock(review: Review) -> Review:
    """Re-read the whole review under a row lock so that two clicks cannot both move it."""
    return lock(
        review,
        refresh=[f.attname for f in Review._meta.concrete_fields],
        # a name and its path: lock() copies the related rows named without "__"
        select_related=(
            "round",
            "round__campaign_year__campaign",
            "general_branch",
            "branch",
            "person",
            "person__user",
        ),
    )


def review_acknowledgers(review: Review) -> list[User]:
    """Who acknowledges a review: the member, the general branch's own secretaries, or the
    branch's secretaries."""
    if review.kind == Review.Kind.MEMBER:
        user = review.person.user
        return [user] if user is not None and user.is_active else []
    if review.kind == Review.Kind.GENERAL_BRANCH:
        return general_branch_secretary_users([review.general_branch_id])[review.general_branch_id]
    return secretary_users([review.branch_id])[review.branch_id]


@transaction.atomic
def review_write(
    *, access: Access, review: Review, achievements: str, problems: str, direction: str
) -> Review:
    """The office writes (or, until it is acknowledged, revises) a review; the first time, the
    general branch's or branch's secretaries or the member are asked to acknowledge it."""
    actor = access.user
    REVIEW.authorize(access, _lock(review), "write")
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
    REVIEW.advance(review, "write")
    review.written_by = actor
    review.written_at = timezone.now()
    save_as(review, actor)
    if first:
        tell(
            review_acknowledgers(review),
            actor,
            _("Your %(round)s review (%(subject)s) is written; please read and acknowledge it.")
            % {"round": review.round, "subject": review.subject_name},
            reverse("supervision:review_detail", args=[review.pk]),
        )
    return review


@transaction.atomic
def review_acknowledge(*, access: Access, review: Review, comment: str = "") -> Review:
    """The member (own review) or a secretary of the branch or general branch (its review)
    confirms having read the review, with an optional comment."""
    actor = access.user
    REVIEW.authorize(access, _lock(review), "acknowledge")
    REVIEW.advance(review, "acknowledge")
    review.acknowledged_by = actor
    review.acknowledged_at = timezone.now()
    review.acknowledgement = (comment or "").strip()
    save_as(review, actor)
    tell(
        [review.written_by],
        actor,
        _("%(subject)s acknowledged the %(round)s review.")
        % {"subject": review.subject_name, "round": review.round},
        reverse("supervision:review_detail", args=[review.pk]),
    )
    return review
