"""The general branches' own semi-annual reviews in the demo year (the plan, 第三阶段: 每半年对
各党总支、支部和党员…点评). Called from ``demo.year`` after the mid-year round is open: the office
writes each general branch's review; their secretaries acknowledge most of them. The demo's
general-branch secretary (``gbsecretary``) finds the own review still waiting on the home page,
beside the branches' reviews."""

from __future__ import annotations

import datetime

from branches.models import Position
from branches.selectors import open_positions
from supervision.models import Review, ReviewRound
from supervision.services.reviews import review_acknowledge, review_write

from .data import GB_SECRETARY_UNIT
from .year_support import at, restamp

ACHIEVEMENTS = [
    "总支统筹所属支部开展创先争优，承诺公开及时，书记讲党课按计划完成。",
    "总支班子分工明确，督促所属支部落实三会一课，支部间交流经验做法。",
]
PROBLEMS = [
    "对所属支部的指导多在布置，检查督促不够。",
    "总支自身的组织生活记录不够完整。",
]
DIRECTIONS = [
    "下半年加强对所属支部的督促检查，推动承诺事项按节点落实。",
    "规范总支自身的会议记录，组织一次支部间经验交流。",
]
ACKNOWLEDGEMENTS = ["已阅，总支将督促各支部抓好落实。", "已阅，按点评意见改进。"]


def general_branch_reviews_build(y) -> None:
    """``y``: the ``demo.year.YearBuilder`` of the year (its office, accesses, dates, rng)."""
    year, rng = y.year, y.rng
    if not y.past(year.midyear_review_on + datetime.timedelta(days=3)):
        return
    review_round = ReviewRound.objects.filter(campaign_year=year, half=ReviewRound.Half.FIRST).first()
    if review_round is None:
        return
    reviews = list(
        review_round.reviews.filter(kind=Review.Kind.GENERAL_BRANCH, status=Review.Status.PENDING)
        .select_related("general_branch")
        .order_by("general_branch__sort_order", "pk")
    )
    secretaries = {
        p.general_branch_id: p.person
        for p in open_positions()
        .filter(title=Position.Title.SECRETARY, general_branch__in=[r.general_branch_id for r in reviews])
        .select_related("person__user")
        .order_by("pk")
        if p.person.user_id
    }
    written, acknowledged = {}, {}
    for n, review in enumerate(reviews):
        review_write(
            access=y.office,
            review=review,
            achievements=ACHIEVEMENTS[n % len(ACHIEVEMENTS)],
            problems=PROBLEMS[n % len(PROBLEMS)],
            direction=DIRECTIONS[n % len(DIRECTIONS)],
        )
        day = y.clip(year.midyear_review_on + datetime.timedelta(days=rng.randint(3, 10)))
        written[review.pk] = at(day, 15)
        secretary = secretaries.get(review.general_branch_id)
        if review.general_branch.name == GB_SECRETARY_UNIT or secretary is None:
            continue  # the demo general-branch secretary's review waits on its home page
        review_acknowledge(access=y.access(secretary), review=review, comment=rng.choice(ACKNOWLEDGEMENTS))
        # after it was written, also when both days are clipped to yesterday
        acknowledged[review.pk] = max(
            at(y.clip(day + datetime.timedelta(days=rng.randint(1, 6))), 10),
            written[review.pk] + datetime.timedelta(hours=1),
        )
    restamp(Review, "written_at", written)
    restamp(Review, "acknowledged_at", acknowledged)
