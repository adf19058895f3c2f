"""Property tests of the pure aggregation (no database)."""

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from awards.scoring import aggregation as agg

POINTS = {"satisfied": 100, "fairly_satisfied": 75, "basically_satisfied": 55, "dissatisfied": 0}
OPTIONS = [*POINTS, "unknown"]
counts = st.dictionaries(st.sampled_from(OPTIONS), st.integers(min_value=0, max_value=40))
weights = st.integers(min_value=0, max_value=100).map(lambda w: (Decimal(w), Decimal(100 - w)))
pct = st.decimals(min_value=0, max_value=100, places=2)
items = st.lists(
    st.tuples(
        st.decimals(min_value=0, max_value=30, places=2),
        st.decimals(min_value=-5, max_value=40, places=2),
        st.sampled_from(["indicator", "office_points", "deduction", "veto"]),
    ),
    max_size=12,
)


def item_scores(raw):
    return [agg.ItemScore(str(i), agg.item_points(p, m), m, s) for i, (m, p, s) in enumerate(raw)]


@settings(max_examples=100, deadline=None)
@given(counts, st.booleans())
def test_rating_stats_bounds_and_unknown_not_counted(c, trim):
    stats = agg.rating_stats(c, POINTS, trim=trim)
    judged = sum(n for o, n in c.items() if o != "unknown")
    assert stats.ratings == judged
    if judged == 0:
        assert stats.used is None and stats.mean is None
        return
    for value in (stats.used, stats.mean, stats.median):
        assert Decimal(0) <= value <= Decimal(100)
    assert stats.trimmed == (trim and judged >= agg.TRIM_MIN_RATERS)
    if not stats.trimmed:
        assert stats.used == stats.mean


@settings(max_examples=100, deadline=None)
@given(counts)
def test_trimming_drops_exactly_one_highest_and_one_lowest(c):
    stats = agg.rating_stats(c, POINTS, trim=True)
    values = sorted(Decimal(POINTS[o]) for o, n in c.items() if o in POINTS for _ in range(n))
    if len(values) >= agg.TRIM_MIN_RATERS:
        kept = values[1:-1]
        assert stats.used == agg.q2(sum(kept) / len(kept))
        assert min(values) <= stats.used <= max(values)


@settings(max_examples=100, deadline=None)
@given(pct, pct, weights)
def test_combine_is_a_weighted_mean_within_bounds(r, e, w):
    total = agg.combine(r, e, rubric_weight=w[0], evaluation_weight=w[1])
    assert Decimal(0) <= total <= Decimal(100)
    assert min(r, e) - Decimal("0.01") <= total <= max(r, e) + Decimal("0.01")
    assert total == agg.q2((w[0] * r + w[1] * e) / 100)


@settings(max_examples=100, deadline=None)
@given(pct, st.integers(min_value=0, max_value=200), st.integers(min_value=0, max_value=200))
def test_weights_must_sum_to_100(r, a, b):
    try:
        agg.combine(r, r, rubric_weight=a, evaluation_weight=b)
    except ValueError:
        assert a + b != 100
    else:
        assert a + b == 100


@settings(max_examples=100, deadline=None)
@given(items, st.one_of(st.none(), pct), weights, st.lists(st.text(min_size=1, max_size=5), max_size=2))
def test_score_bounds_and_ineligibility_wins(raw, e, w, reasons):
    scores = item_scores(raw)
    for s in scores:
        assert Decimal(0) <= s.points <= s.max_points
    result = agg.score(scores, e, rubric_weight=w[0], evaluation_weight=w[1], reasons=reasons)
    assert Decimal(0) <= result.rubric_percent <= Decimal(100)
    assert Decimal(0) <= result.total <= Decimal(100)
    assert result.eligible == (not reasons)
    ranks = agg.rank([("x", result.total, result.eligible), ("y", Decimal(0), True)])
    if reasons:
        # However high the ineligible score, the eligible zero ranks first.
        assert ranks["y"] == 1 and ranks["x"] == 2


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(pct, st.booleans()), min_size=1, max_size=20))
def test_rank_orders_by_eligibility_then_total(entries):
    ranks = agg.rank([(i, t, e) for i, (t, e) in enumerate(entries)])
    for i, (t1, e1) in enumerate(entries):
        for j, (t2, e2) in enumerate(entries):
            if (e1, t1) > (e2, t2):
                assert ranks[i] < ranks[j]
            if (e1, t1) == (e2, t2):
                assert ranks[i] == ranks[j]


@settings(max_examples=100, deadline=None)
@given(st.decimals(min_value=0, max_value=1, places=3), st.integers(min_value=0, max_value=500))
def test_quota_never_exceeds_share(share, n):
    q = agg.quota(share, n)
    assert 0 <= q <= share * n < q + 1
