"""Reads for the pledge pages. Each returns querysets with their relations loaded and the
progress rolled up in the database, so that a page costs the same number of queries however
many pledges, items and entries it shows.

Progress roll-up: an item is as far as its latest entry says (entries are cumulative and never
go back, see ``services.progress_add``); a pledge is the mean of its items, an item without
entries counting as 0 %.
"""

from django.db.models import Avg, Count, FloatField, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from branches.models import Branch
from campaigns.models import Campaign
from campaigns.services import current_year

from .models import Pledge, PledgeItem, ProgressEntry, ProgressEvidence, Publication
from .workflow import pledge_actions


def _latest_percent():
    latest = ProgressEntry.objects.filter(item=OuterRef("pk")).order_by("-entered_on", "-pk")
    return Coalesce(Subquery(latest.values("percent")[:1]), Value(0))


def items_with_progress():
    """Items annotated with ``progress`` (the latest entry's percent, 0 without entries)."""
    return PledgeItem.objects.annotate(progress=_latest_percent())


def with_progress(pledges):
    """Annotate ``progress``: the mean progress of each pledge's items (0.0 without items)."""
    mean = (
        PledgeItem.objects.filter(pledge=OuterRef("pk"))
        .annotate(p=_latest_percent())
        .order_by()
        .values("pledge")
        .annotate(mean=Avg("p"))
        .values("mean")
    )
    return pledges.annotate(progress=Coalesce(Subquery(mean, output_field=FloatField()), Value(0.0)))


def mean_progress(items) -> float:
    """The roll-up of items already annotated with ``progress`` (see ``items_with_progress``)."""
    items = list(items)
    return round(sum(i.progress for i in items) / len(items), 1) if items else 0.0


def pledge_progress(pledge: Pledge) -> float:
    return round(
        with_progress(Pledge.objects.filter(pk=pledge.pk)).values_list("progress", flat=True).get(), 1
    )


def _published_on():
    return Subquery(
        Publication.objects.filter(pledge=OuterRef("pk"), quarter__isnull=True).values("published_on")[:1]
    )


def _item_count():
    """Items per pledge as a subquery, evaluated for the rows of the page only (Count() over the
    join grouped every visible pledge first: an institute's 13,000 before a page of 50)."""
    items = PledgeItem.objects.filter(pledge=OuterRef("pk")).order_by().values("pledge")
    return Coalesce(Subquery(items.annotate(n=Count("pk")).values("n")), 0)


def pledge_list(pledges):
    """Rows of the pledge list: owner, year, state, when published, overall progress."""
    return (
        with_progress(pledges)
        .annotate(published_on=_published_on(), item_count=_item_count())
        .select_related("branch", "person", "campaign_year")
        .order_by(
            "-campaign_year__year", "kind", "branch__sort_order", "branch__name", "person__name", "-version"
        )
    )


def pledge_detail(pledges):
    """One pledge with everything its page shows: items with progress and entries with their
    evidence, publications, the review and the neighbouring versions."""
    return pledges.select_related(
        "branch",
        "person",
        "campaign_year__campaign",
        "previous",
        "next_version",
        "review__self_assessed_by__person",
        "review__reviewed_by__person",
        "created_by__person",
        "approved_by__person",
    ).prefetch_related(
        Prefetch(
            "items",
            queryset=items_with_progress()
            .select_related("responsible")
            .prefetch_related(
                Prefetch(
                    "entries",
                    queryset=ProgressEntry.objects.select_related("by__person").prefetch_related(
                        Prefetch("evidence", queryset=ProgressEvidence.objects.order_by("pk"))
                    ),
                )
            ),
        ),
        Prefetch("publications", queryset=Publication.objects.select_related("by__person")),
    )


def versions_of(pledge: Pledge, visible):
    """Every version of the same pledge (same owner and year) that the user may open."""
    same = visible.filter(campaign_year_id=pledge.campaign_year_id, kind=pledge.kind)
    same = (
        same.filter(person_id=pledge.person_id)
        if pledge.person_id
        else same.filter(branch_id=pledge.branch_id)
    )
    return same.order_by("version")


def campaign_year_for(committee_id, today=None):
    """The current campaign year of a party committee's running campaign (None if there is none)."""
    today = today or timezone.localdate()
    campaign = (
        Campaign.objects.running(today).filter(committee_id=committee_id).prefetch_related("years").first()
    )
    return current_year(campaign, today) if campaign else None


def evidence_visible_to(access):
    return ProgressEvidence.objects.filter(entry__item__pledge__in=Pledge.objects.visible_to(access))


