"""Background work of scoring: a run of the whole year, in the worker."""

import logging

from celery import shared_task
from django.conf import settings
from django.utils import translation

from campaigns.models import CampaignYear

from . import services
from .models import ScoringRun

logger = logging.getLogger(__name__)


@shared_task(time_limit=600, soft_time_limit=540)
def scoring_run_task(*, campaign_year_id: int, user_id: int) -> int | None:
    """Recompute the draft snapshot of a year. Idempotent: a second delivery recomputes the same
    snapshot from the same records; an approved snapshot is never touched. Returns the run id."""
    year = CampaignYear.objects.select_related("campaign").get(pk=campaign_year_id)
    ScoringRun.objects.filter(campaign_year=year, status=ScoringRun.Status.DRAFT).update(
        state=ScoringRun.State.RUNNING
    )
    try:
        with translation.override(settings.LANGUAGE_CODE):
            run = services.scoring_run_execute(campaign_year=year)
    except Exception as error:
        logger.exception("Scoring run of %s failed", year)
        ScoringRun.objects.filter(campaign_year=year, status=ScoringRun.Status.DRAFT).update(
            state=ScoringRun.State.FAILED, error=str(error)[:2000]
        )
        raise
    return run.pk if run else None
