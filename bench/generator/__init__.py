"""Fill a PostgreSQL database with a group of institutes at the scale of issue 7.

``generate(scale=1)`` writes several party committees with together 5,000 branches, 100,000
members, 150,000 staff, 1,000,000 activity records, 100,000 member pledges with 300,000
commitments, mass evaluations with 400,000 ballots, democratic appraisals, inspections, and a
scoring run per institute. Rows go in with COPY, in one transaction; history tables are not
filled for generated rows. One password hash is computed and shared by every login.

Each domain has its own module: ``org``, ``campaign``, ``pledges``, ``activities``,
``evaluations``, ``awards``; ``world`` keeps what was written so far (primary keys only).
"""

from __future__ import annotations

import datetime
import random
import time
from collections.abc import Callable

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from branches.models import Person

from . import activities, awards, campaign, evaluations, org, pledges
from .world import LOGINS, PASSWORD, Targets, World

__all__ = ["LOGINS", "PASSWORD", "GeneratorError", "generate"]


class GeneratorError(Exception):
    pass


def generate(
    *,
    scale: float = 1.0,
    seed: int = 7,
    today: datetime.date | None = None,
    scoring: bool = True,
    log: Callable[[str], None] = lambda line: None,
) -> World:
    if connection.vendor != "postgresql":
        raise GeneratorError(
            "The group generator writes with PostgreSQL's COPY: set DATABASE_URL=postgres://… "
            f"(this database is {connection.vendor})."
        )
    if not 0 < scale <= 1:
        raise GeneratorError("--scale must be above 0 and at most 1.")
    if Person.objects.exists():
        raise GeneratorError("The database already holds people: generate into an empty, migrated database.")
    world = World(targets=Targets.at(scale), rng=random.Random(seed), today=today or timezone.localdate())
    world.password_hash = make_password(PASSWORD)
    started = time.monotonic()

    def step(name, fn):
        t0 = time.monotonic()
        fn(world)
        log(f"{name:<28} {time.monotonic() - t0:6.1f} s")

    with transaction.atomic():
        step("organisation and people", org.build)
        step("campaigns", campaign.build)
        step("pledges", pledges.build)
        step("activity records", activities.build)
        step("evaluations and appraisals", evaluations.build)
        world.copier.finish()
    with connection.cursor() as cursor:
        t0 = time.monotonic()
        cursor.execute("ANALYZE")
        log(f"{'analyze':<28} {time.monotonic() - t0:6.1f} s")
    if scoring:
        with transaction.atomic():
            step("scoring runs", awards.score)
            step("award cycles", awards.award)
    log(f"{'total':<28} {time.monotonic() - started:6.1f} s")
    return world
