"""Writes for pledges: one service per action of the workflow (``pledges/workflow.py``).

Each service is keyword-only and atomic, checks with :func:`workflow.authorize` that the actor
may take the action on the pledge in its present state, validates, and records who did it in
the history. Refusals are ``PermissionDenied`` (not the person's pledge) or ``ValidationError``
(a message for the user).

- ``writing``: create, edit, submit, return, approve, correct (branch and member pledges alike);
- ``publication``: the publication of a pledge and of each quarter's progress;
- ``progress``: progress entries with their evidence;
- ``review``: the self-assessment and the review (评诺) at the year's end;
- ``comments``: 群众监督, comments on a published pledge, answers, hiding an abusive one.
"""

from .comments import comment_answer, comment_hide, pledge_comment
from .common import BRANCH_FIELDS, MAX_COMMITMENTS, MEMBER_FIELDS, MIN_COMMITMENTS
from .progress import progress_add
from .publication import is_late, late_message, pledge_publish, progress_publish, quarter_start
from .review import pledge_review, pledge_self_assess
from .writing import (
    pledge_approve,
    pledge_correct,
    pledge_create,
    pledge_return,
    pledge_submit,
    pledge_update,
)

__all__ = [
    "BRANCH_FIELDS",
    "MAX_COMMITMENTS",
    "MEMBER_FIELDS",
    "MIN_COMMITMENTS",
    "comment_answer",
    "comment_hide",
    "is_late",
    "late_message",
    "pledge_approve",
    "pledge_comment",
    "pledge_correct",
    "pledge_create",
    "pledge_publish",
    "pledge_return",
    "pledge_review",
    "pledge_self_assess",
    "pledge_submit",
    "pledge_update",
    "progress_add",
    "progress_publish",
    "quarter_start",
]
