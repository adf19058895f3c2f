"""What each role's home page shows: the things that role has to do now."""

from django.db.models import Count, Subquery
from django.utils import timezone

from activities import selectors as activity_selectors
from awards import selectors as award_selectors
from branches.models import Branch, BranchCategory, Person, PersonQuerySet
from campaigns.models import Campaign, CampaignYear
from campaigns.selectors import upcoming
from campaigns.services import current_of
from evaluations import selectors as evaluation_selectors
from pledges import selectors as pledge_selectors
from reports import selectors as report_selectors
from supervision import selectors as supervision_selectors

from .access import Access, Role


def _campaign_year(access: Access, today):
    """The reader's campaign (the latest begun of those in scope) and its current year with the
    year's phases: two queries."""
    campaigns = access.restrict(Campaign.objects.all(), "campaign.view", branch="", committee="committee")
    years = list(
        CampaignYear.objects.filter(campaign=Subquery(campaigns.values("pk")[:1]))
        .select_related("campaign")
        .prefetch_related("phases")
    )
    if not years:  # a campaign without a cycle yet, or none
        return campaigns.first(), None
    return years[0].campaign, current_of(years, today)


def home_context(*, access: Access, role: str | None) -> dict:
    today = timezone.localdate()
    campaign, year = _campaign_year(access, today)
    context = {
        "campaign": campaign,
        "campaign_year": year,
        "upcoming": upcoming(year, today),
        "current_phases": [p for p in year.phases.all() if p.starts_on <= today <= p.ends_on] if year else [],
        "today": today,
        "person": access.person,
    }
    if role in (Role.ADMIN, Role.OFFICE, Role.LEADING_GROUP):
        branches = access.restrict(Branch.objects.active(), "branches.view", branch="")
        context["branch_count_by_category"] = list(
            branches.values("category").annotate(n=Count("pk")).order_by("category")
        )
        context["categories"] = BranchCategory.choices
        context["branch_total"] = sum(row["n"] for row in context["branch_count_by_category"])
        people = Person.objects.all()
        if role != Role.ADMIN:
            people = people.filter(committee__in=branches.values("committee"))
        # Both figures in one pass over the people.
        totals = people.aggregate(
            members=Count("pk", filter=PersonQuerySet.MEMBERS), staff=Count("pk", filter=PersonQuerySet.STAFF)
        )
        context["member_total"] = totals["members"]
        context["staff_total"] = totals["staff"]
    if role == Role.SECRETARY:
        branches = access.restrict(Branch.objects.all(), "people.view", branch="")
        # The home page shows name, category and member count only (branch_list prefetches more).
        context["my_branches"] = (
            branches.active()
            .annotate(member_count=Count("members"))
            .order_by("general_branch__sort_order", "general_branch__name", "sort_order", "name")
        )
    if role == Role.MEMBER and access.person is not None:
        context["membership"] = (
            access.person.memberships.select_related("branch", "party_group")
            .filter(ended_on__isnull=True)
            .first()
        )
    context.update(pledge_selectors.home_context(access=access, role=role, campaign_year=year))
    for selectors in (
        activity_selectors,
        supervision_selectors,
        evaluation_selectors,
        award_selectors,
        report_selectors,
    ):
        context.update(selectors.home_context(access=access, role=role, campaign_year=year))
    return context
