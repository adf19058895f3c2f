"""Pledge services: the state machine, who may act, versions, progress roll-up, evidence files
and the year-end review."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

import core.evidence
from accounts.models import Notification
from pledges import selectors, services
from pledges.models import Pledge, PledgeReview, ProgressEntry, ProgressEvidence, Publication
from pledges.workflow import APPROVER, PUBLISHER, WRITER, pledge_actions, pledge_roles

from .test_pledges_support import (
    BRANCH_TEXTS,
    MEMBER_TEXTS,
    PNG,
    acc,
    actors,
    branch_items,
    make_pledge,
    member3_fixture,  # noqa: F401
    member_items,
    pdf,
    step,
    year_fixture,  # noqa: F401
)

pytestmark = pytest.mark.django_db

ACTIONS = [
    "edit",
    "submit",
    "return",
    "approve",
    "publish",
    "correct",
    "progress",
    "progress_publish",
    "self_assess",
    "review",
]
# Written out by hand (not derived from the code's table): what each status allows, and where
# each allowed action leads.
ALLOWED = {
    "draft": {"edit": "draft", "submit": "submitted"},
    "submitted": {"return": "returned", "approve": "approved"},
    "returned": {"edit": "returned", "submit": "submitted"},
    "approved": {"publish": "published"},
    "published": {
        "correct": "published",
        "progress": "published",
        "progress_publish": "published",
        "self_assess": "published",
        "review": "closed",
    },
    "closed": {},
}


@pytest.mark.parametrize("kind", ["branch", "member"])
@pytest.mark.parametrize("status", list(ALLOWED))
@pytest.mark.parametrize("action", ACTIONS)
def test_state_machine(institute, kind, status, action):
    pledge = make_pledge(institute, kind, status)
    if action == "review" and status == "published":
        step(institute, pledge, "self_assess")
    if action in ALLOWED[status]:
        step(institute, pledge, action)
        pledge.refresh_from_db()
        assert pledge.status == ALLOWED[status][action]
    else:
        with pytest.raises(ValidationError):
            step(institute, pledge, action)
        pledge.refresh_from_db()
        assert pledge.status == status


@pytest.mark.parametrize("kind", ["branch", "member"])
def test_superseded_version_allows_nothing(institute, kind):
    old = make_pledge(institute, kind, "published")
    new = step(institute, old, "correct")
    for action in ["submit", "approve", "publish"]:
        step(institute, new, action)
    old.refresh_from_db()
    assert old.status == Pledge.Status.SUPERSEDED
    who = actors(institute, old)
    for access in (who.writer, who.approver, who.publisher):
        assert pledge_actions(access, old) == set()
    for action in ACTIONS:
        with pytest.raises(ValidationError):
            step(institute, old, action)


def test_actions_offered_match_the_state_and_actor(institute):
    pledge = make_pledge(institute, "member", "submitted")
    assert pledge_actions(acc(institute.member.user), pledge) == set()
    assert pledge_actions(acc(institute.secretary.user), pledge) == {"return", "approve"}
    branch_pledge = make_pledge(institute, "branch", "approved")
    assert pledge_actions(acc(institute.secretary.user), branch_pledge) == {"publish"}
    assert pledge_actions(acc(institute.office.user), branch_pledge) == set()


# Who holds which part in a pledge of the institute's ``branch``.
ROLES = {
    "branch": {
        "secretary": {WRITER, PUBLISHER},
        "gb_secretary": {WRITER, PUBLISHER},
        "office": {APPROVER},
        "admin": {APPROVER},
    },
    "member": {
        "member": {WRITER},
        "secretary": {APPROVER, PUBLISHER},
        "gb_secretary": {APPROVER, PUBLISHER},
    },
}


@pytest.mark.parametrize("kind", ["branch", "member"])
@pytest.mark.parametrize(
    "role", ["staff", "member", "secretary", "gb_secretary", "other_secretary", "office", "leader", "admin"]
)
def test_roles_in_a_pledge(institute, users, kind, role):
    pledge = make_pledge(institute, kind, "draft")
    assert pledge_roles(acc(users[role]), pledge) == ROLES[kind].get(role, set())


@pytest.mark.parametrize(
    "kind, status, action, role",
    [
        ("branch", "draft", "submit", "office"),
        ("branch", "draft", "submit", "member"),
        ("branch", "draft", "edit", "other_secretary"),
        ("branch", "submitted", "approve", "secretary"),  # the office approves a branch pledge
        ("branch", "submitted", "approve", "leader"),
        ("branch", "submitted", "return", "gb_secretary"),
        ("branch", "approved", "publish", "office"),
        ("branch", "published", "review", "secretary"),
        ("branch", "published", "progress", "office"),
        ("member", "draft", "edit", "secretary"),  # only the member writes the own pledge
        ("member", "submitted", "approve", "member"),  # nobody approves the own pledge as member
        ("member", "submitted", "approve", "office"),
        ("member", "submitted", "approve", "other_secretary"),
        ("member", "approved", "publish", "member"),
        ("member", "published", "progress", "secretary"),
        ("member", "published", "review", "member"),
        ("member", "published", "progress", "staff"),
    ],
)
def test_refused_actor(institute, users, kind, status, action, role):
    pledge = make_pledge(institute, kind, status)
    access = acc(users[role])
    today = timezone.localdate()
    calls = {
        "edit": lambda: services.pledge_update(
            access=access, pledge=pledge, items=[], **(BRANCH_TEXTS if kind == "branch" else MEMBER_TEXTS)
        ),
        "submit": lambda: services.pledge_submit(access=access, pledge=pledge),
        "approve": lambda: services.pledge_approve(access=access, pledge=pledge),
        "return": lambda: services.pledge_return(access=access, pledge=pledge, reason="x"),
        "publish": lambda: services.pledge_publish(
            access=access,
            pledge=pledge,
            occasion="other",
            occasion_other="x",
            published_on=today,
            audience="x",
        ),
        "review": lambda: services.pledge_review(
            access=access, pledge=pledge, assessment="x", result="fulfilled"
        ),
        "progress": lambda: services.progress_add(
            access=access,
            item=pledge.items.first(),
            entered_on=datetime.date(2026, 3, 1),
            done="x",
            percent=10,
        ),
    }
    with pytest.raises(PermissionDenied):
        calls[action]()
    pledge.refresh_from_db()
    assert pledge.status == status


def test_only_own_member_pledge(institute, year):
    """A member pledge is always the acting member's own, in the own branch."""
    pledge = services.pledge_create(
        access=acc(institute.member.user),
        kind="member",
        campaign_year=year,
        items=member_items(2),
        **MEMBER_TEXTS,
    )
    assert (pledge.person, pledge.branch) == (institute.member, institute.branch)
    with pytest.raises(PermissionDenied):
        services.pledge_create(
            access=acc(institute.office.user), kind="member", campaign_year=year, **MEMBER_TEXTS
        )
    with pytest.raises(ValidationError):  # one pledge a year
        services.pledge_create(
            access=acc(institute.member.user), kind="member", campaign_year=year, **MEMBER_TEXTS
        )


