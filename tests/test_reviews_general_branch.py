"""The general branch's own semi-annual review (半年点评, the plan's 第三阶段: 每半年对各党总支、
支部和党员…点评): one per round and general branch, written by the office (on its own page or
from a common text), acknowledged by the general branch's own secretary, reminded to them, on
their home page beside their branches' reviews; another general branch's review is a 404."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.access import Role, compute_access
from accounts.models import Notification
from supervision import reminders, selectors, services
from supervision.models import ReminderLog, Review, ReviewRound

from .factories import BranchFactory, GeneralBranchFactory, make_member, make_secretary
from .test_supervision_support import review_of, write, year_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def gbr(institute):
    """A round with the reviews of two general branches (第一党总支 of the fixture, 第二党总支 of
    this one) and of 第一党支部 written; an inactive general branch that gets none."""
    i = institute
    i.gb2 = GeneralBranchFactory(committee=i.committee, name="第二党总支")
    i.gb2_secretary = make_secretary(i.gb2, name="钱总支书记")
    i.closed_gb = GeneralBranchFactory(committee=i.committee, name="撤销的党总支", is_active=False)
    i.review_round, _ = services.review_round_open(campaign_year=year_of(i.campaign), half=1)
    office = i.office.user
    i.gb_review = write(review_of(i.review_round, general_branch=i.gb), office)
    i.gb2_review = write(review_of(i.review_round, general_branch=i.gb2), office)
    i.branch_review = write(review_of(i.review_round, branch=i.branch), office)
    return i


# --- the round and the database -------------------------------------------------------------


def test_a_round_has_one_review_of_each_active_general_branch(gbr):
    reviews = Review.objects.filter(round=gbr.review_round, kind=Review.Kind.GENERAL_BRANCH)
    assert set(reviews.values_list("general_branch_id", flat=True)) == {gbr.gb.pk, gbr.gb2.pk}
    assert all(r.branch_id is None and r.person_id is None for r in reviews)
    assert gbr.gb_review.unit == gbr.gb and gbr.gb_review.subject_name == "第一党总支"
    assert str(gbr.gb_review).endswith("第一党总支")
    # Opening again adds nothing; a general branch set up since gets its review.
    assert services.review_round_open(campaign_year=gbr.review_round.campaign_year, half=1)[1] == 0
    new = GeneralBranchFactory(committee=gbr.committee, name="第三党总支")
    assert services.review_round_open(campaign_year=gbr.review_round.campaign_year, half=1)[1] == 1
    assert review_of(gbr.review_round, general_branch=new).status == Review.Status.PENDING


WRONG_SUBJECTS = [
    ({"kind": "general_branch"}, False),  # names no general branch
    ({"kind": "general_branch", "general_branch": "gb2", "branch": "branch"}, False),  # and a branch
    ({"kind": "general_branch", "general_branch": "gb2", "person": "member"}, False),
    ({"kind": "branch", "branch": "branch2", "general_branch": "gb"}, False),
    ({"kind": "branch"}, False),  # a branch's review names its branch
    ({"kind": "member", "person": "member", "branch": "branch", "general_branch": "gb"}, False),
    ({"kind": "general_branch", "general_branch": "gb"}, True),  # a second one in the round
]


def test_database_refuses_a_review_naming_the_wrong_subject(gbr):
    # A round of its own, where only the constraint of the kind can refuse.
    fresh = ReviewRound.objects.create(
        campaign_year=gbr.review_round.campaign_year,
        half=2,
        opened_on=datetime.date(2026, 12, 25),
        write_by=datetime.date(2027, 1, 9),
    )
    for fields, same_round in WRONG_SUBJECTS:
        values = {k: (v if k == "kind" else getattr(gbr, v)) for k, v in fields.items()}
        with pytest.raises(IntegrityError), transaction.atomic():
            Review.objects.create(round=gbr.review_round if same_round else fresh, **values)
    # The right subjects of each kind are accepted there.
    Review.objects.create(round=fresh, kind="general_branch", general_branch=gbr.gb)
    Review.objects.create(round=fresh, kind="branch", branch=gbr.branch)
    Review.objects.create(round=fresh, kind="member", branch=gbr.branch, person=gbr.member)


# --- who writes, acknowledges, sees ---------------------------------------------------------

ROLES = ["anonymous", "staff", "member", "secretary", "gb_secretary", "gb2_secretary", "other_secretary"]
ROLES += ["office", "leader", "admin"]
INSTITUTE = {"office": 200, "leader": 200, "admin": 200}
GRID = [
    # The own general branch's review: its secretary and the institute; the branches' people not.
    ("supervision:review_detail", "gb_review", {"gb_secretary": 200, **INSTITUTE}, 404),
    ("supervision:review_acknowledge", "gb_review", {"gb_secretary": 200, "office": 403, "admin": 403}, 404),
    ("supervision:review_write", "gb_review", {"office": 200, "admin": 200}, 403),
    # Another general branch's: a 404 for the first one's secretary.
    ("supervision:review_detail", "gb2_review", {"gb2_secretary": 200, **INSTITUTE}, 404),
    (
        "supervision:review_acknowledge",
        "gb2_review",
        {"gb2_secretary": 200, "office": 403, "admin": 403},
        404,
    ),
    # The branch's review: the rule as before (its secretary and its general branch's).
    ("supervision:review_acknowledge", "branch_review", {"secretary": 200, "gb_secretary": 200}, 404),
]


# Which permission each page asks for: who holds it somewhere but does not reach the review is
# not told it exists (404); who holds it nowhere is refused (403).
PAGE_PERMISSION = {
    "supervision:review_detail": "reviews.view",
    "supervision:review_acknowledge": "reviews.acknowledge",
    "supervision:review_write": "reviews.write",
}


@pytest.mark.parametrize("name, obj, expected, otherwise", GRID, ids=[f"{g[0]}-{g[1]}" for g in GRID])
def test_permission_grid(client, gbr, users, name, obj, expected, otherwise):
    url = reverse(name, args=[getattr(gbr, obj).pk])
    answers = {}
    for role in ROLES:
        user = gbr.gb2_secretary.user if role == "gb2_secretary" else users[role]
        client.logout()
        if user is not None:
            client.force_login(user)
        answers[role] = client.get(url).status_code
    wanted = {"anonymous": 302}
    for role in ROLES[1:]:
        user = gbr.gb2_secretary.user if role == "gb2_secretary" else users[role]
        held = compute_access(user).has(PAGE_PERMISSION[name])
        wanted[role] = expected.get(role, otherwise if held else 403)
    assert answers == wanted


def test_office_writes_and_the_general_branch_secretary_alone_acknowledges(gbr):
    review = gbr.gb_review
    # Written: the general branch's secretary is asked, not its branches' secretaries.
    assert Notification.objects.filter(
        user=gbr.gb_secretary.user, link__endswith=f"/reviews/{review.pk}/"
    ).exists()
    assert not Notification.objects.filter(user=gbr.secretary.user, link__endswith=f"/reviews/{review.pk}/")
    for actor in (gbr.secretary, gbr.gb2_secretary, gbr.other_secretary, gbr.member, gbr.office):
        with pytest.raises(PermissionDenied):
            services.review_acknowledge(access=compute_access(actor.user), review=review)
    with pytest.raises(PermissionDenied):  # the general branch writes no review of itself
        write(review, gbr.gb_secretary.user, "自评")
    review = services.review_acknowledge(
        access=compute_access(gbr.gb_secretary.user), review=review, comment="总支将督促各支部落实"
    )
    assert review.status == Review.Status.ACKNOWLEDGED and review.acknowledged_by == gbr.gb_secretary.user
    assert Notification.objects.filter(user=gbr.office.user, message__contains="第一党总支").exists()
    with pytest.raises(ValidationError):  # acknowledged: no longer revised
        write(review, gbr.office.user, "再改")
    assert [h.status for h in review.history.order_by("history_id")] == ["pending", "written", "acknowledged"]
    # Unchanged for branches: the general branch's secretary may acknowledge its branch's review.
    branch_review = services.review_acknowledge(
        access=compute_access(gbr.gb_secretary.user), review=gbr.branch_review
    )
    assert branch_review.status == Review.Status.ACKNOWLEDGED


def test_lists_show_the_general_branch_by_name_to_whom_it_concerns(client, gbr):
    detail = reverse("supervision:review_detail", args=[gbr.gb_review.pk])
    acknowledge = reverse("supervision:review_acknowledge", args=[gbr.gb_review.pk])
    client.force_login(gbr.gb_secretary.user)
    page = client.get(reverse("supervision:review_index")).content.decode()
    assert detail in page and acknowledge in page and "第一党总支" in page
    assert reverse("supervision:review_detail", args=[gbr.gb2_review.pk]) not in page
    assert reverse("supervision:review_detail", args=[gbr.branch_review.pk]) in page  # its branch's
    page = client.get(reverse("supervision:review_index") + "?kind=general_branch").content.decode()
    assert detail in page and reverse("supervision:review_detail", args=[gbr.branch_review.pk]) not in page
    client.force_login(gbr.secretary.user)  # a branch's secretary does not see the general branch's
    assert detail not in client.get(reverse("supervision:review_index")).content.decode()
    client.force_login(gbr.office.user)
    page = client.get(reverse("supervision:review_round_detail", args=[gbr.review_round.pk])).content.decode()
    assert detail in page and "第二党总支" in page and "撤销的党总支" not in page
    page = client.get(detail).content.decode()
    assert "第一党总支" in page and "党总支" in page and "成绩好" in page


def test_the_round_filters_by_general_branch_its_own_review_and_its_branches(client, gbr):
    """The office writes a round general branch by general branch: the filter keeps the general
    branch's own review, its branches' and their members', and nothing of another."""
    client.force_login(gbr.office.user)
    url = reverse("supervision:review_round_detail", args=[gbr.review_round.pk])
    page = client.get(url).content.decode()
    assert 'name="general_branch"' in page and "全部党总支" in page and "撤销的党总支" not in page
    page = client.get(url, {"general_branch": gbr.gb.pk}).content.decode()

    def shown(review):
        return reverse("supervision:review_detail", args=[review.pk]) in page

    member_review = Review.objects.get(round=gbr.review_round, person=gbr.member)
    other_review = Review.objects.get(
        round=gbr.review_round, kind=Review.Kind.BRANCH, branch=gbr.other_branch
    )
    assert shown(gbr.gb_review) and shown(gbr.branch_review) and shown(member_review)
    assert not shown(gbr.gb2_review) and not shown(other_review)
    page = client.get(url, {"general_branch": gbr.gb2.pk}).content.decode()
    assert shown(gbr.gb2_review) and not shown(gbr.gb_review) and not shown(gbr.branch_review)
    # A general branch with no review in the round is not a choice: the form says so, nothing breaks.
    page = client.get(url, {"general_branch": gbr.closed_gb.pk})
    assert page.status_code == 200


