from django.urls import path

from . import views

app_name = "supervision"

urlpatterns = [
    # Inspections (督查)
    path("", views.InspectionListView.as_view(), name="inspection_list"),
    path("inspections/new/", views.InspectionCreateView.as_view(), name="inspection_create"),
    path("inspections/<int:pk>/", views.InspectionDetailView.as_view(), name="inspection_detail"),
    path("inspections/<int:pk>/edit/", views.InspectionEditView.as_view(), name="inspection_edit"),
    path("inspections/<int:pk>/reply/", views.InspectionReplyView.as_view(), name="inspection_reply"),
    path("inspections/<int:pk>/close/", views.InspectionDecideView.as_view(), name="inspection_close"),
    path("evidence/<int:pk>/", views.EvidenceDownloadView.as_view(), name="evidence"),
    # The office's meetings (座谈会, 党支部书记例会, 情况通报会) and their follow-ups
    path("meetings/", views.MeetingListView.as_view(), name="meeting_list"),
    path("meetings/new/", views.MeetingCreateView.as_view(), name="meeting_create"),
    path("meetings/<int:pk>/", views.MeetingDetailView.as_view(), name="meeting_detail"),
    path("meetings/<int:pk>/correct/", views.MeetingCorrectView.as_view(), name="meeting_correct"),
    # Random spot checks (随机抽查)
    path("spot-checks/", views.DrawListView.as_view(), name="draw_list"),
    path("spot-checks/new/", views.DrawCreateView.as_view(), name="draw_create"),
    path("spot-checks/<int:pk>/", views.DrawDetailView.as_view(), name="draw_detail"),
    # Quarterly supervision rounds (季度督查)
    path("rounds/", views.RoundListView.as_view(), name="round_list"),
    path("rounds/new/", views.RoundCreateView.as_view(), name="round_create"),
    path("rounds/<int:pk>/", views.RoundDetailView.as_view(), name="round_detail"),
    path("rounds/<int:pk>/conclude/", views.RoundConcludeView.as_view(), name="round_conclude"),
    path("rounds/<int:pk>/reopen/", views.RoundReopenView.as_view(), name="round_reopen"),
    # Semi-annual reviews (半年点评)
    path("reviews/", views.ReviewIndexView.as_view(), name="review_index"),
    path("reviews/rounds/", views.ReviewRoundListView.as_view(), name="review_round_list"),
    path("reviews/rounds/open/", views.ReviewRoundOpenView.as_view(), name="review_round_open"),
    path("reviews/rounds/<int:pk>/", views.ReviewRoundDetailView.as_view(), name="review_round_detail"),
    path("reviews/rounds/<int:pk>/drafts/", views.ReviewDraftsView.as_view(), name="review_drafts"),
    path("reviews/<int:pk>/", views.ReviewDetailView.as_view(), name="review_detail"),
    path("reviews/<int:pk>/write/", views.ReviewWriteView.as_view(), name="review_write"),
    path("reviews/<int:pk>/acknowledge/", views.ReviewAcknowledgeView.as_view(), name="review_acknowledge"),
]
