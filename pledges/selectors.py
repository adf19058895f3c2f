"""Reads for the pledge pages. Each returns querysets with their relations loaded and the
progress rolled up in the database, so that a page costs the same number of queries however
many pledges, items and entries it shows.

Progress roll-up: an item is as far as its latest entry says (entries are cumulative and never
go back, see ``services.progress_add``); a pledge is the mean of its items, an item without
entries counting as 0 %.
"""

from collections import Counter

from django.db.models import Avg, Count, FloatField, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import User
from branches.models import Branch, GeneralBranch
from campaigns.models import Campaign, CampaignYear
from campaigns.services import current_year
from core.arrays import any_of
from core.counts import counted

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
    # order_by(): there is one such publication; the default order would join the pledge's
    # campaign, branch and member for each row of the list.
    once = Publication.objects.filter(pledge=OuterRef("pk"), quarter__isnull=True).order_by()
    return Subquery(once.values("published_on")[:1])


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
        .select_related("branch", "general_branch", "person", "campaign_year")
        .order_by(*LIST_ORDER)
    )


# Year and kind come first: ``PledgePages`` relies on it. The primary key last, so that the
# order is total and no row is skipped or shown twice between pages (branch names repeat across
# institutes, members' names within a branch).
LIST_ORDER = (
    "-campaign_year__year",
    "kind",
    "branch__sort_order",
    "branch__name_key",
    "general_branch__sort_order",
    "general_branch__name_key",
    "person__name",
    "-version",
    "pk",
)


def pledge_counts(pledges) -> list[tuple[int, str, str, int]]:
    """``(year, kind, status, number of pledges)`` for each combination. Counted by campaign
    year (the pledge indexes hold it, so the count need not read the table nor join each row
    to its year); the years of those few campaign years come with a second, small query."""
    rows = list(pledges.order_by().values_list("campaign_year", "kind", "status").annotate(n=Count("*")))
    years = dict(CampaignYear.objects.filter(pk__in={row[0] for row in rows}).values_list("pk", "year"))
    return [(years[campaign_year], kind, status, n) for campaign_year, kind, status, n in rows]


def pledge_pages(visible, counts, *, status=None, kind=None, year=None, q=None) -> "PledgePages":
    """The pledge list for these filters (without a status: every version in force). The size
    of each (year, kind) group comes from ``counts`` (``pledge_counts`` of ``visible``) for the
    filters on status, kind and year; a text search is counted again in the database."""
    pledges = visible.filter(status=status) if status else visible.current()
    if kind:
        pledges = pledges.filter(kind=kind)
    if year:
        pledges = pledges.filter(campaign_year__year=year)
    if q:
        pledges = pledges.filter(
            Q(branch__name__contains=q) | Q(general_branch__name__contains=q) | Q(person__name__contains=q)
        )
        counts = pledge_counts(pledges)
    sizes = Counter()
    for row_year, row_kind, row_status, n in counts:
        # The same filters as above, on the counts.
        if (
            (row_status == status if status else row_status != Pledge.Status.SUPERSEDED)
            and (not kind or row_kind == kind)
            and (not year or row_year == year)
        ):
            sizes[row_year, row_kind] += n
    # Only what a row shows: the pledge's texts and the other columns of its branch, member
    # and year would be read, sent and loaded into models for nothing.
    rows = pledge_list(pledges).only(*LIST_COLUMNS)
    return PledgePages(rows, sizes)


# The columns of the list's rows (``pledge_list.html``, ``_owner.html``).
LIST_COLUMNS = (
    "kind",
    "version",
    "status",
    "published_late",
    "campaign_year__year",
    "branch__name",
    "general_branch__name",
    "person__name",
)


