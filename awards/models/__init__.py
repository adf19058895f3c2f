"""Scoring (量化考核评分细则) and the award cycle (评选表彰) of seed 第四阶段.

- :class:`Rubric` / :class:`RubricItem` — the rubric of one year for branches or for members:
  items under the seven branch (or member) criteria, which roll up to the five goods (five
  leads). An item is an automatic indicator, points the office awards, a deduction or a veto.
- :class:`ScoringSettings` — the year's weights (rubric vs mass evaluation), the satisfaction →
  points map and whether the highest and lowest rating are dropped.
- :class:`ScoreEntry` — what the office enters by hand against an item: awarded points, a
  deduction or a confirmed veto, always with a reason and evidence.
- :class:`ScoringRun` / :class:`ScoreLine` / :class:`ScoreItem` — the snapshot a scoring run
  produces. A draft is replaced by the next run; once approved nothing of it may change (the
  services refuse, and ``save``/``delete`` raise).
- :class:`GeneralBranchLine` — a general branch's score in a run: the mean of its branches' totals.
- :class:`AwardCycle` / :class:`Candidate` / :class:`Objection` — proposal → public notice (公示)
  with objections → approval by the leading group → announcement (frozen).
- :class:`ModelPost` / :class:`ModelPostReview` — 党员示范岗: designated, reviewed each term,
  withdrawn.
"""

from .cycle import (
    BRANCH_TITLES,
    MIN_NOTICE_WORKING_DAYS,
    AwardCycle,
    Candidate,
    ModelPost,
    ModelPostReview,
    Objection,
    Title,
    add_working_days,
)
from .rubric import (
    ALL_CRITERIA,
    ALL_GOALS,
    DEFAULT_SATISFACTION_POINTS,
    ROLL_UP,
    BranchCriterion,
    MemberCriterion,
    Rubric,
    RubricItem,
    ScoreEntry,
    ScoringSettings,
    Subject,
    criterion_label,
    default_satisfaction_points,
    goal_label,
    score_evidence_path,
)
from .runs import GeneralBranchLine, Immutable, ScoreItem, ScoreLine, ScoringRun, SnapshotQuerySet

__all__ = [
    "ALL_CRITERIA",
    "ALL_GOALS",
    "BRANCH_TITLES",
    "DEFAULT_SATISFACTION_POINTS",
    "MIN_NOTICE_WORKING_DAYS",
    "ROLL_UP",
    "AwardCycle",
    "BranchCriterion",
    "Candidate",
    "GeneralBranchLine",
    "Immutable",
    "MemberCriterion",
    "ModelPost",
    "ModelPostReview",
    "Objection",
    "Rubric",
    "RubricItem",
    "ScoreEntry",
    "ScoreItem",
    "ScoreLine",
    "ScoringRun",
    "ScoringSettings",
    "SnapshotQuerySet",
    "Subject",
    "Title",
    "add_working_days",
    "criterion_label",
    "default_satisfaction_points",
    "goal_label",
    "score_evidence_path",
]
