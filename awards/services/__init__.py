"""Writes of scoring and awards: keyword-only, atomic, validating.

Every service takes the actor's ``access`` and calls the workflow's ``authorize``
(``awards/workflow.py``) before it writes: ``PermissionDenied`` when the person plays no part
in the step, ``ValidationError`` (a message for the user) when the state or the input does not
allow it. ``scoring_run_execute`` is the one exception: it is the queued run's body, authorised
when the run was requested.
"""

from .cycle import (
    candidate_add,
    candidate_remove,
    cycle_advance,
    cycle_create,
    cycle_propose,
    objection_answer,
    objection_lodge,
)
from .model_posts import model_post_designate, model_post_review, model_post_withdraw
from .scoring import (
    entry_create,
    entry_withdraw,
    rubric_item_delete,
    rubric_item_save,
    scoring_run_approve,
    scoring_run_execute,
    scoring_run_reopen,
    scoring_run_request,
    settings_update,
)

__all__ = [
    "candidate_add",
    "candidate_remove",
    "cycle_advance",
    "cycle_create",
    "cycle_propose",
    "entry_create",
    "entry_withdraw",
    "model_post_designate",
    "model_post_review",
    "model_post_withdraw",
    "objection_answer",
    "objection_lodge",
    "rubric_item_delete",
    "rubric_item_save",
    "scoring_run_approve",
    "scoring_run_execute",
    "scoring_run_reopen",
    "scoring_run_request",
    "settings_update",
]
