from celery import shared_task


@shared_task(time_limit=300)
def purge_submission_tokens() -> int:
    """Scheduled daily (formguard/migrations/0002_purge_schedule.py): the one-time tokens of
    create forms are needed for a short while only (see ``formguard.services``)."""
    from .services import submission_tokens_purge

    return submission_tokens_purge()
