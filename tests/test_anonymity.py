"""The anonymity guarantee, checked against the database tables themselves.

Ballots are cast through the real pages (with every middleware, HistoryRequestMiddleware
included); then every column of every table of the evaluations app, and every history table of
the whole project, is inspected with raw SQL."""

import logging
import re
import threading

import pytest
from django.apps import apps
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.access import compute_access
from evaluations import services
from evaluations.models import (
    AppraisalPoolBallot,
    AppraisalTally,
    AppraisalVoter,
    BallotCount,
    FreeText,
    PooledBallot,
    RatingCount,
    Satisfaction,
    Voter,
)

from . import test_evaluations_support as support
from .test_evaluations_support import (
    all_answers,
    ballot_post_data,
    cast,
    create_evaluation,
    grades_for,
    voters_of,
    year_of,
)

# Shared fixtures, found by pytest under these names.
big_branch, evaluation, extra_staff = support.big_branch, support.evaluation, support.extra_staff

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="inspects PostgreSQL tables")

BALLOT_BOX = {
    m._meta.db_table
    for m in (RatingCount, BallotCount, FreeText, AppraisalTally, AppraisalPoolBallot, PooledBallot)
}
ROLLS = {m._meta.db_table for m in (Voter, AppraisalVoter)}
# The only references to people that the ballot box may hold, and why they name no voter:
# the office member who reviewed a comment, and the member an appraisal tally is about.
ALLOWED_PEOPLE_REFERENCES = {
    (FreeText._meta.db_table, "moderated_by_id"),
    (AppraisalTally._meta.db_table, "person_id"),
}


def _columns(table):
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT column_name, data_type, column_default, is_identity
               FROM information_schema.columns WHERE table_name = %s ORDER BY ordinal_position""",
            [table],
        )
        return cursor.fetchall()


def _references(table):
    """{column: referenced table} of the table's foreign keys."""
    with connection.cursor() as cursor:
        return {
            col: ref_table
            for col, (_ref_col, ref_table) in connection.introspection.get_relations(cursor, table).items()
        }


