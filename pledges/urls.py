from django.urls import path

from . import comment_views, views

app_name = "pledges"

urlpatterns = [
    path("", views.PledgeListView.as_view(), name="list"),
    path("new/branch/", views.BranchPledgeCreateView.as_view(), name="create_branch"),
    path("new/general-branch/", views.GeneralBranchPledgeCreateView.as_view(), name="create_general_branch"),
    path("new/member/", views.MemberPledgeCreateView.as_view(), name="create_member"),
    path("<int:pk>/", views.PledgeDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.PledgeEditView.as_view(), name="edit"),
    path("<int:pk>/submit/", views.PledgeStepView.as_view(action="submit"), name="submit"),
    path("<int:pk>/approve/", views.PledgeStepView.as_view(action="approve"), name="approve"),
    path("<int:pk>/correct/", views.PledgeStepView.as_view(action="correct"), name="correct"),
    path("<int:pk>/return/", views.PledgeReturnView.as_view(), name="return"),
    path("<int:pk>/publish/", views.PledgePublishView.as_view(), name="publish"),
    path("<int:pk>/progress/", views.ProgressAddView.as_view(), name="progress_add"),
    path("<int:pk>/progress/publish/", views.ProgressPublishView.as_view(), name="progress_publish"),
    path("<int:pk>/self-assessment/", views.SelfAssessmentView.as_view(), name="self_assess"),
    path("<int:pk>/review/", views.PledgeReviewView.as_view(), name="review"),
    path("<int:pk>/comment/", comment_views.PledgeCommentView.as_view(), name="comment"),
    path("comments/<int:pk>/answer/", comment_views.CommentAnswerView.as_view(), name="comment_answer"),
    path("comments/<int:pk>/hide/", comment_views.CommentHideView.as_view(), name="comment_hide"),
    path("evidence/<int:pk>/", views.EvidenceDownloadView.as_view(), name="evidence"),
]
