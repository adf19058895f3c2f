"""The mixing pools of the anonymous ballots: ballots waiting, sealed, to be counted with
others (``evaluations.services.ballots`` and ``appraisal_ballots``). Models of the evaluations
app, kept apart from the counters they feed; loaded by ``models.py``."""

import uuid

from django.db import models


class PooledBallot(models.Model):
    """A ballot waiting in the mixing pool to be counted with others (at least
    ``settings.BALLOT_MIX_SIZE`` at once; ``evaluations.services.ballots``). ``sealed`` is the
    ballot and the voter, encrypted to a key no dump holds and padded to one length per
    evaluation; ``tag`` tells a voter's second ballot without naming the voter (a keyed hash of
    evaluation and person). No user, no time, a random key."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    evaluation = models.ForeignKey("evaluations.Evaluation", on_delete=models.CASCADE, related_name="+")
    tag = models.BinaryField(max_length=32)
    sealed = models.BinaryField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["evaluation", "tag"], name="pooled_ballot_unique_tag")]

    def __str__(self):
        return str(self.pk)


class AppraisalPoolBallot(models.Model):
    """A ballot of the appraisal waiting to be counted: the voter and the grades, sealed
    (``evaluations.sealing``: a key derived from ``SECRET_KEY``, which no dump holds). Ballots
    are counted in batches (see :func:`evaluations.services.appraisal_ballots.appraisal_pool_flush`), so
    neither a dump nor the difference of two dumps shows fewer than k ballots going into the
    tallies. A random key, no date, no voter."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    appraisal = models.ForeignKey("evaluations.Appraisal", on_delete=models.CASCADE, related_name="pool")
    sealed = models.BinaryField()

    def __str__(self):
        return str(self.pk)
