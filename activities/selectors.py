"""Reads for the activity record and compliance pages."""


def home_context(*, access, role: str | None, campaign_year) -> dict:
    """What a role's home page shows about records and compliance (``templates/activities/_home.html``)."""
    return {}