def _rows(table):
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT * FROM "{table}"')
        names = [c.name for c in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _history_tables():
    return sorted(t for t in connection.introspection.table_names() if "_historical" in t)


def _history_row_counts():
    counts = {}
    with connection.cursor() as cursor:
        for table in _history_tables():
            cursor.execute(f'SELECT count(*) FROM "{table}"')
            counts[table] = cursor.fetchone()[0]
    return counts


def _app_tables():
    return sorted(t for t in connection.introspection.table_names() if t.startswith("evaluations_"))


@pytest.fixture
def voted(client, institute, evaluation, big_branch):
    """Ballots cast through the pages: six in the mass evaluation (with comments), six in the
    appraisal of a seven-member branch; then both are closed."""
    branch, members = big_branch
    appraisal = services.appraisal_start(
        branch=branch,
        campaign_year=year_of(institute.campaign),
        access=compute_access(institute.gb_secretary.user),
    )
    services.appraisal_advance(appraisal=appraisal, access=compute_access(institute.gb_secretary.user))
    services.appraisal_advance(appraisal=appraisal, access=compute_access(institute.gb_secretary.user))
    history_before = _history_row_counts()
    people = voters_of(evaluation)[:6]
    target = evaluation.targets.get(person__isnull=True)
    for n, person in enumerate(people):
        client.force_login(person.user)
        data = ballot_post_data(evaluation, [Satisfaction.SATISFIED, Satisfaction.DISSATISFIED][n % 2])
        data[f"t-{target.pk}"] = f"第{n}条意见"
        assert client.post(reverse("evaluations:ballot", args=[evaluation.pk]), data).status_code == 302
    for person in members[:6]:
        client.force_login(person.user)
        data = {f"g-{pk}": grade for pk, grade in grades_for(appraisal, person).items()}
        assert (
            client.post(reverse("evaluations:appraisal_vote", args=[appraisal.pk]), data).status_code == 302
        )
    history_after = _history_row_counts()
    services.evaluation_close(evaluation=evaluation, access=compute_access(institute.office.user))
    services.appraisal_advance(appraisal=appraisal, access=compute_access(institute.gb_secretary.user))
    voter_people = {p.pk for p in people} | {p.pk for p in members[:6]}
    voter_users = {p.user_id for p in people} | {p.user_id for p in members[:6]}
    return {
        "evaluation": evaluation,
        "appraisal": appraisal,
        "people": voter_people,
        "users": voter_users,
        "history_before": history_before,
        "history_after": history_after,
        "members": members,
    }


def test_no_table_links_a_voter_to_an_answer(voted, institute):
    tables = _app_tables()
    assert BALLOT_BOX | ROLLS <= set(tables)
    people_tables = {"branches_person", "accounts_user"}
    for table in tables:
        columns = _columns(table)
        references = _references(table)
        for name, data_type, default, is_identity in columns:
            # No time finer than a day anywhere in the app, except the audit trail of set-up
            # records (history_date), which never covers the roll or the ballot box.
            if data_type.startswith(("timestamp", "time")):
                assert "_historical" in table and name == "history_date", (table, name)
            if table in BALLOT_BOX:
                # No date either, no sequence: the keys are random.
                assert data_type != "date" or (table, name) == (FreeText._meta.db_table, "moderated_on"), (
                    table,
                    name,
                )
                assert not (default or "").startswith("nextval") and is_identity == "NO", (table, name)
                if references.get(name) in people_tables:
                    assert (table, name) in ALLOWED_PEOPLE_REFERENCES, (table, name)
        if table in BALLOT_BOX:
            assert dict((n, t) for n, t, *_ in columns)["id"] == "uuid", table
        if table in ROLLS:
            # The roll says who may vote and whether they did; nothing else.
            names = {n for n, *_ in columns}
            assert names in (
                {"id", "evaluation_id", "person_id", "has_voted"},
                {"id", "appraisal_id", "person_id", "has_voted"},
            )

    # The values: no ballot-box row holds a voter's login or person id in any column.
    for table in BALLOT_BOX:
        references = _references(table)
        for row in _rows(table):
            for name, value in row.items():
                if references.get(name) == "accounts_user":
                    assert value not in voted["users"], (table, name)
                if references.get(name) == "branches_person" and table != AppraisalTally._meta.db_table:
                    assert value not in voted["people"], (table, name)
    # Appraisal tallies name the member appraised; every member has the same rows, created
    # before the vote opened, whether or not they voted.
    appraisal = voted["appraisal"]
    tallies = AppraisalTally.objects.filter(appraisal=appraisal)
    assert sorted(tallies.values_list("person_id", flat=True)) == sorted(
        [v.person_id for v in appraisal.voters.all()] * 4
    )
    # Counts only: 6 ballots → every question of the branch sums to 6.
    counts = RatingCount.objects.filter(target__evaluation=voted["evaluation"], target__person__isnull=True)
    per_question = {}
    for row in counts:
        per_question[row.criterion_id] = per_question.get(row.criterion_id, 0) + row.count
    assert set(per_question.values()) == {6}


def test_no_history_of_ballots(voted):
    # No history table exists for the roll or the ballot box…
    tables = _history_tables()
    for model in (Voter, AppraisalVoter, RatingCount, BallotCount, FreeText, AppraisalTally):
        assert not hasattr(model, "history")
        assert f"evaluations_historical{model._meta.model_name}" not in tables
    # …no history table refers to them…
    for table in tables:
        assert not set(_references(table).values()) & (BALLOT_BOX | ROLLS), table
    # …and casting twelve ballots through the pages wrote not a single history row anywhere.
    assert voted["history_before"] == voted["history_after"]
    # The models of the app that do keep history are the set-up records only.
    historical = {
        m._meta.db_table
        for m in apps.get_app_config("evaluations").get_models()
        if "Historical" in m.__name__
    }
    assert historical.isdisjoint({f"evaluations_historical{t.split('_', 1)[1]}" for t in BALLOT_BOX | ROLLS})


def test_ballot_writes_only_the_roll_and_the_ballot_box(client, evaluation, institute, caplog):
    target = evaluation.targets.get(person__isnull=True)
    data = ballot_post_data(evaluation, texts={target.pk: "意见"})
    client.force_login(institute.staff.user)
    client.get(reverse("evaluations:ballot", args=[evaluation.pk]))
    caplog.set_level(logging.DEBUG)
    with CaptureQueriesContext(connection) as queries:
        response = client.post(reverse("evaluations:ballot", args=[evaluation.pk]), data)
    assert response.status_code == 302
    written = set()
    for query in queries:
        match = re.match(r'\s*(INSERT INTO|UPDATE|DELETE FROM)\s+"([^"]+)"', query["sql"])
        if match:
            written.add(match.group(2))
    # Only the sealed row of the mixing pool: the roll, the counters and the free texts change
    # when a batch of at least k ballots is counted (tests/test_anonymity_dumps.py).
    assert written == {"evaluations_pooledballot"}
    # No log line, no message in a cookie or in the session.
    assert [r.getMessage() for r in caplog.records if not r.name.startswith("django.db")] == []
    assert "messages" not in response.cookies
    # An error report of this request (mail to ADMINS…) would not show the answers.
    assert response.wsgi_request.sensitive_post_parameters == "__ALL__"
    assert not any(k.startswith("_messages") for k in client.session.keys())


def test_suggestion_names_nobody(client, institute):
    from evaluations.models import Suggestion

    history_before = _history_row_counts()
    client.force_login(institute.staff.user)
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            reverse("evaluations:suggestion_new"), {"branch": institute.branch.pk, "text": "食堂"}
        )
    assert response.status_code == 302
    written = {
        m.group(2)
        for q in queries
        if (m := re.match(r'\s*(INSERT INTO|UPDATE|DELETE FROM)\s+"([^"]+)"', q["sql"]))
    }
    assert written == {"evaluations_suggestion"}
    assert response.wsgi_request.sensitive_post_parameters == "__ALL__"
    assert _history_row_counts() == history_before
    (row,) = _rows(Suggestion._meta.db_table)
    assert row["answered_by_id"] is None
    assert institute.staff.user_id not in row.values() and institute.staff.pk not in row.values()
    references = _references(Suggestion._meta.db_table)
    assert {c for c, t in references.items() if t in ("accounts_user", "branches_person")} == {
        "answered_by_id"
    }
    assert {n for n, t, *_ in _columns(Suggestion._meta.db_table) if t.startswith("timestamp")} == set()


