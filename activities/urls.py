from django.urls import path

from . import views

app_name = "activities"

urlpatterns = [
    # Records (纪实登记)
    path("", views.RecordListView.as_view(), name="list"),
    path("new/", views.RecordChooseView.as_view(), name="create"),
    path("new/<int:branch>/<str:kind>/", views.RecordCreateView.as_view(), name="create_kind"),
    # A general branch's own record (issue 20)
    path(
        "new/general-branch/<int:general_branch>/<str:kind>/",
        views.RecordCreateView.as_view(),
        name="create_gb_kind",
    ),
    path("<int:pk>/", views.RecordDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.RecordUpdateView.as_view(), name="edit"),
    path("<int:pk>/archive/", views.RecordArchiveView.as_view(), name="archive"),
    path("<int:pk>/restore/", views.RecordRestoreView.as_view(), name="restore"),
    path("evidence/<int:pk>/", views.EvidenceDownloadView.as_view(), name="evidence"),
    # Sign-in at meetings (扫码签到)
    path("<int:pk>/signin/", views.SignInManageView.as_view(), name="signin_manage"),
    path("<int:pk>/signin/arrivals/", views.SignInArrivalsView.as_view(), name="signin_arrivals"),
    path("signin/", views.SignInEnterView.as_view(), name="signin_enter"),
    path("signin/<str:code>/", views.SignInView.as_view(), name="signin"),
    # Compliance
    path("compliance/", views.ComplianceGridView.as_view(), name="compliance"),
    path("compliance/overdue/", views.OverdueListView.as_view(), name="overdue"),
    path("compliance/branches/<int:pk>/", views.BranchOwesView.as_view(), name="branch_owes"),
    path(
        "compliance/general-branches/<int:pk>/",
        views.GeneralBranchOwesView.as_view(),
        name="general_branch_owes",
    ),
    path("compliance/frequencies/<int:pk>/", views.FrequencyUpdateView.as_view(), name="frequencies"),
    path(
        "compliance/frequencies/<int:pk>/general-branches/",
        views.FrequencyUpdateView.as_view(unit="general_branch"),
        name="frequencies_general_branch",
    ),
    # Reading lists (推荐书目)
    path("reading/", views.ReadingListListView.as_view(), name="reading_lists"),
    path("reading/new/", views.ReadingListFormView.as_view(), name="reading_list_create"),
    path("reading/<int:pk>/", views.ReadingListDetailView.as_view(), name="reading_list_detail"),
    path("reading/<int:pk>/edit/", views.ReadingListFormView.as_view(), name="reading_list_edit"),
    # Vanguard research teams and research champions
    path("vanguard/", views.VanguardListView.as_view(), name="vanguard"),
    path("vanguard/teams/new/", views.VanguardTeamFormView.as_view(), name="team_create"),
    path("vanguard/teams/<int:pk>/", views.VanguardTeamDetailView.as_view(), name="team_detail"),
    path("vanguard/teams/<int:pk>/edit/", views.VanguardTeamFormView.as_view(), name="team_edit"),
    path("vanguard/champions/new/", views.ResearchChampionFormView.as_view(), name="champion_create"),
    path("vanguard/champions/<int:pk>/", views.ResearchChampionDetailView.as_view(), name="champion_detail"),
    path("vanguard/champions/<int:pk>/edit/", views.ResearchChampionFormView.as_view(), name="champion_edit"),
]
