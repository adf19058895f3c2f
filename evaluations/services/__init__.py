"""Writes of the evaluations app; keyword-only, atomic, validating (ValidationError for the user)."""

from .appraisal import (
    appraisal_advance,
    appraisal_grades_set,
    appraisal_start,
    excellent_warning,
    peer_assessment_record,
    self_assessment_record,
    self_assessment_write,
)
from .appraisal_ballots import appraisal_ballot_cast, appraisal_has_voted, appraisal_pool_size
from .ballots import (
    ballot_cast,
    ballot_pool_flush,
    ballot_pooled,
    free_texts_shuffle,
)
from .evaluation import (
    eligible_people,
    evaluation_close,
    evaluation_create,
    evaluation_open,
    evaluation_update,
    free_text_moderate,
    free_texts_moderate,
)
from .suggestions import suggestion_answer, suggestion_submit, suggestion_triage

__all__ = [
    "appraisal_advance",
    "appraisal_ballot_cast",
    "appraisal_grades_set",
    "appraisal_has_voted",
    "appraisal_pool_size",
    "appraisal_start",
    "ballot_cast",
    "ballot_pool_flush",
    "ballot_pooled",
    "eligible_people",
    "evaluation_close",
    "evaluation_create",
    "evaluation_open",
    "evaluation_update",
    "excellent_warning",
    "free_text_moderate",
    "free_texts_moderate",
    "free_texts_shuffle",
    "peer_assessment_record",
    "self_assessment_record",
    "self_assessment_write",
    "suggestion_answer",
    "suggestion_submit",
    "suggestion_triage",
]