def test_branch_pledge_only_in_scope(institute, year):
    with pytest.raises(PermissionDenied):
        services.pledge_create(
            access=acc(institute.secretary.user),
            kind="branch",
            campaign_year=year,
            branch=institute.other_branch,
        )
    # The general branch secretary writes for the branches of the general branch.
    pledge = services.pledge_create(
        access=acc(institute.gb_secretary.user),
        kind="branch",
        campaign_year=year,
        branch=institute.branch2,
        items=branch_items(institute.member2),
        **BRANCH_TEXTS,
    )
    assert pledge.branch == institute.branch2


def test_submit_requires_complete_pledge(institute, year):
    member = acc(institute.member.user)
    pledge = services.pledge_create(
        access=member, kind="member", campaign_year=year, items=member_items(1), **MEMBER_TEXTS
    )
    with pytest.raises(ValidationError, match="2"):
        services.pledge_submit(access=member, pledge=pledge)
    with pytest.raises(ValidationError):  # at most five, already when saving
        services.pledge_update(access=member, pledge=pledge, items=member_items(6), **MEMBER_TEXTS)
    services.pledge_update(access=member, pledge=pledge, items=member_items(5), plan="", direction="方向")
    with pytest.raises(ValidationError):  # the plan is empty
        services.pledge_submit(access=member, pledge=pledge)
    services.pledge_update(access=member, pledge=pledge, items=member_items(5), **MEMBER_TEXTS)
    assert services.pledge_submit(access=member, pledge=pledge).status == "submitted"

    secretary = acc(institute.secretary.user)
    branch_pledge = services.pledge_create(
        access=secretary, kind="branch", campaign_year=year, branch=institute.branch, **BRANCH_TEXTS
    )
    with pytest.raises(ValidationError, match="进度节点"):
        services.pledge_submit(access=secretary, pledge=branch_pledge)


