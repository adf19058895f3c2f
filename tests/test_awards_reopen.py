"""Issue 19 for the awards: approving the scores shows what it freezes and refuses a year
nobody could be proposed from; the leading group reopens approved scores or an approved list
with a reason; the announcement asks for a confirmation; the notice lasts 5 working days and
nothing is approved before it ends."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from accounts.access import compute_access
from awards import selectors, services
from awards.models import AwardCycle, Candidate, ScoringRun, Subject, Title, add_working_days
from evaluations.models import Appraisal, Evaluation

from .factories import BranchFactory, make_member
from .test_awards import _count
from .test_awards_support import run_now, scored, year_of  # noqa: F401

pytestmark = pytest.mark.django_db
D = datetime.date
S = AwardCycle.Status
R = ScoringRun.Status


def office_of(institute):
    return compute_access(institute.office.user)


def leader_of(institute):
    return compute_access(institute.leader.user)


def approve(institute, year):
    return services.scoring_run_approve(run=run_now(year, institute.office.user), access=office_of(institute))


@pytest.fixture
def cycle(institute, scored):  # noqa: F811
    approve(institute, scored.year)
    cycle = services.cycle_create(campaign_year=scored.year, access=office_of(institute))
    cycle.outstanding_member_share = Decimal("0.5")
    cycle.save()
    services.cycle_propose(cycle=cycle, access=office_of(institute))
    return cycle


def advance(cycle, to, access, *, today, reason="", confirmed=False):
    return services.cycle_advance(
        cycle=cycle, to=to, access=access, reason=reason, confirmed=confirmed, today=today
    )


# --- Approving the scores: what it freezes, and when it is refused ---------------------------


def test_approval_refused_when_nobody_is_eligible(institute):
    """No pledge published, no appraisal: every line is ineligible; approving would leave a year
    from which nobody can be proposed."""
    year = year_of(institute)
    run = run_now(year, institute.office.user)
    assert run.lines.exists() and not run.lines.filter(eligible=True).exists()
    preview = selectors.approval_preview(run)
    assert preview.nothing_eligible and preview.blockers
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        services.scoring_run_approve(run=run, access=office_of(institute))
    assert "没有" in " ".join(refused.value.messages) or "无" in " ".join(refused.value.messages)
    assert ScoringRun.objects.get(pk=run.pk).status == R.DRAFT


def test_approval_refused_while_an_appraisal_is_graded_or_an_evaluation_open(institute, scored):  # noqa: F811
    run = run_now(scored.year, scored.office)
    appraisal = Appraisal.objects.get(campaign_year=scored.year, branch=institute.branch)
    appraisal.status = Appraisal.Status.GRADING
    appraisal.save()
    with pytest.raises(ValidationError) as refused:
        services.scoring_run_approve(run=run, access=office_of(institute))
    assert institute.branch.name in " ".join(refused.value.messages)
    assert ScoringRun.objects.get(pk=run.pk).status == R.DRAFT

    appraisal.status = Appraisal.Status.CLOSED
    appraisal.save()
    evaluation = Evaluation.objects.filter(campaign_year=scored.year).first()
    evaluation.status = Evaluation.Status.OPEN
    evaluation.save()
    with pytest.raises(ValidationError) as refused:
        services.scoring_run_approve(run=run, access=office_of(institute))
    assert evaluation.title in " ".join(refused.value.messages)
    evaluation.status = Evaluation.Status.CLOSED
    evaluation.save()
    services.scoring_run_approve(run=run, access=office_of(institute))
    assert ScoringRun.objects.get(pk=run.pk).status == R.APPROVED


def test_preview_counts_per_title_and_vetoes(institute, scored):  # noqa: F811
    run = run_now(scored.year, scored.office)
    preview = selectors.approval_preview(run)
    eligible = dict(preview.eligible)
    branches = run.lines.filter(kind=Subject.BRANCH, eligible=True).count()
    members = run.lines.filter(kind=Subject.MEMBER, eligible=True).count()
    assert (branches, members) == (1, 1)  # the worked example: 第一党支部 and 陈党员
    assert eligible[Title.FIVE_GOOD.label] == eligible[Title.ADVANCED.label] == branches
    assert eligible[Title.OUTSTANDING.label] == members
    assert preview.vetoed == 1  # member2, basically competent
    assert preview.lines == run.lines.count()
    assert preview.blockers == [] and preview.open_appraisals == [] and preview.open_evaluations == []


def test_approval_page_shows_the_preview_and_the_refusal(client, institute):
    year = year_of(institute)
    run = run_now(year, institute.office.user)
    client.force_login(institute.office.user)
    url = reverse("awards:run_approve", args=[year.pk])
    page = client.get(url).content.decode()
    assert 'data-testid="approve-preview"' in page and 'data-testid="approve-blockers"' in page
    assert 'data-testid="confirm-approve-run"' not in page  # nothing to confirm while blocked
    response = client.post(url)
    assert response.status_code == 200
    assert 'data-testid="approve-refused"' in response.content.decode()
    assert ScoringRun.objects.get(pk=run.pk).status == R.DRAFT


def test_approval_page_costs_the_same_with_more_branches(client, institute, scored):  # noqa: F811
    from .test_awards_support import record

    run_now(scored.year, scored.office)
    client.force_login(institute.office.user)
    url = reverse("awards:run_approve", args=[scored.year.pk])
    before = _count(client, url)
    for i in range(3):
        b = BranchFactory(committee=institute.committee, name=f"加支部{i}")
        make_member(b)
        record(b, "news_report", D(2026, 1, 5), scored.office)
    run_now(scored.year, scored.office)
    assert _count(client, url) == before


def test_approval_page_approves(client, institute, scored):  # noqa: F811
    run = run_now(scored.year, scored.office)
    client.force_login(institute.office.user)
    url = reverse("awards:run_approve", args=[scored.year.pk])
    assert 'data-testid="confirm-approve-run"' in client.get(url).content.decode()
    assert client.post(url).status_code == 302
    assert ScoringRun.objects.get(pk=run.pk).status == R.APPROVED


# --- Reopening the approved scores ------------------------------------------------------------


def test_leading_group_reopens_with_a_reason_and_a_new_run_replaces_it(institute, scored):  # noqa: F811
    run = approve(institute, scored.year)
    with pytest.raises(PermissionDenied):  # the office may not reopen its own approval
        services.scoring_run_reopen(campaign_year=scored.year, reason="重算", access=office_of(institute))
    with pytest.raises(ValidationError):
        services.scoring_run_reopen(campaign_year=scored.year, reason="  ", access=leader_of(institute))
    assert ScoringRun.objects.get(pk=run.pk).status == R.APPROVED
    services.scoring_run_reopen(campaign_year=scored.year, reason="评议成绩有误", access=leader_of(institute))
    old = ScoringRun.objects.get(pk=run.pk)
    assert old.status == R.REOPENED and old.reopen_reason == "评议成绩有误"
    assert old.reopened_by == institute.leader.user and old.reopened_at is not None
    assert old.lines.count() > 0  # the snapshot stays as it was
    with pytest.raises(ValidationError):  # only approved scores are reopened
        services.scoring_run_reopen(campaign_year=scored.year, reason="again", access=leader_of(institute))
    # The office may change the entries and run the scoring again; the new run is approved.
    new = approve(institute, scored.year)
    assert new.pk != run.pk and new.status == R.APPROVED
    assert set(ScoringRun.objects.filter(campaign_year=scored.year).values_list("status", flat=True)) == {
        R.APPROVED,
        R.REOPENED,
    }
    # Reopened twice: each reopening is kept.
    services.scoring_run_reopen(campaign_year=scored.year, reason="第二次", access=leader_of(institute))
    assert [r.reopen_reason for r in selectors.reopened_runs(scored.year)] == ["第二次", "评议成绩有误"]


def test_a_proposing_cycle_follows_the_new_run(institute, cycle):
    office = office_of(institute)
    old_run = cycle.run
    member = Candidate.objects.get(cycle=cycle, title=Title.OUTSTANDING, removed=False)
    services.scoring_run_reopen(campaign_year=cycle.campaign_year, reason="重算", access=leader_of(institute))
    cycle.refresh_from_db()
    with pytest.raises(ValidationError):  # nothing is proposed from reopened scores
        services.cycle_propose(cycle=cycle, access=office)
    with pytest.raises(ValidationError):
        advance(cycle, S.NOTICE, office, today=D(2026, 5, 4))
    # The member's pledge is withdrawn meanwhile: no longer eligible in the new run.
    from pledges.models import Pledge

    Pledge.objects.filter(person=institute.member).update(status=Pledge.Status.DRAFT)
    new_run = approve(institute, cycle.campaign_year)
    cycle.refresh_from_db()
    assert cycle.run_id == new_run.pk != old_run.pk
    member.refresh_from_db()
    assert member.removed and member.line.run_id == new_run.pk and member.removed_reason
    branch = Candidate.objects.get(cycle=cycle, title=Title.FIVE_GOOD)
    assert not branch.removed and branch.line.run_id == new_run.pk
    assert branch.history.first().history_user == institute.office.user  # kept, with who
    services.cycle_propose(cycle=cycle, access=office)  # proposing works again


def test_reopen_refused_once_the_list_is_past_proposing(institute, cycle):
    advance(cycle, S.NOTICE, office_of(institute), today=D(2026, 5, 4))
    with pytest.raises(ValidationError) as refused:
        services.scoring_run_reopen(
            campaign_year=cycle.campaign_year, reason="重算", access=leader_of(institute)
        )
    assert refused.value.code == "state"
    assert ScoringRun.objects.get(pk=cycle.run_id).status == R.APPROVED


def test_reopen_button_and_view(client, institute, scored):  # noqa: F811
    approve(institute, scored.year)
    year_url = reverse("awards:year", args=[scored.year.pk])
    client.force_login(institute.office.user)
    assert 'data-testid="reopen-run"' not in client.get(year_url).content.decode()
    assert (
        client.post(reverse("awards:run_reopen", args=[scored.year.pk]), {"reason": "x"}).status_code == 403
    )
    client.force_login(institute.leader.user)
    assert 'data-testid="reopen-run"' in client.get(year_url).content.decode()
    url = reverse("awards:run_reopen", args=[scored.year.pk])
    client.post(url, {"reason": ""})
    assert selectors.approved_run(scored.year) is not None  # no reason: nothing changed
    assert client.post(url, {"reason": "评议未结束"}).status_code == 302
    assert selectors.approved_run(scored.year) is None
    page = client.get(year_url).content.decode()
    assert "评议未结束" in page and 'data-testid="reopen-run"' not in page


# --- The award cycle's one-way steps ------------------------------------------------------------


def _approved(institute, cycle):
    office = office_of(institute)
    advance(cycle, S.NOTICE, office, today=D(2026, 5, 4))  # Monday: ends Friday 8 May
    advance(cycle, S.APPROVAL, office, today=D(2026, 5, 9))
    return advance(cycle, S.APPROVED, leader_of(institute), today=D(2026, 5, 11))


def test_leading_group_takes_its_approval_back_with_a_reason(institute, cycle):
    cycle = _approved(institute, cycle)
    with pytest.raises(PermissionDenied):
        advance(cycle, S.APPROVAL, office_of(institute), today=D(2026, 5, 12), reason="x")
    with pytest.raises(ValidationError):
        advance(cycle, S.APPROVAL, leader_of(institute), today=D(2026, 5, 12))
    cycle = advance(cycle, S.APPROVAL, leader_of(institute), today=D(2026, 5, 12), reason="名单需复核")
    assert cycle.status == S.APPROVAL and cycle.return_reason == "名单需复核" and cycle.approved_by is None
    last = cycle.history.first()
    assert last.history_user == institute.leader.user and last.return_reason == "名单需复核"
    # From there the leading group may return it to the office, or approve again.
    cycle = advance(cycle, S.APPROVED, leader_of(institute), today=D(2026, 5, 13))
    assert cycle.status == S.APPROVED


def test_announcement_needs_the_confirmation(client, institute, cycle):
    cycle = _approved(institute, cycle)
    with pytest.raises(ValidationError):
        advance(cycle, S.ANNOUNCED, office_of(institute), today=D(2026, 5, 20))
    client.force_login(institute.office.user)
    url = reverse("awards:cycle_action", args=[cycle.campaign_year.pk, "announced"])
    page = client.get(reverse("awards:cycle", args=[cycle.campaign_year.pk])).content.decode()
    assert 'data-testid="announce-confirm"' in page
    client.post(url)
    assert AwardCycle.objects.get(pk=cycle.pk).status == S.APPROVED
    client.post(url, {"confirm": "on"})
    assert AwardCycle.objects.get(pk=cycle.pk).status == S.ANNOUNCED


# --- The notice's length ----------------------------------------------------------------------


def test_working_days():
    assert add_working_days(D(2026, 5, 4), 5) == D(2026, 5, 8)  # Monday → Friday
    assert add_working_days(D(2026, 5, 1), 5) == D(2026, 5, 7)  # Friday → Thursday
    assert add_working_days(D(2026, 5, 2), 5) == D(2026, 5, 8)  # Saturday: from Monday


def test_notice_lasts_five_working_days_and_nothing_is_approved_before_it_ends(institute, cycle):
    office = office_of(institute)
    cycle.notice_days = 3
    cycle.save()
    with pytest.raises(ValidationError):  # shorter than required
        advance(cycle, S.NOTICE, office, today=D(2026, 5, 1))
    cycle.notice_days = 5
    cycle.save()
    cycle = advance(cycle, S.NOTICE, office, today=D(2026, 5, 1))
    assert cycle.notice_ends_on == D(2026, 5, 7)  # 5 working days, the weekend not counted
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        advance(cycle, S.APPROVAL, office, today=D(2026, 5, 5))
    assert "公示期至5月7日结束" in refused.value.messages[0]
    cycle = advance(cycle, S.APPROVAL, office, today=D(2026, 5, 8))
    # The approval waits for the notice's end too (dates set back as a clock could be).
    AwardCycle.objects.filter(pk=cycle.pk).update(notice_ends_on=D(2026, 5, 15))
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        advance(cycle, S.APPROVED, leader_of(institute), today=D(2026, 5, 12))
    assert refused.value.messages == ["公示期至5月15日结束，之后才能批准"]
    assert AwardCycle.objects.get(pk=cycle.pk).status == S.APPROVAL
