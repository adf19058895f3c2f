"""The pages of the activity record, one module per area: records, compliance, reading lists,
vanguard teams and research champions."""

from .compliance import (
    BranchOwesView,
    ComplianceGridView,
    FrequencyUpdateView,
    GeneralBranchOwesView,
    OverdueListView,
)
from .reading import ReadingListDetailView, ReadingListFormView, ReadingListListView
from .records import (
    EvidenceDownloadView,
    RecordArchiveView,
    RecordChooseView,
    RecordCreateView,
    RecordDetailView,
    RecordListView,
    RecordRestoreView,
    RecordUpdateView,
)
from .signin import SignInArrivalsView, SignInEnterView, SignInManageView, SignInView
from .teams import (
    ResearchChampionDetailView,
    ResearchChampionFormView,
    VanguardListView,
    VanguardTeamDetailView,
    VanguardTeamFormView,
)

__all__ = [
    "BranchOwesView",
    "ComplianceGridView",
    "EvidenceDownloadView",
    "FrequencyUpdateView",
    "GeneralBranchOwesView",
    "OverdueListView",
    "ReadingListDetailView",
    "ReadingListFormView",
    "ReadingListListView",
    "RecordArchiveView",
    "RecordRestoreView",
    "RecordChooseView",
    "RecordCreateView",
    "RecordDetailView",
    "RecordListView",
    "RecordUpdateView",
    "ResearchChampionDetailView",
    "SignInArrivalsView",
    "SignInEnterView",
    "SignInManageView",
    "SignInView",
    "ResearchChampionFormView",
    "VanguardListView",
    "VanguardTeamDetailView",
    "VanguardTeamFormView",
]
