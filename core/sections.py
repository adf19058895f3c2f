"""Sections of the home page: each app offers its own, the home app assembles them.

As in pretix's dashboard widgets, the page that assembles knows no app's internals: an app
connects a receiver to ``home_section`` (in its ``AppConfig.ready``, through ``offer``), the
home page sends the signal once and merges what comes back, in the order of INSTALLED_APPS,
so a section higher up the house may refine a figure one lower down offers (the pledges
section replaces the secretary's branch list of the accounts section with the one it has
loaded already). Sections register their figures in the shared ``Counts``: all of them cost
one query together."""

from __future__ import annotations

from collections.abc import Callable

from django.dispatch import Signal

# Sent with: access, role, campaign_year (or None), counts (core.counts.Counts), today.
home_section = Signal()


def offer(home_context: Callable[..., dict], *, uid: str, counts: bool = False) -> None:
    """Offer an app's ``home_context(*, access, role, campaign_year[, counts])`` as a section
    of the home page; ``counts=True`` when it registers figures in the page's shared counts."""

    takes_counts = counts

    def receiver(sender, *, access, role, campaign_year, counts, **kwargs) -> dict:
        extra = {"counts": counts} if takes_counts else {}
        return home_context(access=access, role=role, campaign_year=campaign_year, **extra)

    home_section.connect(receiver, weak=False, dispatch_uid=uid)


def assemble(*, access, role: str | None, campaign_year, today) -> dict:
    """The context of every section for one page, with the shared counts run once."""
    from .counts import Counts

    counts = Counts()
    context: dict = {}
    for _receiver, section in home_section.send(
        sender=None, access=access, role=role, campaign_year=campaign_year, counts=counts, today=today
    ):
        context.update(section)
    context.update(counts.run())
    return context
