"""Scheduled jobs: beat schedules stored with django-celery-beat, the review round opened on the
calendar's dates exactly once (also by a real worker, run twice and concurrently), and reminders
sent at most once a day per recipient and subject, in the inbox and by e-mail."""

import datetime
import threading

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from accounts.access import compute_access
from accounts.models import Notification
from branches.models import Person
from supervision import services, tasks
from supervision.models import Inspection, ReminderLog, Review, ReviewRound
from supervision.schedules import SCHEDULES, ensure_beat_schedules

from .factories import make_member
from .test_supervision_support import D, inspect, review_of, write, year_of

# --- beat schedules -------------------------------------------------------------------------


def test_beat_schedules_are_stored_and_editable(beat_schedules):
    stored = {t.task: t for t in PeriodicTask.objects.select_related("crontab")}
    for name, task, cron, _description in SCHEDULES:
        assert stored[task].name == name and stored[task].enabled
        assert str(stored[task].crontab.timezone) == "Asia/Shanghai"
        assert stored[task].crontab.hour == cron["hour"]
    assert stored["supervision.tasks.remind_news_reports"].crontab.day_of_month == "20"
    # Running the migration's code again changes nothing, and keeps what the admin edited.
    stored["supervision.tasks.send_review_reminders"].enabled = False
    stored["supervision.tasks.send_review_reminders"].save()
    from django.apps import apps

    assert ensure_beat_schedules(apps) == 0
    assert PeriodicTask.objects.filter(task__startswith="supervision.").count() == len(SCHEDULES)
    assert not PeriodicTask.objects.get(task="supervision.tasks.send_review_reminders").enabled
    # Every scheduled task exists.
    for _name, task, _cron, _description in SCHEDULES:
        assert hasattr(tasks, task.rsplit(".", 1)[1])


def test_admin_runs_a_schedule_by_hand(client, institute, beat_schedules):
    client.force_login(institute.admin)
    task = PeriodicTask.objects.get(task="supervision.tasks.open_due_review_rounds")
    response = client.post(
        reverse("admin:django_celery_beat_periodictask_changelist"),
        {"action": "run_tasks", "_selected_action": [task.pk]},
    )
    assert response.status_code == 302
    # Today is after the mid-year review date of the 2026 calendar (the tests are run later).
    assert ReviewRound.objects.filter(half=ReviewRound.Half.FIRST).count() == 1


def test_run_scheduled_job_command(institute, capsys):
    call_command("run_scheduled_job")
    assert "open_due_review_rounds" in capsys.readouterr().out
    call_command("run_scheduled_job", "open_due_review_rounds", on="2026-07-01")
    assert list(ReviewRound.objects.values_list("half", flat=True)) == [ReviewRound.Half.FIRST]
    with pytest.raises(Exception, match="未知任务"):
        call_command("run_scheduled_job", "format_the_disk")


# --- opening rounds on the calendar's dates -------------------------------------------------


def test_rounds_open_on_the_calendar_dates(institute):
    year = year_of(institute.campaign)
    assert tasks.open_due_review_rounds(on="2026-06-29") == []
    opened = tasks.open_due_review_rounds(on="2026-06-30")
    assert len(opened) == 1 and opened[0]["created"] > 0
    assert tasks.open_due_review_rounds(on="2026-07-01") == []  # exists: left alone
    # The dates are those of the (editable) calendar.
    year.yearend_review_on = D(2026, 12, 20)
    year.save()
    assert tasks.open_due_review_rounds(on="2026-12-19") == []
    assert len(tasks.open_due_review_rounds(on="2026-12-20")) == 1
    assert sorted(ReviewRound.objects.values_list("half", flat=True)) == [1, 2]


def test_missed_year_end_round_opens_in_january_only(institute):
    # The schedule was down at the end of December: the year-end round opens in January...
    assert tasks.open_due_review_rounds(on="2027-02-01") == []  # (not later: a past year)
    assert len(tasks.open_due_review_rounds(on="2027-01-03")) == 1
    assert list(ReviewRound.objects.values_list("half", flat=True)) == [ReviewRound.Half.SECOND]
    # ...and a past mid-year round is never filled in afterwards.
    assert tasks.open_due_review_rounds(on="2027-01-04") == []


# --- reminders: once a day per recipient and subject ----------------------------------------


