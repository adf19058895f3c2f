"""Reads for the reports pages."""


def home_context(*, access, role: str | None, campaign_year) -> dict:
    """What a role's home page shows (``templates/reports/_home.html``)."""
    return {}
