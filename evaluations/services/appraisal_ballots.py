"""Casting the democratic appraisal's vote: ballots wait sealed in a pool and are counted in
batches (the mass evaluation's ballot and the design of both: ``ballots.py``)."""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Mapping

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, F, Value, When
from django.utils.translation import gettext as _

from branches.models import Person

from .. import sealing
from ..models import Appraisal, AppraisalPoolBallot, AppraisalTally, AppraisalVoter, Grade

_rng = random.SystemRandom()


# --- The democratic appraisal: ballots wait sealed in a pool, counted in batches ----------
#
# A branch is small: counting each vote at once would let two dumps (or one, with two voters)
# tie a tally to a voter. So a vote only adds a sealed row to ``AppraisalPoolBallot``; nothing
# else is written, the roll included. Once the pool holds 2·B ballots (B = k + 1: a member does
# not grade themself, so B ballots add at least k to every member's tally), B of them chosen at
# random are counted and their voters marked, in one transaction; at least B stay behind, so the
# remainder counted when the vote closes is never smaller than B. Fewer than B ballots in all:
# they are destroyed unread at closing and no tally is kept (the committee sees the turnout and
# “too few votes to show”). The pool is in the database: a web worker's or Redis's restart
# loses nothing. A ``SECRET_KEY`` rotated while a vote is open must stay in
# ``SECRET_KEY_FALLBACKS`` until the vote closes.


def _mix_size() -> int:
    return max(int(getattr(settings, "BALLOT_MIX_SIZE", 5)), 1)


def appraisal_batch_size() -> int:
    """Ballots counted together: every member's tally then grows by at least k."""
    return _mix_size() + 1


def _seal(appraisal_pk: int, voter_pk: int, chosen: list) -> bytes:
    payload = json.dumps({"v": voter_pk, "c": [str(pk) for pk in chosen]}).encode()
    # Every ballot of an appraisal the same length: one grade per member, padded to 256 bytes.
    return sealing.seal(f"appraisal:{appraisal_pk}", payload, len(payload) + 4 + (-(len(payload) + 4) % 256))


def _unsealed(appraisal_pk: int) -> list[tuple[object, dict]]:
    return [
        (pk, json.loads(sealing.unseal(f"appraisal:{appraisal_pk}", sealed)))
        for pk, sealed in AppraisalPoolBallot.objects.filter(appraisal_id=appraisal_pk).values_list(
            "pk", "sealed"
        )
    ]


def appraisal_has_voted(*, appraisal: Appraisal, person: Person) -> bool:
    """Whether ``person`` has voted: marked on the roll, or their ballot waits in the pool."""
    voter = AppraisalVoter.objects.filter(appraisal=appraisal, person=person).only("pk", "has_voted").first()
    if voter is None:
        return False
    return voter.has_voted or any(ballot["v"] == voter.pk for _pk, ballot in _unsealed(appraisal.pk))


def appraisal_pool_size(*, appraisal: Appraisal) -> int:
    """Ballots waiting to be counted (a dump shows as much: the rows, not what they hold)."""
    return AppraisalPoolBallot.objects.filter(appraisal=appraisal).count()


def _count_batch(appraisal_pk: int, batch: list[tuple[object, dict]]) -> None:
    """Add ``batch`` to the tallies and mark its voters, rewriting every tally and every voted
    roll row (so that they share this transaction's id), then drop its pool rows."""
    increments: dict[str, int] = {}
    voters = []
    for _pk, ballot in batch:
        voters.append(ballot["v"])
        for tally_pk in ballot["c"]:
            increments[tally_pk] = increments.get(tally_pk, 0) + 1
    AppraisalVoter.objects.filter(appraisal_id=appraisal_pk, pk__in=voters).update(has_voted=True)
    AppraisalVoter.objects.filter(appraisal_id=appraisal_pk, has_voted=True).update(has_voted=True)
    whens = [When(pk=uuid.UUID(pk), then=Value(n)) for pk, n in increments.items()]
    AppraisalTally.objects.filter(appraisal_id=appraisal_pk).update(
        count=F("count") + (Case(*whens, default=Value(0)) if whens else Value(0))
    )
    AppraisalPoolBallot.objects.filter(pk__in=[pk for pk, _b in batch]).delete()


@transaction.atomic
def appraisal_pool_flush(*, appraisal: Appraisal, final: bool = False) -> int:
    """Count what the pool allows (see above); ``final`` at the close of the vote counts the
    rest, or destroys it unread when fewer than a batch voted in all. Returns ballots counted.
    The caller holds the appraisal's lock."""
    size = appraisal_batch_size()
    pool = _unsealed(appraisal.pk)
    _rng.shuffle(pool)
    if final:
        if len(pool) >= size:
            _count_batch(appraisal.pk, pool)
            return len(pool)
        # Fewer than a batch in all (the pool never reached 2·B, so nothing was counted before):
        # the voters are marked, their ballots destroyed unread, the tallies stay at zero.
        voters = [ballot["v"] for _pk, ballot in pool]
        AppraisalVoter.objects.filter(appraisal=appraisal, pk__in=voters).update(has_voted=True)
        AppraisalPoolBallot.objects.filter(appraisal=appraisal).delete()
        return 0
    if len(pool) < 2 * size:
        return 0
    _count_batch(appraisal.pk, pool[:size])
    return size


@transaction.atomic
def appraisal_ballot_cast(*, appraisal: Appraisal, person: Person, grades: Mapping[int, str]) -> None:
    """Cast ``person``'s vote in the democratic appraisal of the branch.

    ``grades`` maps each other member on the roll (person id) to a :class:`Grade`; a member does
    not grade themself. The ballot is sealed into the pool and counted later with others (see
    above); the voter is refused a second ballot at once, while the first waits."""
    appraisal = Appraisal.objects.select_for_update(no_key=True).get(pk=appraisal.pk)
    if appraisal.status != Appraisal.Status.VOTING:
        raise ValidationError(_("The vote of this appraisal is not open."), code="closed")
    voter = AppraisalVoter.objects.filter(appraisal=appraisal, person=person).only("pk", "has_voted").first()
    if voter is None:
        raise PermissionDenied(_("You are not on the roll of this appraisal."))
    if voter.has_voted or any(ballot["v"] == voter.pk for _pk, ballot in _unsealed(appraisal.pk)):
        raise ValidationError(_("You have already voted."), code="already_voted")

    tallies = AppraisalTally.objects.filter(appraisal=appraisal)
    by_grade = {(p, g): pk for pk, p, g in tallies.values_list("pk", "person_id", "grade")}
    others = {p for p, _g in by_grade} - {person.pk}
    if set(grades) != others:
        raise ValidationError(_("Give every other member of the branch a grade."), code="incomplete")
    chosen = []
    for person_id, grade in grades.items():
        pk = by_grade.get((person_id, grade))
        if pk is None or grade not in Grade.values:
            raise ValidationError(_("A grade is not one of the options."), code="invalid_option")
        chosen.append(pk)

    AppraisalPoolBallot.objects.create(appraisal=appraisal, sealed=_seal(appraisal.pk, voter.pk, chosen))
    appraisal_pool_flush(appraisal=appraisal)