@pytest.fixture
def with_emails(institute):
    for person in (
        institute.secretary,
        institute.gb_secretary,
        institute.other_secretary,
        institute.member,
        institute.office,
    ):
        person.user.email = f"{person.user.username}@example.com"
        person.user.save()
    return institute


def _run_twice(job, on, capture):
    """Run a job twice on the same day; return what each run reported."""
    results = []
    for _ in range(2):
        with capture(execute=True):
            results.append(getattr(tasks, job)(on=on))
    return results


def test_review_reminders_once_a_day(with_emails, mailoutbox, django_capture_on_commit_callbacks):
    institute = with_emails
    review_round, _ = services.review_round_open(
        campaign_year=year_of(institute.campaign), half=1, today=datetime.date(2026, 6, 30)
    )  # on time: due 07-15
    office = institute.office.user
    member_review = write(review_of(review_round, person=institute.member), office)
    branch_review = write(review_of(review_round, branch=institute.branch), office)
    fresh = write(review_of(review_round, branch=institute.other_branch), office)
    Review.objects.filter(pk__in=[member_review.pk, branch_review.pk]).update(
        written_at=timezone.make_aware(datetime.datetime(2026, 7, 10, 10))
    )
    Review.objects.filter(pk=fresh.pk).update(
        written_at=timezone.make_aware(datetime.datetime(2026, 7, 19, 10))
    )
    Notification.objects.all().delete()
    mailoutbox.clear()

    first, second = _run_twice("send_review_reminders", "2026-07-20", django_capture_on_commit_callbacks)
    # The office for the unwritten reviews (due 07-15); the member and the branch's secretary
    # for reviews written 10 days ago; not the other branch, whose review is a day old.
    assert first == {"write": 1, "acknowledge": 2}
    assert second == {"write": 0, "acknowledge": 0}
    assert Notification.objects.filter(user=office).count() == 1
    assert Notification.objects.filter(user=institute.member.user).count() == 1
    assert Notification.objects.filter(user=institute.secretary.user).count() == 1
    assert not Notification.objects.filter(user=institute.other_secretary.user).exists()
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        [office.email, institute.member.user.email, institute.secretary.user.email]
    )
    assert "2026-07-10" in Notification.objects.get(user=institute.member.user).message

    # The next day they are reminded again, once; an acknowledged review no more.
    services.review_acknowledge(access=compute_access(institute.member.user), review=member_review)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_review_reminders(on="2026-07-21") == {"write": 1, "acknowledge": 1}
    assert ReminderLog.objects.filter(kind="review_acknowledge", recipient=institute.member.user).count() == 1


def test_overdue_rectification_reminder_once_a_day(
    with_emails, mailoutbox, django_capture_on_commit_callbacks
):
    institute = with_emails
    inspection = inspect(institute, institute.branch)  # due 2026-04-10
    inspect(institute, institute.other_branch, due=D(2026, 5, 1))  # not yet due
    Notification.objects.all().delete()
    mailoutbox.clear()
    assert _run_twice("remind_overdue_rectifications", "2026-04-10", django_capture_on_commit_callbacks) == [
        0,
        0,
    ]
    assert _run_twice("remind_overdue_rectifications", "2026-04-11", django_capture_on_commit_callbacks) == [
        1,
        0,
    ]
    reminder = Notification.objects.get(user=institute.secretary.user)
    assert reminder.link == reverse("supervision:inspection_reply", args=[inspection.pk])
    assert [m.to for m in mailoutbox] == [[institute.secretary.user.email]]


def test_unpublished_pledge_reminder(with_emails, mailoutbox, django_capture_on_commit_callbacks):
    from pledges.models import Pledge

    institute = with_emails
    year = year_of(institute.campaign)
    Pledge.objects.create(
        kind=Pledge.Kind.BRANCH,
        campaign_year=year,
        branch=institute.other_branch,
        status=Pledge.Status.PUBLISHED,
        created_by=institute.other_secretary.user,
    )
    assert _run_twice("remind_unpublished_pledges", "2026-02-28", django_capture_on_commit_callbacks) == [
        0,
        0,
    ]
    first, second = _run_twice("remind_unpublished_pledges", "2026-03-02", django_capture_on_commit_callbacks)
    # 第一党支部 (its secretary), 第二党支部 (no secretary: the general branch's) and the branch
    # created for the general branch secretary; not 机关党支部, whose pledge is published.
    assert second == 0 and first >= 2
    assert Notification.objects.filter(user=institute.secretary.user).count() == 1
    assert Notification.objects.filter(user=institute.gb_secretary.user).exists()
    assert not Notification.objects.filter(user=institute.other_secretary.user).exists()
    message = Notification.objects.get(user=institute.secretary.user).message
    assert institute.branch.name in message and "2026-02-28" in message
    assert institute.secretary.user.email in [m.to[0] for m in mailoutbox]


