"""The general branch (党总支) scored and commended as 先进党总支: its score is the mean of its
branches' totals in the run; it goes through the award cycle to the public notice, the decision
(PDF) and the list (Excel); who may see its score; pages cost the same with more of them."""
# ruff: noqa: F811  (fixtures imported from the support modules are redefined as arguments)

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.access import compute_access
from awards import services
from awards.models import AwardCycle, Candidate, GeneralBranchLine, ScoringRun, Subject, Title
from awards.scoring import aggregation as agg
from campaigns.models import CampaignYear

from .factories import BranchFactory, GeneralBranchFactory, make_campaign, make_member, make_secretary
from .reports_support import generate, header_and_rows, pdf_text, sheet
from .test_awards_support import publish_pledge, record, run_now, scored  # noqa: F401

pytestmark = pytest.mark.django_db
D = datetime.date
S = AwardCycle.Status


def _advance(cycle, to, user, today, **kwargs):
    return services.cycle_advance(cycle=cycle, to=to, access=compute_access(user), today=today, **kwargs)


def _approved_cycle(scored):
    run = run_now(scored.year, scored.office)
    services.scoring_run_approve(run=run, access=compute_access(scored.office))
    return run, services.cycle_create(campaign_year=scored.year, access=compute_access(scored.office))


def test_mean_rounds_half_up_and_is_empty_without_branches():
    assert agg.general_branch_mean([Decimal("80.01"), Decimal("80.02")]) == Decimal("80.02")  # 80.015
    assert agg.general_branch_mean([Decimal("70"), Decimal("0"), Decimal("35.5")]) == Decimal("35.17")
    assert agg.general_branch_mean([]) is None


def test_score_line_is_the_mean_of_its_branches_totals(institute, scored):
    empty = GeneralBranchFactory(committee=institute.committee, name="第九党总支")
    foreign = GeneralBranchFactory(committee=institute.other_committee, name="外所党总支")
    BranchFactory(committee=institute.other_committee, general_branch=foreign, name="外所第二党支部")
    run = run_now(scored.year, scored.office)
    # Its branches: 第一党支部 (eligible), 第二党支部 and the general-branch secretary's own branch
    # (no pledge published: ineligible).
    branches = list(run.lines.filter(kind=Subject.BRANCH, branch__general_branch=institute.gb))
    assert len(branches) == 3 and [b.eligible for b in branches].count(False) == 2
    line = run.general_branch_lines.get(general_branch=institute.gb)
    assert line.branches == 3
    assert line.total == agg.q2(sum(b.total for b in branches) / 3) and line.total > 0
    # The ineligible branches count with their totals and are flagged; the general branch stays eligible.
    assert line.flagged == 2 and line.eligible and line.rank == 1
    # A general branch none of whose branches was scored: a line without a score, ineligible.
    none = run.general_branch_lines.get(general_branch=empty)
    assert (none.total, none.branches, none.eligible, none.rank) == (None, 0, False, None)
    assert none.reasons == ["其下没有参加评分的党支部。"]
    # Another institute's general branch is not in this institute's run.
    assert not run.general_branch_lines.filter(general_branch=foreign).exists()
    # A run again replaces the draft's general-branch lines; once approved they cannot change.
    run = run_now(scored.year, scored.office)
    assert GeneralBranchLine.objects.filter(run__campaign_year=scored.year).count() == 2
    services.scoring_run_approve(run=run, access=compute_access(scored.office))
    line = run.general_branch_lines.get(general_branch=institute.gb)
    line.total = Decimal("99")
    with pytest.raises(ValidationError):
        line.save()
    with pytest.raises(ValidationError):
        GeneralBranchLine.objects.filter(run=run).update(total=Decimal("99"))


