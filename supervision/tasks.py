"""Scheduled jobs of supervision and reviews, run by Celery beat from the schedules stored with
django-celery-beat (created by migration ``0002_beat_schedules``, editable in the admin).

Every job is idempotent — the review rounds by their unique keys, the reminders by
``ReminderLog`` — so beat firing twice, a retry or two workers running it at once change
nothing. ``on`` (an ISO date) lets a job run as of another day; by default it is today in the
site's time zone. Jobs write their messages in the site's language.

A job acts as the scheduler, not as a person: it calls services with ``access=SCHEDULER``
(``services.reviews``), which skips ``authorize`` and leaves the history without a user. Nothing
here is queued from a service; a job is started by beat or by ``run_scheduled_job`` by name.
"""

import datetime

from celery import shared_task
from django.conf import settings
from django.utils import timezone, translation

from campaigns.models import Campaign, CampaignYear

from . import reminders, services
from .models import ReviewRound

# Short names for ``manage.py run_scheduled_job`` and the beat schedules.
JOBS = {
    "open_due_review_rounds": "supervision.tasks.open_due_review_rounds",
    "send_review_reminders": "supervision.tasks.send_review_reminders",
    "remind_overdue_rectifications": "supervision.tasks.remind_overdue_rectifications",
    "remind_news_reports": "supervision.tasks.remind_news_reports",
    "remind_unpublished_pledges": "supervision.tasks.remind_unpublished_pledges",
}


def _day(on: str | None) -> datetime.date:
    return datetime.date.fromisoformat(on) if on else timezone.localdate()


@shared_task(time_limit=600, soft_time_limit=540)
def open_due_review_rounds(on: str | None = None) -> list[dict]:
    """Open the semi-annual review rounds of this year whose calendar date has arrived — and in
    January last year's year-end round, in case the schedule was down at the turn of the year.
    Older rounds are not opened (a new installation does not fill past years with reviews).
    Rounds that exist are left alone, so members who join later get no review in a round of a
    half they were not there for (the office can add them from the review rounds page)."""
    today = _day(on)
    due = [(today.year, ReviewRound.Half.FIRST), (today.year, ReviewRound.Half.SECOND)]
    if today.month == 1:
        due.append((today.year - 1, ReviewRound.Half.SECOND))
    opened = []
    years = CampaignYear.objects.filter(
        campaign__in=Campaign.objects.running(today), year__in={year for year, _half in due}
    ).select_related("campaign")
    with translation.override(settings.LANGUAGE_CODE):
        for year in years:
            for half in ReviewRound.Half.values:
                if (year.year, half) not in due or services.review_date(year, half) > today:
                    continue
                if ReviewRound.objects.filter(campaign_year=year, half=half).exists():
                    continue
                review_round, created = services.review_round_open(
                    campaign_year=year, half=half, access=services.SCHEDULER, today=today
                )
                opened.append({"round": review_round.pk, "created": created})
    return opened


@shared_task(time_limit=600, soft_time_limit=540)
def send_review_reminders(on: str | None = None) -> dict:
    """Remind whoever is late with a review: the office to write, the branch or member to
    acknowledge."""
    today = _day(on)
    with translation.override(settings.LANGUAGE_CODE):
        return {
            "write": reminders.remind_unwritten_reviews(today=today),
            "acknowledge": reminders.remind_review_acknowledgements(today=today),
        }


@shared_task(time_limit=600, soft_time_limit=540)
def remind_overdue_rectifications(on: str | None = None) -> int:
    with translation.override(settings.LANGUAGE_CODE):
        return reminders.remind_overdue_rectifications(today=_day(on))


@shared_task(time_limit=600, soft_time_limit=540)
def remind_news_reports(on: str | None = None) -> int:
    with translation.override(settings.LANGUAGE_CODE):
        return reminders.remind_news_reports(today=_day(on))


@shared_task(time_limit=600, soft_time_limit=540)
def remind_unpublished_pledges(on: str | None = None) -> int:
    with translation.override(settings.LANGUAGE_CODE):
        return reminders.remind_unpublished_pledges(today=_day(on))
