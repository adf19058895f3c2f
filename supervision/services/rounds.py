"""Quarterly supervision rounds (季度督查): the office concludes each with a summary and keeps the
branches' state of that moment."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import Access
from campaigns.models import CampaignYear
from core.services import lock, save_as

from ..models import SupervisionRound
from ..selectors import round_rows
from ..workflow import ROUND

# What a concluded quarterly round keeps of each branch's row.
SNAPSHOT_KEYS = (
    "branch_id",
    "branch",
    "inspections",
    "findings",
    "closed",
    "open",
    "overdue",
    "news_reports",
)


@transaction.atomic
def supervision_round_create(
    *, access: Access, campaign_year: CampaignYear, quarter: int
) -> SupervisionRound:
    actor = access.user
    supervision_round = SupervisionRound(campaign_year=campaign_year, quarter=quarter, created_by=actor)
    ROUND.authorize(access, supervision_round, "create")
    if quarter not in (1, 2, 3, 4):
        raise ValidationError({"quarter": _("Choose a quarter from 1 to 4.")}, code="quarter")
    try:
        with transaction.atomic():
            return save_as(supervision_round, actor)
    except IntegrityError:
        raise ValidationError(
            {"quarter": _("The round of this quarter has been started already.")}, code="exists"
        ) from None


@transaction.atomic
def supervision_round_conclude(
    *, access: Access, supervision_round: SupervisionRound, summary: str
) -> SupervisionRound:
    """Conclude the round with the office's summary and keep the branches' state as it is now."""
    actor = access.user
    lock(supervision_round)
    ROUND.authorize(access, supervision_round, "conclude")
    summary = (summary or "").strip()
    if not summary:
        raise ValidationError({"summary": _("Write the round's summary.")}, code="summary")
    rows = round_rows(supervision_round, today=timezone.localdate())
    supervision_round.snapshot = [{key: row[key] for key in SNAPSHOT_KEYS} for row in rows]
    supervision_round.summary = summary
    ROUND.advance(supervision_round, "conclude")
    supervision_round.concluded_by = actor
    supervision_round.concluded_at = timezone.now()
    return save_as(supervision_round, actor)


@transaction.atomic
def supervision_round_reopen(
    *, access: Access, supervision_round: SupervisionRound, reason: str
) -> SupervisionRound:
    """Reopen a concluded round with the office's reason (kept in the round's history, with who
    and when). The summary stays to be revised; the snapshot is taken again when it concludes."""
    actor = access.user
    lock(supervision_round)
    ROUND.authorize(access, supervision_round, "reopen")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("State why the round is reopened.")}, code="reason")
    ROUND.advance(supervision_round, "reopen")
    supervision_round.reopen_reason = reason[:300]
    supervision_round.snapshot = []
    supervision_round.concluded_by = None
    supervision_round.concluded_at = None
    return save_as(supervision_round, actor)