def test_one_subject_per_candidate_and_a_score_only_with_branches(institute, scored):
    run = ScoringRun.objects.create(
        campaign_year=scored.year, as_of=D(2026, 3, 31), requested_by=scored.office
    )
    cycle = AwardCycle.objects.create(campaign_year=scored.year, run=run)
    bad = [
        {"title": Title.ADVANCED, "branch": institute.branch, "general_branch": institute.gb},  # both
        {"title": Title.FIVE_GOOD, "general_branch": institute.gb},  # 五个好 is a branch's title
        {"title": Title.ADVANCED},  # neither
        {"title": Title.OUTSTANDING, "person": institute.member, "general_branch": institute.gb},
        {"title": Title.ADVANCED, "general_branch": institute.gb, "person": institute.member},
    ]
    for fields in bad:
        with pytest.raises(IntegrityError), transaction.atomic():
            Candidate.objects.create(cycle=cycle, source="ranking", **fields)
    ok = Candidate.objects.create(
        cycle=cycle, source="ranking", title=Title.ADVANCED, general_branch=institute.gb
    )
    assert ok.unit == institute.gb and ok.subject_name == "第一党总支"
    with pytest.raises(IntegrityError), transaction.atomic():
        GeneralBranchLine.objects.create(
            run=run,
            general_branch=institute.gb,
            category="business",
            total=Decimal("80"),
            branches=0,
            eligible=False,
        )
    GeneralBranchLine.objects.create(
        run=run, general_branch=institute.gb, category="business", total=None, branches=0, eligible=False
    )


def test_cycle_with_a_general_branch_to_the_decision_and_the_list(
    institute, scored, django_capture_on_commit_callbacks
):
    office, leader, staff = institute.office.user, institute.leader.user, institute.staff.user
    run, cycle = _approved_cycle(scored)
    gb_line = run.general_branch_lines.get(general_branch=institute.gb)
    services.cycle_propose(cycle=cycle, access=compute_access(office))
    # Its branch2 is ineligible: the proposal from the ranking passes the general branch over.
    assert not cycle.candidates.filter(general_branch__isnull=False).exists()
    refusals = [
        {"title": Title.FIVE_GOOD, "general_branch_line": gb_line},  # not a general branch's title
        {"title": Title.ADVANCED, "general_branch_line": gb_line, "line": run.lines.first()},  # two
        {"title": Title.ADVANCED},  # none
    ]
    for fields in refusals:
        with pytest.raises(ValidationError):
            services.candidate_add(
                cycle=cycle, reason="总支工作突出", access=compute_access(office), **fields
            )
    with pytest.raises(ValidationError):  # a reason is needed
        services.candidate_add(
            cycle=cycle,
            title=Title.ADVANCED,
            general_branch_line=gb_line,
            reason=" ",
            access=compute_access(office),
        )
    candidate = services.candidate_add(
        cycle=cycle,
        title=Title.ADVANCED,
        general_branch_line=gb_line,
        reason="总支工作突出",
        access=compute_access(office),
    )
    assert (candidate.general_branch, candidate.branch, candidate.source) == (institute.gb, None, "added")
    assert candidate.history.first().history_user == office
    with pytest.raises(ValidationError):  # already a candidate
        services.candidate_add(
            cycle=cycle,
            title=Title.ADVANCED,
            general_branch_line=gb_line,
            reason="再加",
            access=compute_access(office),
        )
    # Proposing again keeps the office's general branch.
    services.cycle_propose(cycle=cycle, access=compute_access(office))
    assert cycle.candidates.filter(general_branch=institute.gb, removed=False).count() == 1

    _advance(cycle, S.NOTICE, office, D(2026, 5, 1))
    objection = services.objection_lodge(
        candidate=Candidate.objects.get(pk=candidate.pk),
        text="请核实总支情况",
        access=compute_access(staff),
        today=D(2026, 5, 4),
    )
    services.objection_answer(objection=objection, answer="已核实", access=compute_access(office))
    _advance(cycle, S.APPROVAL, office, D(2026, 5, 8))
    _advance(cycle, S.APPROVED, leader, D(2026, 5, 8))

    xlsx = generate(office, "award_list", "xlsx", django_capture_on_commit_callbacks, year=scored.year.pk)
    _header, rows = header_and_rows(sheet(xlsx), 3)
    # The branch under 五个好, the general branch under 先进党总支 of its own, numbered from 1.
    assert [r[0] for r in rows if r[1] is None] == ["五个好基层党组织", "先进党总支"]
    assert [r[:3] for r in rows if r[1] is not None] == [
        ("五个好基层党组织", 1, "第一党支部"),
        ("先进党总支", 1, "第一党总支"),
    ]
    pdf = generate(office, "award_list", "pdf", django_capture_on_commit_callbacks, year=scored.year.pk)
    text = pdf_text(pdf.file.path).replace(" ", "")
    # Organisations are counted in 个, people in 名.
    assert "2.先进党总支（1个）" in text and "1.五个好基层党组织（1个）" in text
    assert "第一党总支" in text.split("先进党总支（1个）")[1]


