"""The group generator (issue 7) in its small mode: consistent data of every kind, and the main
pages of every role, and the lists of the admin site, cost the same number of queries when the
data grows tenfold."""

import pytest
from django.contrib import admin
from django.contrib.auth.hashers import check_password
from django.db import connection, transaction
from django.db.models import Count, F, Q, Sum
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.access import compute_access
from accounts.models import User
from activities.models import ActivityRecord
from awards.models import AwardCycle, Candidate, ScoreLine, ScoringRun
from bench.generator import LOGINS, PASSWORD, GeneratorError, generate
from bench.loadtest.pages import pages
from branches.models import Branch, GeneralBranch, Membership, Person, Position
from evaluations.models import BallotCount, Evaluation, RatingCount, Satisfaction, Voter
from pledges.models import Pledge

SMALL = 0.002


@pytest.fixture
def world(db):
    return generate(scale=SMALL, seed=3)


def test_sizes_follow_the_scale(world):
    t = world.targets
    assert Branch.objects.count() == t.branches
    assert Person.objects.members().count() == t.members
    assert Person.objects.staff().count() == t.staff
    assert ActivityRecord.objects.count() == t.records
    # Each general branch records of its own too (its committee's meetings, news reports…),
    # entered by its own secretary; the records' total stays the target's.
    for general_branch in GeneralBranch.objects.all():
        own = ActivityRecord.objects.filter(general_branch=general_branch)
        assert own.filter(kind="news_report").exists() and own.filter(branch__isnull=False).count() == 0
        secretary = Position.objects.get(general_branch=general_branch, title=Position.Title.SECRETARY)
        assert set(own.values_list("created_by__person", flat=True)) == {secretary.person_id}
    assert Pledge.objects.member_pledges().count() == t.member_pledges
    assert len(world.committees) >= 2


def test_every_member_has_one_open_membership_in_an_existing_branch(world):
    members = Person.objects.members()
    open_stays = Membership.objects.filter(ended_on__isnull=True)
    assert open_stays.count() == members.count()
    assert (
        open_stays.filter(branch=F("person__branch"), person__branch__isnull=False).count() == members.count()
    )
    assert not Person.objects.filter(branch__isnull=True, memberships__isnull=False).exists()
    # A member's party group is one of the own branch's, and members are of the own institute.
    assert not members.filter(party_group__isnull=False).exclude(party_group__branch=F("branch")).exists()
    assert not members.exclude(committee=F("branch__committee")).exists()


def test_every_branch_has_a_secretary_among_its_members_and_a_pledge(world):
    for branch in Branch.objects.all():
        secretary = Position.objects.get(branch=branch, title=Position.Title.SECRETARY, ended_on__isnull=True)
        assert secretary.person.branch_id == branch.pk
        assert Pledge.objects.branch_pledges().filter(branch=branch).count() == 1


def test_member_pledges_have_two_to_five_commitments(world):
    counts = Pledge.objects.member_pledges().annotate(n=Count("items")).values_list("n", flat=True)
    assert counts and min(counts) >= 2 and max(counts) <= 5
    assert not Pledge.objects.member_pledges().exclude(person__branch=F("branch")).exists()
    published = Pledge.objects.filter(status=Pledge.Status.PUBLISHED)
    assert not published.filter(publications__isnull=True).exists()


def test_ballot_counters_sum_to_the_voters_who_voted(world):
    evaluations = Evaluation.objects.filter(status=Evaluation.Status.CLOSED)
    assert evaluations.exists()
    for evaluation in evaluations:
        voted = Voter.objects.filter(evaluation=evaluation, has_voted=True).count()
        sums = (
            RatingCount.objects.filter(target__evaluation=evaluation)
            .values("target", "criterion")
            .annotate(n=Sum("count"), unknown=Sum("count", filter=Q(option=Satisfaction.UNKNOWN)))
        )
        assert sums
        for row in sums:
            assert row["n"] == voted
            ballots = BallotCount.objects.get(target_id=row["target"]).count
            assert ballots == voted - row["unknown"]
    total = BallotCount.objects.aggregate(n=Sum("count"))["n"]
    assert 0 < total <= world.targets.ballots * 1.05


def test_scores_and_award_lists_exist(world):
    for c in world.committees:
        run = ScoringRun.objects.get(campaign_year=c.campaign_year, status=ScoringRun.Status.APPROVED)
        subjects = len(c.branches) + sum(len(b.members) for b in c.branches)
        assert ScoreLine.objects.filter(run=run).count() == subjects
        cycle = AwardCycle.objects.get(campaign_year=c.campaign_year)
        assert cycle.is_frozen
        assert Candidate.objects.filter(cycle=cycle).exists()


@pytest.mark.parametrize("role", list(LOGINS))
def test_each_login_has_its_role_and_the_shared_password(world, role):
    user = User.objects.get(username=LOGINS[role])
    expected = "secretary" if role == "gb_secretary" else role
    assert compute_access(user).primary_role == expected
    assert check_password(PASSWORD, user.password)


def test_sequences_continue_after_the_generated_keys(world):
    person = Person.objects.create(committee_id=world.committees[0].id, employee_no="NEW-1", name="新职工")
    assert person.pk > max(pk for pk in world.user_of)


def test_refuses_sqlite_and_a_database_that_is_not_empty(world, monkeypatch):
    with pytest.raises(GeneratorError, match="already holds people"):
        generate(scale=SMALL)
    monkeypatch.setattr(connection, "vendor", "sqlite")
    with pytest.raises(GeneratorError, match="PostgreSQL"):
        generate(scale=SMALL)


class _Undo(Exception):
    pass


def _pages_and_admin_lists() -> dict:
    """The main pages of every role, and for the administrator every list of the admin site."""
    entries = {role: list(items) for role, items in pages().items()}
    entries["admin"] = entries.get("admin", []) + [
        (f"admin list of {model._meta.label}", admin_url(model)) for model in admin.site._registry
    ]
    return entries


def admin_url(model) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def _query_counts(client, scale) -> dict:
    """Queries of every main page of every role on a group generated at ``scale``; the data is
    rolled back afterwards."""
    counts = {}
    try:
        with transaction.atomic():
            generate(scale=scale, seed=5)
            for role, entries in _pages_and_admin_lists().items():
                client.force_login(User.objects.get(username=LOGINS[role]))
                for label, url in entries:
                    if url is None:
                        continue
                    client.get(url)  # warm up: session, content types, rubric and frequencies
                    with CaptureQueriesContext(connection) as ctx:
                        response = client.get(url)
                    assert response.status_code == 200, (role, label, url)
                    counts[(role, label)] = len(ctx.captured_queries)
            raise _Undo
    except _Undo:
        pass
    return counts


@pytest.mark.django_db(transaction=False)
def test_page_queries_do_not_grow_with_the_group(client):
    small = _query_counts(client, SMALL)
    large = _query_counts(client, SMALL * 10)
    assert small.keys() == large.keys()
    grew = {page: (small[page], large[page]) for page in small if small[page] != large[page]}
    assert not grew, grew
    # An admin list of 100 rows costs the same at both scales even with a query per row: a
    # ceiling catches that too.
    costly = {page: n for page, n in large.items() if page[1].startswith("admin list") and n > 15}
    assert not costly, costly
