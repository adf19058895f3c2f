"""Mass evaluation: set-up, ballots, thresholds, comments, home page, permission grid, queries."""

import datetime
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from accounts.access import compute_access
from campaigns.services import campaign_year_create
from evaluations import selectors, services
from evaluations.models import (
    DEFAULT_CRITERIA,
    BallotCount,
    Criterion,
    Evaluation,
    FreeText,
    RatingCount,
    Satisfaction,
    Subject,
    Suggestion,
    Target,
    Voter,
)

from . import test_evaluations_support as support
from .factories import make_member
from .test_evaluations_support import (
    all_answers,
    ballot_post_data,
    cast,
    create_evaluation,
    make_staff,
    today,
    voters_of,
    year_of,
)

# Shared fixtures, found by pytest under these names.
big_branch, evaluation, extra_staff, foreign_evaluation = (
    support.big_branch,
    support.evaluation,
    support.extra_staff,
    support.foreign_evaluation,
)

# --- Set-up ------------------------------------------------------------------------------


def test_create_with_default_questionnaire_and_open(institute, extra_staff):
    e = create_evaluation(institute, open_it=False)
    assert e.status == Evaluation.Status.DRAFT
    assert e.criteria.filter(subject=Subject.BRANCH).count() == 5
    assert e.criteria.filter(subject=Subject.MEMBER).count() == 5
    assert {(t.branch, t.person) for t in e.targets.all()} == {
        (institute.branch, None),
        (institute.branch, institute.member),
    }
    services.evaluation_open(evaluation=e, access=compute_access(institute.office.user))
    e.refresh_from_db()
    assert e.status == Evaluation.Status.OPEN
    # The roll: staff of the department and members of the branch, each once.
    roll = set(e.voters.values_list("person_id", flat=True))
    assert roll == {institute.staff.pk, institute.secretary.pk, institute.member.pk} | {
        p.pk for p in extra_staff
    }
    # Every counter exists at zero: 2 targets × 5 questions × 5 options.
    assert RatingCount.objects.filter(target__evaluation=e).count() == 2 * 5 * 5
    assert set(RatingCount.objects.filter(target__evaluation=e).values_list("count", flat=True)) == {0}
    assert BallotCount.objects.filter(target__evaluation=e).count() == 2
    # The history records who opened it.
    assert e.history.first().history_user == institute.office.user


def test_open_refuses_too_few_voters(institute):
    e = create_evaluation(institute, voter_departments=[], voter_branches=[institute.branch], open_it=False)
    with pytest.raises(ValidationError) as error:
        services.evaluation_open(evaluation=e, access=compute_access(institute.office.user))
    assert error.value.code == "too_few_voters"


def test_only_a_draft_can_be_changed(evaluation, institute):
    with pytest.raises(ValidationError):
        services.evaluation_update(
            evaluation=evaluation,
            title="x",
            opens_on=evaluation.opens_on,
            closes_on=evaluation.closes_on,
            min_ballots=5,
            branches=[],
            members=[],
            voter_departments=[],
            voter_branches=[],
            branch_questions=[],
            member_questions=[],
            access=compute_access(institute.office.user),
        )


def test_min_ballots_cannot_go_below_five(institute):
    with pytest.raises(ValidationError):
        create_evaluation(institute, min_ballots=3, open_it=False)


def test_office_sets_up_and_opens_through_the_pages(client, institute, extra_staff):
    client.force_login(institute.office.user)
    page = client.get(reverse("evaluations:create"))
    assert page.status_code == 200
    with translation.override("zh-hans"):  # the default questions, in the user's language
        assert str(DEFAULT_CRITERIA[Subject.BRANCH][0]) in page.content.decode()
    response = client.post(
        reverse("evaluations:create"),
        {
            "campaign_year": year_of(institute.campaign).pk,
            "title": "2026年度群众评议",
            "opens_on": today().isoformat(),
            "closes_on": (today() + datetime.timedelta(days=7)).isoformat(),
            "min_ballots": 5,
            "branches": [institute.branch.pk, institute.branch2.pk],
            "members": [institute.member.pk],
            "voter_departments": [institute.department.pk],
            "voter_branches": [],
            "branch_questions": "班子建设好\n群众反映好",
            "member_questions": "带头服务群众",
        },
    )
    e = Evaluation.objects.get(title="2026年度群众评议")
    assert response.status_code == 302 and response["Location"] == reverse("evaluations:detail", args=[e.pk])
    assert list(e.criteria.filter(subject=Subject.BRANCH).values_list("text", flat=True)) == [
        "班子建设好",
        "群众反映好",
    ]
    assert e.targets.count() == 3
    response = client.post(reverse("evaluations:open", args=[e.pk]))
    e.refresh_from_db()
    assert e.status == Evaluation.Status.OPEN
    assert e.voters.count() == 6  # 孙职工 and the five extra staff
    page = client.get(reverse("evaluations:detail", args=[e.pk])).content.decode()
    assert "0 / 6" in page or "6" in page


