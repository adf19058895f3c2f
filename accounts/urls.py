from django.urls import path

from . import login_views as views

app_name = "logins"

urlpatterns = [
    path("", views.LoginListView.as_view(), name="list"),
    path("issue/", views.LoginIssueView.as_view(), name="issue"),
    path("<int:pk>/reset/", views.LoginResetView.as_view(), name="reset"),
    path("<int:pk>/deactivate/", views.LoginSetActiveView.as_view(active=False), name="deactivate"),
    path("<int:pk>/reactivate/", views.LoginSetActiveView.as_view(active=True), name="reactivate"),
]