# --- What a dump or a live SELECT shows: transaction ids and order ------------------------


def _xmins(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {row[0] for row in cursor.fetchall()}


@pytest.mark.django_db(transaction=True)
def test_rows_share_one_transaction_id(institute, extra_staff, settings):
    """Every batch rewrites all voted roll rows, all counters and all comments, so their
    transaction ids point at no one; closing rewrites the comments in one transaction, in random
    order. (k = 2: a batch of 2 is counted at the 4th ballot, 2 stay in the pool.)"""
    settings.BALLOT_MIX_SIZE = 2
    e = create_evaluation(institute)
    target = e.targets.get(person__isnull=True)
    people = voters_of(e)[:5]
    for n, person in enumerate(people):
        cast(
            e, person, [Satisfaction.SATISFIED, Satisfaction.BASICALLY][n % 2], texts={target.pk: f"意见{n}"}
        )
    voted = _xmins("SELECT xmin::text FROM evaluations_voter WHERE evaluation_id = %s AND has_voted", [e.pk])
    counters = _xmins(
        "SELECT c.xmin::text FROM evaluations_ratingcount c JOIN evaluations_target t ON t.id = c.target_id "
        "WHERE t.evaluation_id = %s",
        [e.pk],
    )
    assert len(voted) == 1 and voted == counters  # the last batch's, and nothing else
    comments = "SELECT f.xmin::text FROM evaluations_freetext f JOIN evaluations_target t ON t.id = f.target_id WHERE t.evaluation_id = %s"
    assert len(_xmins(comments, [e.pk])) == 1  # the batch's…
    services.evaluation_close(evaluation=e, access=compute_access(institute.office.user))
    assert len(_xmins(comments, [e.pk])) == 1  # …then all rewritten together at closing


# --- One vote per person, under concurrency --------------------------------------------------


def _race(n, fn):
    """Run ``fn(i)`` in ``n`` threads released at the same moment, each with its own database
    connection. Returns the results (or exceptions)."""
    barrier = threading.Barrier(n)
    results = [None] * n

    def run(i):
        try:
            barrier.wait()
            results[i] = fn(i)
        except Exception as error:  # noqa: BLE001 - collected for the assertions
            results[i] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


@pytest.mark.django_db(transaction=True)
def test_one_vote_per_person_under_concurrency(institute, extra_staff, settings):
    settings.BALLOT_MIX_SIZE = 1  # counted at once, to read the counters
    e = create_evaluation(institute)
    answers = all_answers(e)
    person = institute.staff

    def vote(i):
        services.ballot_cast(evaluation=e, person=person, answers=answers)
        return "ok"

    results = _race(8, vote)
    assert results.count("ok") == 1, results
    assert all(getattr(r, "code", None) == "already_voted" for r in results if r != "ok"), results
    assert set(BallotCount.objects.filter(target__evaluation=e).values_list("count", flat=True)) == {1}
    assert sum(RatingCount.objects.filter(target__evaluation=e).values_list("count", flat=True)) == len(
        answers
    )
    assert Voter.objects.filter(evaluation=e, has_voted=True).count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_ballots_of_different_people_all_count(institute, extra_staff):
    e = create_evaluation(institute)
    people = voters_of(e)
    answers = all_answers(e)

    def vote(i):
        services.ballot_cast(evaluation=e, person=people[i], answers=answers)
        return "ok"

    assert _race(len(people), vote) == ["ok"] * len(people)
    assert len(people) >= 5
    services.ballot_pool_flush(evaluation=e)  # what closing does: the rest of the pool is counted
    assert set(BallotCount.objects.filter(target__evaluation=e).values_list("count", flat=True)) == {
        len(people)
    }
    assert Voter.objects.filter(evaluation=e, has_voted=True).count() == len(people)


@pytest.mark.django_db(transaction=True)
def test_one_appraisal_vote_per_person_under_concurrency(institute, big_branch):
    branch, members = big_branch
    appraisal = services.appraisal_start(
        branch=branch,
        campaign_year=year_of(institute.campaign),
        access=compute_access(institute.gb_secretary.user),
    )
    services.appraisal_advance(appraisal=appraisal, access=compute_access(institute.gb_secretary.user))
    services.appraisal_advance(appraisal=appraisal, access=compute_access(institute.gb_secretary.user))
    grades = grades_for(appraisal, members[0])

    def vote(i):
        services.appraisal_ballot_cast(appraisal=appraisal, person=members[0], grades=grades)
        return "ok"

    results = _race(6, vote)
    assert results.count("ok") == 1, results
    # One sealed ballot waits in the pool; nothing is counted before a batch is complete.
    assert AppraisalPoolBallot.objects.filter(appraisal=appraisal).count() == 1
    assert sum(AppraisalTally.objects.filter(appraisal=appraisal).values_list("count", flat=True)) == 0
