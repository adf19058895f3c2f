from django.conf import settings

from .access import get_access


def access(request):
    """Templates read the same permission set as views: ``{% if "pledges.view" in can %}``."""
    data = {"site_title": settings.SITE_TITLE}
    if getattr(request, "user", None) is not None and request.user.is_authenticated:
        acc = get_access(request)
        data["access"] = acc
        data["can"] = set(acc.grants)
        data["unread_notifications"] = request.user.notifications.filter(read_at__isnull=True).count()
    return data
