from django.urls import path

from . import views

app_name = "awards"

urlpatterns = [
    path("", views.IndexView.as_view(), name="index"),
    path("<int:year>/", views.YearView.as_view(), name="year"),
    path("<int:year>/rubric/", views.RubricView.as_view(), name="rubric"),
    path("<int:year>/rubric/<str:kind>/new/", views.RubricItemView.as_view(), name="rubric_item_new"),
    path("<int:year>/rubric/<str:kind>/<int:pk>/", views.RubricItemView.as_view(), name="rubric_item"),
    path("<int:year>/settings/", views.SettingsView.as_view(), name="settings"),
    path("<int:year>/entries/", views.EntriesView.as_view(), name="entries"),
    path("<int:year>/entries/<int:pk>/withdraw/", views.EntryWithdrawView.as_view(), name="entry_withdraw"),
    path("entries/<int:pk>/file/", views.EntryFileView.as_view(), name="entry_file"),
    path("<int:year>/run/", views.RunView.as_view(), name="run"),
    path("<int:year>/run/approve/", views.RunApproveView.as_view(), name="run_approve"),
    path("<int:year>/run/reopen/", views.RunReopenView.as_view(), name="run_reopen"),
    path("<int:year>/ranking/", views.RankingView.as_view(), name="ranking"),
    path("lines/<int:pk>/", views.LineView.as_view(), name="line"),
    path("general-branch-lines/<int:pk>/", views.GeneralBranchLineView.as_view(), name="general_branch_line"),
    path("<int:year>/cycle/", views.CycleView.as_view(), name="cycle"),
    path("<int:year>/cycle/<str:action>/", views.CycleActionView.as_view(), name="cycle_action"),
    path("<int:year>/candidates/add/", views.CandidateAddView.as_view(), name="candidate_add"),
    path(
        "<int:year>/candidates/<int:pk>/remove/", views.CandidateRemoveView.as_view(), name="candidate_remove"
    ),
    path(
        "<int:year>/objections/<int:pk>/answer/", views.ObjectionAnswerView.as_view(), name="objection_answer"
    ),
    path("<int:year>/notice/", views.NoticeView.as_view(), name="notice"),
    path("<int:year>/model-posts/", views.ModelPostsView.as_view(), name="model_posts"),
    path(
        "<int:year>/model-posts/<int:pk>/<str:action>/",
        views.ModelPostActionView.as_view(),
        name="model_post_action",
    ),
]
