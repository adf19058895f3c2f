"""Pages of scoring and awards, in the pledges' dialect: each view declares its one permission
(``AccessRequiredMixin``), finds its objects within the user's reach (another institute's object
is a 404), reads the request through one form per action (``awards/forms.py``) and hands the
write to a service, which authorises it (``awards/workflow.py``): a step the person may not take
is a 403; a refusal of the state or the input is shown on the form, and for the small forms
inside a page (remove, answer, withdraw…), as a message on that page."""

from .base import IndexView
from .cycle import (
    CandidateAddView,
    CandidateRemoveView,
    CycleActionView,
    CycleView,
    NoticeView,
    ObjectionAnswerView,
)
from .model_posts import ModelPostActionView, ModelPostsView
from .scoring import (
    EntriesView,
    EntryFileView,
    EntryWithdrawView,
    GeneralBranchLineView,
    LineView,
    RankingView,
    RubricItemView,
    RubricView,
    RunApproveView,
    RunReopenView,
    RunView,
    SettingsView,
    YearView,
)

__all__ = [
    "CandidateAddView",
    "CandidateRemoveView",
    "CycleActionView",
    "CycleView",
    "EntriesView",
    "EntryFileView",
    "EntryWithdrawView",
    "GeneralBranchLineView",
    "IndexView",
    "LineView",
    "ModelPostActionView",
    "ModelPostsView",
    "NoticeView",
    "ObjectionAnswerView",
    "RankingView",
    "RubricItemView",
    "RubricView",
    "RunApproveView",
    "RunReopenView",
    "RunView",
    "SettingsView",
    "YearView",
]
