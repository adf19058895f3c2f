from django.urls import path

from . import views

app_name = "notices"

urlpatterns = [
    path("", views.NoticeListView.as_view(), name="list"),
    path("new/", views.NoticeCreateView.as_view(), name="create"),
    path("<int:pk>/", views.NoticeDetailView.as_view(), name="detail"),
    path("<int:pk>/confirm/", views.NoticeConfirmView.as_view(), name="confirm"),
    path("attachments/<int:pk>/", views.AttachmentView.as_view(), name="attachment"),
]
