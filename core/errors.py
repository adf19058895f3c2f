"""Error pages in the site's frame and the reader's language: what happened and where to go.

Django's own answers are bare English ("403 Forbidden", "Not Found", an empty 405). These views
(``handler400``… in config/urls.py, ``CSRF_FAILURE_VIEW``) and ``ErrorPagesMiddleware`` (for the
bodiless 405 and 429 that views and django-axes return) render ``templates/error.html`` with the
menu of the person. A server error renders without the menu if the full page fails too (the
database may be what failed), never Django's English page."""

from __future__ import annotations

import logging

from django.http import HttpResponse
from django.template import loader
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

# status → (title, what happened, what to do)
PAGES = {
    400: (
        _("The request could not be read"),
        _("The page received something it could not understand, perhaps from an old or damaged link."),
        _("Go back, reload the page and try again."),
    ),
    403: (
        _("You may not open this page"),
        _("This page or action belongs to another role or another unit."),
        _("If you think you should be able to use it, ask the campaign office."),
    ),
    404: (
        _("The page was not found"),
        _("The address may be mistyped or out of date, or the record is not one you can see."),
        _("Start again from the home page or the menu."),
    ),
    405: (
        _("This address is not a page"),
        _("It carries out an action and is used by a button on a page, not opened directly."),
        _("Go back to the page with the button."),
    ),
    429: (
        _("Too many attempts"),
        _("Too many requests came from you in a short time."),
        _("Wait a few minutes, then try again."),
    ),
    500: (
        _("Something went wrong"),
        _("The system could not finish your request. What you entered last may not have been saved."),
        _("Try again in a minute. If it happens again, tell the system administrator the time it happened."),
    ),
    "csrf": (
        _("The page has expired"),
        _(
            "The form was open for a long time, or you signed out or in elsewhere in between, so it "
            "could not be sent safely."
        ),
        _("Go back, reload the page and send it again."),
    ),
}


def render_error(request, status: int, *, kind=None, detail: str = "") -> HttpResponse:
    title, what, then = PAGES[kind or status]
    context = {"status": status, "title": title, "what": what, "then": then, "detail": detail}
    try:
        body = loader.render_to_string("error.html", context, request=request)
    except Exception:  # the page's menu needs the database, which may be what failed
        if status != 500:
            raise
        logger.exception("The error page could not be rendered with its menu")
        body = loader.render_to_string("error_plain.html", context)
    return HttpResponse(body, status=status)


def bad_request(request, exception=None):
    return render_error(request, 400)


def permission_denied(request, exception=None):
    # A refusal that says why (a service's PermissionDenied("You may not … this pledge.")) is
    # shown; Django's bare PermissionDenied() has no message.
    detail = str(exception) if exception is not None and exception.args else ""
    return render_error(request, 403, detail=detail)


def page_not_found(request, exception=None):
    return render_error(request, 404)


def server_error(request):
    return render_error(request, 500)


def csrf_failure(request, reason=""):
    return render_error(request, 403, kind="csrf")
