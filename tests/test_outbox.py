"""Redis down: pages keep working, queued work is kept in the outbox (core.queue) and sent
once Redis is back — by the worker when it starts, or by the scheduled drain job."""

import re
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import translation

from awards.models import ScoringRun
from core import queue
from core.models import QueuedTask
from core.tasks import worker_check

from .conftest import _reset_connections
from .test_awards_support import year_of

CLOSED_PORT = "redis://127.0.0.1:1/0"  # nothing listens there: connections are refused at once


@pytest.fixture
def broker_down():
    """The Celery app as in production (a Redis broker and result backend), with Redis down."""
    from config.celery import app

    saved = {key: app.conf[key] for key in ("task_always_eager", "broker_url", "result_backend")}
    app.conf.update(task_always_eager=False, broker_url=CLOSED_PORT, result_backend=CLOSED_PORT)
    _reset_connections(app)
    yield app
    app.conf.update(saved)
    _reset_connections(app)


def _request_scoring_run(client, institute):
    client.force_login(institute.office.user)
    year = year_of(institute)
    started = time.monotonic()
    response = client.post(reverse("awards:run", args=[year.pk]), follow=True)
    return response, time.monotonic() - started


@pytest.mark.django_db(transaction=True)
def test_action_with_redis_down_is_saved_and_says_so(client, institute, broker_down):
    response, seconds = _request_scoring_run(client, institute)
    assert response.status_code == 200
    assert seconds < 10, "a broker that is down must not hang the request"
    with translation.override("zh-hans"):
        message = str(queue.QUEUED_LATER)
    assert message in response.content.decode()
    # The request's own work is saved…
    run = ScoringRun.objects.get(campaign_year=year_of(institute))
    assert run.state == ScoringRun.State.QUEUED
    # …and the task call waits in the outbox.
    row = QueuedTask.objects.get()
    assert row.task == "awards.tasks.scoring_run_task"
    assert row.kwargs == {"campaign_year_id": run.campaign_year_id, "user_id": institute.office.user.pk}
    assert row.sent_at is None and row.attempts == 1 and row.last_error


@pytest.mark.django_db(transaction=True)
def test_pages_render_while_redis_is_down(client, institute, broker_down):
    client.force_login(institute.office.user)
    for url in ["/", "/pledges/", "/org/", "/records/", "/supervision/", "/notifications/", "/audit/"]:
        assert client.get(url).status_code == 200, url


@pytest.mark.django_db(transaction=True)
def test_nothing_is_queued_when_the_work_rolls_back(institute, broker_down):
    with pytest.raises(RuntimeError), transaction.atomic():
        queue.enqueue(worker_check)
        raise RuntimeError("the service failed")
    assert not QueuedTask.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_drain_stops_at_the_first_failure_while_redis_is_down(institute, broker_down):
    first = queue.enqueue(worker_check)
    second = queue.enqueue(worker_check)
    assert first.deferred and second.deferred  # no transaction: sent (or not) at once
    assert queue.drain() == 0
    attempts = dict(QueuedTask.objects.values_list("pk", "attempts"))
    assert attempts == {first.outbox_id: 2, second.outbox_id: 1}
    assert queue.pending_count() == 2


@pytest.mark.django_db(transaction=True)
def test_kept_work_runs_once_when_redis_is_back(request, client, institute, broker_down):
    """Redis down: the request is answered and the call kept. Redis back and a worker started:
    the worker sends the kept call when it starts, the scoring run is computed, and a later
    drain (the scheduled job) finds nothing left to send."""
    _request_scoring_run(client, institute)
    row = QueuedTask.objects.get()
    assert row.sent_at is None

    request.getfixturevalue("celery_worker_process")  # Redis and a worker are back
    run = ScoringRun.objects.get(campaign_year=year_of(institute))
    deadline = time.monotonic() + 90
    while run.state != ScoringRun.State.DONE and time.monotonic() < deadline:
        time.sleep(0.3)
        run.refresh_from_db()
    assert run.state == ScoringRun.State.DONE
    row.refresh_from_db()
    assert row.sent_at is not None and row.attempts == 2  # refused once, then sent once
    assert queue.drain() == 0
    assert QueuedTask.objects.filter(sent_at__isnull=True).count() == 0

    # A call kept later is sent by the scheduled drain job, through the real broker and worker.
    from config.celery import app

    app.conf.broker_url, saved = CLOSED_PORT, app.conf.broker_url
    _reset_connections(app)
    kept = queue.enqueue(worker_check)
    assert kept.deferred
    app.conf.broker_url = saved
    _reset_connections(app)
    from core.tasks import drain_outbox

    assert drain_outbox.delay().get(timeout=60) == 1
    assert QueuedTask.objects.get(pk=kept.outbox_id).sent_at is not None


@pytest.mark.django_db
def test_without_a_broker_tasks_run_in_process_after_commit(institute, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        dispatch = queue.enqueue(worker_check)
        assert dispatch.sent is None  # not before the commit
    assert dispatch.sent is True and not dispatch.deferred
    assert not QueuedTask.objects.exists()


def test_the_drain_job_is_scheduled_every_minute(beat_schedules):
    from django_celery_beat.models import PeriodicTask

    job = PeriodicTask.objects.get(task="core.tasks.drain_outbox")
    assert job.enabled and job.interval.every == 1 and job.interval.period == "minutes"


def test_no_task_is_sent_around_the_outbox():
    """Project code queues tasks through core.queue.enqueue only (tests may call them)."""
    base = Path(settings.BASE_DIR)
    offenders = []
    for path in base.glob("*/**/*.py"):
        parts = path.relative_to(base).parts
        if parts[0] in {".venv", "tests", "var"} or "migrations" in parts or path.name == "queue.py":
            continue
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"\.(delay|apply_async|send_task)\(", text):
            offenders.append(f"{path.relative_to(base)}:{text.count(chr(10), 0, match.start()) + 1}")
    assert not offenders, offenders