def test_edit_form_refuses_another_institutes_branch(client, institute, extra_staff):
    e = create_evaluation(institute, open_it=False)
    client.force_login(institute.office.user)
    response = client.post(
        reverse("evaluations:edit", args=[e.pk]),
        {
            "title": e.title,
            "opens_on": e.opens_on.isoformat(),
            "closes_on": e.closes_on.isoformat(),
            "min_ballots": 5,
            "branches": [institute.foreign_branch.pk],
            "voter_departments": [institute.department.pk],
            "branch_questions": "a",
        },
    )
    assert response.status_code == 200  # the foreign branch is not a choice
    assert not e.targets.filter(branch=institute.foreign_branch).exists()


# --- Ballots ------------------------------------------------------------------------------


def test_ballot_counts_and_marks_the_voter(evaluation, institute, settings):
    settings.BALLOT_MIX_SIZE = 1  # counted at once (the mixing pool: test_anonymity_dumps.py)
    target = evaluation.targets.get(person__isnull=True)
    cast(evaluation, institute.staff, Satisfaction.FAIRLY, texts={target.pk: "支部很负责"})
    assert Voter.objects.get(evaluation=evaluation, person=institute.staff).has_voted
    counts = RatingCount.objects.filter(target__evaluation=evaluation, count__gt=0)
    assert counts.count() == 10 and set(counts.values_list("option", "count")) == {(Satisfaction.FAIRLY, 1)}
    assert set(BallotCount.objects.filter(target__evaluation=evaluation).values_list("count", flat=True)) == {
        1
    }
    assert FreeText.objects.get().text == "支部很负责"


def test_second_ballot_of_the_same_person_is_refused(evaluation, institute, settings):
    settings.BALLOT_MIX_SIZE = 1  # counted at once (the mixing pool: test_anonymity_dumps.py)
    cast(evaluation, institute.staff)
    with pytest.raises(ValidationError) as error:
        cast(evaluation, institute.staff)
    assert error.value.code == "already_voted"
    assert set(BallotCount.objects.filter(target__evaluation=evaluation).values_list("count", flat=True)) == {
        1
    }


def test_only_people_on_the_roll_vote(evaluation, institute):
    with pytest.raises(PermissionDenied):
        cast(evaluation, institute.other_secretary)


def test_ballot_must_answer_everything_with_valid_options(evaluation, institute):
    answers = all_answers(evaluation)
    answers.pop(next(iter(answers)))
    with pytest.raises(ValidationError):
        services.ballot_cast(evaluation=evaluation, person=institute.staff, answers=answers)
    bad = {key: "excellent" for key in all_answers(evaluation)}
    with pytest.raises(ValidationError):
        services.ballot_cast(evaluation=evaluation, person=institute.staff, answers=bad)
    assert not Voter.objects.get(evaluation=evaluation, person=institute.staff).has_voted


def test_no_ballot_outside_the_window(institute, extra_staff):
    e = create_evaluation(
        institute,
        opens_on=today() - datetime.timedelta(days=10),
        closes_on=today() - datetime.timedelta(days=1),
    )
    with pytest.raises(ValidationError) as error:
        cast(e, institute.staff)
    assert error.value.code == "closed"
    e2 = create_evaluation(institute, title="later", opens_on=today() + datetime.timedelta(days=1))
    with pytest.raises(ValidationError):
        cast(e2, institute.staff)


