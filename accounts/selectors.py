"""What each role's home page shows: the things that role has to do now."""

from django.db.models import Count, Exists, OuterRef, Subquery
from django.utils import timezone

from activities import selectors as activity_selectors
from awards import selectors as award_selectors
from branches.models import Branch, BranchCategory, Person, PersonQuerySet
from campaigns.models import Campaign, CampaignYear, Phase
from campaigns.selectors import upcoming
from campaigns.services import current_of
from evaluations import selectors as evaluation_selectors
from pledges import selectors as pledge_selectors
from reports import selectors as report_selectors
from supervision import selectors as supervision_selectors

from .access import Access, Role
from .counts import Counts


def _campaign_year(access: Access, today):
    """The reader's campaign (the latest begun of those in scope) and its current year with the
    year's award cycle (for the awards section) and, as ``current_phases``, the phases running
    ``today``: one query, two without a year. The phases are read as one EXISTS each in the
    same query rather than by a second query."""
    campaigns = access.restrict(Campaign.objects.all(), "campaign.view", branch="", committee="committee")
    running = {
        f"phase_{number}_running": Exists(
            Phase.objects.filter(
                campaign_year=OuterRef("pk"), number=number, starts_on__lte=today, ends_on__gte=today
            )
        )
        for number in Phase.Number.values
    }
    years = list(
        CampaignYear.objects.filter(campaign=Subquery(campaigns.values("pk")[:1]))
        .select_related("campaign", "award_cycle")
        .annotate(**running)
    )
    if not years:  # a campaign without a cycle yet, or none
        return campaigns.first(), None
    year = current_of(years, today)
    year.current_phases = [
        Phase(campaign_year=year, number=number)
        for number in Phase.Number.values
        if getattr(year, f"phase_{number}_running")
    ]
    return years[0].campaign, year


def home_context(*, access: Access, role: str | None) -> dict:
    today = timezone.localdate()
    campaign, year = _campaign_year(access, today)
    context = {
        "campaign": campaign,
        "campaign_year": year,
        "upcoming": upcoming(year, today),
        "current_phases": year.current_phases if year else [],
        "today": today,
        "person": access.person,
    }
    counts = Counts()
    if role in (Role.ADMIN, Role.OFFICE, Role.LEADING_GROUP):
        branches = access.restrict(Branch.objects.active(), "branches.view", branch="")
        for category, _label in BranchCategory.choices:
            counts.add(f"branches_{category}", branches.filter(category=category))
        counts.then(
            lambda n: {
                "branch_count_by_category": [
                    {"category": c, "n": n[f"branches_{c}"]}
                    for c, _l in BranchCategory.choices
                    if n[f"branches_{c}"]
                ],
                "branch_total": sum(n[f"branches_{c}"] for c, _l in BranchCategory.choices),
            }
        )
        context["categories"] = BranchCategory.choices
        people = Person.objects.all()
        if role != Role.ADMIN:
            people = people.filter(committee__in=branches.values("committee"))
        # Both figures in one pass over the people (as two counts, they would read them twice).
        context.update(
            people.aggregate(
                member_total=Count("pk", filter=PersonQuerySet.MEMBERS),
                staff_total=Count("pk", filter=PersonQuerySet.STAFF),
            )
        )
    if role == Role.MEMBER and access.person is not None:
        membership = (
            access.person.memberships.select_related("branch", "party_group")
            .filter(ended_on__isnull=True)
            .first()
        )
        if membership is not None and membership.party_group_id == access.person.party_group_id:
            access.person.party_group = membership.party_group  # loaded already: no query in the page
        context["membership"] = membership
    # Sections register their figures in ``counts``; all of them cost one query together.
    for selectors in (pledge_selectors, evaluation_selectors, award_selectors):
        context.update(selectors.home_context(access=access, role=role, campaign_year=year, counts=counts))
    for selectors in (activity_selectors, supervision_selectors, report_selectors):
        context.update(selectors.home_context(access=access, role=role, campaign_year=year))
    context.update(counts.run())
    if role == Role.SECRETARY:
        # The pledges section has loaded the secretary's branches with their member counts.
        rows = context.get("branch_pledge_rows")
        context["my_branches"] = (
            [branch for branch, _versions in rows] if rows is not None else _my_branches(access)
        )
    return context


def _my_branches(access: Access):
    """The secretary's branches: name, category and member count (branch_list prefetches more)."""
    return (
        access.restrict(Branch.objects.active(), "pledges.write_branch", branch="")
        .annotate(member_count=Count("members"))
        .order_by(*Branch.TREE_ORDER)
    )
