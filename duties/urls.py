from django.urls import path

from . import views

app_name = "duties"

urlpatterns = [
    path("", views.ReportListView.as_view(), name="list"),
    path("form/", views.DutyFormView.as_view(), name="form"),
    path("meetings/new/", views.MeetingCreateView.as_view(), name="meeting_create"),
    path("start/", views.StartView.as_view(), name="start"),
    path("<int:pk>/", views.ReportDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.ReportEditView.as_view(), name="edit"),
    path("<int:pk>/return/", views.ReportReturnView.as_view(), name="return"),
    path("<int:pk>/grade/", views.ReportGradeView.as_view(), name="grade"),
    path("<int:pk>/reopen/", views.ReportReopenView.as_view(), name="reopen"),
    path("<int:pk>/rate/", views.ReportRateView.as_view(), name="rate"),
    path("attachments/<int:pk>/", views.AttachmentView.as_view(), name="attachment"),
]
