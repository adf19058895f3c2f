from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from .access import get_access

# Set in the session at sign-in when the login must choose a new password (accounts.apps).
MUST_CHANGE = "must_change_password"
# What a login that must change its password may still open: the change form, signing out,
# the language switch, and files.
_ALLOWED = ("password_change", "logout", "set_language")


class AccessMiddleware:
    """Sets ``request.access``: the reader's roles and permissions, computed on first use and
    once per request (``get_access``). Views check it through ``core.mixins``.

    A login signed in with a one-time password from a slip is sent to the change form until it
    has chosen its own (the mark is kept in the session: no query on any page)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.access = SimpleLazyObject(lambda: get_access(request))
        if request.session.get(MUST_CHANGE):
            allowed = [reverse(name) for name in _ALLOWED]
            if request.path not in allowed and not request.path.startswith(("/static/", "/media/")):
                return redirect("password_change")
        return self.get_response(request)
