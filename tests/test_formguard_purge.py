"""Submission tokens are purged by a scheduled job (formguard.tasks)."""

import datetime
import uuid

import pytest
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from formguard import tasks
from formguard.models import SubmissionToken
from formguard.services import KEEP_TOKENS, submission_tokens_purge

pytestmark = pytest.mark.django_db


def token(age: datetime.timedelta) -> SubmissionToken:
    created = SubmissionToken.objects.create(key=uuid.uuid4())
    SubmissionToken.objects.filter(pk=created.pk).update(used_at=timezone.now() - age)
    return created


def test_old_tokens_are_purged_recent_ones_kept():
    old = token(KEEP_TOKENS + datetime.timedelta(hours=1))
    recent = token(datetime.timedelta(hours=1))
    assert tasks.purge_submission_tokens.apply().get() == 1
    assert list(SubmissionToken.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not SubmissionToken.objects.filter(pk=old.pk).exists()
    assert submission_tokens_purge() == 0  # idempotent


def test_purge_is_scheduled_daily(beat_schedules):
    job = PeriodicTask.objects.select_related("crontab").get(task="formguard.tasks.purge_submission_tokens")
    assert job.enabled
    assert (job.crontab.minute, job.crontab.hour, job.crontab.day_of_month) == ("20", "3", "*")
