from django.urls import path

from . import views

app_name = "evaluations"

urlpatterns = [
    # The office: set-up, opening and closing, review of free texts; results for their readers.
    path("", views.EvaluationListView.as_view(), name="list"),
    path("new/", views.EvaluationCreateView.as_view(), name="create"),
    path("<int:pk>/", views.EvaluationDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.EvaluationUpdateView.as_view(), name="edit"),
    path("<int:pk>/open/", views.EvaluationActionView.as_view(action="open"), name="open"),
    path("<int:pk>/close/", views.EvaluationActionView.as_view(action="close"), name="close"),
    path("<int:pk>/results/", views.ResultsView.as_view(), name="results"),
    path("moderation/", views.ModerationView.as_view(), name="moderation"),
    # The voter.
    path("mine/", views.MyEvaluationsView.as_view(), name="mine"),
    path("<int:pk>/ballot/", views.BallotView.as_view(), name="ballot"),
    path("<int:pk>/thanks/", views.BallotThanksView.as_view(), name="thanks"),
    # The suggestion box.
    path("suggestions/", views.SuggestionListView.as_view(), name="suggestions"),
    path("suggestions/new/", views.SuggestionCreateView.as_view(), name="suggestion_new"),
    path("suggestions/thanks/", views.SuggestionThanksView.as_view(), name="suggestion_thanks"),
    path("suggestions/inbox/", views.SuggestionInboxView.as_view(), name="suggestion_inbox"),
    path("suggestions/<uuid:pk>/", views.SuggestionHandleView.as_view(), name="suggestion_handle"),
    # The democratic appraisal.
    path("appraisals/", views.AppraisalListView.as_view(), name="appraisal_list"),
    path("appraisals/new/", views.AppraisalStartView.as_view(), name="appraisal_start"),
    path("appraisals/<int:pk>/", views.AppraisalDetailView.as_view(), name="appraisal_detail"),
    path(
        "appraisals/<int:pk>/assessments/", views.AssessmentRecordView.as_view(), name="appraisal_assessment"
    ),
    path("appraisals/<int:pk>/advance/", views.AppraisalAdvanceView.as_view(), name="appraisal_advance"),
    path("appraisals/<int:pk>/grades/", views.AppraisalGradesView.as_view(), name="appraisal_grades"),
    path("appraisals/<int:pk>/mine/", views.AppraisalOwnAssessmentView.as_view(), name="appraisal_own"),
    path("appraisals/<int:pk>/vote/", views.AppraisalVoteView.as_view(), name="appraisal_vote"),
    path("appraisals/<int:pk>/thanks/", views.AppraisalThanksView.as_view(), name="appraisal_thanks"),
]