def test_proposed_from_the_ranking_and_followed_to_a_new_run(institute, scored):
    office = institute.office.user
    # With the pledges of its other branches published no branch of the general branch is ineligible.
    for branch in institute.gb.branches.exclude(pk=institute.branch.pk):
        publish_pledge(scored.year, branch, office)
    run, cycle = _approved_cycle(scored)
    created = services.cycle_propose(cycle=cycle, access=compute_access(office))
    gb = [c for c in created if c.general_branch_id]
    assert [(c.title, c.general_branch, c.source) for c in gb] == [(Title.ADVANCED, institute.gb, "ranking")]
    assert gb[0].general_branch_line == run.general_branch_lines.get(general_branch=institute.gb)
    cycle.advanced_general_branches = 0
    cycle.save()
    services.cycle_propose(cycle=cycle, access=compute_access(office))
    assert not cycle.candidates.filter(general_branch__isnull=False).exists()
    cycle.advanced_general_branches = 1
    cycle.save()
    services.cycle_propose(cycle=cycle, access=compute_access(office))
    # The leading group reopens the scores; a new approved run: the candidate follows it.
    services.scoring_run_reopen(
        campaign_year=scored.year, reason="复核", access=compute_access(institute.leader.user)
    )
    new = run_now(scored.year, office)
    services.scoring_run_approve(run=new, access=compute_access(office))
    candidate = cycle.candidates.get(general_branch=institute.gb)
    assert candidate.general_branch_line.run == new and not candidate.removed


def test_who_sees_a_general_branch_score(client, institute, scored, users):
    run = run_now(scored.year, scored.office)
    line = run.general_branch_lines.get(general_branch=institute.gb)
    url = reverse("awards:general_branch_line", args=[line.pk])
    ranking = reverse("awards:ranking", args=[scored.year.pk])
    # The institute and the general branch's own secretary; not a branch's secretary nor a member.
    expected = {
        "staff": 403,
        "member": 404,
        "secretary": 404,
        "gb_secretary": 200,
        "other_secretary": 404,
        "office": 200,
        "leader": 200,
        "admin": 200,
    }
    for role, status in expected.items():
        client.force_login(users[role])
        assert client.get(url).status_code == status, role
        if status != 403:
            assert (url in client.get(ranking).content.decode()) == (status == 200), role
    client.force_login(users["gb_secretary"])
    page = client.get(url).content.decode()
    assert "第一党支部" in page and "第二党支部" in page and 'data-testid="flagged"' in page
    # Another institute's general branch is a 404, to its office and its secretary alike.
    foreign_year = CampaignYear.objects.get(campaign=make_campaign(institute.other_committee), year=2026)
    foreign_gb = GeneralBranchFactory(committee=institute.other_committee, name="外所党总支")
    foreign_run = ScoringRun.objects.create(
        campaign_year=foreign_year, as_of=D(2026, 3, 31), requested_by=scored.office
    )
    foreign = GeneralBranchLine.objects.create(
        run=foreign_run,
        general_branch=foreign_gb,
        category="business",
        total=Decimal("90"),
        branches=1,
        eligible=True,
    )
    foreign_url = reverse("awards:general_branch_line", args=[foreign.pk])
    for role in ("office", "leader", "gb_secretary"):
        client.force_login(users[role])
        assert client.get(foreign_url).status_code == 404, role
    client.force_login(users["admin"])
    assert client.get(foreign_url).status_code == 200
    # Nor can it be proposed in this institute's cycle.
    services.scoring_run_approve(run=run, access=compute_access(scored.office))
    cycle = services.cycle_create(campaign_year=scored.year, access=compute_access(scored.office))
    client.force_login(users["office"])
    client.post(
        reverse("awards:candidate_add", args=[scored.year.pk]),
        {"title": "advanced_branch", "general_branch_line": foreign.pk, "reason": "外所"},
    )
    with pytest.raises(ValidationError):
        services.candidate_add(
            cycle=cycle,
            title=Title.ADVANCED,
            general_branch_line=foreign,
            reason="外所",
            access=compute_access(scored.office),
        )
    assert not cycle.candidates.exists()


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def _grow(institute, scored, n):
    """``n`` more general branches of two branches each, with members, a secretary and a record."""
    for i in range(n):
        gb = GeneralBranchFactory(committee=institute.committee, name=f"加党总支{i}")
        make_secretary(gb, name=f"加总支书记{i}")
        for j in range(2):
            b = BranchFactory(committee=institute.committee, general_branch=gb, name=f"加支部{i}-{j}")
            make_member(b)
            record(b, "news_report", D(2026, 1, 5), scored.office)


