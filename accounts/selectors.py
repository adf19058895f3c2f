"""What each role's home page shows: the things that role has to do now."""

from django.db.models import Count
from django.utils import timezone

from activities import selectors as activity_selectors
from awards import selectors as award_selectors
from branches.models import Branch, BranchCategory, Person
from branches.selectors import branch_list
from campaigns.models import Campaign
from campaigns.selectors import upcoming
from campaigns.services import current_year
from evaluations import selectors as evaluation_selectors
from pledges import selectors as pledge_selectors
from reports import selectors as report_selectors
from supervision import selectors as supervision_selectors

from .access import Access, Role


def _campaign_year(access: Access, today):
    campaigns = access.restrict(Campaign.objects.all(), "campaign.view", branch="", committee="committee")
    campaign = campaigns.prefetch_related("years").first()
    return campaign, (current_year(campaign, today) if campaign else None)


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
        context["member_total"] = people.members().count()
        context["staff_total"] = people.staff().count()
    if role == Role.SECRETARY:
        branches = access.restrict(Branch.objects.all(), "people.view", branch="")
        context["my_branches"] = branch_list(branches)
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