def test_no_ballot_after_closing(evaluation, institute):
    services.evaluation_close(evaluation=evaluation, access=compute_access(institute.office.user))
    with pytest.raises(ValidationError):
        cast(evaluation, institute.staff)


def test_staff_votes_through_the_page(client, evaluation, institute, settings):
    settings.BALLOT_MIX_SIZE = 1  # counted at once (the mixing pool: test_anonymity_dumps.py)
    client.force_login(institute.staff.user)
    page = client.get(reverse("evaluations:ballot", args=[evaluation.pk]))
    assert page.status_code == 200 and "陈党员" in page.content.decode()
    incomplete = client.post(reverse("evaluations:ballot", args=[evaluation.pk]), {})
    assert incomplete.status_code == 200
    assert not Voter.objects.get(evaluation=evaluation, person=institute.staff).has_voted
    response = client.post(reverse("evaluations:ballot", args=[evaluation.pk]), ballot_post_data(evaluation))
    assert response.status_code == 302
    assert response["Location"] == reverse("evaluations:thanks", args=[evaluation.pk])
    thanks = client.get(response["Location"]).content.decode()
    assert evaluation.title in thanks and "满意" not in thanks  # no echo of the answers
    again = client.get(reverse("evaluations:ballot", args=[evaluation.pk]))
    assert 'data-testid="already-voted"' in again.content.decode()
    assert 'data-testid="ways-on"' in again.content.decode()  # a way on, as after voting
    # A repeat is answered as the counted ballot was (an access log cannot tell them apart).
    repeat = client.post(reverse("evaluations:ballot", args=[evaluation.pk]), ballot_post_data(evaluation))
    assert repeat.status_code == 302 and repeat["Location"] == response["Location"]
    masked = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')  # a fresh mask per page
    assert masked.sub("", client.get(repeat["Location"]).content.decode()) == masked.sub("", thanks)
    assert set(BallotCount.objects.filter(target__evaluation=evaluation).values_list("count", flat=True)) == {
        1
    }


# --- Results ----------------------------------------------------------------------------


def _results_page(client, user, evaluation):
    client.force_login(user)
    response = client.get(reverse("evaluations:results", args=[evaluation.pk]))
    assert response.status_code == 200
    return response


def test_results_hidden_before_close(client, evaluation, institute):
    for person in voters_of(evaluation)[:6]:
        cast(evaluation, person)
    response = _results_page(client, institute.office.user, evaluation)
    assert 'data-testid="results-hidden"' in response.content.decode()
    assert response.context["branch_results"] == [] and response.context["member_results"] == []
    assert selectors.evaluation_results(evaluation=evaluation, targets=evaluation.targets.all()) == []


def test_results_hidden_below_five_ballots(client, evaluation, institute):
    for person in voters_of(evaluation)[:4]:
        cast(evaluation, person)
    services.evaluation_close(evaluation=evaluation, access=compute_access(institute.office.user))
    response = _results_page(client, institute.leader.user, evaluation)
    results = response.context["branch_results"] + response.context["member_results"]
    assert results and all(not r.shown and r.criteria == [] for r in results)
    assert response.content.decode().count('data-testid="below-threshold"') == 2


def test_results_shown_from_five_ballots(client, evaluation, institute):
    people = voters_of(evaluation)
    for person in people[:3]:
        cast(evaluation, person, Satisfaction.SATISFIED)
    cast(evaluation, people[3], Satisfaction.BASICALLY)
    cast(evaluation, people[4], Satisfaction.UNKNOWN, per_target={})
    services.evaluation_close(evaluation=evaluation, access=compute_access(institute.office.user))
    response = _results_page(client, institute.leader.user, evaluation)
    (branch,) = response.context["branch_results"]
    # The ballot of "don't know" everywhere gave no opinion: 4 ballots, below the threshold.
    assert branch.ballots == 4 and not branch.shown


