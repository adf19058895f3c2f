"""Reads for the evaluations pages."""


def home_context(*, access, role: str | None, campaign_year) -> dict:
    """What a role's home page shows (``templates/evaluations/_home.html``)."""
    return {}
