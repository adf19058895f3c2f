"""Thin views over ``evaluations.selectors`` (reads) and ``evaluations.services`` (writes).

Every view declares its permission; objects are looked up only within the user's scope (another
branch's or institute's evaluation, suggestion or appraisal is a 404), and a ballot page only
among the evaluations the user is on the roll of."""

from .appraisal import (
    AppraisalAdvanceView,
    AppraisalDetailView,
    AppraisalGradesView,
    AppraisalListView,
    AppraisalOwnAssessmentView,
    AppraisalStartView,
    AppraisalThanksView,
    AppraisalVoteView,
    AssessmentRecordView,
)
from .evaluation import (
    BallotThanksView,
    BallotView,
    EvaluationActionView,
    EvaluationCreateView,
    EvaluationDetailView,
    EvaluationListView,
    EvaluationUpdateView,
    ModerationView,
    MyEvaluationsView,
    ResultsView,
)
from .suggestions import (
    SuggestionCreateView,
    SuggestionHandleView,
    SuggestionInboxView,
    SuggestionListView,
    SuggestionThanksView,
)

__all__ = [
    "AppraisalAdvanceView",
    "AppraisalDetailView",
    "AppraisalGradesView",
    "AppraisalListView",
    "AppraisalOwnAssessmentView",
    "AppraisalStartView",
    "AppraisalThanksView",
    "AppraisalVoteView",
    "AssessmentRecordView",
    "BallotThanksView",
    "BallotView",
    "EvaluationActionView",
    "EvaluationCreateView",
    "EvaluationDetailView",
    "EvaluationListView",
    "EvaluationUpdateView",
    "ModerationView",
    "MyEvaluationsView",
    "ResultsView",
    "SuggestionCreateView",
    "SuggestionHandleView",
    "SuggestionInboxView",
    "SuggestionListView",
    "SuggestionThanksView",
]