def test_satisfaction_rate_and_distribution(client, evaluation, institute):
    people = voters_of(evaluation)
    options = [
        Satisfaction.SATISFIED,
        Satisfaction.SATISFIED,
        Satisfaction.FAIRLY,
        Satisfaction.BASICALLY,
        Satisfaction.DISSATISFIED,
        Satisfaction.UNKNOWN,
    ]
    for person, option in zip(people, options, strict=False):
        cast(evaluation, person, option)
    services.evaluation_close(evaluation=evaluation, access=compute_access(institute.office.user))
    response = _results_page(client, institute.office.user, evaluation)
    (branch,) = response.context["branch_results"]
    assert branch.shown and branch.ballots == 5
    first = branch.criteria[0]
    assert dict(first.counts) == {
        Satisfaction.SATISFIED: 2,
        Satisfaction.FAIRLY: 1,
        Satisfaction.BASICALLY: 1,
        Satisfaction.DISSATISFIED: 1,
        Satisfaction.UNKNOWN: 1,
    }
    assert first.rate == 60.0  # (2 + 1) / (6 − 1)
    assert branch.rate == 60.0
    assert response.context["turnout"] == {"eligible": 8, "voted": 6, "percent": 75.0}


def test_satisfaction_rate_without_opinions():
    assert selectors.satisfaction_rate({Satisfaction.UNKNOWN: 4}) is None
    assert selectors.satisfaction_rate({}) is None


def test_secretary_sees_only_the_own_branch_results(client, institute, extra_staff):
    e = create_evaluation(institute, branches=[institute.branch, institute.other_branch], members=[])
    for person in voters_of(e)[:5]:
        cast(e, person)
    services.evaluation_close(evaluation=e, access=compute_access(institute.office.user))
    own = _results_page(client, institute.secretary.user, e).context["branch_results"]
    assert [r.target.branch for r in own] == [institute.branch]
    other = _results_page(client, institute.other_secretary.user, e).context["branch_results"]
    assert [r.target.branch for r in other] == [institute.other_branch]
    everything = _results_page(client, institute.leader.user, e).context["branch_results"]
    assert len(everything) == 2


# --- Comments -----------------------------------------------------------------------------


def test_comments_reviewed_before_anyone_else_reads_them(client, evaluation, institute):
    target = evaluation.targets.get(person__isnull=True)
    people = voters_of(evaluation)
    cast(evaluation, people[0], texts={target.pk: "希望多组织学习"})
    cast(evaluation, people[1], texts={target.pk: "不当言论"})
    for person in people[2:5]:
        cast(evaluation, person)
    # Not even the office sees them while the evaluation is open.
    client.force_login(institute.office.user)
    assert "希望多组织学习" not in client.get(reverse("evaluations:moderation")).content.decode()
    services.evaluation_close(evaluation=evaluation, access=compute_access(institute.office.user))
    queue = client.get(reverse("evaluations:moderation")).content.decode()
    assert "希望多组织学习" in queue and "不当言论" in queue
    assert "希望多组织学习" not in _results_page(client, institute.leader.user, evaluation).content.decode()
    good = FreeText.objects.get(text="希望多组织学习")
    bad = FreeText.objects.get(text="不当言论")
    client.force_login(institute.office.user)
    client.post(reverse("evaluations:moderation"), {"free_text": str(good.pk), "decision": "approve"})
    client.post(reverse("evaluations:moderation"), {"free_text": str(bad.pk), "decision": "reject"})
    good.refresh_from_db()
    assert good.status == FreeText.Status.APPROVED and good.moderated_by == institute.office.user
    for user in (institute.leader.user, institute.secretary.user):
        page = _results_page(client, user, evaluation).content.decode()
        assert "希望多组织学习" in page and "不当言论" not in page


def test_closing_shuffles_comments_with_new_keys(evaluation, institute):
    target = evaluation.targets.get(person__isnull=True)
    people = voters_of(evaluation)
    for n, person in enumerate(people[:5]):
        cast(evaluation, person, texts={target.pk: f"意见{n}"})
    before = set(FreeText.objects.values_list("pk", flat=True))
    services.evaluation_close(evaluation=evaluation, access=compute_access(institute.office.user))
    after = set(FreeText.objects.values_list("pk", flat=True))
    assert len(after) == 5 and not before & after
    assert set(FreeText.objects.values_list("text", flat=True)) == {f"意见{n}" for n in range(5)}


