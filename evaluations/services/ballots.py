"""Casting anonymous ballots: the mass evaluation and the democratic appraisal vote.

Mass evaluation since issue 17: a ballot goes sealed into the mixing pool (``PooledBallot``,
``evaluations.sealing``) and reaches the roll, counters and free texts only in batches of at least
k (:func:`ballot_pool_flush`); README "Anonymous ballots" has the design and the threat model.
What follows describes the statements of a counted batch, which keep the tricks below.

What is stored
    The roll (``Voter`` / ``AppraisalVoter``) says who may vote and whether they have; the
    ballot box (``RatingCount``, ``BallotCount``, ``FreeText``, ``AppraisalTally``) holds counts
    per option and free texts. No ballot-box row names a user, a voter or a time (``FreeText``
    has not even a date), and their keys are random UUIDs. A ballot is never a row: it adds 1 to
    the counters it chose, so it cannot be read back once a second ballot is in.

One ballot, one transaction
    1. The evaluation (or appraisal) row is locked (``SELECT … FOR NO KEY UPDATE``), which
       serialises the ballots of one evaluation and lets the window be checked on fresh data.
    2. The voter's row is switched with ``UPDATE … SET has_voted = true WHERE has_voted = false``;
       when that finds no row (a second, concurrent submission of the same person) nothing
       is counted. The unique (evaluation, person) constraint makes one row per person.
    3. Counters are added to in the database (``count = count + …``), never read-modify-write.
    All or nothing: a ballot that fails half-way leaves neither the mark nor the counts.
    A mass-evaluation ballot is five statements (six with comments), however many questions it
    answers: the lock (which also reads the roll row and the counters' keys), the mark, the roll,
    the counters, the ballot counts.

What a database dump, or a person with SQL access, could still tell — and what we do about it
    * Row versions carry the id of the transaction that wrote them (PostgreSQL's ``xmin``), and
      rows written by one transaction share it. Were only the voter's own roll row and the
      counters it chose written, ``xmin`` would match a voter to their options. So every ballot
      rewrites *every* counter of the evaluation (adding 0 where not chosen) and *every* roll row
      already marked as voted: after the ballot, all those rows carry the same transaction id,
      which points at no one in particular. The cost is one UPDATE of O(voters + counters) rows
      per ballot, small for an institute.
    * Physical row order: an ``UPDATE`` writes new row versions, so the order of rows in a plain
      dump could follow the order of votes. Because each ballot rewrites all voted roll rows and
      all counters together, their order follows the roll and the questionnaire, not the votes.
    * Free texts are rows inserted by the ballot, in chronological order and with their own
      transaction ids. They cannot be matched to the roll (see above), but their order is the
      order of submission. When the office closes the evaluation, and before anyone may read
      them, :func:`free_texts_shuffle` rewrites them in random order with new keys in one
      transaction, so they then share one transaction id and have no meaningful order.
    * Nothing here writes a history row (the ballot-box and roll models have no
      ``HistoricalRecords``; the evaluation row is locked, never saved), a log line, a message,
      a notification, or the session: ``HistoryRequestMiddleware`` has nothing to attach a user
      to. ``tests/test_anonymity.py`` checks every table after real ballots.

Residual risks (written down, not solved)
    * Someone reading the database *continuously* during the window sees the counters change
      together with one roll row; snapshots before and after a single ballot give it away.
      Likewise the write-ahead log (WAL archives, logical replication) and dead row versions
      not yet vacuumed keep every intermediate state; PostgreSQL statement logging
      (``log_statement``, slow-query logs) would record the parameters of each ballot. Keep
      statement logging off and treat WAL archives as ballot material.
    * Web server access logs record when a user's browser posted a ballot; free texts written
      on a day when only one person voted could be matched to them by someone holding those
      logs and the database before the evaluation is closed.
    * Overlapping voter groups across evaluations allow differencing of aggregated results;
      the office should not run near-duplicate evaluations on slightly different groups.
"""

from __future__ import annotations

import json
import random
import struct
import uuid
from collections.abc import Mapping

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from branches.models import Person

from .. import sealing
from ..models import (
    BallotCount,
    Evaluation,
    FreeText,
    PooledBallot,
    RatingCount,
    Satisfaction,
    Target,
    Voter,
)

