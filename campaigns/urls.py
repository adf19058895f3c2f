from django.urls import path

from . import views

app_name = "campaigns"

urlpatterns = [
    path("", views.CampaignView.as_view(), name="current"),
    path("years/<int:pk>/edit/", views.CampaignYearUpdateView.as_view(), name="year_edit"),
]
