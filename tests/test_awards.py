"""The award cycle: state machine, quotas and eligibility, permissions, query counts, home."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.access import compute_access
from awards import selectors, services
from awards.models import AwardCycle, Candidate, ModelPost, Objection, ScoreLine, Subject, Title
from awards.workflow import STEPS
from campaigns.models import CampaignYear

from .factories import BranchFactory, make_member
from .test_awards_support import run_now, scored  # noqa: F401

pytestmark = pytest.mark.django_db
D = datetime.date
S = AwardCycle.Status


@pytest.fixture
def cycle(institute, scored):  # noqa: F811
    run = run_now(scored.year, scored.office)
    services.scoring_run_approve(run=run, access=compute_access(scored.office))
    cycle = services.cycle_create(campaign_year=scored.year, access=compute_access(scored.office))
    cycle.outstanding_member_share = Decimal("0.5")
    cycle.save()
    return cycle


def advance(cycle, to, user, *, today=None, reason=""):  # noqa: F811
    return services.cycle_advance(
        cycle=cycle,
        to=to,
        access=compute_access(user),
        reason=reason,
        today=today or D(2026, 5, 1),
    )


def test_cycle_needs_approved_scores(institute, scored):  # noqa: F811
    run_now(scored.year, scored.office)
    with pytest.raises(ValidationError):
        services.cycle_create(campaign_year=scored.year, access=compute_access(scored.office))


def test_propose_respects_eligibility_category_and_quota(institute, cycle):  # noqa: F811
    created = services.cycle_propose(cycle=cycle, access=compute_access(institute.office.user))
    titles = {(c.title, c.branch_id, c.person_id) for c in created}
    # The branch with a published pledge is the only eligible one of its category.
    assert (Title.FIVE_GOOD, institute.branch.pk, None) in titles
    assert not any(
        c.title in (Title.FIVE_GOOD, Title.ADVANCED) and c.branch_id != institute.branch.pk for c in created
    )
    # The general branch has 4 members (secretary, member, member2, the gb secretary): ⌊0.5 × 4⌋ = 2
    # but only the member is eligible (published pledge, competent); member2 is vetoed.
    members = [c for c in created if c.title == Title.OUTSTANDING]
    assert [c.person_id for c in members] == [institute.member.pk]
    # Re-proposing is idempotent.
    services.cycle_propose(cycle=cycle, access=compute_access(institute.office.user))
    assert cycle.candidates.filter(removed=False).count() == len(created)


def test_add_refuses_ineligible_and_over_quota_and_remove_needs_reason(institute, cycle):  # noqa: F811
    office = institute.office.user
    services.cycle_propose(cycle=cycle, access=compute_access(office))
    vetoed = cycle.run.lines.get(person=institute.member2)
    with pytest.raises(ValidationError):
        services.candidate_add(
            cycle=cycle,
            title=Title.OUTSTANDING,
            line=vetoed,
            reason="群众推荐",
            access=compute_access(office),
        )
    cycle.outstanding_member_share = Decimal("0.1")  # ⌊0.1 × 4⌋ = 0, already 1 proposed
    cycle.save()
    secretary_line = cycle.run.lines.get(person=institute.secretary)
    ScoreLine.objects.filter(pk=secretary_line.pk)  # unchanged (approved)
    with pytest.raises(ValidationError):
        services.candidate_add(
            cycle=cycle,
            title=Title.OUTSTANDING,
            line=secretary_line,
            reason="推荐",
            access=compute_access(office),
        )
    with pytest.raises(ValidationError):
        services.candidate_add(
            cycle=cycle,
            title=Title.FIVE_GOOD,
            line=secretary_line,
            reason="推荐",
            access=compute_access(office),
        )
    candidate = cycle.candidates.first()
    with pytest.raises(ValidationError):
        services.candidate_remove(candidate=candidate, reason=" ", access=compute_access(office))
    services.candidate_remove(candidate=candidate, reason="有群众反映", access=compute_access(office))
    candidate.refresh_from_db()
    assert candidate.removed


def test_state_machine_every_transition(institute, cycle):  # noqa: F811
    office, leader = institute.office.user, institute.leader.user
    all_states = list(S.values)
    allowed = set(STEPS)
    # Refused from the start: everything but proposing → notice.
    for to in all_states:
        if (S.PROPOSING, to) not in allowed:
            with pytest.raises(ValidationError):
                advance(cycle, to, office)
    with pytest.raises(ValidationError):  # nothing proposed yet
        advance(cycle, S.NOTICE, office)
    services.cycle_propose(cycle=cycle, access=compute_access(office))
    with pytest.raises(PermissionDenied):  # a leader may not start the notice
        advance(cycle, S.NOTICE, leader)
    cycle = advance(cycle, S.NOTICE, office)  # Friday 1 May: five working days end on Thursday 7 May
    assert cycle.notice_ends_on == D(2026, 5, 7)
    candidate = cycle.candidates.filter(removed=False).first()
    objection = services.objection_lodge(
        candidate=candidate, text="有异议", access=compute_access(institute.staff.user), today=D(2026, 5, 2)
    )
    with pytest.raises(ValidationError):  # lodged outside the notice
        services.objection_lodge(
            candidate=candidate, text="晚了", access=compute_access(institute.staff.user), today=D(2026, 5, 8)
        )
    with pytest.raises(ValidationError):  # the notice still runs
        advance(cycle, S.APPROVAL, office, today=D(2026, 5, 7))
    with pytest.raises(ValidationError):  # an objection is unanswered
        advance(cycle, S.APPROVAL, office, today=D(2026, 5, 8))
    with pytest.raises(ValidationError):  # proposing needs a reason
        advance(cycle, S.PROPOSING, office)
    for to in (S.APPROVED, S.ANNOUNCED):
        with pytest.raises(ValidationError):
            advance(cycle, to, office)
    services.objection_answer(objection=objection, answer="经核实无误", access=compute_access(office))
    with pytest.raises(PermissionDenied):  # only the office submits
        advance(cycle, S.APPROVAL, leader, today=D(2026, 5, 8))
    cycle = advance(cycle, S.APPROVAL, office, today=D(2026, 5, 8))
    with pytest.raises(PermissionDenied):  # the office may not approve
        advance(cycle, S.APPROVED, office)
    cycle = advance(cycle, S.PROPOSING, leader, reason="再议")  # the leading group returns it
    assert cycle.status == S.PROPOSING and cycle.return_reason == "再议"
    cycle = advance(cycle, S.NOTICE, office, today=D(2026, 5, 10))
    cycle = advance(cycle, S.PROPOSING, office, reason="名单有误", today=D(2026, 5, 11))
    cycle = advance(cycle, S.NOTICE, office, today=D(2026, 5, 12))
    cycle = advance(cycle, S.APPROVAL, office, today=D(2026, 5, 20))
    cycle = advance(cycle, S.APPROVED, leader, today=D(2026, 5, 20))
    assert cycle.is_frozen and cycle.approved_by == leader
    with pytest.raises(ValidationError):
        services.candidate_remove(candidate=candidate, reason="x", access=compute_access(office))
    with pytest.raises(ValidationError):
        services.objection_answer(
            objection=Objection.objects.get(pk=objection.pk), answer="x", access=compute_access(office)
        )
    for to in (S.PROPOSING, S.NOTICE):
        with pytest.raises(ValidationError):
            advance(cycle, to, office, reason="x")
    with pytest.raises(PermissionDenied):  # only the leading group takes its approval back
        advance(cycle, S.APPROVAL, office, reason="x")
    cycle = services.cycle_advance(
        cycle=cycle, to=S.ANNOUNCED, access=compute_access(office), confirmed=True, today=D(2026, 6, 25)
    )
    assert cycle.announced_on == D(2026, 6, 25)
    for to in all_states:
        with pytest.raises(ValidationError):
            advance(cycle, to, office, reason="x")


def test_warning_after_first_of_july(institute, cycle):  # noqa: F811
    assert not cycle.late_warning(D(2026, 5, 1))
    assert cycle.late_warning(D(2026, 6, 28))  # + 5 days of notice → July
    year = cycle.campaign_year
    year.awards_announced_by = D(2026, 7, 10)
    year.save()
    assert cycle.late_warning(D(2026, 5, 1))


def test_model_post_lifecycle(institute):
    office = institute.office.user
    post = services.model_post_designate(
        person=institute.member,
        post_name="研发一线岗",
        designated_on=D(2026, 1, 1),
        term_ends_on=D(2026, 12, 31),
        access=compute_access(office),
    )
    with pytest.raises(ValidationError):
        services.model_post_designate(
            person=institute.member,
            post_name="再设",
            designated_on=D(2026, 2, 1),
            term_ends_on=D(2026, 12, 31),
            access=compute_access(office),
        )
    services.model_post_review(post=post, result="keep", note="表现好", access=compute_access(office))
    with pytest.raises(ValidationError):
        services.model_post_withdraw(post=post, reason="", access=compute_access(office))
    services.model_post_withdraw(post=post, reason="调离岗位", access=compute_access(office))
    assert ModelPost.objects.get(pk=post.pk).withdrawn_on is not None
    with pytest.raises(ValidationError):
        services.model_post_review(post=post, result="keep", note="x", access=compute_access(office))


# --- Permission grid ---------------------------------------------------------------------

ROLES = [
    "anonymous",
    "staff",
    "member",
    "secretary",
    "gb_secretary",
    "other_secretary",
    "office",
    "leader",
    "admin",
]


def urls(ns):
    y = ns.year.pk
    return {
        "year": reverse("awards:year", args=[y]),
        "rubric": reverse("awards:rubric", args=[y]),
        "rubric_item": reverse("awards:rubric_item_new", args=[y, "branch"]),
        "settings": reverse("awards:settings", args=[y]),
        "entries": reverse("awards:entries", args=[y]),
        "run": reverse("awards:run", args=[y]),
        "ranking": reverse("awards:ranking", args=[y]),
        "line_branch": reverse("awards:line", args=[ns.branch_line.pk]),
        "line_member": reverse("awards:line", args=[ns.member_line.pk]),
        "line_other": reverse("awards:line", args=[ns.other_line.pk]),
        "cycle": reverse("awards:cycle", args=[y]),
        "notice": reverse("awards:notice", args=[y]),
        "model_posts": reverse("awards:model_posts", args=[y]),
        "index": reverse("awards:index"),
    }


OK, NO, NF, LOGIN = 200, 403, 404, 302
EXPECTED = {
    # role:        year rubric item settings entries run ranking lb  lm  lo  cycle notice posts index
    "anonymous": [LOGIN] * 14,
    "staff": [NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, OK, NO, LOGIN],
    "member": [OK, OK, NO, NO, NO, NO, OK, NF, OK, NF, NO, OK, NO, LOGIN],
    "secretary": [OK, OK, NO, NO, NO, NO, OK, OK, OK, NF, NO, OK, NO, LOGIN],
    "gb_secretary": [OK, OK, NO, NO, NO, NO, OK, OK, OK, NF, NO, OK, NO, LOGIN],
    "other_secretary": [OK, OK, NO, NO, NO, NO, OK, NF, NF, OK, NO, OK, NO, LOGIN],
    "office": [OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, LOGIN],
    "leader": [OK, OK, NO, NO, NO, NO, OK, OK, OK, OK, OK, OK, OK, LOGIN],
    "admin": [OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, LOGIN],
}


@pytest.fixture
def grid(institute, scored):  # noqa: F811
    run = run_now(scored.year, scored.office)
    scored.branch_line = run.lines.get(kind=Subject.BRANCH, branch=institute.branch)
    scored.member_line = run.lines.get(person=institute.member)
    scored.other_line = run.lines.get(kind=Subject.BRANCH, branch=institute.other_branch)
    return scored


@pytest.mark.parametrize("role", ROLES)
def test_permission_grid(client, users, grid, role):  # noqa: F811
    if users[role] is not None:
        client.force_login(users[role])
    got = []
    for name, url in urls(grid).items():
        status = client.get(url).status_code
        got.append(LOGIN if status == 302 and name != "index" else (LOGIN if name == "index" else status))
    assert got == EXPECTED[role]


def test_foreign_institute_is_not_found(client, institute, grid):  # noqa: F811
    from campaigns.models import CampaignYear

    from .factories import make_campaign

    foreign_year = CampaignYear.objects.get(campaign=make_campaign(institute.other_committee), year=2026)
    client.force_login(institute.office.user)
    for name in ("year", "rubric", "ranking", "run", "cycle", "notice", "entries"):
        assert client.get(reverse(f"awards:{name}", args=[foreign_year.pk])).status_code == 404, name


def test_post_actions_refused_by_role(client, institute, cycle):  # noqa: F811
    y = cycle.campaign_year.pk
    services.cycle_propose(cycle=cycle, access=compute_access(institute.office.user))
    client.force_login(institute.leader.user)
    client.post(reverse("awards:cycle_action", args=[y, "notice"]))
    assert AwardCycle.objects.get(pk=cycle.pk).status == S.PROPOSING
    client.force_login(institute.secretary.user)
    assert client.post(reverse("awards:run", args=[y])).status_code == 403
    assert (
        client.post(
            reverse("awards:candidate_add", args=[y]),
            {"title": "outstanding_member", "line": 1, "reason": "x"},
        ).status_code
        == 403
    )
    client.force_login(institute.office.user)
    client.post(reverse("awards:cycle_action", args=[y, "notice"]))
    assert AwardCycle.objects.get(pk=cycle.pk).status == S.NOTICE
    # Staff lodge an objection on the notice page.
    candidate = Candidate.objects.filter(cycle=cycle, removed=False).first()
    client.force_login(institute.staff.user)
    response = client.post(
        reverse("awards:notice", args=[y]), {"candidate": candidate.pk, "text": "情况不实"}
    )
    assert response.status_code == 302
    assert Objection.objects.filter(candidate=candidate, submitted_by=institute.staff.user).exists()


# --- Query counts ------------------------------------------------------------------------


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def test_pages_cost_the_same_with_more_branches(client, institute, scored):  # noqa: F811
    from .test_awards_support import record

    run = run_now(scored.year, scored.office)
    client.force_login(institute.office.user)
    line = run.lines.get(kind=Subject.BRANCH, branch=institute.branch)
    pages = [reverse("awards:ranking", args=[scored.year.pk]), reverse("awards:line", args=[line.pk]), "/"]
    # The first home page after a change writes the compliance summaries it finds stale (in one
    # batch, activities.summary); compared are the pages as every later request pays them.
    _count(client, "/")
    before = [_count(client, url) for url in pages]
    for i in range(3):
        b = BranchFactory(committee=institute.committee, name=f"加支部{i}")
        make_member(b)
        make_member(b)
        record(b, "news_report", D(2026, 1, 5), scored.office)
    run = run_now(scored.year, scored.office)
    line = run.lines.get(kind=Subject.BRANCH, branch=institute.branch)
    pages[1] = reverse("awards:line", args=[line.pk])
    _count(client, "/")  # the new branches' summaries, written once
    after = [_count(client, url) for url in pages]
    assert after == before


def test_home_context_by_role(institute, cycle):  # noqa: F811
    def year():  # as each request of the home page does, loaded with its award cycle
        return CampaignYear.objects.select_related("award_cycle").get(pk=cycle.campaign_year_id)

    office = selectors.home_context(
        access=compute_access(institute.office.user), role="office", campaign_year=year()
    )
    assert office["awards_cycle"] == cycle
    services.cycle_propose(cycle=cycle, access=compute_access(institute.office.user))
    advance(cycle, S.NOTICE, institute.office.user, today=datetime.date.today())
    staff = selectors.home_context(
        access=compute_access(institute.staff.user), role="staff", campaign_year=year()
    )
    assert staff["awards_notice"].pk == cycle.pk
    advance(
        cycle, S.APPROVAL, institute.office.user, today=datetime.date.today() + datetime.timedelta(days=10)
    )
    leader = selectors.home_context(
        access=compute_access(institute.leader.user), role="leading_group", campaign_year=year()
    )
    assert leader["awards_to_approve"].pk == cycle.pk


def test_model_post_buttons_follow_the_workflow(client, institute):
    office, leader = institute.office.user, institute.leader.user
    post = services.model_post_designate(
        access=compute_access(office),
        person=institute.member,
        post_name="研发一线岗",
        designated_on=D(2026, 1, 1),
        term_ends_on=D(2026, 12, 31),
    )
    year = CampaignYear.objects.get(campaign=institute.campaign, year=2026)
    url = reverse("awards:model_posts", args=[year.pk])
    withdraw = reverse("awards:model_post_action", args=[year.pk, post.pk, "withdraw"])
    client.force_login(leader)
    assert withdraw not in client.get(url).content.decode()
    assert client.post(withdraw, {"reason": "x"}).status_code == 403  # not the leading group's step
    client.force_login(office)
    assert withdraw in client.get(url).content.decode()
    client.post(withdraw, {"reason": "调离岗位"})
    assert withdraw not in client.get(url).content.decode()
    with pytest.raises(PermissionDenied):
        services.model_post_review(access=compute_access(leader), post=post, result="keep", note="x")
