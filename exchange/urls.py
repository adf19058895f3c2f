from django.urls import path

from . import views

app_name = "exchange"

urlpatterns = [
    path("", views.ArticleListView.as_view(), name="list"),
    path("new/", views.ArticleCreateView.as_view(), name="create"),
    path("<int:pk>/", views.ArticleDetailView.as_view(), name="detail"),
    path("<int:pk>/mark/", views.ArticleMarkView.as_view(), name="mark"),
    path("files/<int:pk>/", views.ArticleFileView.as_view(), name="file"),
    path("meetings/new/", views.MeetingCreateView.as_view(), name="meeting_create"),
    path("meetings/<int:pk>/", views.MeetingDetailView.as_view(), name="meeting"),
]
