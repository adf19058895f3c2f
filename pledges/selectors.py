"""Reads for the pledge pages."""


def home_context(*, access, role: str | None, campaign_year) -> dict:
    """What a role's home page shows about pledges (``templates/pledges/_home.html``)."""
    return {}