def test_unpublished_general_branch_pledge_reminds_its_own_secretary(
    with_emails, django_capture_on_commit_callbacks
):
    """A general branch pledges as a branch does: without a published general-branch pledge
    its own secretary is reminded of it by name, once a day; once published, no longer."""
    from pledges.models import Pledge

    institute = with_emails
    year = year_of(institute.campaign)
    first, second = _run_twice("remind_unpublished_pledges", "2026-03-02", django_capture_on_commit_callbacks)
    assert second == 0
    messages = list(
        Notification.objects.filter(user=institute.gb_secretary.user).values_list("message", flat=True)
    )
    assert any(institute.gb.name in m for m in messages)
    assert not any(
        institute.gb.name in m
        for m in Notification.objects.filter(user=institute.secretary.user).values_list("message", flat=True)
    )
    Notification.objects.all().delete()
    Pledge.objects.create(
        kind=Pledge.Kind.GENERAL_BRANCH,
        campaign_year=year,
        general_branch=institute.gb,
        status=Pledge.Status.PUBLISHED,
        created_by=institute.gb_secretary.user,
    )
    _run_twice("remind_unpublished_pledges", "2026-03-03", django_capture_on_commit_callbacks)
    messages = Notification.objects.filter(user=institute.gb_secretary.user).values_list("message", flat=True)
    assert not any(institute.gb.name in m for m in messages)


def test_news_report_reminder_monthly(with_emails, mailoutbox, django_capture_on_commit_callbacks):
    from activities.models import ActivityRecord, Kind

    institute = with_emails
    ActivityRecord.objects.create(
        branch=institute.other_branch,
        kind=Kind.NEWS_REPORT,
        held_on=D(2026, 11, 5),
        title="支部开展主题党日",
        created_by=institute.other_secretary.user,
    )
    ActivityRecord.objects.create(  # last month's report does not count for this month
        branch=institute.branch,
        kind=Kind.NEWS_REPORT,
        held_on=D(2026, 10, 25),
        title="十月通讯",
        created_by=institute.secretary.user,
    )
    first, second = _run_twice("remind_news_reports", "2026-11-20", django_capture_on_commit_callbacks)
    assert second == 0 and first >= 2
    assert Notification.objects.filter(user=institute.secretary.user).count() == 1
    assert "2026-11" in Notification.objects.get(user=institute.secretary.user).message
    assert not Notification.objects.filter(user=institute.other_secretary.user).exists()
    assert institute.secretary.user.email in [m.to[0] for m in mailoutbox]


def test_news_report_reminder_reaches_a_general_branch_without_its_own(
    with_emails, django_capture_on_commit_callbacks
):
    """Each general branch writes a news report a month too (seed §六(四): 各总支、各支部): its
    own secretary is reminded by name with a link to write it; a branch's report does not count
    for it, its own does."""
    from activities.models import ActivityRecord, Kind

    institute = with_emails

    def reminded():
        return [
            n
            for n in Notification.objects.filter(user=institute.gb_secretary.user)
            if institute.gb.name in n.message and "2026-11" in n.message
        ]

    ActivityRecord.objects.create(
        branch=institute.branch,
        kind=Kind.NEWS_REPORT,
        held_on=D(2026, 11, 5),
        title="支部通讯",
        created_by=institute.secretary.user,
    )
    first, second = _run_twice("remind_news_reports", "2026-11-20", django_capture_on_commit_callbacks)
    assert second == 0 and len(reminded()) == 1
    assert reminded()[0].link == reverse(
        "activities:create_gb_kind", args=[institute.gb.pk, Kind.NEWS_REPORT]
    )
    assert not any(
        institute.gb.name in n.message for n in Notification.objects.filter(user=institute.secretary.user)
    )
    Notification.objects.all().delete()
    ActivityRecord.objects.create(
        general_branch=institute.gb,
        kind=Kind.NEWS_REPORT,
        held_on=D(2026, 11, 10),
        title="总支通讯",
        created_by=institute.gb_secretary.user,
    )
    _run_twice("remind_news_reports", "2026-11-21", django_capture_on_commit_callbacks)
    assert reminded() == []


