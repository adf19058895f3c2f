"""Reads for the reports pages."""

from core.counts import counted

from .models import ReportFile


@counted
def home_context(*, access, role: str | None, campaign_year, counts) -> dict:
    """What a role's home page shows (``templates/reports/_home.html``): the user's latest files,
    read with the page's counts (core.counts)."""
    if not access.has("reports.request"):
        return {}
    counts.rows(
        "report_files",
        ReportFile.objects.filter(requested_by=access.user).order_by("-requested_at", "-pk")[:3],
    )
    return {}