@pytest.mark.parametrize(
    "item, code",
    [
        ({"text": "", "criterion": "leadership"}, "item_text"),
        ({"text": "x", "criterion": "learning"}, "item_criterion"),  # a lead, not one of the five goods
        ({"text": "x", "criterion": "leadership", "due_on": None}, "milestone_incomplete"),
        ({"text": "x", "criterion": "leadership", "due_on": datetime.date(2025, 5, 1)}, "milestone_date"),
        ({"text": "x", "criterion": "leadership", "responsible": "member2"}, "milestone_responsible"),
    ],
)
def test_milestone_validation(institute, year, item, code):
    item = {"due_on": datetime.date(2026, 5, 1), "responsible": institute.member, **item}
    if item["responsible"] == "member2":
        item["responsible"] = institute.member2  # a member of another branch
    with pytest.raises(ValidationError) as error:
        services.pledge_create(
            access=acc(institute.secretary.user),
            kind="branch",
            campaign_year=year,
            branch=institute.branch,
            items=[item],
            **BRANCH_TEXTS,
        )
    assert error.value.code == code


def test_return_needs_reason_and_resubmit_clears_it(institute):
    pledge = make_pledge(institute, "member", "submitted")
    secretary = acc(institute.secretary.user)
    with pytest.raises(ValidationError):
        services.pledge_return(access=secretary, pledge=pledge, reason="  ")
    services.pledge_return(access=secretary, pledge=pledge, reason="请具体一些")
    pledge.refresh_from_db()
    assert (pledge.status, pledge.return_reason) == ("returned", "请具体一些")
    # The member is told, with a link to the pledge; the one who returned it is not.
    note = Notification.objects.get(user=institute.member.user)
    assert "请具体一些" in note.message and str(pledge.pk) in note.link
    assert not Notification.objects.filter(
        user=institute.secretary.user, message__contains="请具体一些"
    ).exists()
    step(institute, pledge, "submit")
    pledge.refresh_from_db()
    assert (pledge.status, pledge.return_reason) == ("submitted", "")
    assert pledge.history.filter(return_reason="请具体一些").exists()  # kept in the audit trail


def test_returned_without_reason_is_refused_by_the_database(institute):
    pledge = make_pledge(institute, "member", "submitted")
    with pytest.raises(IntegrityError), transaction.atomic():
        Pledge.objects.filter(pk=pledge.pk).update(status="returned", return_reason="")


def test_submission_notifies_the_approvers(institute):
    make_pledge(institute, "branch", "submitted")
    assert Notification.objects.filter(user=institute.office.user).count() == 1
    make_pledge(institute, "member", "submitted")
    assert Notification.objects.filter(user=institute.secretary.user).exists()


