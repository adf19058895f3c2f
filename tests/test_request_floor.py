"""The per-request floor and the ballot POST (issue 17: intake at 300/s): the user loaded in one
plain statement exactly as the ORM loads it and always fresh, sessions read from Redis and kept in
PostgreSQL, and the ballot POST without its own evaluation lookup, scope kept."""

import os
import uuid

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.backends import load_user
from accounts.models import Notification, User
from evaluations.models import Evaluation, PooledBallot

from . import test_evaluations_support as support
from .test_evaluations_support import ballot_post_data, create_evaluation

evaluation, extra_staff, foreign_evaluation = (
    support.evaluation,
    support.extra_staff,
    support.foreign_evaluation,
)

REDIS = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _fields(obj):
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


@pytest.mark.parametrize("who", ["member", "staff", "admin"])
def test_user_is_loaded_as_the_orm_loads_it(institute, who, django_assert_num_queries):
    user = institute.admin if who == "admin" else getattr(institute, who).user
    Notification.objects.create(user=user, message="一")
    Notification.objects.create(user=user, message="二")
    Notification.objects.create(user=user, message="已读", read_at="2026-01-01T00:00Z")
    expected = User.objects.select_related("person__branch", "person__department").get(pk=user.pk)
    with django_assert_num_queries(1):
        loaded = load_user(user.pk)
        assert loaded.unread_notification_count == 2
        assert _fields(loaded) == _fields(expected)
        if who == "admin":
            assert not hasattr(loaded, "person")
        else:
            person = loaded.person
            assert _fields(person) == _fields(expected.person)
            assert person.user is loaded
            for related in ("branch", "department"):
                got, want = getattr(person, related), getattr(expected.person, related)
                assert (got and _fields(got)) == (want and _fields(want))
    assert load_user(10**12) is None


@pytest.fixture(params=["database", "redis"])
def session_engine(request, settings):
    """Both session stores: the database's (no REDIS_URL) and Redis written through to it."""
    if request.param == "redis":
        _redis_sessions(settings)
    return request.param


def _redis_sessions(settings, location=REDIS):
    # A prefix of its own: the test Redis database is shared, nothing here flushes it.
    settings.CACHES = {
        **settings.CACHES,
        "sessions": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": location,
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        },
    }
    settings.SESSION_ENGINE = "accounts.sessions"
    settings.SESSION_CACHE_ALIAS = "sessions"


def test_a_deactivated_login_is_signed_out_at_its_next_request(client, institute, session_engine):
    """Whatever the session store keeps, the login is read fresh on every request: deactivated
    (even by a bulk update that sends no signal), the next request is signed out."""
    user = institute.member.user
    client.force_login(user)
    mine = reverse("evaluations:mine")
    assert client.get(mine).status_code == 200
    User.objects.filter(pk=user.pk).update(is_active=False)
    response = client.get(mine)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_sessions_are_read_from_redis_and_kept_in_the_database(client, institute, settings):
    _redis_sessions(settings)
    from django.contrib.sessions.models import Session

    user = institute.member.user
    client.force_login(user)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert Session.objects.filter(session_key=key).exists()  # the record
    mine = reverse("evaluations:mine")
    with CaptureQueriesContext(connection) as queries:
        assert client.get(mine).status_code == 200
    assert not [q for q in queries.captured_queries if "django_session" in q["sql"]]

    # Redis restarted empty: nothing lost, the session is read from the database and put back.
    store = caches["sessions"]
    cache_key = "cxzy.session." + key
    assert store.get(cache_key) is not None
    store.delete(cache_key)
    assert client.get(mine).status_code == 200
    assert store.get(cache_key) is not None

    # Signing out deletes both: the old cookie signs nobody in, in any worker.
    old = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.post(reverse("logout"))
    assert store.get(cache_key) is None and not Session.objects.filter(session_key=old).exists()
    client.cookies[settings.SESSION_COOKIE_NAME] = old
    assert client.get(mine).status_code == 302


