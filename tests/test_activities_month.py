"""The month now running on the compliance grid: "in progress" until it is over, neither done
(even when its requirements are already met) nor late."""

import datetime

from django.urls import reverse

from activities.compliance import Status, compliance_table
from activities.models import ActivityRecord, Kind
from branches.models import Branch, GeneralBranch
from campaigns.models import CampaignYear

D = datetime.date


def record(branch, kind, on, actor, group=None):
    return ActivityRecord.objects.create(
        branch=branch, kind=kind, held_on=on, title=f"{kind} {on}", party_group=group, created_by=actor
    )


def test_current_month_is_in_progress_met_or_not(institute):
    year = CampaignYear.objects.get(campaign=institute.campaign, year=2026)
    actor = institute.office.user
    branch, branch2 = institute.branch, institute.branch2
    # branch: everything of February, March and the quarter recorded; branch2: nothing.
    for on in (D(2026, 2, 10), D(2026, 3, 2)):
        for kind in (Kind.NEWS_REPORT, Kind.COMMITTEE_MEETING):
            record(branch, kind, on, actor)
        record(branch, Kind.GROUP_MEETING, on, actor, group=institute.group)
    record(branch, Kind.GENERAL_MEETING, D(2026, 1, 20), actor)  # the first quarter's
    table = compliance_table(
        campaign_year=year,
        branches=Branch.objects.filter(pk__in=[branch.pk, branch2.pk]),
        today=D(2026, 3, 15),
    )
    rows = {r.branch: r for r in table.rows}
    # March is running: in progress for both, though branch has met all of March already.
    assert rows[branch].months[2].status == Status.IN_PROGRESS
    assert rows[branch2].months[2].status == Status.IN_PROGRESS
    assert rows[branch].months[2].css == "info" and rows[branch].months[2].mark == "◔"
    # Before it: done or late; after it: not yet due.
    assert rows[branch].months[1].status == Status.MET
    assert rows[branch2].months[1].status == Status.OVERDUE
    assert rows[branch].months[3].status == Status.FUTURE
    # The items keep their own status (what is still owed this month is listed as due).
    march = [i for i in rows[branch2].items if i.span.period == "monthly" and i.span.number == 3]
    assert {i.status for i in march} == {Status.DUE}
    # The next day of the next month, March is judged.
    later = compliance_table(
        campaign_year=year,
        branches=Branch.objects.filter(pk__in=[branch.pk, branch2.pk]),
        today=D(2026, 4, 1),
    )
    rows = {r.branch: r for r in later.rows}
    assert rows[branch].months[2].status == Status.MET
    assert rows[branch2].months[2].status == Status.OVERDUE
    assert rows[branch2].months[3].status == Status.IN_PROGRESS


def test_grid_page_shows_the_running_month_in_its_own_colour(client, institute):
    today = datetime.date.today()
    year = CampaignYear.objects.filter(campaign=institute.campaign, year=today.year).first()
    if year is None:  # the fixture's campaign may not reach the machine's year
        year = CampaignYear.objects.create(campaign=institute.campaign, year=today.year)
    client.force_login(institute.office.user)
    page = client.get(reverse("activities:compliance"), {"year": year.pk}).content.decode()
    assert "进行中" in page  # in the legend
    assert 'class="table-info" data-status="in_progress"' in page
    # Each branch's row, and each general branch's own (its monthly news report, issue 20).
    assert page.count('data-status="in_progress"') == (
        Branch.objects.filter(committee=institute.committee).count()
        + GeneralBranch.objects.filter(committee=institute.committee).count()
    )
