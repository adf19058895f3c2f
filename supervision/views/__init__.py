"""Pages of supervision (督查) and semi-annual reviews (半年点评), one module per area. Thin:
each declares its permission, narrows its queryset to the user's reach (another branch's object
is a 404; ``base.SupervisionMixin``), shows the buttons ``workflow`` allows and hands writes to
``services``."""

from .inspections import (
    EvidenceDownloadView,
    InspectionCreateView,
    InspectionDecideView,
    InspectionDetailView,
    InspectionEditView,
    InspectionListView,
    InspectionReplyView,
)
from .meetings import MeetingCorrectView, MeetingCreateView, MeetingDetailView, MeetingListView
from .review_drafts import ReviewDraftsView
from .reviews import (
    ReviewAcknowledgeView,
    ReviewDetailView,
    ReviewIndexView,
    ReviewRoundDetailView,
    ReviewRoundListView,
    ReviewRoundOpenView,
    ReviewWriteView,
)
from .rounds import RoundConcludeView, RoundCreateView, RoundDetailView, RoundListView, RoundReopenView
from .spot_checks import DrawCreateView, DrawDetailView, DrawListView

__all__ = [
    "DrawCreateView",
    "DrawDetailView",
    "DrawListView",
    "EvidenceDownloadView",
    "InspectionCreateView",
    "InspectionDecideView",
    "InspectionDetailView",
    "InspectionEditView",
    "InspectionListView",
    "InspectionReplyView",
    "MeetingCorrectView",
    "MeetingCreateView",
    "MeetingDetailView",
    "MeetingListView",
    "ReviewAcknowledgeView",
    "ReviewDetailView",
    "ReviewDraftsView",
    "ReviewIndexView",
    "ReviewRoundDetailView",
    "ReviewRoundListView",
    "ReviewRoundOpenView",
    "ReviewWriteView",
    "RoundConcludeView",
    "RoundCreateView",
    "RoundDetailView",
    "RoundListView",
    "RoundReopenView",
]
