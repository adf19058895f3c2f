"""Casting a mass-evaluation ballot (issue 7: ballot intake at load): every refusal with its
message and nothing written, a fixed number of statements however large the questionnaire,
and room in the pages of the ballot box for the next versions of its rows.

The anonymity of what is written, and one vote per person under concurrency: test_anonymity.py."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.access import compute_access
from evaluations import selectors, services
from evaluations.models import BallotCount, FreeText, PooledBallot, RatingCount, Satisfaction, Voter
from evaluations.services.ballots import FREE_TEXT_MAX

from . import test_evaluations_support as support
from .factories import make_member
from .test_evaluations_support import all_answers, ballot_post_data, create_evaluation, make_staff

evaluation, extra_staff = support.evaluation, support.extra_staff


def _box(evaluation):
    """Everything a ballot may change, to compare before and after a refusal."""
    return (
        sorted(RatingCount.objects.filter(target__evaluation=evaluation).values_list("id", "count")),
        sorted(BallotCount.objects.filter(target__evaluation=evaluation).values_list("id", "count")),
        sorted(Voter.objects.filter(evaluation=evaluation).values_list("id", "has_voted")),
        FreeText.objects.count(),
        sorted(PooledBallot.objects.values_list("id", "sealed")),
    )


def _refusals(evaluation, institute):
    answers = all_answers(evaluation)
    branch_target = evaluation.targets.get(person__isnull=True)
    key = next(iter(answers))
    missing = dict(answers)
    del missing[key]
    foreign = create_evaluation(institute, title="另一次评议").targets.first()
    return {
        "incomplete": {"answers": missing},
        "extra question": {"answers": {**answers, (branch_target.pk, 10**9): Satisfaction.SATISFIED}},
        "invalid_option": {"answers": {**answers, key: "excellent"}},
        "invalid_target": {"answers": answers, "texts": {foreign.pk: "别处的意见"}},
        "too_long": {"answers": answers, "texts": {branch_target.pk: "长" * (FREE_TEXT_MAX + 1)}},
    }


@pytest.mark.parametrize(
    "case", ["incomplete", "extra question", "invalid_option", "invalid_target", "too_long"]
)
def test_bad_ballot_is_refused_with_its_reason_and_changes_nothing(case, evaluation, institute):
    kwargs = _refusals(evaluation, institute)[case]
    before = _box(evaluation)
    with pytest.raises(ValidationError) as error:
        services.ballot_cast(evaluation=evaluation, person=institute.staff, **kwargs)
    assert error.value.code == {"extra question": "incomplete"}.get(case, case)
    assert _box(evaluation) == before
    # The voter may still cast a good ballot.
    services.ballot_cast(evaluation=evaluation, person=institute.staff, answers=all_answers(evaluation))
    assert selectors.has_voted(evaluation, institute.staff)  # waiting in the mixing pool
    assert not Voter.objects.get(evaluation=evaluation, person=institute.staff).has_voted


def test_refusals_before_the_answers_are_looked_at(evaluation, institute, settings):
    settings.BALLOT_MIX_SIZE = 1  # counted at once: closing leaves the ballot box as it was
    incomplete = {}
    with pytest.raises(PermissionDenied):
        services.ballot_cast(evaluation=evaluation, person=institute.other_secretary, answers=incomplete)
    services.ballot_cast(evaluation=evaluation, person=institute.staff, answers=all_answers(evaluation))
    before = _box(evaluation)
    with pytest.raises(ValidationError) as error:
        services.ballot_cast(evaluation=evaluation, person=institute.staff, answers=incomplete)
    assert error.value.code == "already_voted"
    services.evaluation_close(evaluation=evaluation, access=compute_access(institute.office.user))
    with pytest.raises(ValidationError) as error:
        services.ballot_cast(evaluation=evaluation, person=institute.member, answers=all_answers(evaluation))
    assert error.value.code == "closed"
    assert _box(evaluation) == before


def test_ballot_of_only_dont_know_counts_no_opinion(evaluation, institute, settings):
    settings.BALLOT_MIX_SIZE = 1  # counted at once
    services.ballot_cast(
        evaluation=evaluation, person=institute.staff, answers=all_answers(evaluation, Satisfaction.UNKNOWN)
    )
    assert set(BallotCount.objects.filter(target__evaluation=evaluation).values_list("count", flat=True)) == {
        0
    }
    counted = RatingCount.objects.filter(target__evaluation=evaluation, count=1)
    assert set(counted.values_list("option", flat=True)) == {Satisfaction.UNKNOWN}
    assert counted.count() == len(all_answers(evaluation))


def test_bad_ballot_through_the_page_shows_the_messages(client, evaluation, institute):
    client.force_login(institute.staff.user)
    url = reverse("evaluations:ballot", args=[evaluation.pk])
    data = ballot_post_data(evaluation)
    first = next(iter(data))
    data[first] = "excellent"
    del data[list(data)[-1]]
    before = _box(evaluation)
    page = client.post(url, data, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Some questions are not answered yet." in html
    assert html.count('class="table-danger"') == 2  # the question with a bad answer, the one without
    assert _box(evaluation) == before


def _post_count(client, evaluation, person):
    client.force_login(person.user)
    data = ballot_post_data(evaluation)
    with CaptureQueriesContext(connection) as queries:
        response = client.post(reverse("evaluations:ballot", args=[evaluation.pk]), data)
    assert response.status_code == 302
    return len(queries)


def test_ballot_costs_the_same_statements_with_more_targets_and_voters(client, institute, extra_staff):
    small = create_evaluation(institute, title="small", members=[])
    more_members = [make_member(institute.branch2, name=f"党员{i}") for i in range(5)]
    make_staff(institute.committee, institute.department, 10, prefix="新职工")
    large = create_evaluation(
        institute,
        title="large",
        branches=[institute.branch, institute.branch2, institute.other_branch],
        members=[institute.member, *more_members],
    )
    first, second, *others = support.voters_of(small)
    _post_count(client, small, first)  # warm up (content types, etc.)
    for person in others[:3]:
        _post_count(client, large, person)  # voted roll rows for the next ballot to rewrite
    assert _post_count(client, small, second) == _post_count(client, large, second)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL storage parameter")
def test_roll_and_ballot_box_leave_room_in_their_pages(db):
    """Every ballot rewrites all counters and voted roll rows: with room in their pages, the new
    versions stay in place without new index entries (evaluations/migrations/0002)."""
    tables = ["voter", "ratingcount", "ballotcount", "appraisalvoter", "appraisaltally"]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, reloptions FROM pg_class WHERE relname = ANY(%s)",
            [[f"evaluations_{t}" for t in tables]],
        )
        options = dict(cursor.fetchall())
    assert options == {f"evaluations_{t}": ["fillfactor=25"] for t in tables}
