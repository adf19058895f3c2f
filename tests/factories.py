"""Factories for the tests: a small institute built with the real services."""

import datetime

import factory

from accounts.models import User
from branches.models import (
    Branch,
    BranchCategory,
    Department,
    GeneralBranch,
    PartyCommittee,
    PartyGroup,
    Person,
    Position,
)
from campaigns.models import Campaign

PASSWORD = "Test-passw0rd-cxzy"


class CommitteeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartyCommittee
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"第{n}研究所党委")


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    committee = factory.SubFactory(CommitteeFactory)
    name = factory.Sequence(lambda n: f"部门{n}")


class GeneralBranchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GeneralBranch

    committee = factory.SubFactory(CommitteeFactory)
    name = factory.Sequence(lambda n: f"第{n}党总支")
    category = BranchCategory.BUSINESS


class BranchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Branch

    committee = factory.SubFactory(CommitteeFactory)
    name = factory.Sequence(lambda n: f"第{n}党支部")
    category = BranchCategory.BUSINESS


class PartyGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartyGroup

    branch = factory.SubFactory(BranchFactory)
    name = factory.Sequence(lambda n: f"第{n}党小组")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    committee = factory.SubFactory(CommitteeFactory)
    employee_no = factory.Sequence(lambda n: f"E{n:05d}")
    name = factory.Sequence(lambda n: f"张{n}")
    status = Person.Status.EMPLOYED


def make_member(
    branch: Branch, *, name: str | None = None, started_on=datetime.date(2020, 1, 1), user=False, **kwargs
) -> Person:
    """A party member of ``branch`` with an open membership, created through the service."""
    from branches.services import SYSTEM, member_join

    person = PersonFactory(committee=branch.committee, **({"name": name} if name else {}), **kwargs)
    member_join(
        person=person,
        branch=branch,
        started_on=started_on,
        joined_party_on=datetime.date(2010, 7, 1),
        access=SYSTEM,
    )
    if user:
        person.user = UserFactory(username=f"u{person.employee_no}")
        person.save(update_fields=["user"])
    person.refresh_from_db()
    return person


def make_secretary(unit, *, user=True, **kwargs) -> Person:
    """A secretary of a branch (a member there) or of a general branch."""
    branch = (
        unit if isinstance(unit, Branch) else BranchFactory(committee=unit.committee, general_branch=unit)
    )
    person = make_member(branch, user=user, **kwargs)
    Position.objects.create(
        person=person,
        title=Position.Title.SECRETARY,
        branch=unit if isinstance(unit, Branch) else None,
        general_branch=unit if isinstance(unit, GeneralBranch) else None,
        started_on=datetime.date(2020, 1, 1),
    )
    return person


def make_campaign(committee: PartyCommittee, *, year: int = 2026) -> Campaign:
    from campaigns.services import campaign_year_create

    campaign = Campaign.objects.create(
        committee=committee, name="创先争优活动", started_on=datetime.date(2010, 5, 10)
    )
    campaign_year_create(campaign=campaign, year=year)
    return campaign
