"""A member of staff, in a real Chromium, completes a mass evaluation from the home page."""

import pytest
from playwright.sync_api import expect

from evaluations.models import BallotCount, FreeText, RatingCount, Satisfaction, Voter

from .test_evaluations_support import create_evaluation, make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_member_completes_an_evaluation(login, live_server, institute, settings):
    settings.BALLOT_MIX_SIZE = 1  # counted at once (no mixing pool), to read the counters below
    make_staff(institute.committee, institute.department, 5)
    evaluation = create_evaluation(institute)
    branch_target = evaluation.targets.get(person__isnull=True)

    page = login(institute.staff.user)
    due = page.get_by_test_id("ballots-due")
    expect(due).to_contain_text(evaluation.title)
    due.get_by_role("link", name=evaluation.title).click()

    ballot = page.get_by_test_id("ballot")
    expect(ballot).to_contain_text(institute.branch.name)
    expect(ballot).to_contain_text(institute.member.name)
    # Submitting half-filled keeps the answers and counts nothing.
    page.locator(
        f"[data-testid=target-{branch_target.pk}] input[value={Satisfaction.SATISFIED}]"
    ).first.check()
    page.locator("form[data-testid=ballot] button").click()
    expect(page.locator(".alert-danger")).to_be_visible()
    assert not Voter.objects.get(evaluation=evaluation, person=institute.staff).has_voted

    # Every question: the branch satisfied, the member "don't know"; a comment on the branch.
    for radio in page.locator(
        f"[data-testid=target-{branch_target.pk}] input[value={Satisfaction.SATISFIED}]"
    ).all():
        radio.check()
    for target in evaluation.targets.filter(person__isnull=False):
        for radio in page.locator(
            f"[data-testid=target-{target.pk}] input[value={Satisfaction.UNKNOWN}]"
        ).all():
            radio.check()
    page.locator(f"textarea[name=t-{branch_target.pk}]").fill("支部工作扎实，建议多开展读书活动")
    page.locator("form[data-testid=ballot] button").click()

    thanks = page.get_by_test_id("thanks")
    expect(thanks).to_contain_text(evaluation.title)
    expect(thanks).not_to_contain_text("支部工作扎实")

    # Counted once, anonymously: the roll says "voted", the counters hold the answers.
    assert Voter.objects.get(evaluation=evaluation, person=institute.staff).has_voted
    assert BallotCount.objects.get(target=branch_target).count == 1
    assert (
        RatingCount.objects.get(
            target=branch_target,
            criterion=evaluation.criteria.filter(subject="branch").first(),
            option=Satisfaction.SATISFIED,
        ).count
        == 1
    )
    assert FreeText.objects.get().text == "支部工作扎实，建议多开展读书活动"

    # Nothing left to do on the home page; the ballot page now says it is done.
    page.goto(f"{live_server.url}/")
    expect(page.get_by_test_id("ballots-due")).to_have_count(0)
    page.goto(f"{live_server.url}/evaluations/{evaluation.pk}/ballot/")
    expect(page.get_by_test_id("already-voted")).to_be_visible()
