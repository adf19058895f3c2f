"""Announcing to staff: the publication of an approved pledge (a published correction
supersedes the version before it) and of each quarter's progress."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import selectors
from ..models import Pledge, ProgressEntry, ProgressEvidence, Publication
from ..workflow import authorize
from .common import lock_pledge, move, save_by


def _publication_fields(occasion: str, occasion_other: str, audience: str) -> dict:
    errors = {}
    if occasion not in Publication.Occasion.values:
        errors["occasion"] = _("Choose the occasion.")
    occasion_other = (occasion_other or "").strip()
    if occasion == Publication.Occasion.OTHER and not occasion_other:
        errors["occasion_other"] = _("Name the occasion.")
    audience = (audience or "").strip()
    if not audience:
        errors["audience"] = _("Say to whom it was announced.")
    if errors:
        raise ValidationError(errors)
    return {
        "occasion": occasion,
        "occasion_other": occasion_other if occasion == Publication.Occasion.OTHER else "",
        "audience": audience,
    }


@transaction.atomic
def pledge_publish(
    *,
    access,
    pledge: Pledge,
    occasion: str,
    published_on: datetime.date,
    audience: str,
    occasion_other: str = "",
    late_acknowledged: bool | None = None,
) -> Pledge:
    """Record that the approved pledge was announced to staff (部门例会, 班组长会 or another
    occasion), on which date and to whom. A published correction supersedes the version before
    it, whose progress entries it takes over.

    A pledge published after the year's deadline is accepted and marked ``published_late``
    (a correction keeps the mark of the version it corrects: lateness is the first
    publication's). ``late_acknowledged``: False when the page asked the secretary to confirm
    the lateness and the box was not ticked, which refuses; None when nobody was asked
    (loaders, scripts)."""
    authorize(access, lock_pledge(pledge), "publish")
    fields = _publication_fields(occasion, occasion_other, audience)
    today = timezone.localdate()
    if published_on > today:
        raise ValidationError({"published_on": _("The date cannot be in the future.")})
    approved_on = timezone.localdate(pledge.approved_at)
    if published_on < approved_on:
        raise ValidationError(
            {
                "published_on": _("The pledge was approved on %(date)s; it cannot be published before.")
                % {"date": approved_on.isoformat()}
            }
        )
    previous = None
    if pledge.previous_id:
        previous = Pledge.objects.select_for_update().get(pk=pledge.previous_id)
        if previous.status != Pledge.Status.PUBLISHED:
            raise ValidationError(_("The previous version is no longer published."), code="previous")
        late = previous.published_late
    else:
        late = is_late(pledge, published_on)
    if late and previous is None and late_acknowledged is False:
        raise ValidationError({"late_acknowledged": late_message(pledge)}, code="late")
    if previous is not None:
        previous.status = Pledge.Status.SUPERSEDED
        save_by(previous, access)
    save_by(Publication(pledge=pledge, published_on=published_on, by=access.user, **fields), access)
    move(pledge, "publish", access, published_late=late)
    if pledge.previous_id:
        _carry_over_progress(pledge, access)
    return pledge


def is_late(pledge: Pledge, published_on: datetime.date) -> bool:
    """Whether publishing on ``published_on`` misses the year's deadline (a first version)."""
    return published_on > pledge.campaign_year.pledges_due_on


def late_message(pledge: Pledge) -> str:
    return _(
        "Pledges of %(year)s were to be published by %(due)s. A pledge published later is accepted "
        "but recorded as late, which the scoring counts. Tick the box to publish it nonetheless."
    ) % {"year": pledge.campaign_year.year, "due": pledge.campaign_year.pledges_due_on.isoformat()}


def _carry_over_progress(pledge: Pledge, access) -> None:
    """Copy the progress of each item of the previous version to the item copied from it. The
    previous version keeps its own entries untouched; an item dropped by the correction keeps
    its progress there only."""
    items = pledge.items.filter(source__isnull=False).prefetch_related("source__entries__evidence")
    for item in items:
        for entry in item.source.entries.all():
            copy = save_by(
                ProgressEntry(
                    item=item,
                    entered_on=entry.entered_on,
                    done=entry.done,
                    percent=entry.percent,
                    by=entry.by,
                    copied_from=entry,
                ),
                access,
            )
            for evidence in entry.evidence.all():
                save_by(
                    ProgressEvidence(
                        entry=copy,
                        file=evidence.file.name,  # the same stored file, not a second copy
                        original_name=evidence.original_name,
                        size=evidence.size,
                        uploaded_by=evidence.uploaded_by,
                    ),
                    access,
                )


def quarter_start(year: int, quarter: int) -> datetime.date:
    return datetime.date(year, 3 * (quarter - 1) + 1, 1)


@transaction.atomic
def progress_publish(
    *,
    access,
    pledge: Pledge,
    quarter: int,
    occasion: str,
    published_on: datetime.date,
    audience: str,
    occasion_other: str = "",
) -> Publication:
    """Record that a quarter's progress was announced to staff, keeping the figure shown then."""
    authorize(access, lock_pledge(pledge), "progress_publish")
    if quarter not in (1, 2, 3, 4):
        raise ValidationError({"quarter": _("Choose a quarter from 1 to 4.")})
    fields = _publication_fields(occasion, occasion_other, audience)
    starts = quarter_start(pledge.campaign_year.year, quarter)
    if published_on > timezone.localdate():
        raise ValidationError({"published_on": _("The date cannot be in the future.")})
    if published_on < starts:
        raise ValidationError(
            {
                "published_on": _("Progress of quarter %(quarter)s can be published from %(date)s.")
                % {"quarter": quarter, "date": starts.isoformat()}
            }
        )
    if pledge.publications.filter(quarter=quarter).exists():
        raise ValidationError({"quarter": _("The progress of this quarter has already been published.")})
    progress = selectors.pledge_progress(pledge)
    return save_by(
        Publication(
            pledge=pledge,
            quarter=quarter,
            published_on=published_on,
            by=access.user,
            progress=progress,
            **fields,
        ),
        access,
    )