def test_pages_cost_the_same_with_more_general_branches(client, institute, scored):
    office = institute.office.user
    client.force_login(office)
    year = scored.year.pk
    run = run_now(scored.year, office)
    line = run.general_branch_lines.get(general_branch=institute.gb)
    pages = [reverse("awards:ranking", args=[year]), reverse("awards:general_branch_line", args=[line.pk])]
    client.get("/")  # the login's roles are read on its first request, then cached (accounts.role_cache)
    before = [_count(client, url) for url in pages]
    _grow(institute, scored, 3)
    run = run_now(scored.year, office)
    assert run.general_branch_lines.count() == 4
    line = run.general_branch_lines.get(general_branch=institute.gb)
    pages[1] = reverse("awards:general_branch_line", args=[line.pk])
    assert [_count(client, url) for url in pages] == before

    # The cycle's page and the public notice, with one general branch, then with three more.
    services.scoring_run_approve(run=run, access=compute_access(office))
    cycle = services.cycle_create(campaign_year=scored.year, access=compute_access(office))
    services.cycle_propose(cycle=cycle, access=compute_access(office))
    lines = list(run.general_branch_lines.order_by("pk"))
    services.candidate_add(
        cycle=cycle,
        title=Title.ADVANCED,
        general_branch_line=lines[0],
        reason="推荐",
        access=compute_access(office),
    )
    _advance(cycle, S.NOTICE, office, datetime.date.today())
    pages = [reverse("awards:cycle", args=[year]), reverse("awards:notice", args=[year])]
    before = [_count(client, url) for url in pages]
    for gl in lines[1:]:  # written as the service would, the notice being already open
        Candidate.objects.create(
            cycle=cycle,
            title=Title.ADVANCED,
            general_branch=gl.general_branch,
            general_branch_line=gl,
            source="added",
            reason="推荐",
        )
    after = [_count(client, url) for url in pages]
    assert after == before
    notice = client.get(pages[1]).content.decode()
    assert all(gl.general_branch.name in notice for gl in lines)


def test_own_items_are_checks_beside_the_score(client, institute, scored):
    from activities.models import ActivityRecord
    from pledges.models import Pledge
    from supervision.models import Review, ReviewRound

    office = institute.office.user
    run = run_now(scored.year, office)
    line = run.general_branch_lines.get(general_branch=institute.gb)
    client.force_login(institute.gb_secretary.user)
    url = reverse("awards:general_branch_line", args=[line.pk])
    page = client.get(url).content.decode()
    assert "✗</span> 本级承诺已公布" in page and "✗</span> 本级半年点评已确认（0/0）" in page
    assert "✗</span> 本级书记讲党课" in page
    lecture = dict(general_branch=institute.gb, kind="secretary_lecture", title="党课", created_by=office)
    ActivityRecord.objects.create(held_on=D(2025, 12, 20), **lecture)  # the year before: not this year's
    assert "✗</span> 本级书记讲党课" in client.get(url).content.decode()
    ActivityRecord.objects.create(held_on=D(2026, 3, 20), **lecture)
    Pledge.objects.create(
        kind=Pledge.Kind.GENERAL_BRANCH,
        campaign_year=scored.year,
        general_branch=institute.gb,
        status=Pledge.Status.PUBLISHED,
        created_by=office,
    )
    review_round = ReviewRound.objects.create(
        campaign_year=scored.year, half=1, opened_on=D(2026, 6, 20), write_by=D(2026, 6, 30), opened_by=office
    )
    Review.objects.create(
        round=review_round,
        kind=Review.Kind.GENERAL_BRANCH,
        general_branch=institute.gb,
        status=Review.Status.ACKNOWLEDGED,
        achievements="成绩",
        problems="问题",
        direction="方向",
        written_by=office,
        written_at=timezone.now(),
        acknowledged_by=institute.gb_secretary.user,
        acknowledged_at=timezone.now(),
    )
    page = client.get(url).content.decode()
    assert "✓</span> 本级承诺已公布" in page and "✓</span> 本级半年点评已确认（1/1）" in page
    assert "✓</span> 本级书记讲党课" in page
    # The same checks on the ranking's general-branch section; they add no points.
    ranking = client.get(reverse("awards:ranking", args=[scored.year.pk])).content.decode()
    assert "✓</span> 本级承诺已公布" in ranking
    assert GeneralBranchLine.objects.get(pk=line.pk).total == line.total
