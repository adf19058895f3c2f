"""Issue 19: one-way steps are either reopened by the right role with a reason (kept in the
history), or ask for a confirmation that names what cannot be undone.

- a quarterly supervision round: the office reopens it with a reason;
- an archived activity record: the branch's secretary or the office restores it with a reason;
- closing a mass evaluation and each stage of a democratic appraisal: final by choice (reopening
  a vote after its results were read would tell how late voters answered), so the POST needs a
  ticked confirmation, refused with a message without it;
- a semi-annual review round opened after its review date: the deadline counts from the opening
  day and the office is told.
"""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.access import compute_access
from accounts.models import Notification
from activities import services as activity_services
from activities.models import ActivityRecord, Kind
from evaluations import services as evaluation_services
from evaluations.models import Appraisal, Evaluation
from evaluations.workflow import EVALUATION
from supervision import services as supervision_services
from supervision import tasks as supervision_tasks
from supervision.models import ReviewRound, SupervisionRound

from .test_evaluations_support import create_evaluation, make_staff
from .test_supervision_support import year_of

pytestmark = pytest.mark.django_db


def _messages(response) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


# --- quarterly supervision round ---------------------------------------------------------------


@pytest.fixture
def concluded_round(institute):
    office = compute_access(institute.office.user)
    supervision_round = supervision_services.supervision_round_create(
        access=office, campaign_year=year_of(institute.campaign), quarter=2
    )
    return supervision_services.supervision_round_conclude(
        access=office, supervision_round=supervision_round, summary="总体良好"
    )


def test_office_reopens_a_concluded_round_with_a_reason_kept_in_history(institute, concluded_round):
    assert concluded_round.snapshot
    office = compute_access(institute.office.user)
    reopened = supervision_services.supervision_round_reopen(
        access=office, supervision_round=concluded_round, reason="第一党支部整改材料漏报"
    )
    reopened.refresh_from_db()
    assert reopened.status == SupervisionRound.Status.OPEN
    assert (reopened.concluded_at, reopened.concluded_by, reopened.snapshot) == (None, None, [])
    assert reopened.summary == "总体良好"  # kept, to be revised
    last = reopened.history.first()
    assert (last.status, last.reopen_reason, last.history_user) == (
        "open",
        "第一党支部整改材料漏报",
        institute.office.user,
    )
    # The earlier conclusion is still in the history.
    assert reopened.history.filter(status="concluded", summary="总体良好").exists()
    # And it can be concluded again, with a new snapshot.
    again = supervision_services.supervision_round_conclude(
        access=office, supervision_round=reopened, summary="补报后良好"
    )
    assert again.status == SupervisionRound.Status.CONCLUDED and again.snapshot


def test_round_reopen_refusals_change_nothing(institute, concluded_round):
    office = compute_access(institute.office.user)
    with pytest.raises(ValidationError) as error:
        supervision_services.supervision_round_reopen(
            access=office, supervision_round=concluded_round, reason="  "
        )
    assert "reason" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        supervision_services.supervision_round_reopen(
            access=compute_access(institute.leader.user), supervision_round=concluded_round, reason="想改"
        )
    concluded_round.refresh_from_db()
    assert concluded_round.status == SupervisionRound.Status.CONCLUDED
    assert concluded_round.history.count() == 2  # created, concluded
    open_round = supervision_services.supervision_round_create(
        access=office, campaign_year=concluded_round.campaign_year, quarter=3
    )
    with pytest.raises(ValidationError):
        supervision_services.supervision_round_reopen(access=office, supervision_round=open_round, reason="x")


def test_round_reopen_through_the_pages(client, institute, concluded_round):
    client.force_login(institute.office.user)
    detail = reverse("supervision:round_detail", args=[concluded_round.pk])
    assert 'data-testid="round-reopen"' in client.get(detail).content.decode()
    url = reverse("supervision:round_reopen", args=[concluded_round.pk])
    page = client.get(url).content.decode()
    assert "此前的总结连同您填写的理由保留在历史记录中" in page
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200 and "这个字段是必填项" in response.content.decode()
    concluded_round.refresh_from_db()
    assert concluded_round.status == SupervisionRound.Status.CONCLUDED
    response = client.post(url, {"reason": "漏报"})
    assert response.status_code == 302
    concluded_round.refresh_from_db()
    assert concluded_round.status == SupervisionRound.Status.OPEN
    page = client.get(detail).content.decode()
    assert 'data-testid="round-reopened"' in page and "漏报" in page
    assert 'data-testid="round-reopen"' not in page
    # The leading group sees the round but has no button and may not reopen.
    client.force_login(institute.leader.user)
    assert 'data-testid="round-reopen"' not in client.get(detail).content.decode()
    assert client.post(url, {"reason": "x"}).status_code == 403


