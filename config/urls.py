from django.contrib import admin
from django.urls import include, path

from accounts.views import AuditLogView, NotificationListView
from home.views import HomeView

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("accounts/", include("accounts.auth_urls")),
    path("logins/", include("accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("org/", include("branches.urls")),
    path("campaign/", include("campaigns.urls")),
    path("pledges/", include("pledges.urls")),
    path("records/", include("activities.urls")),
    path("supervision/", include("supervision.urls")),
    path("notices/", include("notices.urls")),
    path("exchange/", include("exchange.urls")),
    path("duties/", include("duties.urls")),
    path("evaluations/", include("evaluations.urls")),
    path("awards/", include("awards.urls")),
    path("reports/", include("reports.urls")),
    path("notifications/", NotificationListView.as_view(), name="notifications"),
    path("audit/", AuditLogView.as_view(), name="audit_log"),
    path("admin/", admin.site.urls),
]

# Error pages in the site's frame and the reader's language (core/errors.py).
handler400 = "core.errors.bad_request"
handler403 = "core.errors.permission_denied"
handler404 = "core.errors.page_not_found"
handler500 = "core.errors.server_error"
