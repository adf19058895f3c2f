"""The democratic appraisal: stages, anonymous vote, grades with reasons, the one-third warning."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.access import compute_access
from evaluations import services
from evaluations.models import (
    Appraisal,
    AppraisalGrade,
    AppraisalPoolBallot,
    AppraisalTally,
    AppraisalVoter,
    Grade,
)

from . import test_evaluations_support as support
from .test_evaluations_support import (
    grades_for,
    year_of,
)

# Shared fixtures, found by pytest under these names.
big_branch = support.big_branch


@pytest.fixture
def appraisal(institute, big_branch):
    branch, _members = big_branch
    return services.appraisal_start(
        branch=branch,
        campaign_year=year_of(institute.campaign),
        access=compute_access(institute.gb_secretary.user),
    )


def _advance(appraisal, actor, times=1):
    for _ in range(times):
        services.appraisal_advance(appraisal=appraisal, access=compute_access(actor))
    appraisal.refresh_from_db()
    return appraisal


def test_start_takes_the_present_members_as_roll(appraisal, big_branch):
    _branch, members = big_branch
    assert set(appraisal.voters.values_list("person_id", flat=True)) == {m.pk for m in members}
    assert appraisal.status == Appraisal.Status.SELF_ASSESSMENT


def test_one_appraisal_per_branch_and_year(appraisal, institute, big_branch):
    with pytest.raises(ValidationError):
        services.appraisal_start(
            branch=big_branch[0],
            campaign_year=year_of(institute.campaign),
            access=compute_access(institute.gb_secretary.user),
        )


def test_secretary_starts_through_the_page(client, institute):
    client.force_login(institute.secretary.user)
    page = client.get(reverse("evaluations:appraisal_list")).content.decode()
    assert institute.other_branch.name not in page  # only the own branch can be chosen
    response = client.post(
        reverse("evaluations:appraisal_start"),
        {"branch": institute.branch.pk, "campaign_year": year_of(institute.campaign).pk},
    )
    appraisal = Appraisal.objects.get()
    assert response.status_code == 302 and appraisal.branch == institute.branch
    other = client.post(
        reverse("evaluations:appraisal_start"),
        {"branch": institute.other_branch.pk, "campaign_year": year_of(institute.campaign).pk},
    )
    assert other.status_code == 200 and Appraisal.objects.count() == 1


def test_full_flow(client, appraisal, institute, big_branch):
    _branch, members = big_branch
    secretary = institute.gb_secretary.user
    client.force_login(secretary)
    # 1. Self-assessment.
    response = client.post(
        reverse("evaluations:appraisal_assessment", args=[appraisal.pk]),
        {"about": members[0].pk, "text": "本年度带头创新攻关"},
    )
    assert response.status_code == 302
    assert appraisal.self_assessments.get().person == members[0]
    with pytest.raises(ValidationError):  # wrong stage
        services.peer_assessment_record(
            appraisal=appraisal, about=members[0], by=members[1], text="x", access=compute_access(secretary)
        )
    # 2. Peer assessment: named, never about oneself.
    _advance(appraisal, secretary)
    client.post(
        reverse("evaluations:appraisal_assessment", args=[appraisal.pk]),
        {"about": members[0].pk, "by": members[1].pk, "text": "工作认真"},
    )
    assert appraisal.peer_assessments.get().by == members[1]
    with pytest.raises(ValidationError):
        services.peer_assessment_record(
            appraisal=appraisal, about=members[0], by=members[0], text="x", access=compute_access(secretary)
        )
    # 3. The vote: tallies at zero for every member and grade.
    _advance(appraisal, secretary)
    assert AppraisalTally.objects.filter(appraisal=appraisal).count() == 7 * 4
    page = client.get(reverse("evaluations:appraisal_detail", args=[appraisal.pk])).content.decode()
    assert "工作认真" in page
    for n, member in enumerate(members[:6]):
        client.force_login(member.user)
        vote = client.get(reverse("evaluations:appraisal_vote", args=[appraisal.pk]))
        assert vote.status_code == 200
        assert len(vote.context["form"].grade_fields()) == 6  # every other member, not oneself
        grade = Grade.EXCELLENT if n < 5 else Grade.COMPETENT
        data = {f"g-{pk}": grade for pk in grades_for(appraisal, member)}
        if grade == Grade.EXCELLENT:  # all six: more than a third, confirmed before it is cast
            refused = client.post(reverse("evaluations:appraisal_vote", args=[appraisal.pk]), data)
            assert refused.status_code == 200 and refused.context["form"].errors["confirm_excellent"]
            assert not AppraisalPoolBallot.objects.filter(appraisal=appraisal).count() > n
            data["confirm_excellent"] = "on"
        response = client.post(reverse("evaluations:appraisal_vote", args=[appraisal.pk]), data)
        assert response.status_code == 302
    # Six ballots wait sealed in the pool (fewer than two batches): nothing counted or marked yet,
    # but the page counts them as cast.
    assert AppraisalVoter.objects.filter(appraisal=appraisal, has_voted=True).count() == 0
    assert set(AppraisalTally.objects.filter(appraisal=appraisal).values_list("count", flat=True)) == {0}
    # Tallies are not shown while the vote is open.
    client.force_login(secretary)
    detail = client.get(reverse("evaluations:appraisal_detail", args=[appraisal.pk]))
    assert all(row.tally is None for row in detail.context["rows"])
    assert detail.context["voted"] == 6
    # 4. Grading: the pool is counted at closing; tallies shown from five votes about a member.
    _advance(appraisal, secretary)
    assert AppraisalVoter.objects.filter(appraisal=appraisal, has_voted=True).count() == 6
    assert not AppraisalPoolBallot.objects.exists()
    detail = client.get(reverse("evaluations:appraisal_detail", args=[appraisal.pk]))
    rows = {row.voter.person_id: row for row in detail.context["rows"]}
    # members[6] did not vote: six votes about them; members[0] has five (not their own).
    assert dict(rows[members[6].pk].tally)[Grade.EXCELLENT.label] == 5
    assert rows[members[0].pk].tally is not None
    with pytest.raises(ValidationError):
        services.appraisal_advance(appraisal=appraisal, access=compute_access(secretary))  # nobody graded yet
    # Reasons are required.
    response = client.post(
        reverse("evaluations:appraisal_grades", args=[appraisal.pk]),
        {f"grade-{members[0].pk}": Grade.EXCELLENT},
    )
    assert response.status_code == 200 and not AppraisalGrade.objects.exists()
    with pytest.raises(ValidationError):
        services.appraisal_grades_set(
            appraisal=appraisal,
            grades={members[0].pk: (Grade.EXCELLENT, " ")},
            access=compute_access(secretary),
        )
    # Three of seven “Excellent”: more than a third → asked to confirm before saving, then saved.
    data = {}
    for n, member in enumerate(members):
        data[f"grade-{member.pk}"] = Grade.EXCELLENT if n < 3 else Grade.COMPETENT
        data[f"reason-{member.pk}"] = "依据民主评议结果"
    refused = client.post(reverse("evaluations:appraisal_grades", args=[appraisal.pk]), data)
    assert refused.status_code == 200 and not AppraisalGrade.objects.exists()
    page = refused.content.decode()
    assert "请勾选确认" in page and "data-excellent-n>3<" in page and "依据民主评议结果" in page
    data["confirm_excellent"] = "on"
    response = client.post(reverse("evaluations:appraisal_grades", args=[appraisal.pk]), data, follow=True)
    assert AppraisalGrade.objects.filter(grade=Grade.EXCELLENT).count() == 3
    assert response.context["warning"]
    assert AppraisalGrade.objects.get(person=members[0]).history.first().history_user == secretary
    # 5. Closed: the member sees the own grade and reasons.
    _advance(appraisal, secretary)
    assert appraisal.status == Appraisal.Status.CLOSED
    client.force_login(members[0].user)
    mine = client.get(reverse("evaluations:mine")).content.decode()
    assert "依据民主评议结果" in mine


def test_warning_only_above_one_third():
    assert services.excellent_warning(excellent=2, roll_size=6) is None
    assert services.excellent_warning(excellent=3, roll_size=9) is None
    assert services.excellent_warning(excellent=3, roll_size=8)


def test_tallies_hidden_below_five_votes(appraisal, institute, big_branch):
    _branch, members = big_branch
    _advance(appraisal, institute.gb_secretary.user, times=2)
    for member in members[:4]:
        services.appraisal_ballot_cast(
            appraisal=appraisal, person=member, grades=grades_for(appraisal, member)
        )
    _advance(appraisal, institute.gb_secretary.user)
    from evaluations.selectors import appraisal_page

    page = appraisal_page(appraisal, with_people=True)
    assert all(row.tally is None for row in page["rows"])
    # Fewer than a batch in all: nothing was stored per member, the ballots are gone unread.
    assert set(AppraisalTally.objects.filter(appraisal=appraisal).values_list("count", flat=True)) == {0}
    assert not AppraisalPoolBallot.objects.exists()
    assert page["voted"] == 4


@pytest.fixture
def big_roll(institute):
    """An appraisal of a branch of 14 members, its vote open."""
    from .factories import BranchFactory

    branch = BranchFactory(committee=institute.committee, general_branch=institute.gb, name="第四党支部")
    people = [support.make_member(branch, name=f"成员{n}") for n in range(14)]
    appraisal = services.appraisal_start(
        branch=branch,
        campaign_year=year_of(institute.campaign),
        access=compute_access(institute.gb_secretary.user),
    )
    _advance(appraisal, institute.gb_secretary.user, times=2)
    return appraisal, people


@pytest.mark.django_db
def test_tallies_grow_only_in_batches(big_roll, settings, institute):
    """No stored tally, nor the difference of two dumps, shows fewer than k votes about a member:
    ballots wait sealed and are counted B = k + 1 at a time, at least B kept back."""
    settings.BALLOT_MIX_SIZE = 5
    appraisal, people = big_roll
    batch = services.appraisal_ballots.appraisal_batch_size()
    assert batch == 6
    sums = []
    for n, person in enumerate(people[:13]):
        services.appraisal_ballot_cast(
            appraisal=appraisal, person=person, grades=grades_for(appraisal, person)
        )
        # Told at once, also while the ballot waits.
        assert services.appraisal_has_voted(appraisal=appraisal, person=person)
        with pytest.raises(ValidationError):
            services.appraisal_ballot_cast(
                appraisal=appraisal, person=person, grades=grades_for(appraisal, person)
            )
        marked = AppraisalVoter.objects.filter(appraisal=appraisal, has_voted=True).count()
        waiting = AppraisalPoolBallot.objects.filter(appraisal=appraisal).count()
        assert marked + waiting == n + 1
        assert marked in (0, batch, 2 * batch) and (marked == 0 or waiting >= batch)
        per_member = {}
        for person_id, count in AppraisalTally.objects.filter(appraisal=appraisal).values_list(
            "person_id", "count"
        ):
            per_member[person_id] = per_member.get(person_id, 0) + count
        sums.append(per_member)
    # Between any two moments a member's tally grew by 0 or by at least k.
    for before, after in zip(sums, sums[1:], strict=False):
        for person_id, count in after.items():
            assert count - before[person_id] in (0,) or count - before[person_id] >= 5
    # Pool rows hold nothing readable: no voter id, no tally key in the clear.
    tallies = [str(pk).encode() for pk in AppraisalTally.objects.values_list("pk", flat=True)]
    for sealed in AppraisalPoolBallot.objects.values_list("sealed", flat=True):
        assert not any(key in bytes(sealed) for key in tallies) and b'"v"' not in bytes(sealed)
    # Closing counts the rest (at least a batch): 13 ballots in all.
    _advance(appraisal, institute.gb_secretary.user)
    assert AppraisalVoter.objects.filter(appraisal=appraisal, has_voted=True).count() == 13
    counts = AppraisalTally.objects.filter(appraisal=appraisal, person=people[13]).values_list(
        "count", flat=True
    )
    assert sum(counts) == 13
    assert not AppraisalPoolBallot.objects.exists()


def test_vote_rules(appraisal, institute, big_branch):
    _branch, members = big_branch
    with pytest.raises(ValidationError):  # not open yet
        services.appraisal_ballot_cast(
            appraisal=appraisal, person=members[0], grades=grades_for(appraisal, members[0])
        )
    _advance(appraisal, institute.gb_secretary.user, times=2)
    with pytest.raises(PermissionDenied):
        services.appraisal_ballot_cast(appraisal=appraisal, person=institute.member, grades={})
    incomplete = grades_for(appraisal, members[0])
    incomplete.pop(members[1].pk)
    with pytest.raises(ValidationError):
        services.appraisal_ballot_cast(appraisal=appraisal, person=members[0], grades=incomplete)
    with_self = {**grades_for(appraisal, members[0]), members[0].pk: Grade.EXCELLENT}
    with pytest.raises(ValidationError):
        services.appraisal_ballot_cast(appraisal=appraisal, person=members[0], grades=with_self)
    services.appraisal_ballot_cast(
        appraisal=appraisal, person=members[0], grades=grades_for(appraisal, members[0])
    )
    with pytest.raises(ValidationError):
        services.appraisal_ballot_cast(
            appraisal=appraisal, person=members[0], grades=grades_for(appraisal, members[0])
        )


def test_leading_group_sees_figures_not_names(client, appraisal, institute, big_branch):
    client.force_login(institute.leader.user)
    page = client.get(reverse("evaluations:appraisal_detail", args=[appraisal.pk])).content.decode()
    assert big_branch[1][0].name not in page
    assert 'data-testid="roll"' not in page


def test_appraisal_page_queries_do_not_grow(client, institute, big_branch, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from .factories import make_member

    small = services.appraisal_start(
        branch=institute.branch,
        campaign_year=year_of(institute.campaign),
        access=compute_access(institute.secretary.user),
    )
    for i in range(5):
        make_member(big_branch[0], name=f"新党员{i}")
    large = services.appraisal_start(
        branch=big_branch[0],
        campaign_year=year_of(institute.campaign),
        access=compute_access(institute.gb_secretary.user),
    )
    client.force_login(institute.gb_secretary.user)
    counts = []
    for a in (small, small, large):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("evaluations:appraisal_detail", args=[a.pk])).status_code == 200
        counts.append(len(queries))
    assert counts[1] == counts[2]
