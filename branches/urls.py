from django.urls import path

from . import position_views, views
from .models import GeneralBranch

app_name = "branches"

urlpatterns = [
    path("", views.OrgTreeView.as_view(), name="org"),
    path("branches/", views.BranchListView.as_view(), name="branch_list"),
    path("branches/<int:pk>/", views.BranchDetailView.as_view(), name="branch_detail"),
    path(
        "branches/<int:pk>/positions/new/",
        position_views.PositionAppointView.as_view(),
        name="branch_position_new",
    ),
    path("branches/<int:pk>/election/", position_views.ElectionView.as_view(), name="branch_election"),
    path(
        "general-branches/<int:pk>/",
        position_views.GeneralBranchDetailView.as_view(),
        name="general_branch_detail",
    ),
    path(
        "general-branches/<int:pk>/positions/new/",
        position_views.PositionAppointView.as_view(unit_model=GeneralBranch),
        name="general_branch_position_new",
    ),
    path(
        "general-branches/<int:pk>/election/",
        position_views.ElectionView.as_view(unit_model=GeneralBranch),
        name="general_branch_election",
    ),
    path("positions/<int:pk>/end/", position_views.PositionEndView.as_view(), name="position_end"),
    path("people/", views.PersonListView.as_view(), name="person_list"),
    path("people/<int:pk>/leave/", position_views.PersonLeaveView.as_view(), name="person_leave"),
    path("people/<int:pk>/", views.PersonDetailView.as_view(), name="person_detail"),
    path("people/<int:pk>/transfer/", views.PersonTransferView.as_view(), name="person_transfer"),
    path("roster/import/", views.RosterImportView.as_view(), name="roster_import"),
    path("roster/import/<int:pk>/", views.RosterImportPreviewView.as_view(), name="roster_import_preview"),
    path("roster/export.xlsx", views.RosterExportView.as_view(), name="roster_export"),
]
