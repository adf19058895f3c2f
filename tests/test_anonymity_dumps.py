"""Issue 17: the attacks of an administrator holding ordinary backups, carried out.

Ballots are cast one by one (each voter logs in just before voting, so ``last_login`` orders
them as the votes came); after every ballot, and after closing, the test database is dumped with
``pg_dump --data-only --inserts``, and the live database's transaction ids are read. Then every
single dump and every pair of dumps is searched for a link: row order, keys, has-voted changes,
counters' changes, free-text rows, login times, pool rows, ``xmin``. The test fails when any of
them narrows a ballot's content (ratings or comment) to fewer than k voters."""

import re
import subprocess
import uuid

import pytest
from django.db import connection
from django.utils import timezone

from accounts.access import compute_access
from evaluations import selectors, services
from evaluations.models import PooledBallot, Satisfaction

from . import test_evaluations_support as support
from .test_backup import _dsn
from .test_evaluations_support import all_answers, create_evaluation, make_staff, voters_of

extra_staff = support.extra_staff

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump of PostgreSQL")

K = 5
BALLOTS = 13  # a batch at the 10th ballot (5 counted, 5 kept), then 8 counted at closing
INSERT = re.compile(r"^INSERT INTO public\.(\w+) VALUES \((.*)\);$", re.M)
OPTIONS = [Satisfaction.SATISFIED, Satisfaction.BASICALLY, Satisfaction.DISSATISFIED]


def _dump() -> dict[str, list[str]]:
    """The rows of every table of a data-only dump, in the dump's order, as INSERT value lists."""
    out = subprocess.run(
        ["pg_dump", "--data-only", "--inserts", "--no-owner", _dsn(connection.settings_dict["NAME"])],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    tables: dict[str, list[str]] = {}
    for table, values in INSERT.findall(out):
        tables.setdefault(table, []).append(values)
    return tables


def _values(text: str) -> list[str]:
    """The literals of an INSERT's value list (strings unquoted)."""
    out, i = [], 0
    while i < len(text):
        if text[i] == "'":
            j, buf = i + 1, []
            while True:
                if text[j] == "'" and text[j + 1 : j + 2] == "'":
                    buf.append("'")
                    j += 2
                elif text[j] == "'":
                    break
                else:
                    buf.append(text[j])
                    j += 1
            out.append("".join(buf))
            i = j + 1
        else:
            j = text.find(",", i)
            j = len(text) if j < 0 else j
            out.append(text[i:j].strip())
            i = j
        while i < len(text) and text[i] in ", ":
            i += 1
    return out


def _rows(dump, table) -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s ORDER BY ordinal_position",
            [table],
        )
        names = [r[0] for r in cursor.fetchall()]
    return [dict(zip(names, _values(v), strict=True)) for v in dump.get(table, [])]


def _state(dump, evaluation, people) -> dict:
    """What an attacker reads from one dump about the evaluation."""
    targets = {r["id"] for r in _rows(dump, "evaluations_target") if r["evaluation_id"] == str(evaluation.pk)}
    marked = {
        int(r["person_id"])
        for r in _rows(dump, "evaluations_voter")
        if r["evaluation_id"] == str(evaluation.pk) and r["has_voted"] == "true"
    }
    counters = {
        r["id"]: int(r["count"]) for r in _rows(dump, "evaluations_ratingcount") if r["target_id"] in targets
    }
    ballots = {
        r["id"]: int(r["count"]) for r in _rows(dump, "evaluations_ballotcount") if r["target_id"] in targets
    }
    texts = [r["text"] for r in _rows(dump, "evaluations_freetext") if r["target_id"] in targets]
    pool = [r for r in _rows(dump, "evaluations_pooledballot") if r["evaluation_id"] == str(evaluation.pk)]
    users = {str(p.user_id) for p in people}
    logins = {r["id"]: r["last_login"] for r in _rows(dump, "accounts_user") if r["id"] in users}
    return {
        "marked": marked,
        "counters": counters,
        "ballots": ballots,
        "texts": texts,
        "pool": pool,
        "logins": logins,
    }


