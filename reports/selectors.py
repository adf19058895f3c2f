"""Reads for the reports pages."""

from .models import ReportFile


def home_context(*, access, role: str | None, campaign_year) -> dict:
    """What a role's home page shows (``templates/reports/_home.html``): the user's latest files."""
    if not access.has("reports.request"):
        return {}
    return {
        "report_files": list(
            ReportFile.objects.filter(requested_by=access.user).order_by("-requested_at", "-pk")[:3]
        )
    }