class PledgePages:
    """The pledge list for a paginator: the number of rows of each (year, kind) group is known
    beforehand (``pledge_counts``); the rows are read one page at a time.

    The list is ordered by year and kind first, so a page lies within one or two of those
    groups. The page query reads only these, at the page's offset within them, instead of
    sorting every visible pledge (an institute's 10,000, the whole group's 90,000 for the
    administrator) to skip to the page."""

    def __init__(self, rows, sizes: dict[tuple[int, str], int]):
        self.rows = rows  # ordered as ``pledge_list`` orders them
        self.groups = sorted(((year, kind, n) for (year, kind), n in sizes.items() if n), key=_newest_first)

    def count(self) -> int:
        return sum(n for _year, _kind, n in self.groups)

    def __getitem__(self, page: slice) -> list:
        start, first, within = 0, None, Q()
        for year, kind, n in self.groups:
            if start < page.stop and start + n > page.start:
                first = start if first is None else first
                within |= Q(campaign_year__year=year, kind=kind)
            start += n
        if first is None:
            return []
        return list(self.rows.filter(within)[page.start - first : page.stop - first])


def _newest_first(group):
    year, kind, _n = group
    return -year, kind


def pledge_detail(pledges):
    """One pledge with everything its page shows: items with progress and entries with their
    evidence, publications, the review and whether a correction follows. Every join costs
    planning time in each request (more than running the query, the more so for the pledge
    table with its many indexes), so only what the page shows is joined; the users named on
    the page come with ``load_signatories``."""
    return pledges.select_related(
        "branch", "general_branch", "person", "campaign_year", "next_version", "review"
    ).prefetch_related(
        # Each prefetch is ordered within its one pledge or item: the models' default orders
        # start with the pledge, which would join its campaign, branch and member again.
        Prefetch(
            "items",
            queryset=items_with_progress()
            .select_related("responsible")
            .order_by("position", "pk")
            .prefetch_related(
                Prefetch(
                    "entries",
                    queryset=ProgressEntry.objects.select_related("by__person")
                    .order_by("entered_on", "pk")
                    .prefetch_related(Prefetch("evidence", queryset=ProgressEvidence.objects.order_by("pk"))),
                )
            ),
        ),
        Prefetch(
            "publications",
            queryset=Publication.objects.select_related("by__person").order_by("published_on", "pk"),
        ),
    )


def load_signatories(pledge: Pledge, comments=()) -> None:
    """Load who wrote and approved the pledge, who assessed and reviewed it, and who wrote,
    answered or hid each of ``comments``, with their person (for the name), in one query. As
    more pairs of joins in the pledge's or the comments' own query they cost more to plan and
    to compile than the whole page's queries to run."""
    review = getattr(pledge, "review", None)
    named = [(pledge, "created_by"), (pledge, "approved_by")]
    if review is not None:
        named += [(review, "self_assessed_by"), (review, "reviewed_by")]
    for comment in comments:
        named += [(comment, "author"), (comment, "answered_by"), (comment, "hidden_by")]
    ids = {getattr(obj, f"{field}_id") for obj, field in named} - {None}
    users = User.objects.select_related("person").in_bulk(ids)
    for obj, field in named:
        if getattr(obj, f"{field}_id") is not None:
            setattr(obj, field, users[getattr(obj, f"{field}_id")])


def versions_of(pledge: Pledge, access) -> list[Pledge]:
    """Every version of the same pledge (same owner and year) that ``access`` may open. A first
    version without a correction is the only one (one chain of versions per owner and year,
    ``models._one_chain_per_owner_and_year``): no query, and the visibility rule is not even
    built (about 1 ms of the pledge page's CPU), for most pledges."""
    if pledge.version == 1 and not pledge.has_next_version:
        return [pledge]
    same = Pledge.objects.visible_to(access, by_key=True).filter(
        campaign_year_id=pledge.campaign_year_id, kind=pledge.kind
    )
    if pledge.person_id:
        same = same.filter(person_id=pledge.person_id)
    elif pledge.general_branch_id:
        same = same.filter(general_branch_id=pledge.general_branch_id)
    else:
        same = same.filter(branch_id=pledge.branch_id)
    return list(same.order_by("version"))


def campaign_year_for(committee_id, today=None):
    """The current campaign year of a party committee's running campaign (None if there is none)."""
    today = today or timezone.localdate()
    campaign = (
        Campaign.objects.running(today).filter(committee_id=committee_id).prefetch_related("years").first()
    )
    return current_year(campaign, today) if campaign else None