def test_moderation_only_of_own_institute(client, evaluation, foreign_evaluation, institute):
    services.evaluation_close(evaluation=foreign_evaluation, access=compute_access(institute.admin))
    FreeText.objects.create(target=foreign_evaluation.targets.get(), text="外所意见")
    text = FreeText.objects.get(text="外所意见")
    client.force_login(institute.office.user)
    response = client.post(
        reverse("evaluations:moderation"), {"free_text": str(text.pk), "decision": "approve"}
    )
    assert response.status_code == 404
    assert (
        client.post(
            reverse("evaluations:moderation"), {"free_text": "nonsense", "decision": "approve"}
        ).status_code
        == 404
    )


# --- Home page ----------------------------------------------------------------------------


def test_home_shows_ballots_due_until_cast(client, evaluation, institute):
    client.force_login(institute.staff.user)
    page = client.get(reverse("home")).content.decode()
    assert 'data-testid="ballots-due"' in page and evaluation.title in page
    cast(evaluation, institute.staff)
    assert 'data-testid="ballots-due"' not in client.get(reverse("home")).content.decode()


def test_home_tells_the_office_what_waits(client, evaluation, institute, settings):
    settings.BALLOT_MIX_SIZE = 1  # counted at once (the mixing pool: test_anonymity_dumps.py)
    target = evaluation.targets.get(person__isnull=True)
    cast(evaluation, institute.staff, texts={target.pk: "意见"})
    services.evaluation_close(evaluation=evaluation, access=compute_access(institute.office.user))
    services.suggestion_submit(committee=institute.committee, branch=None, text="建议")
    client.force_login(institute.office.user)
    response = client.get(reverse("home"))
    assert response.context["free_texts_pending"] == 1
    assert response.context["suggestions_open"] == 1
    assert reverse("evaluations:moderation") in response.content.decode()


# --- Permission grid ------------------------------------------------------------------------