def test_sessions_work_while_redis_is_down(client, institute, settings):
    """Nothing listens on port 1: every page reads the session from the database, sign-in and
    sign-out work, no error page."""
    _redis_sessions(settings, location="redis://127.0.0.1:1/0")
    client.force_login(institute.member.user)
    mine = reverse("evaluations:mine")
    assert client.get(mine).status_code == 200
    client.post(reverse("logout"))
    assert client.get(mine).status_code == 302


def _ballot(client, evaluation, data=None):
    data = ballot_post_data(evaluation) if data is None else data
    return client.post(reverse("evaluations:ballot", args=[evaluation.pk]), data)


def test_ballot_post_runs_four_statements(client, evaluation, institute, settings):
    """Session (from Redis), user, then the service's lock, read and pool row: the evaluation is
    not looked up again once this process knows its institute."""
    _redis_sessions(settings)
    voter = support.voters_of(evaluation)[0]
    client.force_login(voter.user)
    client.get(reverse("evaluations:ballot", args=[evaluation.pk]))
    _ballot(client, evaluation, {})  # an empty ballot: refused, nothing written; the institute now known
    data = ballot_post_data(evaluation)
    with CaptureQueriesContext(connection) as queries:
        response = _ballot(client, evaluation, data)
    assert response.status_code == 302
    statements = [q["sql"].split()[0] for q in queries.captured_queries]
    statements = [s for s in statements if s not in ("SAVEPOINT", "RELEASE")]  # the test's transaction
    assert statements == ["SELECT", "SELECT", "SELECT", "INSERT"], queries.captured_queries
    assert PooledBallot.objects.filter(evaluation=evaluation).count() == 1


def test_ballot_post_outside_the_voters_reach_is_a_404_and_writes_nothing(
    client, evaluation, foreign_evaluation, institute
):
    """The short way checks the scope the lookup checked: another institute's evaluation, a
    draft, an evaluation one is not on the roll of, and a voter moved to another institute since
    the roll was drawn are all a 404, before and after the process knows the evaluation."""
    draft = create_evaluation(institute, title="草稿", open_it=False)
    voter = support.voters_of(evaluation)[0]
    client.force_login(voter.user)
    for _twice in range(2):
        assert _ballot(client, foreign_evaluation, ballot_post_data(foreign_evaluation)).status_code == 404
        assert _ballot(client, draft, ballot_post_data(draft)).status_code == 404
    not_on_roll = institute.other_member
    not_on_roll.user = User.objects.create(username="no-roll")
    not_on_roll.save(update_fields=["user"])
    client.force_login(not_on_roll.user)
    assert _ballot(client, evaluation).status_code == 404
    voter.committee = institute.other_committee
    voter.save(update_fields=["committee"])
    client.force_login(voter.user)
    assert _ballot(client, evaluation).status_code == 404
    assert not PooledBallot.objects.exists()
    assert Evaluation.objects.filter(voters__has_voted=True).count() == 0


def test_a_larger_batch_counts_all_but_k_at_once_and_the_rest_at_closing(institute, extra_staff, settings):
    """BALLOT_BATCH_SIZE above k (production: 20): nothing is counted until k + batch ballots
    wait; then all but k, chosen at random, in one batch; the k left at closing. Every batch is
    at least k, every ballot counted once."""
    from accounts.access import compute_access
    from evaluations import services

    settings.BALLOT_MIX_SIZE, settings.BALLOT_BATCH_SIZE = 2, 4
    evaluation = create_evaluation(institute)
    people = support.voters_of(evaluation)[:7]
    assert len(people) == 7
    marked = []
    for person in people:
        support.cast(evaluation, person)
        marked.append(evaluation.voters.filter(has_voted=True).count())
        assert support.selectors.has_voted(evaluation, person)
    assert marked == [0, 0, 0, 0, 0, 4, 4]  # the 6th ballot makes k + batch: 4 counted, 2 kept
    assert PooledBallot.objects.filter(evaluation=evaluation).count() == 3
    services.evaluation_close(evaluation=evaluation, access=compute_access(institute.office.user))
    assert evaluation.voters.filter(has_voted=True).count() == 7
    assert not PooledBallot.objects.filter(evaluation=evaluation).exists()
    assert evaluation.targets.get(person__isnull=True).ballot_count.count == 7