def _xmin_groups(evaluation) -> list[int]:
    """Live database: how many voted roll rows share each transaction id."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT xmin::text, count(*) FROM evaluations_voter WHERE evaluation_id = %s AND has_voted "
            "GROUP BY 1",
            [evaluation.pk],
        )
        return [n for _x, n in cursor.fetchall()]


@pytest.mark.django_db(transaction=True)
def test_no_dump_and_no_two_dumps_narrow_a_ballot_below_k(institute, extra_staff, settings):
    settings.BALLOT_MIX_SIZE = K
    make_staff(institute.committee, institute.department, 10, prefix="评议职工")
    evaluation = create_evaluation(institute)
    target = evaluation.targets.get(person__isnull=True)
    people = voters_of(evaluation)[:BALLOTS]
    assert len(people) == BALLOTS
    truth = {}  # person id → (answers, comment): what the attacker must not tie to fewer than K
    dumps = [_dump()]
    xmins = []
    for n, person in enumerate(people):
        answers = all_answers(evaluation, OPTIONS[n % 3])
        comment = f"只有第{n}位投票人写的意见-{uuid.uuid4().hex[:6]}"
        type(person.user).objects.filter(pk=person.user_id).update(last_login=timezone.now())
        services.ballot_cast(
            evaluation=evaluation, person=person, answers=answers, texts={target.pk: comment}
        )
        truth[person.pk] = (answers, comment)
        # The voter is told at once, while the ballot may wait in the pool.
        assert selectors.has_voted(evaluation, person)
        dumps.append(_dump())
        xmins.append(_xmin_groups(evaluation))
    services.evaluation_close(evaluation=evaluation, access=compute_access(institute.office.user))
    dumps.append(_dump())
    xmins.append(_xmin_groups(evaluation))

    states = [_state(d, evaluation, people) for d in dumps]
    comments = {c: p for p, (_a, c) in truth.items()}

    # Pool rows: only a random key, the evaluation, a tag and the sealed ballot, all of one
    # length; nothing readable (no comment in any encoding, no person or user id).
    sizes = {len(r["sealed"]) for s in states for r in s["pool"]}
    assert len(sizes) <= 1, sizes
    for s in states:
        for r in s["pool"]:
            assert set(r) == {"id", "evaluation_id", "tag", "sealed"}
            assert uuid.UUID(r["id"]).version == 4
            for c in comments:
                for enc in ("utf-8", "utf-16-le"):
                    assert c.encode(enc).hex() not in r["sealed"]
        assert len(s["pool"]) < 2 * K
    for a, b in zip(states, states[1:], strict=False):  # a ballot adds one pool row, at most
        assert len({r["id"] for r in b["pool"]} - {r["id"] for r in a["pool"]}) <= 1

    # One dump: counters or comments show only once at least K voters are marked; comments'
    # rows are in no order of the votes (nor of the logins).
    login_order = [p.pk for p in people]
    for s in states:
        if any(s["counters"].values()) or any(s["ballots"].values()) or s["texts"]:
            assert len(s["marked"]) >= K, len(s["marked"])
        order = [comments[t] for t in s["texts"]]
        if len(order) >= 8:
            assert order != [p for p in login_order if p in order]

    # Two dumps, any two: what changed in the ballot box is tied only to the voters marked in
    # between, at least K of them, whatever logged in (last_login) or entered the pool meanwhile.
    for i in range(len(states)):
        for j in range(i + 1, len(states)):
            a, b = states[i], states[j]
            new_marks = b["marked"] - a["marked"]
            changed = a["counters"] != b["counters"] or a["ballots"] != b["ballots"]
            new_comments = set(b["texts"]) - set(a["texts"])
            if changed or new_comments:
                assert len(new_marks) >= K, (i, j, len(new_marks))
                # The comments that appeared belong to voters among those marked in between.
                assert {comments[c] for c in new_comments} <= new_marks
            if new_marks:
                assert changed, (i, j)
            # Each counter grew by the sum of at least K ballots: no single ballot to read off.
            if changed:
                grown = sum(b["ballots"].values()) - sum(a["ballots"].values())
                assert grown >= K * len(b["ballots"]) or grown == 0 or len(new_marks) >= K

    # Live database: the voted roll rows share one transaction id (the last batch's).
    for groups in xmins:
        assert len(groups) <= 1 and all(n >= K for n in groups), groups

    # Every ballot counted once, none lost: 13 ballots, 13 marks, counters sum to 13.
    final = states[-1]
    assert final["marked"] == set(truth) and not final["pool"]
    assert len(final["texts"]) == BALLOTS


@pytest.mark.django_db(transaction=True)
def test_pool_survives_a_restart_and_is_counted(institute, extra_staff, settings):
    """The pool is in the database, committed with the ballot: a web worker or Redis that
    restarts loses nothing. A 'restart' here: new connections, a new Python state; the ballots
    are then counted by the next batch or at closing."""
    settings.BALLOT_MIX_SIZE = K
    make_staff(institute.committee, institute.department, 10, prefix="评议职工")
    evaluation = create_evaluation(institute)
    people = voters_of(evaluation)[:K]
    for person in people:
        services.ballot_cast(evaluation=evaluation, person=person, answers=all_answers(evaluation))
    connection.close()  # the worker goes away; the committed rows stay
    assert PooledBallot.objects.filter(evaluation=evaluation).count() == K
    assert all(selectors.has_voted(evaluation, p) for p in people)
    services.evaluation_close(evaluation=evaluation, access=compute_access(institute.office.user))
    assert not PooledBallot.objects.filter(evaluation=evaluation).exists()
    assert evaluation.voters.filter(has_voted=True).count() == K
    counts = evaluation.targets.get(person__isnull=True).ballot_count.count
    assert counts == K


@pytest.mark.django_db(transaction=True)
def test_fewer_than_k_in_all_are_not_counted(institute, extra_staff, settings):
    settings.BALLOT_MIX_SIZE = K
    evaluation = create_evaluation(institute)
    people = voters_of(evaluation)[: K - 1]
    for person in people:
        services.ballot_cast(evaluation=evaluation, person=person, answers=all_answers(evaluation))
    services.evaluation_close(evaluation=evaluation, access=compute_access(institute.office.user))
    assert evaluation.voters.filter(has_voted=True).count() == K - 1
    assert evaluation.targets.get(person__isnull=True).ballot_count.count == 0
    assert not PooledBallot.objects.filter(evaluation=evaluation).exists()
