"""Semi-annual reviews (半年点评): the round opens once with one review for every branch and
member; the office writes, the branch (its secretary) or the member acknowledges; who sees what."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.access import Role, compute_access
from accounts.models import Notification
from branches.models import Person
from supervision import selectors, services
from supervision.models import Review, ReviewRound

from .factories import BranchFactory, make_member
from .test_supervision_support import review_of, sv, write, year_of  # noqa: F401

ALL_ROLES = [
    "anonymous",
    "staff",
    "member",
    "secretary",
    "gb_secretary",
    "other_secretary",
    "office",
    "leader",
    "admin",
]
INSTITUTE = {"office": 200, "leader": 200, "admin": 200}
OFFICE = {"office": 200, "admin": 200}
READERS = {"member": 200, "secretary": 200, "gb_secretary": 200, "other_secretary": 200, **INSTITUTE}

GRID = [
    ("supervision:review_round_list", lambda s: [], INSTITUTE),
    ("supervision:review_round_open", lambda s: [], OFFICE),
    ("supervision:review_round_detail", lambda s: [s.review_round.pk], INSTITUTE),
    ("supervision:review_index", lambda s: [], READERS),
    (
        "supervision:review_detail",
        lambda s: [s.branch_review.pk],
        {**READERS, "member": 404, "other_secretary": 404},
    ),
    ("supervision:review_detail", lambda s: [s.member_review.pk], {**READERS, "other_secretary": 404}),
    (
        "supervision:review_detail",
        lambda s: [s.member2_review.pk],
        {**READERS, "member": 404, "secretary": 404, "other_secretary": 404},
    ),
    ("supervision:review_write", lambda s: [s.branch_review.pk], OFFICE),
    ("supervision:review_write", lambda s: [s.member_review.pk], OFFICE),
    (
        "supervision:review_acknowledge",
        lambda s: [s.branch_review.pk],
        {"member": 404, "secretary": 200, "gb_secretary": 200, "other_secretary": 404},
    ),
    (
        "supervision:review_acknowledge",
        lambda s: [s.member_review.pk],
        {"member": 200, "secretary": 404, "gb_secretary": 404, "other_secretary": 404},
    ),
]


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("name, args, expected", GRID, ids=[f"{g[0]}-{n}" for n, g in enumerate(GRID)])
def test_permission_grid(client, users, sv, role, name, args, expected):  # noqa: F811
    if users[role] is not None:
        client.force_login(users[role])
    response = client.get(reverse(name, args=args(sv)))
    assert response.status_code == (302 if role == "anonymous" else expected.get(role, 403))


def test_member_sees_only_own_review(client, institute, sv):  # noqa: F811
    client.force_login(institute.member.user)
    page = client.get(reverse("supervision:review_index")).content.decode()
    assert reverse("supervision:review_detail", args=[sv.member_review.pk]) in page
    for other in (sv.branch_review, sv.member2_review):
        assert reverse("supervision:review_detail", args=[other.pk]) not in page
    assert Review.objects.filter(round=sv.review_round).count() > 3


def test_secretary_sees_branch_and_its_members_reviews(client, institute, sv):  # noqa: F811
    client.force_login(institute.secretary.user)
    page = client.get(reverse("supervision:review_index")).content.decode()
    assert reverse("supervision:review_detail", args=[sv.branch_review.pk]) in page
    assert reverse("supervision:review_detail", args=[sv.member_review.pk]) in page
    assert reverse("supervision:review_detail", args=[sv.member2_review.pk]) not in page
    # The branch's review can be acknowledged from the list; the member's only by the member.
    assert reverse("supervision:review_acknowledge", args=[sv.branch_review.pk]) in page
    assert reverse("supervision:review_acknowledge", args=[sv.member_review.pk]) not in page


# --- opening a round ------------------------------------------------------------------------


def expected_subjects(institute):
    branches = set(institute.committee.branches.filter(is_active=True).values_list("pk", flat=True))
    members = set(Person.objects.members().filter(branch__in=branches).values_list("pk", flat=True))
    return branches, members


def test_round_opens_once_with_every_branch_and_member(institute):
    year = year_of(institute.campaign)
    archived = BranchFactory(committee=institute.committee, name="撤销的支部", is_active=False)
    review_round, created = services.review_round_open(
        campaign_year=year, half=ReviewRound.Half.FIRST, today=datetime.date(2026, 6, 30)
    )
    branches, members = expected_subjects(institute)
    assert archived.pk not in branches
    reviews = Review.objects.filter(round=review_round)
    general_branches = set(institute.committee.general_branches.values_list("pk", flat=True))
    assert created == len(general_branches) + len(branches) + len(members) == reviews.count()
    assert set(reviews.filter(kind="general_branch").values_list("general_branch_id", flat=True)) == (
        general_branches
    )
    assert set(reviews.filter(kind="branch").values_list("branch_id", flat=True)) == branches
    assert set(reviews.filter(kind="member").values_list("person_id", flat=True)) == members
    # A member's review sits with the member's branch.
    assert review_of(review_round, person=institute.member).branch == institute.branch
    assert review_round.opened_on == year.midyear_review_on == datetime.date(2026, 6, 30)
    assert review_round.write_by == datetime.date(2026, 7, 15)
    # Each review has exactly one "created" history row.
    assert Review.history.filter(round=review_round, history_type="+").count() == created
    # The office is told.
    assert Notification.objects.filter(user=institute.office.user).count() == 1

    # Again: nothing new, nothing told.
    again, created_again = services.review_round_open(campaign_year=year, half=ReviewRound.Half.FIRST)
    assert (again, created_again) == (review_round, 0)
    assert reviews.count() == created
    assert Review.history.filter(round=review_round).count() == created
    assert Notification.objects.filter(user=institute.office.user).count() == 1

    # A member who joined since is added; nobody else twice.
    newcomer = make_member(institute.branch2, name="新党员")
    assert services.review_round_open(campaign_year=year, half=ReviewRound.Half.FIRST)[1] == 1
    assert reviews.filter(person=newcomer).count() == 1


def test_database_refuses_a_second_review_of_the_same_subject(institute):
    year = year_of(institute.campaign)
    review_round, _ = services.review_round_open(campaign_year=year, half=ReviewRound.Half.SECOND)
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.create(round=review_round, kind="branch", branch=institute.branch)
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.create(
            round=review_round, kind="member", branch=institute.branch2, person=institute.member
        )
    with pytest.raises(IntegrityError), transaction.atomic():  # a branch review names no member
        Review.objects.create(
            round=review_round, kind="branch", branch=institute.branch, person=institute.member
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        ReviewRound.objects.create(
            campaign_year=year, half=2, opened_on=year.yearend_review_on, write_by=year.yearend_review_on
        )


def test_only_the_office_opens_a_round_by_hand(client, institute):
    year = year_of(institute.campaign)
    with pytest.raises(PermissionDenied):
        services.review_round_open(campaign_year=year, half=1, access=compute_access(institute.leader.user))
    client.force_login(institute.office.user)
    response = client.post(reverse("supervision:review_round_open"), {"campaign_year": year.pk, "half": 1})
    review_round = ReviewRound.objects.get()
    assert response.status_code == 302 and review_round.opened_by == institute.office.user


# --- writing and acknowledging --------------------------------------------------------------


def test_write_then_acknowledge(institute):
    office, secretary = institute.office.user, institute.secretary.user
    review_round, _ = services.review_round_open(campaign_year=year_of(institute.campaign), half=1)
    review = review_of(review_round, branch=institute.branch)
    with pytest.raises(ValidationError):  # not written yet
        services.review_acknowledge(access=compute_access(secretary), review=review)
    with pytest.raises(ValidationError) as error:
        services.review_write(
            access=compute_access(office), review=review, achievements="成绩", problems=" ", direction=""
        )
    assert set(error.value.error_dict) == {"problems", "direction"}
    with pytest.raises(PermissionDenied):
        write(review, secretary)
    review = write(review, office)
    assert review.status == Review.Status.WRITTEN and review.written_by == office
    assert Notification.objects.filter(user=secretary, link__endswith=f"/reviews/{review.pk}/").exists()
    review = write(review, office, "更新")  # revised before acknowledgement: no second message
    assert review.problems == "问题更新"
    assert Notification.objects.filter(user=secretary, link__endswith=f"/reviews/{review.pk}/").count() == 1

    # Who may acknowledge the branch's review: a secretary over the branch, not a member, not the office.
    for actor in (institute.member.user, institute.other_secretary.user, office):
        with pytest.raises(PermissionDenied):
            services.review_acknowledge(access=compute_access(actor), review=review)
    review = services.review_acknowledge(access=compute_access(secretary), review=review, comment="认真整改")
    assert review.status == Review.Status.ACKNOWLEDGED and review.acknowledgement == "认真整改"
    assert Notification.objects.filter(user=office, message__contains=institute.branch.name).exists()
    with pytest.raises(ValidationError):
        write(review, office, "再改")
    with pytest.raises(ValidationError):
        services.review_acknowledge(access=compute_access(secretary), review=review)
    assert [h.status for h in review.history.order_by("history_id")] == [
        "pending",
        "written",
        "written",
        "acknowledged",
    ]


def test_member_acknowledges_own_review_only(institute):
    review_round, _ = services.review_round_open(campaign_year=year_of(institute.campaign), half=1)
    own = write(review_of(review_round, person=institute.member), institute.office.user)
    others = write(review_of(review_round, person=institute.member2), institute.office.user)
    # Not even the member's secretary acknowledges for the member.
    for actor in (institute.secretary.user, institute.gb_secretary.user, institute.office.user):
        with pytest.raises(PermissionDenied):
            services.review_acknowledge(access=compute_access(actor), review=own)
    with pytest.raises(PermissionDenied):
        services.review_acknowledge(access=compute_access(institute.member.user), review=others)
    assert (
        services.review_acknowledge(access=compute_access(institute.member.user), review=own).status
        == "acknowledged"
    )


def test_write_and_acknowledge_through_the_pages(client, institute):
    review_round, _ = services.review_round_open(campaign_year=year_of(institute.campaign), half=1)
    review = review_of(review_round, person=institute.member)
    client.force_login(institute.office.user)
    url = reverse("supervision:review_write", args=[review.pk])
    assert client.post(url, {"achievements": "a", "problems": "", "direction": "c"}).status_code == 200
    response = client.post(url, {"achievements": "带头攻关", "problems": "学习不够", "direction": "加强学习"})
    assert response.status_code == 302
    client.force_login(institute.member.user)
    home = client.get(reverse("home") + "?role=member").content.decode()
    assert reverse("supervision:review_acknowledge", args=[review.pk]) in home
    response = client.post(reverse("supervision:review_acknowledge", args=[review.pk]), {"comment": ""})
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.status == Review.Status.ACKNOWLEDGED and review.acknowledged_by == institute.member.user
    page = client.get(reverse("supervision:review_detail", args=[review.pk])).content.decode()
    assert "带头攻关" in page and 'data-testid="acknowledgement"' in page


# --- home pages and query counts ------------------------------------------------------------


def _home(access, role, year):
    with CaptureQueriesContext(connection) as queries:
        context = selectors.home_context(access=access, role=role, campaign_year=year)
    return context, len(queries)


def test_home_context_shows_each_role_its_work_in_fixed_queries(institute, sv):  # noqa: F811
    year = sv.year
    office_ctx, office_q = _home(compute_access(institute.office.user), Role.OFFICE, year)
    assert [r.pk for r in office_ctx["sv_rounds_to_write"]] == [sv.review_round.pk]
    assert sv.inspection in office_ctx["sv_overdue"]
    secretary = compute_access(institute.secretary.user)
    sec_ctx, sec_q = _home(secretary, Role.SECRETARY, year)
    assert {i.pk for i in sec_ctx["sv_findings_to_answer"]} == {sv.inspection.pk}
    assert [r.pk for r in sec_ctx["sv_reviews_to_acknowledge"]] == [sv.branch_review.pk]
    member_ctx, member_q = _home(compute_access(institute.member.user), Role.MEMBER, year)
    assert [r.pk for r in member_ctx["sv_my_reviews"]] == [sv.member_review.pk]

    for n in range(3):
        branch = BranchFactory(
            committee=institute.committee, general_branch=institute.gb, name=f"又一支部{n}"
        )
        make_member(branch)
    services.review_round_open(campaign_year=year, half=1)
    services.review_round_open(campaign_year=year, half=2)
    assert _home(compute_access(institute.office.user), Role.OFFICE, year)[1] == office_q
    assert _home(compute_access(institute.secretary.user), Role.SECRETARY, year)[1] == sec_q
    assert _home(compute_access(institute.member.user), Role.MEMBER, year)[1] == member_q


PAGES = [
    ("office", "supervision:review_round_list", lambda s: []),
    ("office", "supervision:review_round_detail", lambda s: [s.review_round.pk]),
    ("office", "supervision:review_index", lambda s: []),
    ("office", "supervision:review_detail", lambda s: [s.branch_review.pk]),
    ("leader", "supervision:review_round_detail", lambda s: [s.review_round.pk]),
    ("secretary", "supervision:review_index", lambda s: []),
    ("gb_secretary", "supervision:review_index", lambda s: []),
    ("member", "supervision:review_index", lambda s: []),
    ("office", "home", lambda s: []),
    ("secretary", "home", lambda s: []),
    ("member", "home", lambda s: []),
]


@pytest.mark.parametrize("role, name, args", PAGES)
def test_page_query_count_does_not_grow(client, institute, users, sv, role, name, args):  # noqa: F811
    client.force_login(users[role])
    url = reverse(name, args=args(sv))

    def count():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        return len(queries)

    count()  # warm the per-process caches (content types, translations)
    before = count()
    for n in range(3):
        branch = BranchFactory(
            committee=institute.committee, general_branch=institute.gb, name=f"再一支部{n}"
        )
        make_member(branch)
        make_member(institute.branch)
    services.review_round_open(campaign_year=sv.year, half=1)
    services.review_round_open(campaign_year=sv.year, half=2)
    for review in Review.objects.filter(status="pending")[:6]:
        write(review, institute.office.user)
    # The home page's compliance figures are recomputed, at a fixed cost, by the first request
    # after a change to records (activities.summary): compare a warm page with a warm page.
    count()
    assert count() == before


# --- many branches' reviews from one common text (issue 21) -----------------------------------

COMMON = {
    "achievements": "{年度}年上半年，{支部}坚持三会一课，{党总支}内排名靠前。",
    "problems": "{支部}读书笔记展评尚未开展。",
    "direction": "",
}


def _round(institute):
    review_round, _ = services.review_round_open(campaign_year=year_of(institute.campaign), half=1)
    return review_round


def test_common_text_is_previewed_and_saved_as_drafts_then_written_one_by_one(client, institute):
    review_round = _round(institute)
    first, other = (
        review_of(review_round, branch=institute.branch),
        review_of(review_round, branch=institute.other_branch),
    )
    client.force_login(institute.office.user)
    url = reverse("supervision:review_drafts", args=[review_round.pk])
    data = {"reviews": [first.pk, other.pk], **COMMON}
    page = client.post(url, {**data, "step": "preview"}).content.decode()
    assert "2026年上半年，第一党支部坚持三会一课，第一党总支内排名靠前。" in page
    assert "2026年上半年，机关党支部坚持三会一课，内排名靠前。" in page
    assert Review.objects.get(pk=first.pk).achievements == ""  # a preview writes nothing
    response = client.post(url, {**data, "step": "save"})
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.status == Review.Status.PENDING and first.problems == "第一党支部读书笔记展评尚未开展。"
    assert first.history.first().history_user == institute.office.user
    # The branch sees nothing yet: a draft is still to be written.
    client.force_login(institute.secretary.user)
    assert (
        "读书笔记" not in client.get(reverse("supervision:review_detail", args=[first.pk])).content.decode()
    )
    assert not Notification.objects.filter(user=institute.secretary.user).exists()
    # The office adjusts it on its own page, which starts from the draft, and writes it.
    client.force_login(institute.office.user)
    form = client.get(reverse("supervision:review_write", args=[first.pk])).content.decode()
    assert "第一党支部读书笔记展评尚未开展。" in form
    write(first, institute.office.user, text="（已调整）")
    assert Review.objects.get(pk=first.pk).status == Review.Status.WRITTEN


def test_drafts_refuse_written_reviews_and_change_nothing(institute):
    review_round = _round(institute)
    first, other = (
        review_of(review_round, branch=institute.branch),
        review_of(review_round, branch=institute.other_branch),
    )
    write(other, institute.office.user)
    with pytest.raises(ValidationError) as refused:
        services.review_drafts_save(
            access=compute_access(institute.office.user),
            review_round=review_round,
            reviews=[first, other],
            **COMMON,
        )
    assert "机关党支部" in " ".join(refused.value.message_dict["reviews"])
    assert Review.objects.get(pk=first.pk).achievements == ""


@pytest.mark.parametrize(
    "texts, field", [({"achievements": "", "problems": " ", "direction": ""}, "achievements")]
)
def test_drafts_need_a_text_and_a_branch(institute, texts, field):
    review_round = _round(institute)
    first = review_of(review_round, branch=institute.branch)
    office = compute_access(institute.office.user)
    with pytest.raises(ValidationError) as refused:
        services.review_drafts_save(access=office, review_round=review_round, reviews=[first], **texts)
    assert "至少" in " ".join(refused.value.message_dict[field])
    with pytest.raises(ValidationError) as refused:
        services.review_drafts_save(access=office, review_round=review_round, reviews=[], **COMMON)
    assert "至少" in " ".join(refused.value.message_dict["reviews"])


def test_only_the_office_drafts(institute):
    review_round = _round(institute)
    first = review_of(review_round, branch=institute.branch)
    for user in (institute.secretary.user, institute.leader.user):
        with pytest.raises(PermissionDenied):
            services.review_drafts_save(
                access=compute_access(user), review_round=review_round, reviews=[first], **COMMON
            )
    assert Review.objects.get(pk=first.pk).achievements == ""


def test_the_drafts_page_costs_the_same_however_many_branches(client, institute):
    review_round = _round(institute)
    client.force_login(institute.office.user)
    url = reverse("supervision:review_drafts", args=[review_round.pk])

    def count():
        reviews = [r.pk for r in review_round.reviews.filter(kind="branch")]
        with CaptureQueriesContext(connection) as queries:
            assert client.post(url, {"reviews": reviews, **COMMON, "step": "preview"}).status_code == 200
        return len(queries)

    count()
    before = count()
    for k in range(4):
        branch = BranchFactory(committee=institute.committee, name=f"新支部{k}")
        Review.objects.create(round=review_round, kind="branch", branch=branch)
    assert count() == before