# --- with a real worker: Celery through Redis, in another process ---------------------------


def _subjects(institute):
    branches = set(institute.committee.branches.filter(is_active=True).values_list("pk", flat=True))
    members = set(Person.objects.members().filter(branch__in=branches).values_list("pk", flat=True))
    return branches, members


def _assert_each_review_once(institute):
    branches, members = _subjects(institute)
    rounds = list(ReviewRound.objects.all())
    assert sorted(r.half for r in rounds) == [1, 2]
    for review_round in rounds:
        reviews = Review.objects.filter(round=review_round)
        assert sorted(reviews.filter(kind="branch").values_list("branch_id", flat=True)) == sorted(branches)
        assert sorted(reviews.filter(kind="member").values_list("person_id", flat=True)) == sorted(members)
        general_branches = reviews.filter(kind="general_branch").values_list("general_branch_id", flat=True)
        assert sorted(general_branches) == sorted(
            institute.committee.general_branches.values_list("pk", flat=True)
        )
        # One "created" history row per review, however many openers ran.
        assert Review.history.filter(round_id=review_round.pk).count() == reviews.count()


@pytest.mark.django_db(transaction=True)
def test_worker_opens_rounds_once_when_run_twice(celery_worker_process, institute):
    make_member(institute.branch2, name="再来党员")
    first = tasks.open_due_review_rounds.delay(on="2026-12-31").get(timeout=60)
    second = tasks.open_due_review_rounds.delay(on="2026-12-31").get(timeout=60)
    assert len(first) == 2 and all(r["created"] > 0 for r in first)
    assert second == []
    _assert_each_review_once(institute)
    # The office was told once per round.
    assert Notification.objects.filter(user=institute.office.user).count() == 2


@pytest.mark.django_db(transaction=True)
def test_worker_opens_rounds_once_when_run_concurrently(celery_worker_process, institute):
    for n in range(20):
        make_member(institute.branch if n % 2 else institute.other_branch)
    year = year_of(institute.campaign)
    start = threading.Barrier(2)

    def open_directly():
        try:
            start.wait(timeout=30)
            for half in (1, 2):
                services.review_round_open(campaign_year=year, half=half)
        finally:
            connection.close()

    thread = threading.Thread(target=open_directly)
    thread.start()
    # Two jobs at once on a worker with two processes, and a direct call in this process.
    results = [tasks.open_due_review_rounds.delay(on="2026-12-31") for _ in range(2)]
    start.wait(timeout=30)
    outcomes = [r.get(timeout=90) for r in results]
    thread.join(timeout=90)
    assert not thread.is_alive()
    _assert_each_review_once(institute)
    created = sum(o["created"] for outcome in outcomes for o in outcome)
    total = Review.objects.count()
    assert created <= total  # the direct call may have created some or all of them
    assert Notification.objects.filter(user=institute.office.user).count() == 2


@pytest.mark.django_db(transaction=True)
def test_worker_reminds_once_when_run_concurrently(celery_worker_process, institute):
    inspect(institute, institute.branch)  # due 2026-04-10
    Notification.objects.all().delete()
    results = [tasks.remind_overdue_rectifications.delay(on="2026-04-20") for _ in range(3)]
    assert sorted(r.get(timeout=60) for r in results) == [0, 0, 1]
    assert Notification.objects.filter(user=institute.secretary.user).count() == 1
    assert ReminderLog.objects.count() == 1
    assert Inspection.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_service_opens_round_once_from_many_threads_at_once(institute):
    """The service itself, without the job's "already open?" check, from four connections
    released at the same moment: the round's unique key, its row lock and the reviews'
    constraints leave exactly one of each."""
    for n in range(30):
        make_member(institute.branch2 if n % 2 else institute.other_branch)
    year = year_of(institute.campaign)
    start = threading.Barrier(4)
    created, errors = [], []

    def open_round():
        try:
            start.wait(timeout=30)
            created.append(services.review_round_open(campaign_year=year, half=2)[1])
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=open_round) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    branches, members = _subjects(institute)
    general_branches = institute.committee.general_branches.filter(is_active=True).count()
    subjects = general_branches + len(branches) + len(members)
    reviews = Review.objects.filter(round__half=2)
    assert ReviewRound.objects.count() == 1
    assert reviews.count() == subjects
    assert sorted(created) == [0, 0, 0, subjects]
    assert Review.history.count() == reviews.count()