FREE_TEXT_MAX = 2000
_rng = random.SystemRandom()


def _add_one_to(queryset, chosen_field: str, chosen) -> None:
    """Add 1 to the chosen rows and 0 to every other row of ``queryset``, in one UPDATE, so that
    every row is rewritten by this ballot (see the module docstring)."""
    queryset.update(
        count=F("count")
        + Case(When(**{f"{chosen_field}__in": list(chosen)}, then=Value(1)), default=Value(0))
    )


def _mark_voted(roll_model, roll_filter: dict, voter_pk: int) -> None:
    """Mark the voter, refusing a second ballot, then rewrite every voted roll row."""
    if not roll_model.objects.filter(pk=voter_pk, has_voted=False).update(has_voted=True):
        raise ValidationError(_("You have already voted."), code="already_voted")
    roll_model.objects.filter(**roll_filter, has_voted=True).update(has_voted=True)


# The ballot is the one write that many people make at the same moment, so it is written as a
# few plain statements rather than ORM queries, whose building costs several times what the
# database needs to run them (issue 7). The SQL is portable: PostgreSQL, and SQLite for the demo.


def _rows(sql: str, params) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _update(sql: str, params) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def _in(values) -> str:
    """Placeholders of an ``IN (…)`` list; a list that matches nothing when ``values`` is empty."""
    return ", ".join(["%s"] * len(values)) if values else "NULL"


def _ballot_sql() -> dict[str, str]:
    """The statements of :func:`ballot_cast` and :func:`ballot_pool_flush`, with the tables of
    the models."""
    q = connection.ops.quote_name
    evaluation, voter, target = (q(m._meta.db_table) for m in (Evaluation, Voter, Target))
    counter, ballots = q(RatingCount._meta.db_table), q(BallotCount._meta.db_table)
    pool = q(PooledBallot._meta.db_table)
    lock = ""
    if connection.features.has_select_for_update:  # SQLite writes one transaction at a time anyway
        lock = connection.ops.for_update_sql(
            of=("e",) if connection.features.has_select_for_update_of else (),
            no_key=connection.features.has_select_for_no_key_update,
        )
    # What both reads begin with: the window, the voter's roll row, the pool's size and whether
    # the voter's ballot waits in it.
    head = (
        'SELECT e."status", e."opens_on", e."closes_on", v."id", v."has_voted", '
        f'(SELECT count(*) FROM {pool} WHERE "evaluation_id" = %s), '
        f'(SELECT count(*) FROM {pool} WHERE "evaluation_id" = %s AND "tag" IN ({{tags}}))'
    )
    return {
        # Lock the evaluation first, on its own: a statement reads the rows as they were when
        # it began, so the reads must come after the lock is held, or a ballot committed
        # meanwhile by the same person would go unseen.
        "lock": f'SELECT e."id" FROM {evaluation} e WHERE e."id" = %s {lock}',
        # Read the window, the voter's roll row, whether the voter's ballot waits in the pool,
        # the pool's size and the keys of the ballot box (one counter per target, criterion and
        # option): a row per counter.
        "read": (
            f"{head}, "
            'c."id", c."target_id", c."criterion_id", c."option" '
            f'FROM {evaluation} e LEFT JOIN {voter} v ON v."evaluation_id" = e."id" AND v."person_id" = %s '
            f'LEFT JOIN {target} t ON t."evaluation_id" = e."id" LEFT JOIN {counter} c ON c."target_id" = t."id" '
            'WHERE e."id" = %s'
        ),
        # The same, for a ballot box this process already holds (``_boxes``): one row, with
        # whether the box's probe (one of its counters' keys) is still this evaluation's, and
        # how many counters the evaluation has.
        "read_known": (
            f"{head}, "
            f'EXISTS (SELECT 1 FROM {counter} c JOIN {target} t ON t."id" = c."target_id" '
            'WHERE c."id" = %s AND t."evaluation_id" = e."id"), '
            f'(SELECT count(*) FROM {counter} c JOIN {target} t ON t."id" = c."target_id" '
            'WHERE t."evaluation_id" = e."id") '
            f'FROM {evaluation} e LEFT JOIN {voter} v ON v."evaluation_id" = e."id" AND v."person_id" = %s '
            'WHERE e."id" = %s'
        ),
        "pool": f'INSERT INTO {pool} ("id", "evaluation_id", "tag", "sealed") VALUES (%s, %s, %s, %s)',
        "pooled": f'SELECT "id", "sealed" FROM {pool} WHERE "evaluation_id" = %s',
        "unpool": f'DELETE FROM {pool} WHERE "id" IN ({{ids}})',
        "counters": (
            f'SELECT c."id", c."target_id" FROM {counter} c JOIN {target} t ON t."id" = c."target_id" '
            'WHERE t."evaluation_id" = %s'
        ),
        # Mark the batch's voters and rewrite every other voted roll row (module docstring).
        "roll": (
            f'UPDATE {voter} SET "has_voted" = %s WHERE "evaluation_id" = %s '
            'AND ("has_voted" OR "id" IN ({voters}))'
        ),
        # Add the batch to the chosen counters and 0 to every other one of the evaluation.
        "count": f'UPDATE {counter} SET "count" = "count" + CASE {{whens}} ELSE 0 END WHERE "target_id" IN ({{targets}})',
        "ballots": f'UPDATE {ballots} SET "count" = "count" + CASE {{whens}} ELSE 0 END WHERE "target_id" IN ({{targets}})',
    }


