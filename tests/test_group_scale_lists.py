"""The lists that a group's thousands of branches and million records reach: the activity
ledger's filters (a branch typed, not chosen from a select; a month as a date range; a count
that stops), the branch list's search and member counts, the compliance grid's cells."""

import datetime

import pytest
from django.urls import reverse

from activities import filters as activity_filters
from activities import selectors
from activities.compliance import describe
from activities.models import ActivityRecord, Kind
from branches.models import Branch

from .factories import BranchFactory, make_member

pytestmark = pytest.mark.django_db
D = datetime.date


def record(branch, on, actor, kind=Kind.NEWS_REPORT):
    return ActivityRecord.objects.create(
        branch=branch, kind=kind, held_on=on, title=f"{branch.name} {on}", created_by=actor
    )


@pytest.fixture
def records(institute):
    actor = institute.secretary.user
    return {
        "branch": record(institute.branch, D(2026, 3, 31), actor),
        "branch2": record(institute.branch2, D(2026, 4, 1), actor),
        "other": record(institute.other_branch, D(2025, 12, 31), actor),
        "foreign": record(institute.foreign_branch, D(2026, 1, 1), actor),
    }


def shown(client, **query):
    response = client.get(reverse("activities:list"), query)
    assert response.status_code == 200
    return {r.pk for r in response.context["records"]}


def test_ledger_filters_by_a_typed_branch_name_within_reach(client, institute, records, monkeypatch):
    client.force_login(institute.office.user)
    mine = {records[k].pk for k in ("branch", "branch2", "other")}
    assert shown(client) == mine
    assert shown(client, branch_q="第二") == {records["branch2"].pk}
    assert shown(client, branch_q=" 党支部 ") == mine
    # Another institute's branch is not found by its name either.
    assert shown(client, branch_q=institute.foreign_branch.name) == set()
    # Many branches match: the same answer through a join instead of a list of ids.
    monkeypatch.setattr(activity_filters, "BRANCH_DATALIST_LIMIT", 1)
    assert shown(client, branch_q="党支部") == mine
    assert shown(client, branch_q="第二") == {records["branch2"].pk}
    client.force_login(institute.secretary.user)
    assert shown(client, branch_q="党支部") == {records["branch"].pk}


def test_ledger_names_few_branches_and_looks_many_up(client, institute, records, monkeypatch):
    client.force_login(institute.office.user)
    page = client.get(reverse("activities:list")).content.decode()
    assert '<datalist id="branch-names">' in page and f'<option value="{institute.branch2.name}">' in page
    assert institute.foreign_branch.name not in page and "lookup.js" not in page
    monkeypatch.setattr(activity_filters, "BRANCH_DATALIST_LIMIT", 2)
    page = client.get(reverse("activities:list")).content.decode()
    assert "<datalist" not in page and "js/lookup.js" in page
    assert f'data-lookup="{reverse("reports:lookup", args=["activity_ledger", "branch"])}"' in page
    # A secretary of one branch has nothing to filter by.
    client.force_login(institute.secretary.user)
    assert 'name="branch_q"' not in client.get(reverse("activities:list")).content.decode()


def test_ledger_of_one_branch_from_a_link(client, institute, records):
    client.force_login(institute.office.user)
    response = client.get(
        reverse("activities:list"), {"branch": institute.branch2.pk, "kind": Kind.NEWS_REPORT}
    )
    assert {r.pk for r in response.context["records"]} == {records["branch2"].pk}
    page = response.content.decode()
    assert 'data-testid="chosen-branch"' in page and f'name="branch" value="{institute.branch2.pk}"' in page
    assert response.context["all_branches_url"] == f"?kind={Kind.NEWS_REPORT}"
    # Another institute's branch, or another branch of a secretary: not found.
    assert client.get(reverse("activities:list"), {"branch": institute.foreign_branch.pk}).status_code == 404
    client.force_login(institute.secretary.user)
    assert client.get(reverse("activities:list"), {"branch": institute.branch2.pk}).status_code == 404


def test_ledger_month_is_the_calendar_month(client, institute, records):
    client.force_login(institute.office.user)
    assert shown(client, month="2026-03") == {records["branch"].pk}  # the 31st included
    assert shown(client, month="2026-04") == {records["branch2"].pk}  # the 1st included
    assert shown(client, month="2025-12") == {records["other"].pk}  # December: up to the new year


def test_ledger_counts_up_to_a_cap(client, institute, records, monkeypatch):
    client.force_login(institute.office.user)
    response = client.get(reverse("activities:list"))
    assert 'data-testid="ledger-capped"' not in response.content.decode()
    monkeypatch.setattr(selectors.Ledger, "cap", 2)
    response = client.get(reverse("activities:list"))
    assert response.context["paginator"].count == 2 and len(response.context["records"]) == 2
    # Newest first, whichever query read them.
    assert [r.pk for r in response.context["records"]] == [records["branch2"].pk, records["branch"].pk]
    assert 'data-testid="ledger-capped"' in response.content.decode()


def test_branch_list_search_and_member_counts(client, institute):
    extra = BranchFactory(committee=institute.committee, general_branch=institute.gb, name="新建党支部")
    for _ in range(3):
        make_member(extra)
    client.force_login(institute.office.user)
    response = client.get(reverse("branches:branch_list"))
    counts = {b.pk: b.member_count for b in response.context["branches"]}
    expected = {b.pk: b.members.count() for b in Branch.objects.filter(pk__in=counts)}
    assert counts == expected and counts[extra.pk] == 3
    assert institute.foreign_branch.pk not in counts
    response = client.get(reverse("branches:branch_list"), {"q": "新建"})
    assert [b.pk for b in response.context["branches"]] == [extra.pk]
    assert client.get(reverse("branches:branch_list"), {"q": "外所"}).context["branches"] == []


def test_grid_cells_describe_their_items(client, institute):
    client.force_login(institute.office.user)
    table = client.get(reverse("activities:compliance")).context["table"]
    page = client.get(reverse("activities:compliance")).content.decode()
    cell = table.rows[0].months[0]
    assert cell.title == describe(cell.items) and f'title="{cell.title}"' in page
    assert cell.mark in {"✓", "…", "✗", "·"}
    assert "通讯报道" in cell.title and ": 0/1" in cell.title
