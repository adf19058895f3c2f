"""Compliance figures of many branches for the home pages, without building the compliance table
of every branch on every request.

The office's home page shows how many periods are overdue and due across the institute. At group
scale (issue 7: 625 branches per institute) building the whole table costs most of a second, so
each branch's two figures are kept in ``ComplianceSummary`` and recomputed, with the compliance
table itself, only for the branches whose figures are stale: missing, of another campaign year or
day, or older than the last change to what they depend on.

A general branch's own records have figures of their own (a row of ``ComplianceSummary`` with
``general_branch`` set), counted against the general branches' requirements; the callers that
ask for them pass ``general_branches``.

Changes are counted by ``touch`` (connected to the models' save and delete signals below, so that
the admin's edits count too): a record, a party group or a year's requirements. The counter is
raised in the writer's transaction, and a reader stores with its figures the counter it read
before computing them, so figures computed while a change was being written stay stale.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import connection
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from branches.models import Branch, GeneralBranch, PartyGroup

from .compliance import compliance_table
from .defaults import default_frequency
from .models import ActivityRecord, ComplianceSummary, RequiredFrequency


@dataclass(frozen=True)
class Summary:
    overdue: int
    overdue_branches: int  # units with something overdue, general branches' own among them
    due: int
    overdue_general_branches: int = 0


def compliance_summary(
    *, campaign_year, branches, general_branches=None, today: datetime.date | None = None
) -> Summary:
    """The figures of ``branches`` (a queryset narrowed to the reader's scope) in ``campaign_year``,
    and of the own records of ``general_branches`` when given: one query for each when nothing
    changed since the figures were last computed. ``overdue_branches`` counts units, a general
    branch with something overdue among them."""
    today = today or timezone.localdate()
    figures = _figures(campaign_year, branches, today, general=False)
    if general_branches is not None:
        figures.update(_figures(campaign_year, general_branches, today, general=True))
    return Summary(
        overdue=sum(o for o, _ in figures.values()),
        overdue_branches=sum(1 for o, _ in figures.values() if o),
        due=sum(d for _, d in figures.values()),
        overdue_general_branches=sum(1 for (general, _), (o, _) in figures.items() if general and o),
    )


def _figures(campaign_year, units, today, *, general: bool) -> dict[tuple, tuple[int, int]]:
    """(general?, pk) → (overdue, due) of ``units`` (branches, or general branches), recomputing
    the stale ones."""
    s = "compliance_summary__"
    rows = units.filter(committee_id=campaign_year.campaign.committee_id).values_list(
        "pk",
        s + "version",
        s + "computed_version",
        s + "campaign_year_id",
        s + "as_of",
        s + "overdue",
        s + "due",
    )
    figures: dict[tuple, tuple[int, int]] = {}
    stale: dict[int, int] = {}  # unit → the version the new figures are computed from
    for pk, version, computed, year_id, as_of, overdue, due in rows:
        if version is not None and computed == version and year_id == campaign_year.pk and as_of == today:
            figures[(general, pk)] = (overdue, due)
        else:
            stale[pk] = version or 0
    if stale:
        recomputed = _recompute(campaign_year, stale, today, general=general)
        figures.update({(general, pk): f for pk, f in recomputed.items()})
    return figures


def _recompute(
    campaign_year, versions: dict[int, int], today, *, general: bool = False
) -> dict[int, tuple[int, int]]:
    if general:
        table = compliance_table(
            campaign_year=campaign_year,
            branches=Branch.objects.none(),
            general_branches=GeneralBranch.objects.filter(pk__in=versions),
            today=today,
        )
    else:
        table = compliance_table(
            campaign_year=campaign_year, branches=Branch.objects.filter(pk__in=versions), today=today
        )
    figures = {row.unit.pk: (len(row.overdue), len(row.due)) for row in table.rows}
    owner = "general_branch" if general else "branch"
    ComplianceSummary.objects.bulk_create(
        [
            # A new row starts at version 0; a change meanwhile has made it 1 or more.
            ComplianceSummary(
                **{f"{owner}_id": pk},
                version=versions[pk],
                computed_version=versions[pk],
                campaign_year=campaign_year,
                as_of=today,
                overdue=overdue,
                due=due,
            )
            for pk, (overdue, due) in figures.items()
        ],
        update_conflicts=True,
        unique_fields=[owner],
        update_fields=["computed_version", "campaign_year", "as_of", "overdue", "due"],
    )
    return figures


# Django's upsert can only set a column to the new row's value, not increment it; this statement
# is the same in PostgreSQL and SQLite.
_TOUCH = (
    "INSERT INTO activities_compliancesummary ({owner}, version, computed_version, overdue, due) "
    "SELECT id, 1, 0, 0, 0 FROM {table} WHERE {where} "
    "ON CONFLICT ({owner}) DO UPDATE SET version = activities_compliancesummary.version + 1"
)
# ON CONFLICT names the unique column of each owner (NULLs never conflict, so a branch's row and a
# general branch's never meet).
_OWNERS = {False: ("branch_id", "branches_branch"), True: ("general_branch_id", "branches_generalbranch")}


def touch(
    *, branch_id: int | None = None, general_branch_id: int | None = None, committee_id: int | None = None
) -> None:
    """Mark the figures of a branch, of a general branch's own records, or of every branch and
    general branch of a committee, as changed."""
    if branch_id is not None:
        jobs = [(False, "id = %s", branch_id)]
    elif general_branch_id is not None:
        jobs = [(True, "id = %s", general_branch_id)]
    else:
        jobs = [(False, "committee_id = %s", committee_id), (True, "committee_id = %s", committee_id)]
    with connection.cursor() as cursor:
        for general, where, param in jobs:
            owner, table = _OWNERS[general]
            cursor.execute(_TOUCH.format(owner=owner, table=table, where=where), [param])


def _record_changed(sender, instance, **kwargs):
    if getattr(instance, "general_branch_id", None) is not None:  # a general branch's own record
        touch(general_branch_id=instance.general_branch_id)
    else:
        touch(branch_id=instance.branch_id)


def _requirements_changed(sender, instance, created=False, **kwargs):
    # A year's default created with the year (defaults.create_year_defaults) changes no figure
    # already computed: those are of another year.
    defaults = default_frequency(instance.kind, instance.unit)
    if created and all(getattr(instance, k) == v for k, v in defaults.items()):
        return
    touch(committee_id=instance.campaign_year.campaign.committee_id)


def connect_signals():
    for model in (ActivityRecord, PartyGroup):
        post_save.connect(_record_changed, sender=model, dispatch_uid=f"compliance-summary-{model.__name__}")
        post_delete.connect(
            _record_changed, sender=model, dispatch_uid=f"compliance-summary-{model.__name__}"
        )
    post_save.connect(_requirements_changed, sender=RequiredFrequency, dispatch_uid="compliance-summary-rf")
    post_delete.connect(_requirements_changed, sender=RequiredFrequency, dispatch_uid="compliance-summary-rf")
