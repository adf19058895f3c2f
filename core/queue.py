"""Queueing background work so that none is lost while Redis (the Celery broker) is down.

Use ``enqueue(task, *args, **kwargs)`` instead of ``task.delay(...)``, in services, inside
their transaction::

    dispatch = enqueue(scoring_run_task, campaign_year_id=year.pk, user_id=actor.pk)

What happens (a transactional outbox):

1. ``enqueue`` writes a ``QueuedTask`` row in the current transaction, so the call is stored
   exactly when the work that asked for it is, and never when that work rolls back;
2. when the transaction commits, the row is sent to the broker (connect time-out 2 s, see
   ``CELERY_BROKER_CONNECTION_TIMEOUT``) and marked sent;
3. when the broker cannot be reached, the row stays unsent and ``dispatch.deferred`` is True, so
   the view can tell the user "saved, runs when the task service is back";
4. ``drain()`` sends what was left, oldest first: on each worker start (``worker_ready``) and
   every minute from the scheduled job "任务队列：补发暂存的任务" (django-celery-beat).

A row is locked while it is being sent, so the commit hook and a drain never send it twice; a
crash between the broker's acceptance and the mark could send it again, which is why tasks
are idempotent (docs: STYLE.md). Without REDIS_URL the broker is a folder of message files
(kombu's filesystem transport, see config/settings.py), used the same way. Only where tasks run
in-process (the tests, ``CXZY_TASKS_INLINE=1``) do they run after commit and nothing is stored.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import redis.exceptions
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from kombu.exceptions import ChannelError, OperationalError

from .models import QueuedTask

logger = logging.getLogger(__name__)

# What a broker that is down or unreachable raises when publishing.
# (ChannelError: the file broker of the default run when its folder cannot be written.)
BROKER_ERRORS = (OperationalError, ChannelError, redis.exceptions.RedisError, OSError)
# Publishing tries twice at most, quickly: a request must not hang on a broker that is down.
RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}

SENT, FAILED, SKIPPED = "sent", "failed", "skipped"

# What a view says when ``dispatch.deferred``: the request's own work is saved, the task waits.
QUEUED_LATER = _(
    "Saved. The task service is not available right now; the work will run automatically once it is back."
)


@dataclass
class Dispatch:
    """What became of one ``enqueue`` call. ``sent`` is None until the transaction commits
    (at once when there is none), then True (the broker has it) or False (kept in the outbox)."""

    task: str
    outbox_id: int | None = None
    sent: bool | None = None

    @property
    def deferred(self) -> bool:
        """The broker could not be reached: the call waits in the outbox."""
        return self.sent is False


def _app():
    # The project's Celery app (config/celery.py), loaded with Django by config/__init__.py and
    # current from then on; read here without importing the top of the house.
    from celery import current_app

    return current_app


def enqueue(task, *args, **kwargs) -> Dispatch:
    """Queue ``task`` (a Celery task or its name) with JSON-serialisable arguments after the
    current transaction commits; see the module's docstring."""
    app = _app()
    name = task if isinstance(task, str) else task.name
    dispatch = Dispatch(task=name)
    if app.conf.task_always_eager:
        # No broker: run in-process after commit, as ``transaction.on_commit(task.delay)`` did.
        def run():
            if name not in app.tasks:
                # Tasks are queued by name, so nothing may have imported the module yet: find
                # them as a worker does at its start (Celery's autodiscovery of tasks.py).
                app.loader.import_default_modules()
            app.tasks[name].apply_async(args=args, kwargs=kwargs)
            dispatch.sent = True

        transaction.on_commit(run)
        return dispatch
    row = QueuedTask.objects.create(task=name, args=list(args), kwargs=kwargs)
    dispatch.outbox_id = row.pk

    def send():
        dispatch.sent = _send(row.pk) != FAILED

    transaction.on_commit(send)
    return dispatch


def _send(pk: int) -> str:
    """Send one stored call unless it is sent already or being sent elsewhere."""
    app = _app()
    with transaction.atomic():
        row = (
            QueuedTask.objects.select_for_update(skip_locked=True).filter(pk=pk, sent_at__isnull=True).first()
        )
        if row is None:
            return SKIPPED
        row.attempts += 1
        try:
            # ignore_result: nobody waits on these results (tasks record their outcome in the
            # database), and subscribing to a result in a Redis that is down would fail apart.
            app.send_task(
                row.task,
                args=row.args,
                kwargs=row.kwargs,
                ignore_result=True,
                retry=True,
                retry_policy=RETRY_POLICY,
            )
        except BROKER_ERRORS as error:
            row.last_error = f"{type(error).__name__}: {error}"[:1000]
            row.save(update_fields=["attempts", "last_error"])
            logger.warning("Broker unreachable; %s kept in the outbox (#%s): %s", row.task, row.pk, error)
            return FAILED
        row.sent_at = timezone.now()
        row.save(update_fields=["attempts", "sent_at"])
        return SENT


def drain(*, limit: int = 1000) -> int:
    """Send the stored calls, oldest first; stop at the first failure (the broker is still
    down). Returns how many were sent."""
    pending = QueuedTask.objects.filter(sent_at__isnull=True).order_by("pk").values_list("pk", flat=True)
    sent = 0
    for pk in list(pending[:limit]):
        outcome = _send(pk)
        if outcome == FAILED:
            break
        sent += outcome == SENT
    return sent


def pending_count() -> int:
    return QueuedTask.objects.filter(sent_at__isnull=True).count()