# --- the home page and the reminders ---------------------------------------------------------


def test_the_general_branch_secretary_home_shows_its_own_review_beside_its_branches(client, gbr):
    year = gbr.review_round.campaign_year
    access = compute_access(gbr.gb_secretary.user)
    with CaptureQueriesContext(connection) as queries:
        context = selectors.home_context(access=access, role=Role.SECRETARY, campaign_year=year)
    to_acknowledge = context["sv_reviews_to_acknowledge"]
    assert [r.pk for r in to_acknowledge] == [gbr.gb_review.pk, gbr.branch_review.pk]  # its own first
    # A branch's secretary is not shown the general branch's review.
    sec = selectors.home_context(
        access=compute_access(gbr.secretary.user), role=Role.SECRETARY, campaign_year=year
    )
    assert [r.pk for r in sec["sv_reviews_to_acknowledge"]] == [gbr.branch_review.pk]
    # The same queries with more general branches, branches and reviews written.
    for n in range(3):
        gb = GeneralBranchFactory(committee=gbr.committee, name=f"又一党总支{n}")
        make_secretary(gb)
        make_member(BranchFactory(committee=gbr.committee, general_branch=gbr.gb, name=f"又一支部{n}"))
    services.review_round_open(campaign_year=year, half=1)
    for review in Review.objects.filter(status="pending", kind__in=["branch", "general_branch"]):
        write(review, gbr.office.user)
    access = compute_access(gbr.gb_secretary.user)
    with CaptureQueriesContext(connection) as again:
        context = selectors.home_context(access=access, role=Role.SECRETARY, campaign_year=year)
    assert len(again) == len(queries)
    assert context["sv_reviews_to_acknowledge"][0] == gbr.gb_review
    # its own, then every branch under it (the fixture's, its secretary's own, the new ones)
    assert len(context["sv_reviews_to_acknowledge"]) == 1 + gbr.gb.branches.count()

    client.force_login(gbr.gb_secretary.user)
    home = client.get(reverse("home") + "?role=secretary").content.decode()
    assert reverse("supervision:review_acknowledge", args=[gbr.gb_review.pk]) in home
    assert 'data-testid="unit-review-general_branch"' in home and "第一党总支" in home


