from django.conf import settings

from .access import get_access


def access(request):
    """Templates read the same permission set as views: ``{% if access.has... %}`` via perms."""
    data = {"site_title": settings.SITE_TITLE}
    if getattr(request, "user", None) is not None and request.user.is_authenticated:
        acc = get_access(request)
        data["access"] = acc
        data["can"] = {perm for perm in acc.grants if acc.grants[perm]}
    return data