def evidence_visible_to(access):
    return ProgressEvidence.objects.filter(entry__item__pledge__in=Pledge.objects.visible_to(access))


def _member_home(access, campaign_year, counts) -> dict:
    """The member's own pledge this year (the version in force and one under way) with its
    commitments, and the published pledges of the own branch and general branch: three lists
    read with the page's counts (``core.counts``), no query of their own. (The pledge page's
    loader, ``pledge_detail``, cost five queries here for entries and publications the home
    does not show.)"""
    person = access.person
    if person is None or not access.has("pledges.write_own"):
        return {}
    mine = Pledge.objects.member_pledges().current().filter(person=person, campaign_year=campaign_year)
    # The branch and the correction under way: what ``pledge_actions`` reads.
    counts.rows("my_pledges", mine.select_related("branch", "next_version").order_by("-version"))
    counts.rows(
        "my_pledge_items",
        items_with_progress().filter(pledge__in=mine.values("pk")).order_by("position", "pk"),
    )
    counts.rows("unit_pledges", _unit_pledges(person, campaign_year))
    counts.then(lambda n: _member_rows(access, n["my_pledges"], n["my_pledge_items"]))
    return {}


def _member_rows(access, versions, items) -> dict:
    live = next((p for p in versions if p.status in (Pledge.Status.PUBLISHED, Pledge.Status.CLOSED)), None)
    open_ = next((p for p in versions if p.status in Pledge.OPEN_STATUSES), None)
    shown = live or open_
    shown_items = [item for item in items if shown is not None and item.pledge_id == shown.pk]
    if shown is not None:
        shown.progress = mean_progress(shown_items)
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
        "my_pledge_items": shown_items,
        "my_open_pledge": open_,
        "my_next_step": next_step,
        "my_pledge_actions": pledge_actions(access, shown) if shown else set(),
    }


def _unit_pledges(person, campaign_year):
    """The published pledges a member follows: the own branch's and its general branch's."""
    if person.branch_id is None:
        return Pledge.objects.none()
    # The general branch as a scalar subquery, not a join through its branches: the join made
    # PostgreSQL plan this list for 2.0 ms on each home (0.5 ms so), for 0.3 ms of running.
    own_general_branch = Branch.objects.filter(pk=person.branch_id).values("general_branch_id")
    units = Q(kind=Pledge.Kind.BRANCH, branch_id=person.branch_id) | Q(
        kind=Pledge.Kind.GENERAL_BRANCH, general_branch_id=Subquery(own_general_branch)
    )
    live = Pledge.objects.for_year(campaign_year).filter(
        units, status__in=(Pledge.Status.PUBLISHED, Pledge.Status.CLOSED)
    )
    return pledge_list(live)


def general_branches_reached(access, permission: str) -> list:
    """The active general branches whose own records ``permission`` reaches, in the tree's
    order: the candidates of the scopes held, each decided by ``Access.reaches_general_branch``
    (no query per general branch). No query at all when only branch scopes are held."""
    candidates = _general_branch_candidates(access, permission)
    return _reached(access, permission, candidates if candidates is not None else [])


def _general_branch_candidates(access, permission: str):
    """The queryset of ``general_branches_reached`` before its rule, or None (none reached)."""
    scopes = access.reach(permission)
    committees = {pk for kind, pk in scopes if kind == "committee"}
    own = {pk for kind, pk in scopes if kind == "general_branch"}
    candidates = GeneralBranch.objects.filter(is_active=True).order_by("sort_order", "name_key", "pk")
    if ("all", None) not in scopes:
        if not committees and not own:
            return None
        candidates = candidates.filter(Q(committee__in=committees) | Q(pk__in=own))
    return candidates


def _reached(access, permission: str, candidates) -> list:
    return [gb for gb in candidates if access.reaches_general_branch(permission, gb)]


