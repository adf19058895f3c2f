"""The calendar edit as a service (campaigns.services.campaign_year_update): authorised by
campaigns/workflow.py, the edit-version check under the year's row lock."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.access import compute_access
from campaigns.models import Campaign, CampaignYear
from campaigns.services import campaign_year_create, campaign_year_update
from formguard.edits import version_of

pytestmark = pytest.mark.django_db


def year_of(institute) -> CampaignYear:
    return CampaignYear.objects.select_related("campaign").get(campaign=institute.campaign)


def test_office_moves_dates_and_phases(institute):
    year = year_of(institute)
    phase = year.phases.get(number=1)
    opened_on = version_of(year)
    campaign_year_update(
        access=compute_access(institute.office.user),
        campaign_year=year,
        dates={"midyear_review_on": datetime.date(year.year, 6, 20)},
        phases={phase.pk: (datetime.date(year.year, 1, 5), datetime.date(year.year, 2, 20))},
        opened_on=opened_on,
    )
    year.refresh_from_db()
    phase.refresh_from_db()
    assert year.midyear_review_on == datetime.date(year.year, 6, 20)
    assert (phase.starts_on, phase.ends_on) == (
        datetime.date(year.year, 1, 5),
        datetime.date(year.year, 2, 20),
    )
    assert year.history.first().history_user == institute.office.user
    assert phase.history.first().history_user == institute.office.user


def test_a_stale_version_is_refused_and_nothing_saved(institute):
    year = year_of(institute)
    opened_on = version_of(year)
    access = compute_access(institute.office.user)
    campaign_year_update(
        access=access,
        campaign_year=year,
        dates={"midyear_review_on": datetime.date(year.year, 6, 20)},
        phases={},
        opened_on=opened_on,
    )
    with pytest.raises(ValidationError) as refused:
        campaign_year_update(
            access=access,
            campaign_year=year_of(institute),
            dates={"midyear_review_on": datetime.date(year.year, 6, 25)},
            phases={},
            opened_on=opened_on,
        )
    assert refused.value.code == "changed_meanwhile"
    assert year_of(institute).midyear_review_on == datetime.date(year.year, 6, 20)


@pytest.mark.parametrize("who", ["secretary", "member", "leader"])
def test_others_than_the_office_are_refused(institute, who):
    year = year_of(institute)
    with pytest.raises(PermissionDenied):
        campaign_year_update(
            access=compute_access(getattr(institute, who).user),
            campaign_year=year,
            dates={"midyear_review_on": datetime.date(year.year, 6, 20)},
            phases={},
        )


def test_the_office_of_another_institute_is_refused(institute):
    campaign = Campaign.objects.create(
        committee=institute.other_committee,
        name="外所活动",
        theme="主题",
        started_on=datetime.date(2026, 1, 1),
    )
    foreign = campaign_year_create(campaign=campaign, year=2026)
    with pytest.raises(PermissionDenied):
        campaign_year_update(
            access=compute_access(institute.office.user),
            campaign_year=foreign,
            dates={"midyear_review_on": datetime.date(2026, 6, 20)},
            phases={},
        )
    # The administrator reaches every institute.
    campaign_year_update(
        access=compute_access(institute.admin),
        campaign_year=foreign,
        dates={"midyear_review_on": datetime.date(2026, 6, 20)},
        phases={},
    )


def test_dates_outside_the_year_are_refused(institute):
    year = year_of(institute)
    with pytest.raises(ValidationError) as refused:
        campaign_year_update(
            access=compute_access(institute.office.user),
            campaign_year=year,
            dates={"pledges_due_on": datetime.date(year.year - 1, 12, 31)},
            phases={},
        )
    assert "pledges_due_on" in refused.value.error_dict