def test_publication_records_occasion_date_and_audience(institute):
    pledge = make_pledge(institute, "branch", "approved")
    secretary = acc(institute.secretary.user)
    today = timezone.localdate()
    with pytest.raises(ValidationError) as error:
        services.pledge_publish(
            access=secretary, pledge=pledge, occasion="other", published_on=today, audience=""
        )
    assert set(error.value.error_dict) == {"occasion_other", "audience"}
    with pytest.raises(ValidationError):
        services.pledge_publish(
            access=secretary,
            pledge=pledge,
            occasion="department_meeting",
            published_on=today + datetime.timedelta(days=1),
            audience="全体职工",
        )
    with pytest.raises(ValidationError):  # before it was approved
        services.pledge_publish(
            access=secretary,
            pledge=pledge,
            occasion="department_meeting",
            published_on=today - datetime.timedelta(days=1),
            audience="全体职工",
        )
    services.pledge_publish(
        access=secretary,
        pledge=pledge,
        occasion="team_leaders_meeting",
        published_on=today,
        audience="各班组长",
    )
    publication = Publication.objects.get(pledge=pledge)
    assert (publication.occasion, publication.published_on, publication.audience, publication.quarter) == (
        "team_leaders_meeting",
        today,
        "各班组长",
        None,
    )
    assert publication.by == institute.secretary.user
    assert pledge.history.first().history_user == institute.secretary.user


# --- Versions -------------------------------------------------------------------------------


def test_correction_is_a_new_version_and_keeps_the_old_one(institute):
    v1 = make_pledge(institute, "branch", "published", items=2)
    step(institute, v1, "progress", percent=40)
    v2 = step(institute, v1, "correct")
    assert (v2.version, v2.previous, v2.status) == (2, v1, "draft")
    assert [i.text for i in v2.items.all()] == [i.text for i in v1.items.all()]
    v1.refresh_from_db()
    assert v1.status == "published"  # in force until the correction is published
    with pytest.raises(ValidationError):  # one correction at a time
        step(institute, v1, "correct")
    with pytest.raises(ValidationError):  # the published version is read-only
        step(institute, v1, "edit")
    step(institute, v1, "self_assess")
    with pytest.raises(ValidationError):  # reviewed only once the correction is through
        step(institute, v1, "review")

    secretary = acc(institute.secretary.user)
    first, second = v2.items.all()
    services.pledge_update(
        access=secretary,
        pledge=v2,
        items=[
            {
                "id": first.pk,
                "text": "里程碑1（修订）",
                "criterion": first.criterion,
                "due_on": first.due_on,
                "responsible": institute.member,
            },
            {
                "text": "新增里程碑",
                "criterion": "standing",
                "due_on": datetime.date(2026, 9, 1),
                "responsible": institute.member,
            },
        ],
        **{**BRANCH_TEXTS, "focus": "修订后的争创重点"},
    )
    step(institute, v1, "progress", percent=60, entered_on=datetime.date(2026, 4, 1))  # still the live one
    for action in ["submit", "approve", "publish"]:
        step(institute, v2, action)
    v1.refresh_from_db()
    v2.refresh_from_db()
    assert (v1.status, v2.status) == ("superseded", "published")
    assert v1.focus == "争创重点" and v2.focus == "修订后的争创重点"
    assert [i.text for i in v1.items.all()] == ["里程碑1", "里程碑2"]  # untouched
    # The kept item takes its progress over; the old version keeps its own entries.
    kept = v2.items.get(source__isnull=False)
    assert list(kept.entries.values_list("percent", flat=True)) == [40, 60]
    assert all(e.copied_from_id for e in kept.entries.all())
    assert ProgressEntry.objects.filter(item__pledge=v1).count() == 2
    assert selectors.pledge_progress(v2) == 30.0  # (60 + 0) / 2
    assert selectors.pledge_progress(v1) == 30.0  # (60 + 0) / 2 as well, still visible
    assert set(Pledge.objects.public().filter(branch=institute.branch)) == {v1, v2}
    assert v2.history.first().history_user == institute.secretary.user


