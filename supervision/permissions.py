"""Permission helpers for pages about a whole institute (spot-check draws, quarterly rounds,
review rounds): a secretary's branch scope does not reach them, only the office's, the leading
group's (committee) or the administrator's (all)."""

from django.db.models import Q

from accounts.access import Access


def restrict_institute(queryset, access: Access, permission: str, *, committee: str):
    """``queryset`` narrowed to the institutes ``permission`` reaches as a whole; ``committee``
    is the lookup from the model to its PartyCommittee. Branch scopes count for nothing here."""
    q = Q(pk__in=[])
    for kind, pk in access.reach(permission):
        if kind == "all":
            return queryset
        if kind == "committee":
            q |= Q(**{f"{committee}_id": pk})
    return queryset.filter(q)
