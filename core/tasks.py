import logging

from celery import shared_task
from celery.signals import worker_ready

logger = logging.getLogger(__name__)


@shared_task(time_limit=30)
def worker_check() -> dict:
    """Tell which database and how many users a worker sees: lets the office (and the tests)
    check that workers run and reach the same database as the web server."""
    from django.contrib.auth import get_user_model
    from django.db import connection

    User = get_user_model()

    return {"database": connection.settings_dict["NAME"], "users": User.objects.count()}


@shared_task(time_limit=300)
def drain_outbox() -> int:
    """Send the task calls kept while the broker was down (scheduled every minute)."""
    from .queue import drain

    return drain()


@worker_ready.connect
def drain_outbox_on_start(sender=None, **kwargs):
    """A worker that starts (typically after Redis came back) sends what was kept."""
    from .queue import drain

    try:
        sent = drain()
    except Exception:  # the worker must start even if the database is briefly unavailable
        logger.exception("Could not send the queued tasks at worker start")
        return
    if sent:
        logger.warning("Sent %d queued task(s) kept while the broker was down", sent)
