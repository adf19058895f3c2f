"""A report whose worker died without a word (its main process killed) is not left "running":
past its time limit it shows as failed with a reason, a new request makes a new file, and the
scheduled job marks it failed for good."""
# ruff: noqa: F811  (fixtures imported from the support modules are redefined as arguments)

import datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from accounts.access import compute_access
from config.celery import app
from reports import services, tasks
from reports.models import TIME_LIMIT, ReportFile

from .test_awards_support import scored  # noqa: F401

pytestmark = pytest.mark.django_db

STUCK_ZH = "生成此文件超过了时限，已被中止。请重新申请此报表。"


def running_since(user, year, started_at, **params):
    """A file asked for as the centre does, that a worker began writing at ``started_at``."""
    with translation.override("zh-hans"):
        f = services.report_request(
            access=compute_access(user),
            kind="compliance_grid",
            fmt="xlsx",
            params={"year": year.pk, **params},
        )
    ReportFile.objects.filter(pk=f.pk).update(
        state=ReportFile.State.RUNNING, attempts=1, started_at=started_at
    )
    f.refresh_from_db()
    return f


def ask_again(user, year):
    with translation.override("zh-hans"):
        return services.report_request(
            access=compute_access(user),
            kind="compliance_grid",
            fmt="xlsx",
            params={"year": year.pk},
        )


def test_visibility_timeout_is_just_above_the_longest_time_limit():
    limits = [
        getattr(task, "time_limit", None) or settings.CELERY_TASK_TIME_LIMIT for task in app.tasks.values()
    ]
    timeout = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert max(limits) == TIME_LIMIT.total_seconds() == tasks.generate_report.time_limit
    assert max(limits) < timeout <= max(limits) + 10 * 60  # never delivered twice while running
    # The other options are kept (Redis timeouts, the filesystem transport's folders).
    assert {"socket_timeout", "data_folder_in", "control_folder"} <= set(
        settings.CELERY_BROKER_TRANSPORT_OPTIONS
    )


def test_a_file_running_past_its_time_limit_is_asked_for_anew(institute, scored, client):  # noqa: F811
    office = scored.office
    stuck = running_since(office, scored.year, timezone.now() - TIME_LIMIT - datetime.timedelta(minutes=1))
    # Another user's file, still within its limit.
    fresh = running_since(
        institute.leader.user, scored.year, timezone.now() - TIME_LIMIT + datetime.timedelta(minutes=5)
    )
    # The page shows it failed, with the reason, and offers no progress.
    client.force_login(office)
    page = client.get(reverse("reports:centre"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    row = page.split(f'id="file-{stuck.pk}"')[1].split("</tr>")[0]
    assert 'data-state="failed"' in row and "失败" in row and STUCK_ZH in row and "<progress" not in row
    status = client.get(reverse("reports:status", args=[stuck.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert status["state"] == "failed" and status["error"] == STUCK_ZH and status["download"] is None
    # Asking again makes a new file instead of answering with the stuck one, which is failed.
    again = ask_again(office, scored.year)
    assert again.pk != stuck.pk and again.state == ReportFile.State.QUEUED
    stuck.refresh_from_db()
    assert stuck.state == ReportFile.State.FAILED and stuck.error == STUCK_ZH and stuck.finished_at
    assert stuck.history.first().state == ReportFile.State.FAILED  # kept in its history
    # A file still within its limit is left running.
    fresh.refresh_from_db()
    assert fresh.state == ReportFile.State.RUNNING and not fresh.stuck


def test_within_its_limit_the_same_request_is_answered_with_the_running_file(institute, scored):  # noqa: F811
    running = running_since(
        scored.office, scored.year, timezone.now() - TIME_LIMIT + datetime.timedelta(minutes=1)
    )
    assert ask_again(scored.office, scored.year).pk == running.pk
    running.refresh_from_db()
    assert running.state == ReportFile.State.RUNNING


def test_the_scheduled_job_fails_stuck_files_and_a_late_delivery_leaves_them(institute, scored, beat_schedules):  # noqa: F811
    old = running_since(
        scored.office, scored.year, timezone.now() - TIME_LIMIT - datetime.timedelta(seconds=1)
    )
    new = running_since(institute.leader.user, scored.year, timezone.now())
    assert tasks.fail_stuck_reports() == 1
    old.refresh_from_db()
    new.refresh_from_db()
    assert old.state == ReportFile.State.FAILED and old.error == STUCK_ZH
    assert new.state == ReportFile.State.RUNNING
    assert tasks.fail_stuck_reports() == 0  # idempotent
    # The broker delivers the lost message again after its visibility timeout: nothing is rewritten.
    assert services.report_generate(report_file_id=old.pk).state == ReportFile.State.FAILED
    # The job is scheduled (data migration), every ten minutes.
    from django_celery_beat.models import PeriodicTask

    job = PeriodicTask.objects.get(task="reports.tasks.fail_stuck_reports")
    assert job.enabled and job.crontab.minute == "*/10"