def test_unacknowledged_general_branch_review_reminds_its_own_secretary(gbr):
    Review.objects.filter(pk=gbr.gb_review.pk).update(
        written_at=gbr.gb_review.written_at - datetime.timedelta(days=8)
    )
    today = (gbr.gb_review.written_at + datetime.timedelta(days=8)).date()
    reminders.remind_review_acknowledgements(today=today)
    reminded = set(
        ReminderLog.objects.filter(subject=f"review:{gbr.gb_review.pk}").values_list("recipient", flat=True)
    )
    assert reminded == {gbr.gb_secretary.user.pk}
    assert reminders.remind_review_acknowledgements(today=today) == 0  # once a day


# --- many reviews from one common text --------------------------------------------------------

COMMON = {
    "achievements": "{年度}年上半年，{支部}统筹推进，{党总支}内成效明显。",
    "problems": "督促不够。",
    "direction": "",
}


def test_drafts_include_the_general_branches_labelled_and_selectable(client, institute):
    review_round, _ = services.review_round_open(campaign_year=year_of(institute.campaign), half=1)
    gb_review = review_of(review_round, general_branch=institute.gb)
    branch_review = review_of(review_round, branch=institute.branch)
    client.force_login(institute.office.user)
    url = reverse("supervision:review_drafts", args=[review_round.pk])
    page = client.get(url).content.decode()
    assert "第一党总支（党总支）" in page and f'value="{gb_review.pk}"' in page
    data = {"reviews": [gb_review.pk, branch_review.pk], **COMMON}
    page = client.post(url, {**data, "step": "preview"}).content.decode()
    assert "2026年上半年，第一党总支统筹推进，第一党总支内成效明显。" in page
    assert "2026年上半年，第一党支部统筹推进，第一党总支内成效明显。" in page
    assert client.post(url, {**data, "step": "save"}).status_code == 302
    gb_review.refresh_from_db()
    assert gb_review.status == Review.Status.PENDING and gb_review.problems == "督促不够。"
    # Written since: the general branch is named in the refusal, nothing changes.
    write(gb_review, institute.office.user)
    with pytest.raises(ValidationError) as refused:
        services.review_drafts_save(
            access=compute_access(institute.office.user),
            review_round=review_round,
            reviews=[branch_review, gb_review],
            **{**COMMON, "direction": "新的方向"},
        )
    assert "第一党总支" in " ".join(refused.value.message_dict["reviews"])
    assert Review.objects.get(pk=branch_review.pk).direction == ""
    # Nobody but the office drafts, the general branch's secretary included.
    with pytest.raises(PermissionDenied):
        services.review_drafts_save(
            access=compute_access(institute.gb_secretary.user),
            review_round=review_round,
            reviews=[branch_review],
            **COMMON,
        )