# --- activity record ---------------------------------------------------------------------------


@pytest.fixture
def archived_record(institute):
    secretary = compute_access(institute.secretary.user)
    record = activity_services.record_create(
        branch=institute.branch,
        kind=Kind.GENERAL_MEETING,
        access=secretary,
        held_on=datetime.date(2026, 3, 1),
        title="党员大会",
        today=datetime.date(2026, 11, 1),
    )
    return activity_services.record_archive(record=record, access=secretary, reason="误归档")


@pytest.mark.parametrize("role", ["secretary", "office"])
def test_secretary_or_office_restores_an_archived_record(institute, archived_record, role):
    user = getattr(institute, role).user
    restored = activity_services.record_restore(
        record=archived_record, access=compute_access(user), reason="归档有误"
    )
    restored.refresh_from_db()
    assert not restored.is_archived and restored.archive_reason == ""
    assert restored.restore_reason == "归档有误"
    assert ActivityRecord.objects.active().filter(pk=restored.pk).exists()  # counts again
    last = restored.history.first()
    assert (last.restore_reason, last.archived_at, last.history_user) == ("归档有误", None, user)
    assert restored.history.filter(archive_reason="误归档").exists()  # the archiving stays


def test_restore_refusals_change_nothing(institute, archived_record):
    with pytest.raises(ValidationError) as error:
        activity_services.record_restore(
            record=archived_record, access=compute_access(institute.secretary.user), reason=" "
        )
    assert "reason" in error.value.message_dict
    for person in (institute.leader, institute.other_secretary, institute.member):
        with pytest.raises(PermissionDenied):
            activity_services.record_restore(
                record=archived_record, access=compute_access(person.user), reason="x"
            )
    archived_record.refresh_from_db()
    assert archived_record.is_archived and archived_record.history.count() == 2
    restored = activity_services.record_restore(
        record=archived_record, access=compute_access(institute.secretary.user), reason="有误"
    )
    with pytest.raises(ValidationError):  # not archived any more
        activity_services.record_restore(
            record=restored, access=compute_access(institute.secretary.user), reason="有误"
        )


def test_restore_through_the_pages(client, institute, archived_record):
    client.force_login(institute.office.user)
    detail = reverse("activities:detail", args=[archived_record.pk])
    assert 'data-testid="restore"' in client.get(detail).content.decode()
    url = reverse("activities:restore", args=[archived_record.pk])
    assert "误归档" in client.get(url).content.decode()  # why it was archived
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200 and "这个字段是必填项" in response.content.decode()
    archived_record.refresh_from_db()
    assert archived_record.is_archived
    response = client.post(url, {"reason": "归档有误"})
    assert response.status_code == 302
    archived_record.refresh_from_db()
    assert not archived_record.is_archived
    page = client.get(detail).content.decode()
    assert 'data-testid="restored"' in page and "归档有误" in page
    assert 'data-testid="restore"' not in page
    assert client.get(url).status_code == 404  # no longer archived
    # Another branch's secretary does not find it.
    client.force_login(institute.other_secretary.user)
    assert client.get(url).status_code == 404


def test_archive_page_says_the_record_can_be_restored(client, institute):
    record = activity_services.record_create(
        branch=institute.branch,
        kind=Kind.GENERAL_MEETING,
        access=compute_access(institute.secretary.user),
        held_on=datetime.date(2026, 3, 1),
        title="党员大会",
        today=datetime.date(2026, 11, 1),
    )
    client.force_login(institute.secretary.user)
    page = client.get(reverse("activities:archive", args=[record.pk])).content.decode()
    assert "支部书记或活动办公室可以填写理由将其恢复" in page


# --- mass evaluation and democratic appraisal: confirmed, not reopened -------------------------


@pytest.fixture
def open_evaluation(institute):
    make_staff(institute.committee, institute.department, 5)
    return create_evaluation(institute)


def test_closing_an_evaluation_needs_the_confirmation(client, institute, open_evaluation):
    client.force_login(institute.office.user)
    detail = reverse("evaluations:detail", args=[open_evaluation.pk])
    page = client.get(detail).content.decode()
    assert 'data-testid="close-form"' in page and "已结束的评议不能重新开放" in page
    assert 'name="confirm"' in page
    url = reverse("evaluations:close", args=[open_evaluation.pk])
    versions = open_evaluation.history.count()
    response = client.post(url, {})
    assert response.status_code == 302
    assert "请勾选确认：此操作无法撤销。" in _messages(response)
    open_evaluation.refresh_from_db()
    assert open_evaluation.status == Evaluation.Status.OPEN
    assert open_evaluation.history.count() == versions  # nothing written
    response = client.post(url, {"confirm": "on"})
    open_evaluation.refresh_from_db()
    assert open_evaluation.status == Evaluation.Status.CLOSED
    assert 'data-testid="close-form"' not in client.get(detail).content.decode()


