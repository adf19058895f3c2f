from django.conf import settings

from .access import get_access


def access(request):
    """Templates read the same permission set as views: ``{% if "pledges.view" in can %}``."""
    data = {"site_title": settings.SITE_TITLE, "menu_key": "anonymous"}
    if getattr(request, "user", None) is not None and request.user.is_authenticated:
        acc = get_access(request)
        data["access"] = acc
        data["can"] = set(acc.grants)
        # What the menu of base.html depends on: it is rendered once per key (a fragment cache).
        data["menu_key"] = ("admin," if request.user.is_superuser else "") + ",".join(sorted(data["can"]))
        # Counted with the user by accounts.backends; users loaded otherwise cost a query here.
        unread = getattr(request.user, "unread_notification_count", None)
        if unread is None:
            unread = request.user.notifications.filter(read_at__isnull=True).count()
        data["unread_notifications"] = unread
    return data