def test_only_one_first_version_and_one_live_version(institute, year):
    v1 = make_pledge(institute, "member", "published")
    with pytest.raises(IntegrityError), transaction.atomic():
        Pledge.objects.create(
            kind="member",
            campaign_year=year,
            branch=institute.branch,
            person=institute.member,
            created_by=institute.admin,
        )
    v2 = step(institute, v1, "correct")
    with pytest.raises(IntegrityError), transaction.atomic():
        Pledge.objects.filter(pk=v2.pk).update(status="published")


# --- Fulfilment -----------------------------------------------------------------------------


def test_progress_roll_up(institute):
    pledge = make_pledge(institute, "branch", "published", items=3)
    a, b, c = pledge.items.all()
    writer = acc(institute.secretary.user)

    def add(item, on, percent):
        services.progress_add(
            access=writer, item=item, entered_on=datetime.date(2026, *on), done="推进", percent=percent
        )

    add(a, (3, 1), 20)
    add(a, (3, 1), 60)  # same day: the later entry counts
    add(b, (4, 1), 100)
    items = {i.pk: i.progress for i in selectors.items_with_progress().filter(pledge=pledge)}
    assert items == {a.pk: 60, b.pk: 100, c.pk: 0}
    assert selectors.pledge_progress(pledge) == 53.3
    row = selectors.pledge_list(Pledge.objects.filter(pk=pledge.pk)).get()
    assert round(row.progress, 1) == 53.3 and row.item_count == 3
    empty = make_pledge(institute, "member", "published")
    assert selectors.pledge_progress(empty) == 0.0


@pytest.mark.parametrize(
    "entered_on, percent, field",
    [
        (datetime.date(2026, 5, 1), 50, "percent"),  # going back from 60 %
        (datetime.date(2026, 3, 31), 70, "entered_on"),  # before the latest entry
        (datetime.date(2025, 12, 31), 70, "entered_on"),  # outside the campaign year
        (timezone.localdate() + datetime.timedelta(days=1), 70, "entered_on"),
        (datetime.date(2026, 5, 1), 101, "percent"),
    ],
)
def test_progress_refusals(institute, entered_on, percent, field):
    pledge = make_pledge(institute, "member", "published")
    step(institute, pledge, "progress", entered_on=datetime.date(2026, 4, 1), percent=60)
    with pytest.raises(ValidationError) as error:
        step(institute, pledge, "progress", entered_on=entered_on, percent=percent)
    assert field in error.value.error_dict
    assert ProgressEntry.objects.filter(item__pledge=pledge).count() == 1


def test_progress_with_evidence_is_stored_privately(institute, settings):
    pledge = make_pledge(institute, "member", "published")
    entry = step(institute, pledge, "progress", files=[pdf("总结.pdf"), pdf("照片.png", PNG)])
    files = list(entry.evidence.all())
    assert [(f.original_name, f.uploaded_by) for f in files] == [
        ("总结.pdf", institute.member.user),
        ("照片.png", institute.member.user),
    ]
    for f in files:
        assert f.file.name.startswith(f"evidence/pledges/2026/{pledge.pk}/")
        assert "总结" not in f.file.name  # no user-chosen name on disk
        assert (settings.MEDIA_ROOT / f.file.name).exists()