# The ballot boxes this process has read: evaluation id -> {(target, criterion, option): the
# counter's key}. A box is fixed once voting opens (``evaluation_open`` creates every counter in
# one transaction; nothing adds or removes one while the evaluation exists), so a ballot need not
# read it again, 100 rows for four targets (issue 17: intake at 300/s). Each read proves the kept
# box is still this evaluation's: its probe, a counter key, must belong to the evaluation (keys
# are random UUIDs, never reused, also where an evaluation id is: SQLite after a rollback), and
# the evaluation must have as many counters as the box (a target deleted in the admin).
_boxes: dict[int, dict[tuple, object]] = {}
_BOXES_KEPT = 256


def _whens(column: str, increments: Mapping) -> tuple[str, list]:
    """``WHEN column = %s THEN %s …`` adding ``increments[key]`` to the row of each key."""
    if not increments:
        return "WHEN 1 = 0 THEN 0", []
    params = []
    for key, n in increments.items():
        params += [key, n]
    return " ".join([f'WHEN "{column}" = %s THEN %s'] * len(increments)), params


def mix_size() -> int:
    """k: ballots are counted in batches of at least this many (``settings.BALLOT_MIX_SIZE``)."""
    return max(int(getattr(settings, "BALLOT_MIX_SIZE", 5)), 1)


def batch_size() -> int:
    """Ballots counted at once while voting (``settings.BALLOT_BATCH_SIZE``, at least k; 1 when k
    is 1). A batch rewrites every voted roll row and every counter of the evaluation, so its cost
    per ballot falls as the batch grows (issue 17: intake at 300/s); a larger batch only widens
    the crowd each ballot hides in."""
    k = mix_size()
    return k if k == 1 else max(int(getattr(settings, "BALLOT_BATCH_SIZE", 0) or 0), k)


def _kept() -> int:
    """Ballots always left in the pool after a batch, so that the rest counted at closing is a
    batch of at least k too (none when k is 1: every ballot is counted at once)."""
    k = mix_size()
    return k if k > 1 else 0


def _sealed_size(questions: int, targets: int) -> int:
    """One length for every sealed ballot of an evaluation, whatever it says: room for the
    header (the voter, a counter key per question, the targets with an opinion or a comment)
    and a comment of FREE_TEXT_MAX UTF-16 code units on every target."""
    return 4 + 64 + 40 * questions + 44 * targets + targets * (4 + 2 * FREE_TEXT_MAX)


def _encode(voter_pk: int, chosen: list, opinion: list, comments: list[tuple[int, str]]) -> bytes:
    header = json.dumps(
        {"v": voter_pk, "c": [str(pk) for pk in chosen], "o": opinion, "t": [t for t, _x in comments]},
        separators=(",", ":"),
    ).encode()
    out = struct.pack(">I", len(header)) + header
    for _target, text in comments:
        data = text.encode("utf-16-le")
        out += struct.pack(">I", len(data)) + data
    return out


