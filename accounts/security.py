"""The page shown when django-axes refuses a login (too many wrong passwords)."""

from axes.helpers import get_cool_off, get_failure_limit
from django.conf import settings
from django.shortcuts import render


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: a page in the user's language saying how long the lock lasts."""
    cool_off = get_cool_off(request)
    context = {
        "failure_limit": get_failure_limit(request, credentials),
        "cooloff_minutes": int(cool_off.total_seconds() // 60) if cool_off else None,
    }
    return render(request, "registration/locked_out.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)


# The attribute of a request holding why a sign-in was refused (accounts.ldap sets it, the login
# form shows it instead of "wrong password").
REFUSAL = "_login_refusal"
