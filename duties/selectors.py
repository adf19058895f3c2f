"""Reads of the duty-report pages, each a fixed number of queries."""

from django.db.models import Prefetch, Q

from accounts.access import Access, Role
from core.counts import counted

from .models import DutyReport
from .workflow import VIEW_PERMISSION


def visible(access: Access):
    """The reports the reader may see: the own, and those of the institutes the office, the
    leading group or the administrator reach as a whole."""
    q = Q(pk__in=[])
    for kind, pk in access.reach(VIEW_PERMISSION):
        if kind == "all":
            return DutyReport.objects.all()
        if kind == "committee":
            q |= Q(campaign_year__campaign__committee_id=pk)
    if access.person is not None:
        q |= Q(secretary_id=access.person.pk)
    return DutyReport.objects.filter(q)


def report_list(reports):
    return reports.select_related(
        "campaign_year__campaign", "branch", "general_branch", "secretary", "meeting", "evaluation"
    ).order_by("-campaign_year__year", "general_branch__sort_order", "branch__sort_order", "pk")


def report_detail(reports):
    from branches.models import Person

    return (
        report_list(reports)
        .prefetch_related(
            "attachments", Prefetch("meeting__assessors", queryset=Person.objects.order_by("name"))
        )
        .select_related("graded_by__person", "campaign_year__duty_form")
    )


@counted
def home_context(*, access: Access, role: str | None, campaign_year, counts) -> dict:
    """A secretary's own reports of the year: to write, or graded (read with the page's counts,
    core.counts)."""
    if role != Role.SECRETARY or access.person is None or campaign_year is None:
        return {}
    counts.rows(
        "dr_mine",
        DutyReport.objects.filter(secretary_id=access.person.pk, campaign_year=campaign_year)
        .select_related("branch", "general_branch")
        .order_by("pk"),
    )
    return {"dr_can_start": True}