def _decode(data: bytes) -> dict:
    (length,) = struct.unpack(">I", data[:4])
    ballot = json.loads(data[4 : 4 + length])
    at, texts = 4 + length, []
    for target_id in ballot["t"]:
        (n,) = struct.unpack(">I", data[at : at + 4])
        texts.append((target_id, data[at + 4 : at + 4 + n].decode("utf-16-le")))
        at += 4 + n
    ballot["t"] = texts
    return ballot


def _db_uuid(value: uuid.UUID):
    return PooledBallot._meta.pk.get_db_prep_value(value, connection)


@transaction.atomic
def ballot_cast(
    *,
    evaluation: Evaluation,
    person: Person,
    answers: Mapping[tuple[int, int], str],
    texts: Mapping[int, str] | None = None,
    today=None,
) -> None:
    """Cast ``person``'s ballot in ``evaluation``.

    ``answers`` maps (target id, criterion id) to a :class:`Satisfaction` value and must answer
    every question of the questionnaire (“don't know” is an answer); ``texts`` maps a target id
    to an optional comment. The ballot is sealed into the mixing pool and counted later with
    others (:func:`ballot_pool_flush`); a second ballot of the same person is refused at once,
    also while the first waits. Returns nothing: there is nothing about the ballot to give back.
    Three statements (more when a batch is counted): the lock, one read of everything needed
    (one row once this process holds the evaluation's ballot box, ``_boxes``), and the pool row."""
    today = today or timezone.localdate()
    sql = _ballot_sql()
    tags = sealing.tags(evaluation.pk, person.pk)
    _rows(sql["lock"], [evaluation.pk])
    by_answer = _boxes.get(evaluation.pk)
    found = by_answer and _rows(
        sql["read_known"].format(tags=_in(tags)),
        [evaluation.pk, evaluation.pk, *tags, next(iter(by_answer.values())), person.pk, evaluation.pk],
    )
    kept = bool(found and found[0][7] and found[0][8] == len(by_answer))
    if not kept:  # no box kept, or not this evaluation's (or no such evaluation): read it
        found = _rows(
            sql["read"].format(tags=_in(tags)),
            [evaluation.pk, evaluation.pk, *tags, person.pk, evaluation.pk],
        )
        by_answer = {(t, c, o): pk for *_head, pk, t, c, o in found if pk is not None}
    if not found:
        raise Evaluation.DoesNotExist
    status, opens_on, closes_on, voter_pk, has_voted, pooled, mine = found[0][:7]
    if not Evaluation(status=status, opens_on=opens_on, closes_on=closes_on).accepts_ballots(today):
        raise ValidationError(_("This evaluation is not open for ballots."), code="closed")
    if by_answer and not kept:
        if len(_boxes) >= _BOXES_KEPT:
            _boxes.clear()
        _boxes[evaluation.pk] = by_answer
    if voter_pk is None:
        raise PermissionDenied(_("You are not on the list of those who may evaluate."))
    if has_voted or mine:
        raise ValidationError(_("You have already voted."), code="already_voted")

    questions = {(t, c) for t, c, _o in by_answer}
    if set(answers) != questions:
        raise ValidationError(
            _("Answer every question; choose “Don't know” where you cannot judge."), code="incomplete"
        )
    chosen, with_opinion = [], set()
    for (target_id, criterion_id), option in answers.items():
        pk = by_answer.get((target_id, criterion_id, option))
        if pk is None:
            raise ValidationError(_("An answer is not one of the options."), code="invalid_option")
        chosen.append(pk)
        if option != Satisfaction.UNKNOWN:
            with_opinion.add(target_id)
    target_ids = sorted({t for t, _c in questions})
    comments = []
    for target_id, text in (texts or {}).items():
        text = (text or "").strip()
        if not text:
            continue
        if target_id not in target_ids:
            raise ValidationError(
                _("A comment is about something not evaluated here."), code="invalid_target"
            )
        # Counted in UTF-16 code units, so that any comment fits the fixed sealed size.
        if len(text) > FREE_TEXT_MAX or len(text.encode("utf-16-le")) > 2 * FREE_TEXT_MAX:
            raise ValidationError(
                _("A comment may be at most %(max)s characters long.") % {"max": FREE_TEXT_MAX},
                code="too_long",
            )
        comments.append((target_id, text))

    plain = _encode(voter_pk, chosen, sorted(with_opinion), comments)
    sealed = sealing.seal(evaluation.pk, plain, _sealed_size(len(questions), len(target_ids)))
    _update(sql["pool"], [_db_uuid(uuid.uuid4()), evaluation.pk, tags[0], sealed])
    if pooled + 1 >= batch_size() + _kept():
        _pool_count(evaluation.pk, sql, closing=False)