def test_repeated_statements_are_planned_once_per_connection(client, institute, extra_staff):
    """PostgreSQL prepares a statement the connection has run a few times (config/settings.py:
    server-side binding and DB_PREPARE_THRESHOLD), so the user's statement of every request and
    the ballot's read are planned once, not on each request; and a prepared statement answers
    like a fresh one."""
    evaluation = create_evaluation(institute)
    voters = support.voters_of(evaluation)[:7]
    assert len(voters) == 7
    for voter in voters:
        client.force_login(voter.user)
        assert client.get(reverse("home")).status_code == 200
        assert _ballot(client, evaluation).status_code == 302
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements WHERE NOT from_sql")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any('FROM "accounts_user" u' in s for s in prepared), prepared
    assert any('"evaluations_pooledballot" WHERE "evaluation_id" = $' in s for s in prepared), prepared
    assert PooledBallot.objects.filter(evaluation=evaluation).count() + Evaluation.objects.get(
        pk=evaluation.pk
    ).voters.filter(has_voted=True).count() == len(voters)


def _counted(evaluation) -> set[int]:
    """How many ballots each question's counters hold (one number when every ballot landed)."""
    from django.db.models import Sum

    from evaluations.models import RatingCount

    rows = RatingCount.objects.filter(target__evaluation=evaluation).values("target", "criterion")
    return set(rows.annotate(n=Sum("count")).values_list("n", flat=True))


def test_a_process_keeps_the_ballot_box_and_reads_it_again_when_it_is_not_this_evaluations(
    institute, extra_staff, settings
):
    """The counters' keys of an open evaluation are read by its first ballot in a process and
    kept (``evaluations.services.ballots._boxes``); the next ballots read one row. A kept box
    that is not the evaluation's (another evaluation's under a reused id, or one a counter has
    left since) is read again, and every ballot lands on the evaluation's own counters."""
    from evaluations.models import RatingCount
    from evaluations.services import ballots

    settings.BALLOT_MIX_SIZE = settings.BALLOT_BATCH_SIZE = 1  # every ballot counted at once
    evaluation = create_evaluation(institute)
    other = create_evaluation(institute, title="另一次测评")
    people = support.voters_of(evaluation)[:4]
    ballots._boxes.pop(evaluation.pk, None)

    support.cast(evaluation, people[0])
    own = {
        (c.target_id, c.criterion_id, c.option): c.pk
        for c in RatingCount.objects.filter(target__evaluation=evaluation)
    }
    assert {k: str(v) for k, v in ballots._boxes[evaluation.pk].items()} == {
        k: str(v) for k, v in own.items()
    }
    with CaptureQueriesContext(connection) as queries:
        support.cast(evaluation, people[1])
    reads = [q["sql"] for q in queries.captured_queries if '"evaluations_voter" v' in q["sql"]]
    assert len(reads) == 1 and "EXISTS" in reads[0], reads  # the one-row read
    assert _counted(evaluation) == {2}

    support.cast(other, people[0])
    ballots._boxes[evaluation.pk] = ballots._boxes[other.pk]  # another evaluation's box
    support.cast(evaluation, people[2])
    assert _counted(evaluation) == {3} and _counted(other) == {1}

    short = dict(ballots._boxes[evaluation.pk])
    short.popitem()  # the probe still the evaluation's, one counter fewer
    ballots._boxes[evaluation.pk] = short
    support.cast(evaluation, people[3])
    assert _counted(evaluation) == {4} and _counted(other) == {1}
    assert len(ballots._boxes[evaluation.pk]) == len(own)
