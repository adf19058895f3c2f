"""Writes for supervision (督查) and semi-annual reviews (半年点评), one module per area.

Every service is keyword-only and atomic, takes the acting person's ``access`` and calls the
workflow's ``authorize`` (``supervision/workflow.py``) before it writes, validates, and records
who did it in the history. Refusals are ``PermissionDenied`` (the person plays no part) or
``ValidationError`` (a message for the user). Only ``review_round_open`` also runs for the
scheduler (``access=SCHEDULER``, see ``reviews``)."""

from .inspections import (
    EDITABLE,
    inspection_close,
    inspection_create,
    inspection_reply,
    inspection_return,
    inspection_update,
)
from .meetings import meeting_record
from .notifications import general_branch_secretary_users, office_users, secretary_users
from .review_drafts import KINDS as REVIEW_DRAFT_KINDS
from .review_drafts import PLACEHOLDERS, review_drafts_preview, review_drafts_save
from .reviews import (
    SCHEDULER,
    WRITE_WITHIN_DAYS,
    review_acknowledge,
    review_acknowledgers,
    review_date,
    review_round_open,
    review_write,
)
from .rounds import (
    SNAPSHOT_KEYS,
    supervision_round_conclude,
    supervision_round_create,
    supervision_round_reopen,
)
from .spot_checks import (
    new_seed,
    spot_check_draw_create,
    spot_check_population,
    spot_check_redraw,
    spot_check_sample,
)

__all__ = [
    "EDITABLE",
    "SCHEDULER",
    "SNAPSHOT_KEYS",
    "WRITE_WITHIN_DAYS",
    "inspection_close",
    "inspection_create",
    "inspection_reply",
    "inspection_return",
    "inspection_update",
    "meeting_record",
    "general_branch_secretary_users",
    "new_seed",
    "office_users",
    "PLACEHOLDERS",
    "REVIEW_DRAFT_KINDS",
    "review_drafts_preview",
    "review_drafts_save",
    "review_acknowledge",
    "review_acknowledgers",
    "review_date",
    "review_round_open",
    "review_write",
    "secretary_users",
    "spot_check_draw_create",
    "spot_check_population",
    "spot_check_redraw",
    "spot_check_sample",
    "supervision_round_conclude",
    "supervision_round_create",
    "supervision_round_reopen",
]
