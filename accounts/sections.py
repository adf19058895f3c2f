"""The accounts section of each role's home page: the organisation as the role sees it (branch
and people figures for the office, the member's own branch, the secretary's branches)."""

from django.db.models import Count, Value

from branches.models import Branch, BranchCategory, Person, PersonQuerySet

from .access import Access, Role


def home_context(*, access: Access, role: str | None, campaign_year, counts) -> dict:
    context: dict = {"person": access.person}
    if role in (Role.ADMIN, Role.OFFICE, Role.LEADING_GROUP):
        branches = access.restrict(Branch.objects.active(), "branches.view", branch="")
        counts.tally("branches_by_category", branches, "category")

        def by_category(n):
            found = n["branches_by_category"]
            return {
                "branch_count_by_category": [
                    {"category": c, "n": found[c]} for c, _l in BranchCategory.choices if found.get(c)
                ],
                "branch_total": sum(found.get(c, 0) for c, _l in BranchCategory.choices),
            }

        counts.then(by_category)
        context["categories"] = BranchCategory.choices
        people = Person.objects.all()
        if role != Role.ADMIN:
            people = people.filter(committee__in=branches.values("committee"))
        # Both figures in one pass over the people (as two counts, they would read them twice),
        # an aggregate over a constant group (one row), read with the page's counts.
        counts.rows(
            "people_totals",
            people.order_by()
            .annotate(everyone=Value(1))
            .values("everyone")
            .annotate(
                member_total=Count("pk", filter=PersonQuerySet.MEMBERS),
                staff_total=Count("pk", filter=PersonQuerySet.STAFF),
            )
            .values_list("member_total", "staff_total"),
        )
        counts.then(
            lambda n: dict(
                zip(
                    ("member_total", "staff_total"),
                    n["people_totals"][0] if n["people_totals"] else (0, 0),
                    strict=True,
                )
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
    if role == Role.SECRETARY:
        # Read only if no later section offers the list it has loaded already (the pledges
        # section does, with the member counts): a queryset, so unread costs nothing.
        context["my_branches"] = (
            access.restrict(Branch.objects.active(), "pledges.write_branch", branch="")
            .annotate(member_count=Count("members"))
            .order_by(*Branch.TREE_ORDER)
        )
    return context