def _general_branches_with_counts(access, permission: str, counts, name: str) -> None:
    """``general_branches_reached`` read with the page's counts, as ``name`` in the numbers."""
    candidates = _general_branch_candidates(access, permission)
    counts.rows(f"{name}_candidates", candidates if candidates is not None else GeneralBranch.objects.none())
    counts.then(lambda n: {name: _reached(access, permission, n[f"{name}_candidates"])})


def _published_around(access, campaign_year, counts, limit=50) -> dict:
    """The published pledges of the person's branch and department (the ``pledges.view`` scope),
    with the own pledge of their general branch (public to its branches' people): read with the
    page's counts (``core.counts``)."""
    pledges = Pledge.objects.for_year(campaign_year).filter(
        status__in=(Pledge.Status.PUBLISHED, Pledge.Status.CLOSED)
    )
    scope = access.unit_q("pledges.view", through_branches=True)
    if scope is not None:
        pledges = pledges.filter(scope)
    counts.rows("published_around", pledge_list(pledges)[: limit + 1])
    counts.then(
        lambda n: {
            "published_pledges": n["published_around"][:limit],
            "published_more": len(n["published_around"]) > limit,
        }
    )
    return {}


def _secretary_home(access, campaign_year, counts) -> dict:
    year_pledges = Pledge.objects.for_year(campaign_year).current()
    written = access.restrict(Branch.objects.active(), "pledges.write_branch", branch="")
    branches = written.annotate(
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
    ).order_by(*Branch.TREE_ORDER)
    # The branches' own pledges and the members' pledges waiting for the secretary: one query.
    waiting = Q(kind=Pledge.Kind.MEMBER, status__in=(Pledge.Status.SUBMITTED, Pledge.Status.APPROVED))
    waiting_scope = access.scope_q("pledges.approve_member")
    if waiting_scope is not None:
        waiting &= waiting_scope
    # A general branch's secretary writes its own pledge too (shown first, labelled). The
    # candidates' rule needs no query, so the pledges are read for the candidates' ids.
    candidates = _general_branch_candidates(access, "pledges.write_branch")
    own = (
        Q(kind=Pledge.Kind.GENERAL_BRANCH) & any_of("general_branch_id", candidates.order_by().values("pk"))
        if candidates is not None
        else Q(pk__in=[])
    )
    _general_branches_with_counts(access, "pledges.write_branch", counts, "pledges_general_branches")
    # The lists come with the page's counts (core.counts): no query of their own.
    counts.rows("pledges_branches", branches)
    counts.rows(
        "pledges_secretary",
        # The branches as an array of keys (``core.arrays``): as ``branch__in`` the annotated
        # list above, joined to every member and pledge, was a subquery tested on each pledge
        # of the year (6.7 ms of a secretary's home at full scale).
        year_pledges.filter(
            Q(kind=Pledge.Kind.BRANCH) & any_of("branch_id", written.order_by().values("pk")) | own | waiting
        )
        .select_related("person", "branch")
        .order_by("status", "submitted_at", "version"),
    )
    counts.then(
        lambda n: _secretary_rows(
            n["pledges_branches"], n["pledges_secretary"], n["pledges_general_branches"]
        )
    )
    return {}


def _secretary_rows(branches, pledges, general_branches) -> dict:
    by_branch: dict[int, list] = {}
    by_general_branch: dict[int, list] = {}
    member_pledges_waiting = []
    for pledge in pledges:
        if pledge.kind == Pledge.Kind.BRANCH:
            by_branch.setdefault(pledge.branch_id, []).append(pledge)
        elif pledge.kind == Pledge.Kind.GENERAL_BRANCH:
            by_general_branch.setdefault(pledge.general_branch_id, []).append(pledge)
        else:
            member_pledges_waiting.append(pledge)

    def by_version(pledges):
        return sorted(pledges, key=lambda pledge: pledge.version)

    rows = [(branch, by_version(by_branch.get(branch.pk, []))) for branch in branches]
    # The home page lists the secretary's branches: these, loaded already (see core.sections).
    return {
        "general_branch_pledge_rows": [
            (gb, by_version(by_general_branch.get(gb.pk, []))) for gb in general_branches
        ],
        "branch_pledge_rows": rows,
        "my_branches": [branch for branch, _versions in rows],
        "member_pledges_waiting": member_pledges_waiting,
    }


