from django.utils.functional import SimpleLazyObject

from .access import get_access


class AccessMiddleware:
    """Sets ``request.access``: the reader's roles and permissions, computed on first use and
    once per request (``get_access``). Views check it through ``core.mixins``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.access = SimpleLazyObject(lambda: get_access(request))
        return self.get_response(request)