def test_no_action_reopens_a_closed_evaluation():
    """The choice: closing is final (see ``EvaluationActionView``): the workflow has no way back."""
    assert not [key for key in EVALUATION.transitions if key[0] == Evaluation.Status.CLOSED]


def test_each_appraisal_stage_needs_the_confirmation(client, institute):
    appraisal = evaluation_services.appraisal_start(
        branch=institute.branch,
        campaign_year=year_of(institute.campaign),
        access=compute_access(institute.secretary.user),
    )
    client.force_login(institute.secretary.user)
    detail = reverse("evaluations:appraisal_detail", args=[appraisal.pk])
    page = client.get(detail).content.decode()
    assert 'data-testid="advance-consequence"' in page and "此后不能再登记个人自评" in page
    url = reverse("evaluations:appraisal_advance", args=[appraisal.pk])
    response = client.post(url, {})
    assert "请勾选确认：此操作无法撤销。" in _messages(response)
    appraisal.refresh_from_db()
    assert appraisal.status == Appraisal.Status.SELF_ASSESSMENT
    client.post(url, {"confirm": "on"})
    appraisal.refresh_from_db()
    assert appraisal.status == Appraisal.Status.PEER_ASSESSMENT


# --- a review round opened late ----------------------------------------------------------------


def test_a_round_opened_late_counts_its_deadline_from_the_opening_and_tells_the_office(institute):
    year = year_of(institute.campaign)
    assert year.midyear_review_on == datetime.date(2026, 6, 30)
    # The schedule was down from the review date until 10 July.
    opened = supervision_tasks.open_due_review_rounds(on="2026-07-10")
    review_round = ReviewRound.objects.get(pk=opened[0]["round"])
    assert review_round.opened_on == datetime.date(2026, 6, 30)
    assert review_round.write_by == datetime.date(2026, 7, 10) + datetime.timedelta(
        days=supervision_services.WRITE_WITHIN_DAYS
    )
    (note,) = Notification.objects.filter(user=institute.office.user)
    assert "晚于点评日期 2026-06-30" in note.message and "2026-07-25" in note.message


def test_a_round_opened_on_time_keeps_the_calendar_deadline(institute):
    year = year_of(institute.campaign)
    review_round, _ = supervision_services.review_round_open(
        campaign_year=year, half=ReviewRound.Half.FIRST, today=datetime.date(2026, 6, 30)
    )
    assert review_round.write_by == datetime.date(2026, 7, 15)
    (note,) = Notification.objects.filter(user=institute.office.user)
    assert "晚于" not in note.message


def test_the_office_opening_a_round_late_by_hand_gets_the_later_deadline(client, institute):
    year = year_of(institute.campaign)
    client.force_login(institute.office.user)
    client.post(reverse("supervision:review_round_open"), {"campaign_year": year.pk, "half": 1})
    review_round = ReviewRound.objects.get()
    today = timezone.localdate()
    expected = max(today, year.midyear_review_on) + datetime.timedelta(
        days=supervision_services.WRITE_WITHIN_DAYS
    )
    assert review_round.write_by == expected


# --- the new pages cost a fixed number of queries ------------------------------------------------


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_restore_and_reopen_pages_cost_fixed_queries(client, institute, archived_record, concluded_round):
    client.force_login(institute.office.user)
    restore = reverse("activities:restore", args=[archived_record.pk])
    reopen = reverse("supervision:round_reopen", args=[concluded_round.pk])
    before = (_queries(client, restore), _queries(client, reopen))
    # More records, archived and restored, and more rounds: the same pages cost the same.
    secretary = compute_access(institute.secretary.user)
    office = compute_access(institute.office.user)
    for n in range(3):
        record = activity_services.record_create(
            branch=institute.branch,
            kind=Kind.GENERAL_MEETING,
            access=secretary,
            held_on=datetime.date(2026, 3, 2 + n),
            title=f"党员大会{n}",
            today=datetime.date(2026, 11, 1),
        )
        activity_services.record_archive(record=record, access=secretary, reason="重复")
    supervision_services.supervision_round_reopen(
        access=office, supervision_round=concluded_round, reason="补"
    )
    supervision_services.supervision_round_conclude(
        access=office, supervision_round=concluded_round, summary="好"
    )
    supervision_services.supervision_round_create(
        access=office, campaign_year=concluded_round.campaign_year, quarter=4
    )
    assert (_queries(client, restore), _queries(client, reopen)) == before
