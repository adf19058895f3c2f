"""Writes of formguard's own technical records."""

import datetime

from django.utils import timezone

from .models import SubmissionToken

# A token only has to outlive the page it was rendered on: a double click, a reload or a second
# tab come within minutes. Two days leave room for a form left open overnight; a submission of
# an older page is accepted as new (the token is optional in the same way, see formguard.forms).
KEEP_TOKENS = datetime.timedelta(days=2)


def submission_tokens_purge(
    *, now: datetime.datetime | None = None, keep: datetime.timedelta = KEEP_TOKENS
) -> int:
    """Delete the submission tokens used more than ``keep`` ago; returns how many. Idempotent."""
    cutoff = (now or timezone.now()) - keep
    deleted, _ = SubmissionToken.objects.filter(used_at__lt=cutoff).delete()
    return deleted
