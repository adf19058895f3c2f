"""Reads for the supervision pages."""


def home_context(*, access, role: str | None, campaign_year) -> dict:
    """What a role's home page shows (``templates/supervision/_home.html``)."""
    return {}
