"""The compliance figures of the office's home page (activities.summary): equal to the full
compliance table, recomputed after every change they depend on, one query when nothing changed."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from activities import summary
from activities.compliance import compliance_table
from activities.models import ActivityRecord, ComplianceSummary, Kind, RequiredFrequency
from branches.models import Branch, PartyGroup
from campaigns.models import CampaignYear

D = datetime.date


@pytest.fixture
def year(institute):
    return CampaignYear.objects.select_related("campaign").get(campaign=institute.campaign, year=2026)


@pytest.fixture
def today(monkeypatch):
    day = {"value": D(2026, 5, 15)}
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: day["value"])
    return day


def figures(year):
    return summary.compliance_summary(campaign_year=year, branches=Branch.objects.active())


def expected(year):
    table = compliance_table(campaign_year=year, branches=Branch.objects.active())
    return summary.Summary(
        overdue=len(table.overdue),
        overdue_branches=len({i.branch.pk for i in table.overdue}),
        due=len(table.due),
    )


def add_record(branch, kind, on, actor, group=None):
    return ActivityRecord.objects.create(
        branch=branch, kind=kind, held_on=on, title=f"{kind} {on}", party_group=group, created_by=actor
    )


def test_figures_follow_every_change(institute, year, today):
    actor = institute.secretary.user
    first = figures(year)
    assert first == expected(year) and first.overdue > 0 and first.due > 0

    # A record of a past month: one period fewer overdue.
    record = add_record(institute.branch, Kind.NEWS_REPORT, D(2026, 2, 3), actor)
    after_record = figures(year)
    assert after_record == expected(year)
    assert after_record.overdue == first.overdue - 1

    # Archived again: overdue again.
    record.archived_at = datetime.datetime(2026, 5, 1, tzinfo=datetime.UTC)
    record.archived_by = actor
    record.archive_reason = "重复"
    record.save()
    assert figures(year) == expected(year) == first

    # The branch loses its party group: its group meetings are owed no more.
    PartyGroup.objects.filter(pk=institute.group.pk).update(is_active=False)  # bypasses signals…
    assert figures(year) == first  # …so the stored figures stand,
    institute.group.refresh_from_db()
    institute.group.save()  # and a save through the model counts as a change.
    without_group = figures(year)
    assert without_group == expected(year) and without_group.overdue < first.overdue

    # The office makes news reports quarterly: every branch's figures change.
    requirement = RequiredFrequency.objects.get(campaign_year=year, unit="branch", kind=Kind.NEWS_REPORT)
    requirement.period = "quarterly"
    requirement.save()
    assert figures(year) == expected(year) != without_group

    # Another day: periods that ended yesterday are now overdue.
    today["value"] = D(2026, 7, 2)
    assert figures(year) == expected(year) != without_group


def test_unchanged_figures_cost_one_query(institute, year, today):
    figures(year)  # the first computes (and creates the year's default requirements)
    with CaptureQueriesContext(connection) as queries:
        figures(year)
    assert len(queries) == 1


def test_figures_computed_while_a_change_is_written_stay_stale(institute, year, today):
    """A reader that read the versions before a writer's change stores figures that the next
    reader recomputes (the writer raised the version in between)."""
    figures(year)
    branch = institute.branch
    read_before = ComplianceSummary.objects.get(branch=branch).version
    summary.touch(branch_id=branch.pk)  # the writer's change, committed meanwhile
    add_record(branch, Kind.NEWS_REPORT, D(2026, 1, 9), institute.secretary.user)
    summary._recompute(year, {branch.pk: read_before}, today["value"])  # the slow reader stores
    row = ComplianceSummary.objects.get(branch=branch)
    assert row.computed_version < row.version
    assert figures(year) == expected(year)
    row.refresh_from_db()
    assert row.computed_version == row.version


def test_touch_creates_the_row_of_a_branch_without_figures(institute, year):
    """A change to a branch never summarised yet leaves a row at version 1, so that a reader who
    saw no row (version 0) and stores its figures afterwards stores stale ones."""
    summary.touch(branch_id=institute.branch2.pk)
    summary.touch(branch_id=institute.branch2.pk)
    row = ComplianceSummary.objects.get(branch=institute.branch2)
    assert (row.version, row.computed_version) == (2, 0)
    summary.touch(committee_id=institute.committee.pk)
    assert ComplianceSummary.objects.get(branch=institute.branch2).version == 3
    assert (
        ComplianceSummary.objects.filter(branch__committee=institute.committee).count()
        == Branch.objects.filter(committee=institute.committee).count()
    )


def test_recomputing_costs_the_same_however_many_branches_are_stale(institute, year, today):
    from tests.factories import BranchFactory, PartyGroupFactory

    figures(year)  # once: the first computation also creates the year's default requirements

    def stale_cost():
        summary.touch(committee_id=institute.committee.pk)
        with CaptureQueriesContext(connection) as queries:
            result = figures(year)
        assert result == expected(year)
        return len(queries)

    few = stale_cost()
    for n in range(4):
        branch = BranchFactory(committee=institute.committee, general_branch=institute.gb, name=f"新支部{n}")
        PartyGroupFactory(branch=branch, name=f"新党小组{n}")
    assert stale_cost() == few
