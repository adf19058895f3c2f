from django.urls import path

from . import views

app_name = "branches"

urlpatterns = [
    path("", views.OrgTreeView.as_view(), name="org"),
    path("branches/", views.BranchListView.as_view(), name="branch_list"),
    path("branches/<int:pk>/", views.BranchDetailView.as_view(), name="branch_detail"),
    path("people/", views.PersonListView.as_view(), name="person_list"),
    path("people/<int:pk>/", views.PersonDetailView.as_view(), name="person_detail"),
    path("people/<int:pk>/transfer/", views.PersonTransferView.as_view(), name="person_transfer"),
    path("roster/import/", views.RosterImportView.as_view(), name="roster_import"),
    path("roster/import/<int:pk>/", views.RosterImportPreviewView.as_view(), name="roster_import_preview"),
    path("roster/export.xlsx", views.RosterExportView.as_view(), name="roster_export"),
]
