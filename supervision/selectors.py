"""Reads for the supervision and review pages. Each returns querysets with their relations
loaded and the counts done in the database, so that a page costs the same number of queries
however many rows it shows."""

import datetime

from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from accounts.access import Access, Role
from branches.models import Branch, GeneralBranch, Person

from .models import Inspection, InspectionEvidence, Review, ReviewRound, SpotCheckDraw, SupervisionRound

HOME_ROWS = 10


def inspection_list(inspections):
    return inspections.select_related("branch", "campaign_year").prefetch_related(
        Prefetch("inspectors", queryset=Person.objects.order_by("name"))
    )


def inspection_detail(inspections):
    return inspections.select_related(
        "branch__general_branch",
        "campaign_year__campaign",
        "draw",
        "meeting",
        "recorded_by__person",
        "replied_by__person",
        "closed_by__person",
    ).prefetch_related(
        Prefetch("inspectors", queryset=Person.objects.order_by("name")),
        Prefetch("evidence", queryset=InspectionEvidence.objects.select_related("uploaded_by__person")),
    )


def inspectors(years):
    """Who may be named as inspector: the office and leading group of the years' institutes."""
    committees = years.values("campaign__committee")
    return (
        Person.objects.filter(
            Q(office_seats__campaign__committee__in=committees)
            | Q(leading_group_seats__campaign__committee__in=committees)
        )
        .distinct()
        .order_by("name")
    )


def draw_list(draws):
    return (
        draws.select_related("campaign_year", "drawn_by__person")
        .annotate(inspection_count=Count("inspections"))
        .order_by("-drawn_at", "-pk")
    )


def draw_members(draw: SpotCheckDraw) -> dict:
    """Names of the population and of the sample of a draw (one query)."""
    if draw.population_kind == SpotCheckDraw.Population.BRANCHES:
        model, related = Branch, ["general_branch"]
    elif draw.population_kind == SpotCheckDraw.Population.MEMBERS:
        model, related = Person, ["branch"]
    else:
        from activities.models import ActivityRecord

        model, related = ActivityRecord, ["branch"]
    objects = model.objects.filter(pk__in=draw.population).select_related(*related).in_bulk()
    return {
        "population_objects": [(pk, objects.get(pk)) for pk in draw.population],
        "sample_objects": [(pk, objects.get(pk)) for pk in draw.result],
    }


def round_list(rounds):
    return rounds.select_related("campaign_year", "created_by__person", "concluded_by__person")


def round_rows(supervision_round: SupervisionRound, *, today: datetime.date) -> list[dict]:
    """Each active branch of the institute in a quarter: inspections done in the quarter, the
    findings raised then and how many of them are closed, findings open now (raised up to the
    quarter's end) and of those, the ones past their deadline; and the news reports (通讯报道)
    recorded in the quarter. One query."""
    from activities.models import Kind as ActivityKind

    start, end = supervision_round.starts_on, supervision_round.ends_on
    in_quarter = Q(inspections__inspected_on__gte=start, inspections__inspected_on__lte=end)
    with_findings = ~Q(inspections__findings="")
    still_open = Q(inspections__status=Inspection.Status.OPEN) & with_findings
    deadline = min(today, end + datetime.timedelta(days=1))

    def count(relation, condition):
        # distinct: two relations are joined, so each row would otherwise count several times
        return Count(relation, filter=condition, distinct=True)

    branches = (
        Branch.objects.active()
        .filter(committee_id=supervision_round.campaign_year.campaign.committee_id)
        .select_related("general_branch")
        .annotate(
            n_inspections=count("inspections", in_quarter),
            n_findings=count("inspections", in_quarter & with_findings),
            n_closed=count(
                "inspections", in_quarter & with_findings & Q(inspections__status=Inspection.Status.CLOSED)
            ),
            n_open=count("inspections", still_open & Q(inspections__inspected_on__lte=end)),
            n_overdue=count(
                "inspections",
                still_open
                & Q(inspections__inspected_on__lte=end, inspections__rectification_due__lt=deadline),
            ),
            n_news=count(
                "activity_records",
                Q(
                    activity_records__kind=ActivityKind.NEWS_REPORT,
                    activity_records__archived_at__isnull=True,
                    activity_records__held_on__gte=start,
                    activity_records__held_on__lte=end,
                ),
            ),
        )
        .order_by(*Branch.TREE_ORDER)
    )
    return [
        {
            "branch_obj": b,
            "branch_id": b.pk,
            "branch": b.name,
            "inspections": b.n_inspections,
            "findings": b.n_findings,
            "closed": b.n_closed,
            "open": b.n_open,
            "overdue": b.n_overdue,
            "news_reports": b.n_news,
        }
        for b in branches
    ]


def review_round_list(rounds):
    return (
        rounds.select_related("campaign_year", "opened_by__person")
        .annotate(
            total=Count("reviews"),
            pending=Count("reviews", filter=Q(reviews__status=Review.Status.PENDING)),
            written=Count("reviews", filter=Q(reviews__status=Review.Status.WRITTEN)),
            acknowledged=Count("reviews", filter=Q(reviews__status=Review.Status.ACKNOWLEDGED)),
        )
        .order_by("-campaign_year__year", "-half", "pk")
    )


