"""The download centre's request forms at group scale: a branch or an evaluation is typed, not
chosen from a select of thousands; names are suggested from the page when few, else by a lookup
as one types; whatever is typed is resolved within the reader's reach only."""
# ruff: noqa: F811  (fixtures imported from the support modules are redefined as arguments)

import pytest
from django.urls import reverse

from accounts.access import compute_access
from reports import registry, views
from reports.forms import RequestForm
from reports.models import ReportFile

from .factories import BranchFactory
from .test_awards_support import scored  # noqa: F401

pytestmark = pytest.mark.django_db


def ask(client, kind, **fields):
    data = {f"{kind}-{k}": v for k, v in {"format": "xlsx", **fields}.items()}
    return client.post(reverse("reports:request", args=[kind]), data, follow=True)


def test_a_branch_is_chosen_by_its_name_within_reach(client, institute, scored):
    client.force_login(institute.office.user)
    year = scored.year.pk
    ask(client, "activity_ledger", year=year, branch="第二党支部")
    ask(client, "pledge_register", year=year, branch=" 机关 ")  # a part only one branch has
    assert [(f.kind, f.params["branch"]) for f in ReportFile.objects.order_by("pk")] == [
        ("activity_ledger", institute.branch2.pk),
        ("pledge_register", institute.other_branch.pk),
    ]
    # Several match: nothing is asked for, the message names them.
    page = ask(client, "activity_ledger", year=year, branch="党支部", format="pdf").content.decode()
    assert "第一党支部" in page and "第二党支部" in page and ReportFile.objects.count() == 2
    # Another institute's branch does not exist for the office, even by its full name.
    page = ask(client, "activity_ledger", year=year, branch=institute.foreign_branch.name).content.decode()
    assert institute.foreign_branch.name in page and ReportFile.objects.count() == 2
    # Empty: all branches within reach.
    ask(client, "activity_ledger", year=year, branch="", format="pdf")
    assert ReportFile.objects.latest("pk").params["branch"] is None


def test_a_secretary_cannot_name_another_branch(client, institute, scored):
    client.force_login(institute.secretary.user)
    ask(client, "activity_ledger", year=scored.year.pk, branch=institute.branch2.name)
    assert not ReportFile.objects.exists()
    ask(client, "activity_ledger", year=scored.year.pk, branch=institute.branch.name)
    assert ReportFile.objects.get().params["branch"] == institute.branch.pk


def test_the_year_decides_which_institute_a_name_belongs_to(institute, scored, users):
    """Names repeat across the institutes of a group; the campaign year belongs to one."""
    twin = BranchFactory(committee=institute.other_committee, name=institute.branch2.name)
    access = compute_access(users["admin"])
    choices = views.Choices(access, page=False)
    report = registry.get("activity_ledger")
    data = {
        "activity_ledger-year": scored.year.pk,
        "activity_ledger-branch": twin.name,
        "activity_ledger-format": "pdf",
    }
    form = RequestForm(data, report=report, choices=choices)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["branch"] == institute.branch2.pk


def test_an_evaluation_is_chosen_by_its_title(institute, scored):
    from evaluations.models import Evaluation

    evaluation = Evaluation.objects.get(campaign_year=scored.year)
    access = compute_access(institute.office.user)
    report = registry.get("evaluation_results")
    for typed in (evaluation.title, evaluation.title[1:-1]):
        data = {"evaluation_results-evaluation": typed, "evaluation_results-format": "xlsx"}
        form = RequestForm(data, report=report, choices=views.Choices(access, page=False))
        assert form.is_valid(), form.errors
        assert form.cleaned_data["evaluation"] == evaluation.pk
    data = {"evaluation_results-evaluation": "没有这个评议", "evaluation_results-format": "xlsx"}
    assert not RequestForm(data, report=report, choices=views.Choices(access, page=False)).is_valid()


def test_the_page_lists_few_names_and_looks_many_up(client, institute, scored, monkeypatch):
    client.force_login(institute.office.user)
    page = client.get(reverse("reports:centre")).content.decode()
    assert "<datalist" in page and f'value="{institute.branch2.name}"' in page
    assert institute.foreign_branch.name not in page and "data-lookup=" not in page
    monkeypatch.setattr(views, "DATALIST_LIMIT", 2)
    page = client.get(reverse("reports:centre")).content.decode()
    assert "branch-choices" not in page and f'value="{institute.branch2.name}"' not in page
    assert 'data-lookup="/reports/lookup/activity_ledger/branch/"' in page
    assert 'data-lookup-year="activity_ledger-year"' in page


def test_lookup_suggests_names_within_reach(client, institute, scored, users):
    url = reverse("reports:lookup", args=["activity_ledger", "branch"])
    client.force_login(institute.office.user)
    found = client.get(url, {"q": "党支部"}).json()["results"]
    assert found[:3] == ["机关党支部", "第一党支部", "第二党支部"]  # the shortest first
    assert institute.foreign_branch.name not in found
    assert client.get(url, {"q": ""}).json()["results"] == []
    assert client.get(url, {"q": "\x00"}).json()["results"] == []
    client.force_login(institute.secretary.user)
    assert client.get(url, {"q": "党支部"}).json()["results"] == [institute.branch.name]
    client.force_login(users["admin"])
    assert institute.foreign_branch.name in client.get(url, {"q": "外所"}).json()["results"]
    # The year narrows the names to its institute.
    assert client.get(url, {"q": "外所", "year": scored.year.pk}).json()["results"] == []
    # Evaluations: by title.
    from evaluations.models import Evaluation

    evaluation = Evaluation.objects.get(campaign_year=scored.year)
    client.force_login(institute.office.user)
    found = client.get(
        reverse("reports:lookup", args=["evaluation_results", "evaluation"]), {"q": evaluation.title[:4]}
    ).json()["results"]
    assert found == [evaluation.title]
    # Not a field of the report, no such report, or not the reader's data.
    assert client.get(reverse("reports:lookup", args=["award_list", "branch"]), {"q": "x"}).status_code == 404
    assert client.get(reverse("reports:lookup", args=["nope", "branch"]), {"q": "x"}).status_code == 404
    client.force_login(institute.member.user)
    assert client.get(url, {"q": "党支部"}).status_code == 403


def test_centre_costs_the_same_with_many_branches(client, institute, scored, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(institute.office.user)

    def measure():
        with CaptureQueriesContext(connection) as ctx:
            page = client.get(reverse("reports:centre")).content.decode()
        return len(ctx.captured_queries), page

    few, _page = measure()
    monkeypatch.setattr(views, "DATALIST_LIMIT", 5)
    for i in range(10):
        BranchFactory(committee=institute.committee, name=f"新支部{i}")
    many, page = measure()
    assert many == few <= 15 and "新支部" not in page
