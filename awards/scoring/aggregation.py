"""The arithmetic of scoring, in plain Python (no ORM), so that it can be checked by hand and by
property tests.

Every figure is a :class:`~decimal.Decimal` rounded ROUND_HALF_UP to two places at the points
named below, so "checked to the decimal" means the same thing on paper and here:

- an item's points are clamped to [0, max] and rounded;
- the rubric percentage is (Σ item points − Σ deductions) / Σ maxima × 100, clamped to [0, 100],
  rounded;
- the satisfaction figure is the mean of the points of the individual ratings (不了解 left out);
  ratings are stored as counts per option, so trimming drops **one** highest and **one** lowest
  individual rating, and only where at least ``TRIM_MIN_RATERS`` people rated. The plain mean,
  the median and the rater count are kept beside the figure used;
- the total is w_rubric × rubric % + w_evaluation × evaluation %, weights in percent summing to
  100, clamped to [0, 100], rounded. Without an evaluation result the rubric % stands alone.
- a veto makes the candidate ineligible whatever the score.
- a general branch's score is the mean of its branches' totals, rounded (``general_branch_mean``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

TWO = Decimal("0.01")
ZERO = Decimal("0")
HUNDRED = Decimal("100")
TRIM_MIN_RATERS = 5


def q2(value) -> Decimal:
    return Decimal(value).quantize(TWO, rounding=ROUND_HALF_UP)


def clamp(value: Decimal, low: Decimal, high: Decimal) -> Decimal:
    return max(low, min(high, value))


def validate_weights(rubric_weight, evaluation_weight) -> None:
    r, e = Decimal(rubric_weight), Decimal(evaluation_weight)
    if r < 0 or e < 0 or r + e != HUNDRED:
        raise ValueError("weights must be non-negative and sum to 100")


@dataclass(frozen=True)
class RatingStats:
    used: Decimal | None  # the figure used: the (trimmed) mean
    mean: Decimal | None  # the plain mean of every rating
    median: Decimal | None
    ratings: int  # individual ratings counted (不了解 left out)
    raters: int  # people who rated
    trimmed: bool


def _expand(counts: Mapping[str, int], points: Mapping[str, int | Decimal]) -> list[Decimal]:
    values = []
    for option, n in counts.items():
        if option in points and n > 0:
            values.extend([Decimal(points[option])] * int(n))
    return sorted(values)


def _median(values: Sequence[Decimal]) -> Decimal:
    n = len(values)
    mid = n // 2
    return values[mid] if n % 2 else (values[mid - 1] + values[mid]) / 2


def rating_stats(
    counts: Mapping[str, int], points: Mapping[str, int | Decimal], *, trim: bool, raters: int | None = None
) -> RatingStats:
    """``counts`` per option (options missing from ``points``, such as 不了解, are not counted);
    ``raters`` the people who gave an opinion (default: the number of ratings)."""
    values = _expand(counts, points)
    raters = len(values) if raters is None else raters
    if not values:
        return RatingStats(None, None, None, 0, raters, False)
    mean = q2(sum(values) / len(values))
    median = q2(_median(values))
    trimmed = trim and raters >= TRIM_MIN_RATERS and len(values) >= 3
    used_values = values[1:-1] if trimmed else values
    used = q2(sum(used_values) / len(used_values))
    return RatingStats(used, mean, median, len(values), raters, trimmed)


@dataclass
class ItemScore:
    code: str
    points: Decimal
    max_points: Decimal
    source: str  # indicator / office_points / deduction / veto


def item_points(raw, max_points) -> Decimal:
    return q2(clamp(Decimal(raw), ZERO, Decimal(max_points)))


@dataclass
class Result:
    rubric_points: Decimal
    rubric_max: Decimal
    rubric_percent: Decimal
    evaluation: Decimal | None
    total: Decimal
    eligible: bool
    reasons: list[str] = field(default_factory=list)


def rubric_percent(items: Sequence[ItemScore]) -> tuple[Decimal, Decimal, Decimal]:
    """(points, maximum, percent) of a rubric: deductions subtract, vetoes count nothing."""
    gained = sum((i.points for i in items if i.source not in ("deduction", "veto")), ZERO)
    deducted = sum((i.points for i in items if i.source == "deduction"), ZERO)
    maximum = sum((i.max_points for i in items if i.source not in ("deduction", "veto")), ZERO)
    points = q2(max(gained - deducted, ZERO))
    if maximum <= 0:
        return points, q2(maximum), ZERO.quantize(TWO)
    return points, q2(maximum), q2(clamp(points * HUNDRED / maximum, ZERO, HUNDRED))


def combine(
    rubric_pct: Decimal, evaluation_pct: Decimal | None, *, rubric_weight, evaluation_weight
) -> Decimal:
    validate_weights(rubric_weight, evaluation_weight)
    if evaluation_pct is None:
        return q2(clamp(Decimal(rubric_pct), ZERO, HUNDRED))
    total = (
        Decimal(rubric_weight) * Decimal(rubric_pct) + Decimal(evaluation_weight) * Decimal(evaluation_pct)
    ) / HUNDRED
    return q2(clamp(total, ZERO, HUNDRED))


def score(
    items: Sequence[ItemScore],
    evaluation_pct: Decimal | None,
    *,
    rubric_weight,
    evaluation_weight,
    reasons: Sequence[str] = (),
) -> Result:
    """The whole score of one branch or member. ``reasons`` are why it is ineligible (vetoes and
    failed eligibility checks); any reason makes it ineligible, whatever the total."""
    points, maximum, pct = rubric_percent(items)
    total = combine(pct, evaluation_pct, rubric_weight=rubric_weight, evaluation_weight=evaluation_weight)
    return Result(points, maximum, pct, evaluation_pct, total, not reasons, list(reasons))


def rank(scores: Sequence[tuple[object, Decimal, bool]]) -> dict[object, int]:
    """Competition ranking (1, 2, 2, 4) by total, highest first; eligible before ineligible so
    that an ineligible candidate never outranks an eligible one."""
    order = sorted(scores, key=lambda s: (not s[2], -s[1]))
    ranks: dict[object, int] = {}
    previous = None
    for position, (key, total, eligible) in enumerate(order, start=1):
        if previous is not None and previous[1:] == (total, eligible):
            ranks[key] = ranks[previous[0]]
        else:
            ranks[key] = position
        previous = (key, total, eligible)
    return ranks


def quota(share, members: int) -> int:
    """How many outstanding members a unit of ``members`` may have: ⌊share × members⌋."""
    return int((Decimal(share) * members).to_integral_value(rounding="ROUND_FLOOR"))


def general_branch_mean(totals: Sequence[Decimal]) -> Decimal | None:
    """A general branch's score: the mean of its branches' totals (each counted, an ineligible
    one too), rounded; None when no branch was scored."""
    if not totals:
        return None
    return q2(sum((Decimal(t) for t in totals), ZERO) / len(totals))
