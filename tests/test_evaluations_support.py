"""Helpers and fixtures shared by the evaluation, appraisal, suggestion and anonymity tests
(no tests here)."""

import datetime

import pytest
from django.utils import timezone

from accounts.access import compute_access
from campaigns.models import CampaignYear
from evaluations import selectors, services
from evaluations.models import Evaluation, Grade, Satisfaction

from .factories import DepartmentFactory, PersonFactory, UserFactory, make_campaign, make_member


def today():
    return timezone.localdate()


def make_staff(committee, department, n, *, prefix="职工", users=True):
    """``n`` employed people of ``department``, each with a login when ``users``."""
    people = []
    for i in range(n):
        person = PersonFactory(committee=committee, department=department, name=f"{prefix}{i}")
        if users:
            person.user = UserFactory(username=f"{prefix}-{person.employee_no}")
            person.save(update_fields=["user"])
        people.append(person)
    return people


def year_of(campaign, year=2026) -> CampaignYear:
    return CampaignYear.objects.get(campaign=campaign, year=year)


def create_evaluation(
    institute,
    *,
    branches=None,
    members=None,
    voter_departments=None,
    voter_branches=None,
    title="2026年群众评议",
    min_ballots=5,
    opens_on=None,
    closes_on=None,
    actor=None,
    open_it=True,
) -> Evaluation:
    """An evaluation of ``institute`` with the default questionnaire, open now by default.

    Default: the branch and the member are evaluated; the staff of the department and the
    members of the branch may evaluate."""
    evaluation = services.evaluation_create(
        campaign_year=year_of(institute.campaign),
        title=title,
        opens_on=opens_on or today() - datetime.timedelta(days=1),
        closes_on=closes_on or today() + datetime.timedelta(days=10),
        min_ballots=min_ballots,
        branches=[institute.branch] if branches is None else branches,
        members=[institute.member] if members is None else members,
        voter_departments=[institute.department] if voter_departments is None else voter_departments,
        voter_branches=[institute.branch] if voter_branches is None else voter_branches,
        access=compute_access(actor or institute.office.user),
    )
    if open_it:
        services.evaluation_open(evaluation=evaluation, access=compute_access(actor or institute.office.user))
        evaluation.refresh_from_db()
    return evaluation


def all_answers(evaluation, option=Satisfaction.SATISFIED, *, per_target=None) -> dict:
    """An answer to every question; ``per_target`` maps a target id to another option."""
    per_target = per_target or {}
    return {
        (target.pk, criterion.pk): per_target.get(target.pk, option)
        for target, criteria in selectors.questionnaire(evaluation)
        for criterion in criteria
    }


def ballot_post_data(evaluation, option=Satisfaction.SATISFIED, texts=None) -> dict:
    data = {f"a-{t}-{c}": o for (t, c), o in all_answers(evaluation, option).items()}
    for target_id, text in (texts or {}).items():
        data[f"t-{target_id}"] = text
    return data


def cast(evaluation, person, option=Satisfaction.SATISFIED, texts=None, per_target=None):
    services.ballot_cast(
        evaluation=evaluation,
        person=person,
        answers=all_answers(evaluation, option, per_target=per_target),
        texts=texts or {},
    )


def voters_of(evaluation):
    from branches.models import Person

    return list(Person.objects.filter(pk__in=evaluation.voters.values("person")).order_by("employee_no"))


@pytest.fixture
def extra_staff(institute):
    """Five more employees of the department, so that an evaluation has enough voters."""
    return make_staff(institute.committee, institute.department, 5)


@pytest.fixture
def evaluation(institute, extra_staff):
    """Open: the branch and 陈党员 evaluated by the department's staff and the branch's members."""
    return create_evaluation(institute)


@pytest.fixture
def foreign_evaluation(institute):
    """An open evaluation of the other institute."""
    committee = institute.other_committee
    campaign = make_campaign(committee)
    department = DepartmentFactory(committee=committee, name="外所事业部")
    make_staff(committee, department, 5, prefix="外所职工", users=False)
    evaluation = services.evaluation_create(
        campaign_year=year_of(campaign),
        title="外所群众评议",
        opens_on=today() - datetime.timedelta(days=1),
        closes_on=today() + datetime.timedelta(days=10),
        branches=[institute.foreign_branch],
        voter_departments=[department],
        access=compute_access(institute.admin),
    )
    return services.evaluation_open(evaluation=evaluation, access=compute_access(institute.admin))


@pytest.fixture
def big_branch(institute):
    """A branch of seven members (enough for the appraisal vote to show tallies)."""
    from .factories import BranchFactory

    branch = BranchFactory(committee=institute.committee, general_branch=institute.gb, name="第三党支部")
    members = [make_member(branch, name=f"党员{i}", user=True) for i in range(7)]
    return branch, members


def grades_for(appraisal, voter, grade=Grade.COMPETENT) -> dict:
    return {v.person_id: grade for v in appraisal.voters.all() if v.person_id != voter.pk}
