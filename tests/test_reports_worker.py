"""Reports in a real Celery worker (own process, real Redis): generated in the background, and
started over when the worker dies half-way, never offering a half-written file."""

import datetime
import os
import signal
import time
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from accounts.access import compute_access
from awards.models import ScoreLine, ScoringRun
from reports import services
from reports.models import TIME_LIMIT, ReportFile

from .factories import make_member
from .reports_support import header_and_rows, sheet

pytestmark = pytest.mark.django_db(transaction=True)


def wait_for(report_file, states, timeout=90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        report_file.refresh_from_db()
        if report_file.state in states:
            return report_file
        time.sleep(0.05)
    raise AssertionError(f"report {report_file.pk} stayed {report_file.state}")


def worker_children(app) -> list[int]:
    """The pool processes of the Celery worker this test started (``celery_worker_process``):
    the children of its main process only. Chromium, for one, is a grandchild of the test
    process too (through Playwright's driver) and must not be touched."""
    main = str(app.test_worker_pid)
    children = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "stat").read_text().rsplit(")", 1)[1].split()[1] == main:
                    children.append(int(entry.name))
            except OSError:
                continue
    return children


def scored_members(institute, n):
    year = institute.campaign.years.get(year=2026)
    run = ScoringRun.objects.create(
        campaign_year=year,
        as_of=year.scoring_closes_on,
        requested_by=institute.office.user,
        computed_at=timezone.make_aware(datetime.datetime.combine(year.scoring_closes_on, datetime.time())),
    )
    person = make_member(institute.branch2, name="评分党员")
    ScoreLine.objects.bulk_create(
        ScoreLine(
            run=run,
            kind="member",
            branch=institute.branch2,
            person=person,
            category="research",
            quota_unit="gb",
            rubric_points=Decimal("50"),
            rubric_max=Decimal("100"),
            rubric_percent=Decimal("50"),
            total=Decimal(i % 100),
            eligible=True,
            rank=i + 1,
        )
        for i in range(n)
    )
    return year


def test_worker_writes_the_file_in_the_background(celery_worker_process, institute):
    year = scored_members(institute, 10)
    f = services.report_request(
        access=compute_access(institute.office.user),
        kind="score_sheet",
        fmt="xlsx",
        params={"year": year.pk, "subject": "member"},
    )
    f = wait_for(f, {ReportFile.State.DONE, ReportFile.State.FAILED})
    assert f.state == ReportFile.State.DONE, f.error
    assert len(header_and_rows(sheet(f), 4)[1]) == 10 and f.attempts == 1


def test_worker_killed_half_way_starts_over(celery_worker_process, institute):
    rows = 60000
    year = scored_members(institute, rows)
    f = services.report_request(
        access=compute_access(institute.office.user),
        kind="score_sheet",
        fmt="xlsx",
        params={"year": year.pk, "subject": "member"},
    )
    deadline = time.monotonic() + 90
    while True:  # wait until the first attempt is writing rows, then kill the pool processes
        f.refresh_from_db()
        if f.state == ReportFile.State.RUNNING and f.progress > 0:
            break
        assert f.state != ReportFile.State.DONE, "the report was done before it could be interrupted"
        assert time.monotonic() < deadline
        time.sleep(0.02)
    for pid in worker_children(celery_worker_process):
        os.kill(pid, signal.SIGKILL)
    f.refresh_from_db()
    assert f.state == ReportFile.State.RUNNING and not f.file  # nothing offered meanwhile
    f = wait_for(f, {ReportFile.State.DONE, ReportFile.State.FAILED}, timeout=180)
    assert f.state == ReportFile.State.DONE, f.error
    assert f.attempts == 2  # delivered again after the worker died
    assert len(header_and_rows(sheet(f), 4)[1]) == rows  # complete
    # The interrupted attempt left at most a temporary file, which no record points to and the
    # daily job removes.
    work = Path(settings.MEDIA_ROOT) / services.WORK_DIR
    assert all(not str(f.file.name).endswith(p.name) for p in work.iterdir())


def test_worker_main_process_killed_leaves_no_file_running_for_ever(celery_worker_process, institute, client):
    """The main process dies (SIGKILL): the message stays taken until the broker's visibility
    timeout, and the file "running". Past its time limit it is shown failed and asked for anew."""
    year = scored_members(institute, 60000)
    office = institute.office.user
    params = {"year": year.pk, "subject": "member"}
    f = services.report_request(access=compute_access(office), kind="score_sheet", fmt="xlsx", params=params)
    deadline = time.monotonic() + 90
    while True:
        f.refresh_from_db()
        if f.state == ReportFile.State.RUNNING and f.progress > 0:
            break
        assert f.state != ReportFile.State.DONE, "the report was done before it could be interrupted"
        assert time.monotonic() < deadline
        time.sleep(0.02)
    children = worker_children(celery_worker_process)
    main = celery_worker_process.test_worker_pid
    os.kill(main, signal.SIGKILL)  # the main process: nobody rejects the message
    for pid in children:  # its pool processes die with the machine in this scenario
        os.kill(pid, signal.SIGKILL)
    time.sleep(2)
    f.refresh_from_db()
    assert f.state == ReportFile.State.RUNNING and not f.file and f.attempts == 1
    # Redis holds the message as taken, for the visibility timeout set just above the time limit.
    import redis

    broker = redis.Redis.from_url(celery_worker_process.conf.broker_url)
    assert broker.hlen("unacked") == 1
    assert (
        celery_worker_process.conf.broker_transport_options["visibility_timeout"] > TIME_LIMIT.total_seconds()
    )
    # Time passes beyond the limit: the page shows it failed, and asking again makes a new file.
    ReportFile.objects.filter(pk=f.pk).update(started_at=f.started_at - TIME_LIMIT)
    client.force_login(office)
    status = client.get(reverse("reports:status", args=[f.pk])).json()
    assert status["state"] == "failed" and status["error"]
    again = services.report_request(
        access=compute_access(office), kind="score_sheet", fmt="xlsx", params=params
    )
    assert again.pk != f.pk and again.state == ReportFile.State.QUEUED
    f.refresh_from_db()
    assert f.state == ReportFile.State.FAILED and f.error
