"""Scoring: worked examples checked to the decimal, snapshots, the real worker."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from accounts.access import compute_access
from awards import selectors, services
from awards.models import ScoreItem, ScoreLine, ScoringRun, ScoringSettings, Subject
from awards.tasks import scoring_run_task

from .test_awards_support import AS_OF, run_now, scored, year_of  # noqa: F401

pytestmark = pytest.mark.django_db


def line_of(run, *, branch=None, person=None):
    if person is not None:
        return run.lines.get(person=person)
    return run.lines.get(kind=Subject.BRANCH, branch=branch)


class _ByName(dict):
    """Item points by name; an English name finds the item stored in the default language."""

    def __missing__(self, key):
        translated = translation.gettext(key)
        if translated == key:
            raise KeyError(key)
        return self[translated]


def points(line):
    return _ByName((i.name, i.points) for i in line.items.all())


def test_branch_worked_example(institute, scored):  # noqa: F811
    """By hand, as of 31 March 2026 (periods Jan–Mar; Q1):

    - 三会一课 (20): owed 3 支委会 + 3 党小组会 (one group) + 1 党员大会 = 7, held 2 + 3 + 1 = 6
      → 20 × 6/7 = 17.142857 → 17.14
    - news reports (10): January and March of three months → 10 × 2/3 = 6.67
    - lecture given (5): 15 Feb → 5; reading-notes review (5): none → 0
    - pledge published on 20 Feb, due 28 Feb (10) → 10
    - findings (10): one of two due by 31 March closed on time → 5
    - office: secrecy 8, development 12, innovation 0, service 5; deduction 3
    rubric = 10 + 17.14 + 5 + 5 + 0 + 8 + 12 + 0 + 6.67 + 5 − 3 = 65.81 of 100 → 65.81 %
    evaluation: 3×100 + 2×75 + 55 + 0 = 505 over 7 ratings (不了解 left out) = 72.14, median 75
    total = 0.70 × 65.81 + 0.30 × 72.14 = 46.067 + 21.642 = 67.709 → 67.71
    """
    run = run_now(scored.year, scored.office)
    line = line_of(run, branch=institute.branch)
    got = points(line)
    assert got["三会一课 held against required"] == Decimal("17.14")
    assert got["Months with a news report"] == Decimal("6.67")
    assert got["Secretary's party lecture given"] == Decimal("5.00")
    assert got["Reading-notes review held"] == Decimal("0.00")
    assert got["Pledge published on time"] == Decimal("10.00")
    assert got["Inspection findings closed on time"] == Decimal("5.00")
    assert got["Deduction for failings found in supervision"] == Decimal("3.00")
    assert line.rubric_points == Decimal("65.81")
    assert line.rubric_percent == Decimal("65.81")
    assert line.eval_mean == line.eval_used == Decimal("72.14")
    assert line.eval_median == Decimal("75.00")
    assert line.eval_raters == 7 and line.eval_ratings == 7 and not line.eval_trimmed
    assert line.total == Decimal("67.71")
    assert line.eligible and line.reasons == []
    assert run.rubric_versions == {"branch": 1, "member": 1}


def test_trimming_changes_the_figure_used_only(institute, scored):  # noqa: F811
    """Trimmed: drop one 0 and one 100 → (55 + 75 + 75 + 100 + 100) / 5 = 81.00;
    total = 0.70 × 65.81 + 0.30 × 81 = 46.067 + 24.3 = 70.367 → 70.37."""
    services.settings_update(
        access=compute_access(scored.office), campaign_year=scored.year, trim_extremes=True
    )
    line = line_of(run_now(scored.year, scored.office), branch=institute.branch)
    assert line.eval_used == Decimal("81.00")
    assert line.eval_mean == Decimal("72.14") and line.eval_median == Decimal("75.00")
    assert line.eval_trimmed
    assert line.total == Decimal("70.37")


def test_member_worked_example_and_veto(institute, scored):  # noqa: F811
    """Member: pledge published 10, study 7, fulfilment partly 30 × 0.5 = 15, no review written
    → 10, grade competent 20 × 0.8 = 16 → 58 of 100; no evaluation → total 58.00."""
    run = run_now(scored.year, scored.office)
    line = line_of(run, person=institute.member)
    assert points(line)["Pledge fulfilment"] == Decimal("15.00")
    assert points(line)["Democratic appraisal grade"] == Decimal("16.00")
    assert line.rubric_points == Decimal("58.00") and line.total == Decimal("58.00")
    assert line.eligible
    vetoed = line_of(run, person=institute.member2)
    assert not vetoed.eligible
    assert any("Basically competent" in r or "基本合格" in r for r in vetoed.reasons)
    # Ineligible lines rank after every eligible one of the category.
    eligible_ranks = [
        x.rank for x in run.lines.filter(kind=Subject.MEMBER, category=vetoed.category, eligible=True)
    ]
    assert all(vetoed.rank > r for r in eligible_ranks)


def test_office_veto_makes_branch_ineligible_and_page_says_why(institute, scored):  # noqa: F811
    from .test_awards_support import entry

    entry(
        scored.year,
        Subject.BRANCH,
        "Confirmed secrecy (保密) breach",
        institute.branch,
        "0",
        scored.office,
        reason="泄密事件",
    )
    line = line_of(run_now(scored.year, scored.office), branch=institute.branch)
    assert not line.eligible
    assert line.total == Decimal("67.71")  # the score stands; eligibility does not
    assert any("泄密事件" in r for r in line.reasons)


def test_rerun_replaces_draft_and_approved_snapshot_is_immutable(institute, scored):  # noqa: F811
    run = run_now(scored.year, scored.office)
    first_ids = set(run.lines.values_list("pk", flat=True))
    rerun = run_now(scored.year, scored.office)
    assert rerun.pk == run.pk
    assert not first_ids & set(rerun.lines.values_list("pk", flat=True))
    assert ScoringRun.objects.filter(campaign_year=scored.year).count() == 1
    services.scoring_run_approve(run=rerun, access=compute_access(scored.office))
    line = rerun.lines.first()
    line.total = Decimal("99")
    with pytest.raises(ValidationError):
        line.save()
    with pytest.raises(ValidationError):
        line.delete()
    with pytest.raises(ValidationError):
        ScoreLine.objects.filter(run=rerun).update(total=1)
    with pytest.raises(ValidationError):
        ScoreItem.objects.filter(line__run=rerun).delete()
    with pytest.raises(ValidationError):
        ScoringRun.objects.get(pk=rerun.pk).save()
    with pytest.raises(ValidationError):
        services.scoring_run_request(campaign_year=scored.year, access=compute_access(scored.office))
    assert services.scoring_run_execute(campaign_year=scored.year) is None
    with pytest.raises(ValidationError):
        services.settings_update(
            access=compute_access(scored.office), campaign_year=scored.year, trim_extremes=True
        )
    assert ScoreLine.objects.get(pk=line.pk).total != Decimal("99")


def test_run_is_deterministic(institute, scored):  # noqa: F811
    def snapshot():
        run = run_now(scored.year, scored.office)
        return sorted(
            (x.kind, x.branch_id, x.person_id, x.total, x.rank, tuple(x.reasons)) for x in run.lines.all()
        )

    assert snapshot() == snapshot()


def test_weights_validated(institute, scored):  # noqa: F811
    selectors.settings_for(campaign_year=scored.year)
    with pytest.raises(ValidationError):
        services.settings_update(
            access=compute_access(scored.office),
            campaign_year=scored.year,
            branch_rubric_weight=Decimal("60"),
            branch_evaluation_weight=Decimal("30"),
        )
    assert ScoringSettings.objects.get(campaign_year=scored.year).branch_rubric_weight == Decimal("70")


def test_default_rubric_is_idempotent_and_edits_bump_version(institute):
    year = year_of(institute)
    a = selectors.rubric_for(campaign_year=year, kind=Subject.BRANCH)
    b = selectors.rubric_for(campaign_year=year, kind=Subject.BRANCH)
    assert a.pk == b.pk and a.items.count() == 12
    assert sum(i.max_points for i in a.items.exclude(source__in=["deduction", "veto"])) == 100
    item = a.items.get(indicator="lecture_given")
    services.rubric_item_save(
        access=compute_access(institute.office.user),
        rubric=a,
        item=item,
        criterion=item.criterion,
        name=item.name,
        max_points=Decimal("6"),
        source=item.source,
        indicator=item.indicator,
    )
    a.refresh_from_db()
    assert a.version == 2


def test_run_costs_fixed_queries(institute, scored, django_assert_max_num_queries):  # noqa: F811
    from tests.factories import BranchFactory, make_member

    from .test_awards_support import record

    services.scoring_run_request(campaign_year=scored.year, access=compute_access(scored.office), as_of=AS_OF)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    services.scoring_run_execute(campaign_year=scored.year)  # creates the rubrics and settings
    with CaptureQueriesContext(connection) as before:
        services.scoring_run_execute(campaign_year=scored.year)
    for i in range(4):
        b = BranchFactory(committee=institute.committee, name=f"新支部{i}")
        make_member(b)
        record(b, "news_report", AS_OF, scored.office)
    with CaptureQueriesContext(connection) as after:
        services.scoring_run_execute(campaign_year=scored.year)
    assert len(after) == len(before)


@pytest.mark.django_db(transaction=True)
def test_task_through_real_worker(institute, celery_worker_process):  # noqa: F811
    """The request queues the task on commit; the worker computes the draft."""
    import time

    year = year_of(institute)
    services.scoring_run_request(
        campaign_year=year, access=compute_access(institute.office.user), as_of=AS_OF
    )
    # A second delivery of the same task is harmless (idempotent).
    result = scoring_run_task.apply_async(
        kwargs={"campaign_year_id": year.pk, "user_id": institute.office.user.pk}
    )
    run_id = result.get(timeout=120)
    deadline = time.monotonic() + 60
    run = ScoringRun.objects.get(pk=run_id)
    while run.state != ScoringRun.State.DONE and time.monotonic() < deadline:
        time.sleep(0.2)
        run.refresh_from_db()
    assert run.state == ScoringRun.State.DONE
    branches = institute.committee.branches.filter(is_active=True).count()
    assert run.lines.filter(kind=Subject.BRANCH).count() == branches
    assert ScoringRun.objects.filter(campaign_year=year).count() == 1


def test_a_new_year_comes_with_its_rubrics_and_settings_and_older_years_get_them_by_migration(institute):
    """Reads do not write: the defaults are created with the year (names stored untranslated and
    translated on display) and, for a year older than that rule, by the data migration."""
    import importlib

    from django.apps import apps
    from django.utils import translation

    from awards.models import Rubric, RubricItem

    year = year_of(institute)
    rubric = selectors.rubric_for(campaign_year=year, kind=Subject.BRANCH)
    item = rubric.items.get(indicator="news_report_months")
    assert item.name == "Months with a news report"  # the source string
    with translation.override("en"):
        assert item.label == "Months with a news report"
    assert selectors.settings_for(campaign_year=year).branch_rubric_weight == Decimal("70")

    RubricItem.objects.filter(rubric__campaign_year=year).delete()
    Rubric.objects.filter(campaign_year=year).delete()
    ScoringSettings.objects.filter(campaign_year=year).delete()
    migration = importlib.import_module("awards.migrations.0003_year_defaults")
    migration.forwards(apps, None)
    migration.forwards(apps, None)  # idempotent
    assert Rubric.objects.filter(campaign_year=year).count() == 2
    assert RubricItem.objects.filter(rubric__campaign_year=year).count() == 22
    assert ScoringSettings.objects.filter(campaign_year=year).count() == 1


def test_run_page_buttons_follow_the_workflow(client, institute, scored):  # noqa: F811
    from django.urls import reverse

    run = run_now(scored.year, scored.office)
    url = reverse("awards:run", args=[scored.year.pk])
    client.force_login(scored.office)
    page = client.get(url).content.decode()
    assert 'data-testid="approve-run"' in page and 'data-testid="start-run"' in page
    services.scoring_run_approve(access=compute_access(scored.office), run=run)
    page = client.get(url).content.decode()
    assert 'data-testid="approve-run"' not in page and 'data-testid="start-run"' not in page
    with pytest.raises(ValidationError):  # the approved scores are not recomputed
        services.scoring_run_request(access=compute_access(scored.office), campaign_year=scored.year)
