"""Plausible Chinese names, employee numbers and dates from one ``random.Random``."""

from __future__ import annotations

import datetime
import random

from demo.data import _SURNAME_WEIGHTS, GIVEN, SURNAMES


class Namer:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self._surnames = rng.choices(SURNAMES, weights=_SURNAME_WEIGHTS, k=4096)
        self._i = 0

    def name(self, gender: str, old: bool = False) -> str:
        self._i += 1
        chars = GIVEN[(gender, old)]
        rng = self.rng
        given = rng.choice(chars) + (rng.choice(chars) if rng.random() < 0.6 else "")
        return self._surnames[self._i % 4096] + given

    def day(self, start: datetime.date, end: datetime.date) -> datetime.date:
        return start + datetime.timedelta(days=self.rng.randint(0, max((end - start).days, 0)))
