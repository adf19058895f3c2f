"""What the demo year holds of the general branches' own semi-annual reviews
(``demo.year_general_branch_reviews``), checked on the one load of ``tests/test_demo_year.py``
(no tests here: the load takes seconds and is shared)."""

import datetime

from django.utils import timezone

from supervision.models import Review, ReviewRound


def check_general_branch_reviews_mostly_acknowledged(year):
    """The mid-year round: every general branch's review written, most acknowledged by their own
    secretaries; the demo general-branch secretary's (``gbsecretary``) still waits on its home."""
    from .test_demo_year import NotYet

    if timezone.localdate() <= year.midyear_review_on + datetime.timedelta(days=3):
        raise NotYet(year.midyear_review_on)
    reviews = Review.objects.filter(
        round__campaign_year=year, round__half=ReviewRound.Half.FIRST, kind=Review.Kind.GENERAL_BRANCH
    ).select_related("general_branch", "acknowledged_by__person")
    general_branches = year.campaign.committee.general_branches.filter(is_active=True)
    assert {r.general_branch_id for r in reviews} == set(general_branches.values_list("pk", flat=True))
    assert not [r for r in reviews if r.status == Review.Status.PENDING]
    acknowledged = [r for r in reviews if r.status == Review.Status.ACKNOWLEDGED]
    assert len(acknowledged) > len(reviews) / 2
    waiting = [r for r in reviews if r.status == Review.Status.WRITTEN]
    assert [r.general_branch.name for r in waiting] == ["第一事业部党总支"]
    # Acknowledged by the general branch's own secretary, after it was written.
    for review in acknowledged:
        positions = review.acknowledged_by.person.positions.filter(general_branch=review.general_branch)
        assert positions.exists() and review.acknowledged_at > review.written_at