def _member_home(access, campaign_year) -> dict:
    person = access.person
    if person is None or not access.has("pledges.write_own"):
        return {}
    versions = list(
        pledge_detail(
            Pledge.objects.member_pledges().current().filter(person=person, campaign_year=campaign_year)
        )
    )
    live = next((p for p in versions if p.status in (Pledge.Status.PUBLISHED, Pledge.Status.CLOSED)), None)
    open_ = next((p for p in versions if p.status in Pledge.OPEN_STATUSES), None)
    shown = live or open_
    if shown is not None:
        shown.progress = mean_progress(shown.items.all())
    if open_ is not None and open_.status in (Pledge.Status.DRAFT, Pledge.Status.RETURNED):
        next_step = "submit"
    elif open_ is not None:
        next_step = open_.status  # submitted / approved: waiting for the secretary
    elif live is not None and live.status == Pledge.Status.PUBLISHED:
        next_step = "progress"
    elif live is not None:
        next_step = "closed"
    else:
        next_step = "write"
    return {
        "my_pledge": shown,
        "my_open_pledge": open_,
        "my_next_step": next_step,
        "my_pledge_actions": pledge_actions(access, shown) if shown else set(),
    }


def _published_around(access, campaign_year, limit=50) -> dict:
    """The published pledges of the person's branch and department (the ``pledges.view`` scope)."""
    pledges = access.restrict(
        Pledge.objects.for_year(campaign_year).filter(
            status__in=(Pledge.Status.PUBLISHED, Pledge.Status.CLOSED)
        ),
        "pledges.view",
    )
    rows = list(pledge_list(pledges)[: limit + 1])
    return {"published_pledges": rows[:limit], "published_more": len(rows) > limit}


def _secretary_home(access, campaign_year) -> dict:
    year_pledges = Pledge.objects.for_year(campaign_year).current()
    branches = access.restrict(Branch.objects.active(), "pledges.write_branch", branch="")
    branches = branches.annotate(
        member_count=Count("members", distinct=True),
        published_member_pledges=Count(
            "pledges",
            filter=Q(
                pledges__kind=Pledge.Kind.MEMBER,
                pledges__campaign_year=campaign_year,
                pledges__status__in=(Pledge.Status.PUBLISHED, Pledge.Status.CLOSED),
            ),
            distinct=True,
        ),
    ).order_by("sort_order", "name")
    by_branch: dict[int, list] = {}
    for pledge in year_pledges.branch_pledges().filter(branch__in=branches).order_by("version"):
        by_branch.setdefault(pledge.branch_id, []).append(pledge)
    rows = [(branch, by_branch.get(branch.pk, [])) for branch in branches]
    waiting = access.restrict(
        year_pledges.member_pledges().filter(status__in=(Pledge.Status.SUBMITTED, Pledge.Status.APPROVED)),
        "pledges.approve_member",
    ).select_related("person", "branch")
    return {
        "branch_pledge_rows": rows,
        "member_pledges_waiting": list(waiting.order_by("status", "submitted_at")),
    }


def _office_home(access, campaign_year) -> dict:
    year_pledges = Pledge.objects.for_year(campaign_year).branch_pledges().current()
    waiting = access.restrict(year_pledges.filter(status=Pledge.Status.SUBMITTED), "pledges.approve_branch")
    counts = access.restrict(year_pledges, "pledges.view").values("status").annotate(n=Count("pk")).order_by()
    branch_total = access.restrict(Branch.objects.active(), "pledges.view", branch="").count()
    by_status = {row["status"]: row["n"] for row in counts}
    published = by_status.get(Pledge.Status.PUBLISHED, 0) + by_status.get(Pledge.Status.CLOSED, 0)
    return {
        "branch_pledges_waiting": list(waiting.select_related("branch").order_by("submitted_at")),
        "branch_pledge_counts": [
            (label, by_status.get(value, 0)) for value, label in Pledge.Status.choices if by_status.get(value)
        ],
        "branch_pledges_published": published,
        "pledge_branch_total": branch_total,
    }


def home_context(*, access, role: str | None, campaign_year) -> dict:
    """What a role's home page shows about pledges (``templates/pledges/_home.html``)."""
    if campaign_year is None or not access.has("pledges.view"):
        return {}
    context = {"pledge_home_role": role, "pledge_year": campaign_year}
    if role == "member":
        context.update(_member_home(access, campaign_year))
    elif role == "staff":
        context.update(_published_around(access, campaign_year))
    elif role == "secretary":
        context.update(_secretary_home(access, campaign_year))
    elif role in ("office", "admin", "leading_group"):
        context.update(_office_home(access, campaign_year))
    return context
