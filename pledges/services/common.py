"""What every pledge service shares: saving with the actor in the history, moving a pledge by
the workflow's table, re-reading it under a row lock."""

from core.services import lock, save_as

from ..models import Pledge
from ..workflow import WORKFLOW

MIN_COMMITMENTS, MAX_COMMITMENTS = 2, 5
BRANCH_FIELDS = ("focus", "targets", "measures")
MEMBER_FIELDS = ("plan", "direction")


def save_by(obj, access, **kwargs):
    return save_as(obj, access.user, **kwargs)


def move(pledge: Pledge, action: str, access, **changes) -> Pledge:
    WORKFLOW.advance(pledge, action)
    for name, value in changes.items():
        setattr(pledge, name, value)
    return save_by(pledge, access)


def lock_pledge(pledge: Pledge) -> Pledge:
    """Re-read the pledge under a row lock so that two clicks cannot both move it."""
    lock(pledge)
    relation = Pledge.next_version.related  # a correction started meanwhile must be seen
    if relation.is_cached(pledge):
        relation.delete_cached_value(pledge)
    return pledge
