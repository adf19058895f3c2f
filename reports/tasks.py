"""Report generation in the worker.

Acknowledged late and rejected (so redelivered) when the worker process dies: a report cut off
half-way is written again from the start; see ``services.report_generate``."""

import logging

from celery import shared_task

from . import services
from .models import TIME_LIMIT

logger = logging.getLogger(__name__)


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=3,
    default_retry_delay=15,
    time_limit=int(TIME_LIMIT.total_seconds()),
    soft_time_limit=int(TIME_LIMIT.total_seconds()) - 60,
)
def generate_report(self, report_file_id: int) -> None:
    try:
        services.report_generate(report_file_id=report_file_id)
    except services.Refused:
        return  # recorded on the file; nothing to retry
    except Exception as error:
        if self.request.retries >= self.max_retries:
            logger.exception("Report %s failed", report_file_id)
            services.report_fail(report_file_id=report_file_id, error=str(error))
            raise
        raise self.retry(exc=error) from error


@shared_task
def expire_reports() -> int:
    return services.reports_expire()


@shared_task(time_limit=300)
def fail_stuck_reports() -> int:
    return services.reports_fail_stuck()