def _pool_count(evaluation_id: int, sql: dict, *, closing: bool) -> int:
    """Count a batch of the pool (the caller holds the evaluation's lock); see
    :func:`ballot_pool_flush`."""
    rows = _rows(sql["pooled"], [evaluation_id])
    k = mix_size()
    if closing:
        batch = rows
    elif len(rows) >= batch_size() + _kept():
        batch = _rng.sample(rows, len(rows) - _kept())
    else:
        return 0
    if not batch:
        return 0
    ballots = [_decode(sealing.unseal(evaluation_id, sealed)) for _pk, sealed in batch]
    _rng.shuffle(ballots)
    voters = [b["v"] for b in ballots]
    _update(sql["roll"].format(voters=_in(voters)), [True, evaluation_id, *voters])
    counted = len(ballots)
    if closing and len(ballots) < k:
        # Fewer than k ballots in the whole evaluation (a batch leaves k in the pool, so nothing
        # was counted before): the voters are marked, their ballots destroyed unread.
        counted = 0
    else:
        keys, targets = {}, set()
        for pk, target_id in _rows(sql["counters"], [evaluation_id]):
            keys[str(pk)] = pk
            targets.add(target_id)
        per_counter: dict = {}
        per_target: dict = {}
        texts = []
        for ballot in ballots:
            for key in ballot["c"]:
                per_counter[keys[key]] = per_counter.get(keys[key], 0) + 1
            for target_id in ballot["o"]:
                per_target[target_id] = per_target.get(target_id, 0) + 1
            texts += ballot["t"]
        targets = sorted(targets)
        whens, params = _whens("id", per_counter)
        _update(sql["count"].format(whens=whens, targets=_in(targets)), [*params, *targets])
        whens, params = _whens("target_id", per_target)
        _update(sql["ballots"].format(whens=whens, targets=_in(targets)), [*params, *targets])
        if texts:
            _free_texts_rewrite(evaluation_id, [FreeText(target_id=t, text=x) for t, x in texts])
    ids = [pk for pk, _s in batch]
    _update(sql["unpool"].format(ids=_in(ids)), ids)
    return counted


@transaction.atomic
def ballot_pool_flush(*, evaluation: Evaluation, closing: bool = True) -> int:
    """Count ballots of the mixing pool, in one transaction: the ballots are opened, added to
    the counters and free texts in random order, their voters marked and their pool rows
    deleted. While voting (``closing=False``), once the pool holds k + :func:`batch_size`
    ballots, all but k, chosen at random, are counted and k stay; at closing, all that wait — unless they are fewer than k (then
    fewer than k voted in all): their voters are marked and the ballots destroyed unread.
    Returns how many ballots were counted. Locks the evaluation."""
    sql = _ballot_sql()
    _rows(sql["lock"], [evaluation.pk])
    return _pool_count(evaluation.pk, sql, closing=closing)


def ballot_pooled(*, evaluation: Evaluation, person: Person) -> bool:
    """Whether ``person``'s ballot waits in the pool of ``evaluation``."""
    return PooledBallot.objects.filter(
        evaluation=evaluation, tag__in=sealing.tags(evaluation.pk, person.pk)
    ).exists()


def _free_texts_rewrite(evaluation_id: int, new: list[FreeText]) -> int:
    """Rewrite the evaluation's free texts, with ``new`` ones, in random order with new random
    keys, in one transaction, so that neither their physical order nor their transaction ids
    follow the order of batches or ballots."""
    existing = FreeText.objects.filter(target__evaluation_id=evaluation_id)
    texts = [FreeText(**row) for row in existing.values("target_id", "text", "status")] + new
    existing.delete()
    _rng.shuffle(texts)
    FreeText.objects.bulk_create(texts)
    return len(texts)


@transaction.atomic
def free_texts_shuffle(*, evaluation: Evaluation) -> int:
    """Rewrite the evaluation's free texts in random order with new random keys (see
    :func:`_free_texts_rewrite`). Called when the evaluation closes; returns how many."""
    return _free_texts_rewrite(evaluation.pk, [])