# How many of the organisations without a published pledge the office's home names.
UNPUBLISHED_SHOWN = 40


def _office_home(access, campaign_year, counts) -> dict:
    year_pledges = Pledge.objects.for_year(campaign_year).current()
    live = (Pledge.Status.PUBLISHED, Pledge.Status.CLOSED)
    # Waiting for the office: branch pledges and general branches' own pledges alike.
    waiting = year_pledges.unit_pledges().filter(status=Pledge.Status.SUBMITTED)
    approve_scope = access.unit_q("pledges.approve_branch")
    if approve_scope is not None:
        waiting = waiting.filter(approve_scope)
    visible = access.restrict(year_pledges.branch_pledges(), "pledges.view")
    counts.tally("branch_pledges_by_status", visible, "status")
    branches = access.restrict(Branch.objects.active(), "pledges.view", branch="")
    counts.add("pledge_branch_total", branches)
    # Who has not pledged yet: the branches without a published pledge (counted, and the first
    # ones named), and the general branches without their own (few: all named, labelled).
    unpublished = branches.exclude(
        pk__in=year_pledges.branch_pledges().filter(status__in=live).values("branch_id")
    )
    counts.add("pledge_branches_unpublished", unpublished)
    # The lists too come with the page's counts (core.counts): no query of their own.
    _general_branches_with_counts(access, "pledges.view", counts, "pledge_general_branches")
    counts.rows(
        "pledge_general_branches_published",
        year_pledges.general_branch_pledges()
        .filter(status__in=live)
        .values_list("general_branch_id", flat=True),
    )
    counts.rows(
        "branch_pledges_waiting",
        waiting.select_related("branch", "general_branch").order_by("submitted_at", "pk"),
    )
    counts.rows(
        "branches_unpublished",
        unpublished.select_related("general_branch").order_by(*Branch.TREE_ORDER)[:UNPUBLISHED_SHOWN],
    )

    def general_branches_published(n):
        general_branches = n["pledge_general_branches"]
        gb_published = set(n["pledge_general_branches_published"]) & {gb.pk for gb in general_branches}
        return {
            "pledge_general_branch_total": len(general_branches),
            "general_branch_pledges_published": len(gb_published),
            "general_branches_unpublished": [gb for gb in general_branches if gb.pk not in gb_published],
        }

    def by_status(n):
        status_counts = n["branch_pledges_by_status"]
        return {
            "branch_pledge_counts": [
                (label, status_counts[value])
                for value, label in Pledge.Status.choices
                if status_counts.get(value)
            ],
            "branch_pledges_published": status_counts.get(Pledge.Status.PUBLISHED, 0)
            + status_counts.get(Pledge.Status.CLOSED, 0),
            "pledge_branches_unpublished_more": max(0, n["pledge_branches_unpublished"] - UNPUBLISHED_SHOWN),
        }

    counts.then(by_status)
    counts.then(general_branches_published)
    return {}


@counted
def home_context(*, access, role: str | None, campaign_year, counts) -> dict:
    """What a role's home page shows about pledges (``templates/pledges/_home.html``)."""
    if campaign_year is None or not access.has("pledges.view"):
        return {}
    context = {"pledge_home_role": role, "pledge_year": campaign_year}
    if role == "member":
        context.update(_member_home(access, campaign_year, counts))
    elif role == "staff":
        context.update(_published_around(access, campaign_year, counts))
    elif role == "secretary":
        context.update(_secretary_home(access, campaign_year, counts))
    elif role in ("office", "admin", "leading_group"):
        context.update(_office_home(access, campaign_year, counts))
    return context


def pledge_comments(pledge: Pledge) -> list:
    """The comments on one pledge (one query); their writers, answerers and hiders come with
    ``load_signatories``."""
    from .comments import PledgeComment

    comments = list(PledgeComment.objects.filter(pledge=pledge).order_by("created_at", "pk"))
    for comment in comments:
        comment.pledge = pledge  # already loaded: the workflow reads its branch
    return comments
