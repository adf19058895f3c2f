from django.urls import path

from . import views, views_dashboard

app_name = "reports"

urlpatterns = [
    path("", views.CentreView.as_view(), name="centre"),
    path("request/<str:kind>/", views.RequestView.as_view(), name="request"),
    path("lookup/<str:kind>/<str:field>/", views.LookupView.as_view(), name="lookup"),
    path("files/<int:pk>/status/", views.StatusView.as_view(), name="status"),
    path("files/<int:pk>/download/", views.DownloadView.as_view(), name="download"),
    # Dashboards
    path("dashboard/", views_dashboard.DashboardView.as_view(), name="dashboard"),
]