def _count(client, url, data=None):
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url, data) if data else client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_review_pages_cost_the_same_however_many_general_branches(client, gbr):
    client.force_login(gbr.office.user)
    round_url = reverse("supervision:review_round_detail", args=[gbr.review_round.pk])
    drafts_url = reverse("supervision:review_drafts", args=[gbr.review_round.pk])
    index_url = reverse("supervision:review_index")

    def drafts_data():
        pending = gbr.review_round.reviews.filter(kind__in=["general_branch", "branch"], status="pending")
        return {"reviews": list(pending.values_list("pk", flat=True)), **COMMON, "step": "preview"}

    def counts():
        client.force_login(gbr.office.user)
        office = (
            _count(client, round_url),
            _count(client, index_url),
            _count(client, drafts_url, drafts_data()),
        )
        client.force_login(gbr.gb_secretary.user)
        return office + (_count(client, index_url),)

    counts()  # warm the per-process caches
    before = counts()
    for n in range(4):
        gb = GeneralBranchFactory(committee=gbr.committee, name=f"新党总支{n}")
        make_member(BranchFactory(committee=gbr.committee, general_branch=gb, name=f"新支部{n}"))
    services.review_round_open(campaign_year=gbr.review_round.campaign_year, half=1)
    for review in Review.objects.filter(kind="general_branch", status="pending")[:2]:
        write(review, gbr.office.user)
    assert counts() == before
