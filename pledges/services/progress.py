"""Progress of a published pledge: what was done for each commitment or milestone, with evidence."""

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.evidence import validate_evidence

from ..models import PledgeItem, ProgressEntry, ProgressEvidence
from ..workflow import authorize
from .common import lock_pledge, save_by


@transaction.atomic
def progress_add(
    *,
    access,
    item: PledgeItem,
    entered_on: datetime.date,
    done: str,
    percent: int,
    files: Iterable = (),
) -> ProgressEntry:
    """Record what was done for a commitment or milestone of a published pledge.

    ``percent`` is how far the item is now, not what this step added: it may not go below the
    item's latest entry, and entries are kept in date order (a later entry cannot be dated
    before the latest one). Each file must pass ``validate_evidence``; one bad file refuses the
    whole entry."""
    pledge = item.pledge
    authorize(access, lock_pledge(pledge), "progress")
    done = (done or "").strip()
    errors = {}
    if not done:
        errors["done"] = _("Say what was done.")
    if percent is None or not 0 <= percent <= 100:
        errors["percent"] = _("Give a percentage from 0 to 100.")
    if entered_on > timezone.localdate():
        errors["entered_on"] = _("The date cannot be in the future.")
    elif entered_on.year != pledge.campaign_year.year:
        errors["entered_on"] = _("The date must fall within %(year)s.") % {"year": pledge.campaign_year.year}
    latest = item.entries.order_by("-entered_on", "-pk").first()
    if latest is not None and not errors:
        if entered_on < latest.entered_on:
            errors["entered_on"] = _("The latest entry is dated %(date)s; a new one cannot be earlier.") % {
                "date": latest.entered_on.isoformat()
            }
        elif percent < latest.percent:
            errors["percent"] = _("The item was already at %(percent)s%%; progress cannot go back.") % {
                "percent": latest.percent
            }
    files = list(files)
    file_errors = []
    for file in files:
        try:
            validate_evidence(file)
        except ValidationError as error:
            file_errors.extend(error.error_list)
    if file_errors:
        errors["files"] = file_errors
    if errors:
        raise ValidationError(errors)
    entry = save_by(
        ProgressEntry(item=item, entered_on=entered_on, done=done, percent=percent, by=access.user), access
    )
    for file in files:
        save_by(
            ProgressEvidence(
                entry=entry,
                file=file,
                original_name=file.name.rsplit("/", 1)[-1][:255],
                size=file.size,
                uploaded_by=access.user,
            ),
            access,
        )
    return entry
