"""The evaluation pages' clarity (issue 21): the appraisal's start page preselects a
secretary's only branch; members write their own self-assessment; the one-third “Excellent”
check comes before saving (the pages: test_appraisal.py::test_full_flow)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.access import compute_access
from evaluations import services
from evaluations.forms import AppraisalBallotForm
from evaluations.models import Grade, SelfAssessment

from . import test_evaluations_support as support
from .test_evaluations_support import year_of

big_branch = support.big_branch


@pytest.fixture
def appraisal(institute, big_branch):
    branch, _members = big_branch
    return services.appraisal_start(
        branch=branch,
        campaign_year=year_of(institute.campaign),
        access=compute_access(institute.gb_secretary.user),
    )


def test_start_page_preselects_the_only_branch(client, institute):
    client.force_login(institute.secretary.user)
    page = client.get(reverse("evaluations:appraisal_start"))
    assert page.context["form"].initial["branch"] == institute.branch


def test_start_page_of_several_branches_preselects_none(client, institute):
    client.force_login(institute.gb_secretary.user)
    page = client.get(reverse("evaluations:appraisal_start"))
    assert "branch" not in page.context["form"].initial


def test_member_writes_own_self_assessment(client, appraisal, institute, big_branch):
    _branch, members = big_branch
    me = members[2]
    client.force_login(me.user)
    mine = client.get(reverse("evaluations:mine")).content.decode()
    url = reverse("evaluations:appraisal_own", args=[appraisal.pk])
    assert url in mine and "填写自我评价" in mine
    empty = client.post(url, {"text": "  "})
    assert empty.status_code == 200 and not SelfAssessment.objects.exists()
    response = client.post(url, {"text": "本年度带头学习"})
    assert response.status_code == 302
    entry = SelfAssessment.objects.get()
    assert (entry.person, entry.text, entry.recorded_by) == (me, "本年度带头学习", me.user)
    client.post(url, {"text": "改写后的自我评价"})
    entry.refresh_from_db()
    assert entry.text == "改写后的自我评价" and entry.history.count() == 2
    # The secretary sees it on the appraisal's page.
    client.force_login(institute.gb_secretary.user)
    assert (
        "改写后的自我评价"
        in client.get(reverse("evaluations:appraisal_detail", args=[appraisal.pk])).content.decode()
    )


def test_own_self_assessment_only_at_its_stage_and_only_ones_own(client, appraisal, institute, big_branch):
    _branch, members = big_branch
    services.self_assessment_write(appraisal=appraisal, text="第一稿", access=compute_access(members[0].user))
    with pytest.raises(PermissionDenied):  # not on the roll
        services.self_assessment_write(
            appraisal=appraisal, text="x", access=compute_access(institute.staff.user)
        )
    client.force_login(institute.staff.user)
    assert client.get(reverse("evaluations:appraisal_own", args=[appraisal.pk])).status_code == 404
    services.appraisal_advance(appraisal=appraisal, access=compute_access(institute.gb_secretary.user))
    appraisal.refresh_from_db()
    with pytest.raises(ValidationError):
        services.self_assessment_write(
            appraisal=appraisal, text="迟到", access=compute_access(members[0].user)
        )
    client.force_login(members[0].user)
    url = reverse("evaluations:appraisal_own", args=[appraisal.pk])
    page = client.get(url).content.decode()
    assert "第一稿" in page and 'data-testid="own-assessment"' not in page
    refused = client.post(url, {"text": "迟到"})
    assert refused.status_code == 200
    assert SelfAssessment.objects.get().text == "第一稿"


@pytest.mark.parametrize(
    "excellent, members, confirmed, valid",
    [
        (2, 6, False, True),
        (3, 6, False, False),
        (3, 6, True, True),
        (3, 9, False, True),
        (4, 9, False, False),
    ],
)
def test_more_than_a_third_excellent_needs_a_confirmation(excellent, members, confirmed, valid):
    people = [type("P", (), {"pk": i, "name": f"党员{i}"})() for i in range(members)]
    data = {f"g-{p.pk}": Grade.EXCELLENT if p.pk < excellent else Grade.COMPETENT for p in people}
    if confirmed:
        data["confirm_excellent"] = "on"
    form = AppraisalBallotForm(data, members=people)
    assert form.is_valid() is valid
    assert form.excellent_now() == excellent