ALL_ROLES = [
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
LOGGED_IN = {r: 200 for r in ALL_ROLES[1:]}
OFFICE = {"office": 200, "admin": 200}
RESULTS = {
    "secretary": 200,
    "gb_secretary": 200,
    "other_secretary": 200,
    "office": 200,
    "leader": 200,
    "admin": 200,
}
TRIAGE = {"secretary": 200, "gb_secretary": 200, "other_secretary": 200, "office": 200, "admin": 200}
SECRETARIES = {"secretary": 200, "gb_secretary": 200, "other_secretary": 200}
VOTERS = {"staff": 200, "member": 200, "secretary": 200}
NOT_VOTERS = {r: 404 for r in ALL_ROLES[1:]}


def _except(expected: dict, **changes) -> dict:
    return {**expected, **changes}


@pytest.fixture
def grid(institute, evaluation, foreign_evaluation):
    """One object of each kind in and out of each role's reach."""
    from branches.models import Person
    from evaluations.models import Appraisal

    ns = type("Grid", (), {})()
    ns.e = evaluation
    ns.foreign = foreign_evaluation
    ns.draft = create_evaluation(institute, title="draft", open_it=False)
    ns.e_other = create_evaluation(
        institute, title="机关", branches=[institute.other_branch], members=[], voter_branches=[]
    )
    ns.s = services.suggestion_submit(committee=institute.committee, branch=institute.branch, text="给支部")
    ns.s_office = services.suggestion_submit(committee=institute.committee, branch=None, text="给办公室")
    ns.s_foreign = services.suggestion_submit(
        committee=institute.other_committee, branch=institute.foreign_branch, text="外所"
    )
    year = year_of(institute.campaign)
    ns.ap = services.appraisal_start(
        branch=institute.branch, campaign_year=year, access=compute_access(institute.secretary.user)
    )
    services.appraisal_advance(appraisal=ns.ap, access=compute_access(institute.secretary.user))
    services.appraisal_advance(appraisal=ns.ap, access=compute_access(institute.secretary.user))  # voting
    ns.ap_self = services.appraisal_start(
        branch=institute.branch,
        campaign_year=campaign_year_create(campaign=institute.campaign, year=2025),
        access=compute_access(institute.secretary.user),
    )
    foreign_year = year_of(institute.other_committee.campaigns.get())
    ns.ap_foreign = Appraisal.objects.create(
        branch=institute.foreign_branch, campaign_year=foreign_year, started_by=institute.admin
    )
    assert Person.objects.filter(branch=institute.branch).count() == 2
    return ns


GRID = [
    ("evaluations:list", lambda g: [], "get", RESULTS),
    ("evaluations:create", lambda g: [], "get", OFFICE),
    ("evaluations:detail", lambda g: [g.e.pk], "get", OFFICE),
    ("evaluations:detail", lambda g: [g.foreign.pk], "get", {"office": 404, "admin": 200}),
    ("evaluations:edit", lambda g: [g.draft.pk], "get", OFFICE),
    ("evaluations:edit", lambda g: [g.foreign.pk], "get", {"office": 404, "admin": 302}),
    ("evaluations:open", lambda g: [g.draft.pk], "post", {"office": 302, "admin": 302}),
    ("evaluations:open", lambda g: [g.foreign.pk], "post", {"office": 404, "admin": 302}),
    ("evaluations:close", lambda g: [g.e.pk], "post", {"office": 302, "admin": 302}),
    ("evaluations:results", lambda g: [g.e.pk], "get", _except(RESULTS, other_secretary=404)),
    (
        "evaluations:results",
        lambda g: [g.e_other.pk],
        "get",
        _except(RESULTS, secretary=404, gb_secretary=404),
    ),
    (
        "evaluations:results",
        lambda g: [g.foreign.pk],
        "get",
        {
            "secretary": 404,
            "gb_secretary": 404,
            "other_secretary": 404,
            "office": 404,
            "leader": 404,
            "admin": 200,
        },
    ),
    ("evaluations:results", lambda g: [g.draft.pk], "get", _except({r: 404 for r in RESULTS})),
    ("evaluations:moderation", lambda g: [], "get", OFFICE),
    ("evaluations:mine", lambda g: [], "get", LOGGED_IN),
    ("evaluations:ballot", lambda g: [g.e.pk], "get", _except(NOT_VOTERS, **VOTERS)),
    ("evaluations:ballot", lambda g: [g.foreign.pk], "get", NOT_VOTERS),
    ("evaluations:ballot", lambda g: [g.draft.pk], "get", NOT_VOTERS),
    ("evaluations:thanks", lambda g: [g.e.pk], "get", _except(NOT_VOTERS, **VOTERS)),
    ("evaluations:suggestions", lambda g: [], "get", LOGGED_IN),
    ("evaluations:suggestion_new", lambda g: [], "get", LOGGED_IN),
    ("evaluations:suggestion_thanks", lambda g: [], "get", LOGGED_IN),
    ("evaluations:suggestion_inbox", lambda g: [], "get", TRIAGE),
    ("evaluations:suggestion_handle", lambda g: [g.s.pk], "get", _except(TRIAGE, other_secretary=404)),
    (
        "evaluations:suggestion_handle",
        lambda g: [g.s_office.pk],
        "get",
        _except(TRIAGE, secretary=404, gb_secretary=404, other_secretary=404),
    ),
    (
        "evaluations:suggestion_handle",
        lambda g: [g.s_foreign.pk],
        "get",
        {"secretary": 404, "gb_secretary": 404, "other_secretary": 404, "office": 404, "admin": 200},
    ),
    ("evaluations:appraisal_list", lambda g: [], "get", RESULTS),
    ("evaluations:appraisal_start", lambda g: [], "get", SECRETARIES),
    ("evaluations:appraisal_detail", lambda g: [g.ap.pk], "get", _except(RESULTS, other_secretary=404)),
    (
        "evaluations:appraisal_detail",
        lambda g: [g.ap_foreign.pk],
        "get",
        {
            "secretary": 404,
            "gb_secretary": 404,
            "other_secretary": 404,
            "office": 404,
            "leader": 404,
            "admin": 200,
        },
    ),
    (
        "evaluations:appraisal_assessment",
        lambda g: [g.ap_self.pk],
        "get",
        _except(SECRETARIES, other_secretary=404),
    ),
    (
        "evaluations:appraisal_advance",
        lambda g: [g.ap.pk],
        "post",
        {"secretary": 302, "gb_secretary": 302, "other_secretary": 404},
    ),
    ("evaluations:appraisal_grades", lambda g: [g.ap.pk], "get", _except(SECRETARIES, other_secretary=404)),
    (
        "evaluations:appraisal_vote",
        lambda g: [g.ap.pk],
        "get",
        _except(NOT_VOTERS, member=200, secretary=200),
    ),
    ("evaluations:appraisal_vote", lambda g: [g.ap_foreign.pk], "get", NOT_VOTERS),
    (
        "evaluations:appraisal_thanks",
        lambda g: [g.ap.pk],
        "get",
        _except(NOT_VOTERS, member=200, secretary=200),
    ),
    (
        "evaluations:appraisal_own",
        lambda g: [g.ap_self.pk],
        "get",
        _except(NOT_VOTERS, member=200, secretary=200),
    ),
]


@pytest.mark.parametrize(
    "name, args, method, expected", GRID, ids=[f"{g[0]}-{n}" for n, g in enumerate(GRID)]
)
def test_permission_grid(client, users, grid, name, args, method, expected):
    """Each URL × every role of the ``users`` fixture (roles in one test: the set-up is costly).
    A POST that succeeds for one role leaves the status codes of the next ones unchanged."""
    answers = {}
    for role in ALL_ROLES:
        client.logout()
        if users[role] is not None:
            client.force_login(users[role])
        answers[role] = getattr(client, method)(reverse(name, args=args(grid))).status_code
    assert answers == {role: expected.get(role, 302 if role == "anonymous" else 403) for role in ALL_ROLES}


def test_every_url_is_in_the_grid():
    from evaluations.urls import urlpatterns

    assert {p.name for p in urlpatterns} == {n.split(":")[1] for n, *_ in GRID}


# --- Queries ----------------------------------------------------------------------------------


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_ballot_page_costs_the_same_with_more_targets(client, institute, extra_staff):
    small = create_evaluation(institute, title="small", members=[])
    more_members = [make_member(institute.branch2, name=f"党员{i}") for i in range(5)]
    more_staff = make_staff(institute.committee, institute.department, 10, prefix="新职工")
    assert more_staff
    large = create_evaluation(
        institute,
        title="large",
        branches=[institute.branch, institute.branch2, institute.other_branch],
        members=[institute.member, *more_members],
    )
    client.force_login(institute.staff.user)
    client.get(reverse("evaluations:ballot", args=[small.pk]))  # warm up (content types, etc.)
    assert _count(client, reverse("evaluations:ballot", args=[small.pk])) == _count(
        client, reverse("evaluations:ballot", args=[large.pk])
    )


def test_results_page_costs_the_same_with_more_targets(client, institute, extra_staff):
    more_members = [make_member(institute.branch2, name=f"党员{i}") for i in range(5)]
    make_staff(institute.committee, institute.department, 10, prefix="新职工")
    small = create_evaluation(institute, title="small", members=[])
    large = create_evaluation(
        institute,
        title="large",
        branches=[institute.branch, institute.branch2, institute.other_branch],
        members=[institute.member, *more_members],
    )
    for e in (small, large):
        people = voters_of(e)
        for n, person in enumerate(people[:7]):
            target = e.targets.first()
            cast(e, person, texts={target.pk: f"意见{n}"})
        services.evaluation_close(evaluation=e, access=compute_access(institute.office.user))
        for text in FreeText.objects.filter(target__evaluation=e):
            services.free_text_moderate(
                free_text=text, approve=True, access=compute_access(institute.office.user)
            )
    client.force_login(institute.office.user)
    client.get(reverse("evaluations:results", args=[small.pk]))
    assert _count(client, reverse("evaluations:results", args=[small.pk])) == _count(
        client, reverse("evaluations:results", args=[large.pk])
    )


def test_targets_and_criteria_are_audited(institute, extra_staff):
    e = create_evaluation(institute, open_it=False)
    assert Target.history.filter(evaluation_id=e.pk).exists()
    assert Criterion.history.filter(evaluation_id=e.pk).count() == 10
    assert not Suggestion.history.exists()