@pytest.mark.parametrize(
    "name, content, code",
    [
        ("program.exe", b"MZ\x90\x00", "file_type"),
        ("report.pdf", b"just some text, renamed", "file_content"),  # a renamed file
        ("photo.jpg", PNG, "file_content"),  # a PNG called .jpg
        ("big.pdf", b"%PDF-1.4" + b"x" * 100, "file_size"),
        ("empty.pdf", b"", "file_empty"),
    ],
)
def test_evidence_refused(institute, monkeypatch, settings, name, content, code):
    monkeypatch.setattr(core.evidence, "MAX_SIZE", 64)
    pledge = make_pledge(institute, "member", "published")
    with pytest.raises(ValidationError) as error:
        step(institute, pledge, "progress", files=[pdf("fine.pdf"), pdf(name, content)])
    [refusal] = error.value.error_dict["files"]
    assert refusal.code == code and name in refusal.messages[0]
    assert ProgressEntry.objects.count() == 0 and ProgressEvidence.objects.count() == 0
    assert not (settings.MEDIA_ROOT / "evidence").exists()  # nothing written, not even the good file


def test_quarterly_progress_publication(institute):
    pledge = make_pledge(institute, "branch", "published", items=2)
    step(institute, pledge, "progress", percent=50)
    secretary = acc(institute.secretary.user)
    today = timezone.localdate()
    args = {"occasion": "department_meeting", "audience": "全体职工", "published_on": today}
    publication = services.progress_publish(access=secretary, pledge=pledge, quarter=1, **args)
    assert (publication.quarter, publication.progress) == (1, 25)
    with pytest.raises(ValidationError):  # once per quarter
        services.progress_publish(access=secretary, pledge=pledge, quarter=1, **args)
    with pytest.raises(ValidationError):  # not before the quarter has begun
        services.progress_publish(
            access=secretary, pledge=pledge, quarter=2, **{**args, "published_on": datetime.date(2026, 3, 30)}
        )
    with pytest.raises(ValidationError):
        services.progress_publish(access=secretary, pledge=pledge, quarter=5, **args)
    with pytest.raises(PermissionDenied):  # published by the secretary, not the office
        services.progress_publish(access=acc(institute.office.user), pledge=pledge, quarter=2, **args)


# --- Pledge review ----------------------------------------------------------------------------


def test_review_needs_self_assessment_and_explanation(institute):
    pledge = make_pledge(institute, "member", "published")
    secretary = acc(institute.secretary.user)
    with pytest.raises(ValidationError):
        services.pledge_review(access=secretary, pledge=pledge, assessment="好", result="fulfilled")
    step(institute, pledge, "self_assess")
    with pytest.raises(ValidationError) as error:
        services.pledge_review(access=secretary, pledge=pledge, assessment="一般", result="partly")
    assert "explanation" in error.value.error_dict
    with pytest.raises(ValidationError):
        services.pledge_review(access=secretary, pledge=pledge, assessment="一般", result="maybe")
    review = services.pledge_review(
        access=secretary, pledge=pledge, assessment="一般", result="not_fulfilled", explanation="项目推迟"
    )
    pledge.refresh_from_db()
    assert pledge.status == "closed"
    assert (review.result, review.explanation, review.reviewed_by) == (
        "not_fulfilled",
        "项目推迟",
        institute.secretary.user,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        PledgeReview.objects.filter(pk=review.pk).update(explanation="")


def test_branch_pledge_reviewed_by_the_office(institute):
    pledge = make_pledge(institute, "branch", "closed")
    assert pledge.review.reviewed_by == institute.office.user
    assert pledge.review.self_assessed_by == institute.secretary.user


def test_visibility_queryset(institute, users, member3):
    draft = make_pledge(institute, "member", "draft")
    published = make_pledge(institute, "member", "published", person=member3)
    branch_draft = make_pledge(institute, "branch", "draft")

    def visible(role):
        return set(Pledge.objects.visible_to(acc(users[role])))

    assert visible("member") == {draft, published}  # the own draft, the branch's published ones
    assert visible("staff") == {published}  # staff of the department: published only
    assert visible("secretary") == {draft, published, branch_draft}
    assert visible("office") == {published, branch_draft}  # the office does not see members' drafts
    assert visible("leader") == {published}
    assert visible("other_secretary") == set()
    assert visible("admin") == {published, branch_draft}