# Within a round: the general branches' own reviews, the branches', the members' (by kind), each
# in the order of the organisation tree.
REVIEW_ORDER = (
    "kind",
    "general_branch__sort_order",
    "general_branch__name_key",
    "branch__sort_order",
    "branch__name_key",
    "person__name",
    "pk",
)


def review_list(reviews):
    # the campaign too: a row's buttons ask for the round's institute (workflow.REVIEW)
    return reviews.select_related(
        "round__campaign_year__campaign", "general_branch", "branch", "person", "written_by__person"
    )


def round_branches(review_round: ReviewRound):
    """The branches with a review in ``review_round``, for its filter."""
    return Branch.objects.filter(reviews__round=review_round).distinct().order_by(*Branch.TREE_ORDER)


def round_general_branches(review_round: ReviewRound):
    """The general branches with a review in ``review_round``, their own or their branches', for
    its filter."""
    reviews = Review.objects.filter(round=review_round)
    return GeneralBranch.objects.filter(
        Q(pk__in=reviews.values("general_branch_id")) | Q(pk__in=reviews.values("branch__general_branch_id"))
    )


def next_pending(review: Review) -> int | None:
    """The id of the next review of the round still to be written, to go on with after saving."""
    return (
        review.round.reviews.filter(status=Review.Status.PENDING)
        .exclude(pk=review.pk)
        .order_by(*REVIEW_ORDER)
        .values_list("pk", flat=True)
        .first()
    )


def review_detail(reviews):
    return reviews.select_related(
        "round__campaign_year__campaign",
        "general_branch",
        "branch",
        "person",
        "written_by__person",
        "acknowledged_by__person",
    )


def home_context(*, access: Access, role: str | None, campaign_year) -> dict:
    """What a role's home page shows (``templates/supervision/_home.html``): at most three
    queries whatever the amount of data."""
    today = timezone.localdate()
    context: dict = {"supervision_today": today}
    if role in (Role.OFFICE, Role.ADMIN, Role.LEADING_GROUP):
        overdue = access.restrict(Inspection.objects.overdue(today), "supervision.view")
        context["sv_overdue"] = list(
            overdue.select_related("branch").order_by("rectification_due", "pk")[:HOME_ROWS]
        )
    if role in (Role.OFFICE, Role.ADMIN) and campaign_year is not None:
        rounds = review_round_list(ReviewRound.objects.filter(campaign_year=campaign_year))
        context["sv_rounds_to_write"] = [r for r in rounds if r.pending]
    if role == Role.SECRETARY:
        context["sv_findings_to_answer"] = list(
            access.restrict(Inspection.objects.awaiting_reply(), "supervision.reply")
            .select_related("branch")
            .order_by("rectification_due", "pk")[:HOME_ROWS]
        )
    if role in (Role.SECRETARY, Role.MEMBER) and access.person is not None:
        to_acknowledge = Review.objects.to_acknowledge()
        mine = to_acknowledge.filter(kind=Review.Kind.MEMBER, person=access.person)
        units = (Review.Kind.GENERAL_BRANCH, Review.Kind.BRANCH)
        if role == Role.SECRETARY:  # with the units' reviews, in the same query
            mine |= to_acknowledge.filter(kind__in=units).acknowledgeable_by(access)
        reviews = list(mine.select_related("general_branch", "branch", "round__campaign_year"))
        context["sv_my_reviews"] = [r for r in reviews if r.kind == Review.Kind.MEMBER]
        if role == Role.SECRETARY:
            # A general branch's secretary: its own review first, then its branches'.
            own_first = sorted(
                (r for r in reviews if r.kind in units), key=lambda r: r.kind != Review.Kind.GENERAL_BRANCH
            )
            context["sv_reviews_to_acknowledge"] = own_first[:HOME_ROWS]
    context["sv_can_supervise"] = access.has("supervision.view")
    context["sv_can_review"] = access.has("reviews.view")
    return context


def meeting_list(meetings):
    return (
        meetings.select_related("campaign_year", "recorded_by__person")
        .annotate(
            n_follow_ups=Count("follow_ups", distinct=True),
            n_closed=Count(
                "follow_ups", filter=Q(follow_ups__status=Inspection.Status.CLOSED), distinct=True
            ),
            n_attendees=Count("attendees", distinct=True),
        )
        .order_by("-held_on", "-pk")
    )


def meeting_detail(meetings):
    return meetings.select_related("campaign_year__campaign", "recorded_by__person").prefetch_related(
        Prefetch("attendees", queryset=Person.objects.order_by("name")),
        Prefetch(
            "follow_ups",
            queryset=Inspection.objects.select_related("branch").order_by(
                "branch__sort_order", "branch__name_key", "pk"
            ),
        ),
    )


def meeting_attendee_choices(years):
    """Who may be ticked as attending: the secretaries of the years' institutes, the office and
    the leading group (others are written by name)."""
    from branches.models import Position
    from branches.selectors import open_positions

    committees = years.values("campaign__committee")
    secretaries = open_positions().filter(title__in=Position.SECRETARY_TITLES).values("person")
    return (
        Person.objects.filter(committee__in=committees)
        .filter(
            Q(pk__in=secretaries)
            | Q(office_seats__campaign__committee__in=committees)
            | Q(leading_group_seats__campaign__committee__in=committees)
        )
        .distinct()
        .order_by("name")
    )
