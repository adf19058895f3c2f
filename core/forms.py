"""Form helpers shared by every app's views."""

from __future__ import annotations

from django.core.exceptions import ValidationError


def add_service_errors(form, error: ValidationError, *, elsewhere: dict | None = None) -> None:
    """Show a service's refusal on ``form``: a field's message under that field, the rest at
    the top. ``elsewhere`` maps field names the service uses to another form on the same page
    (e.g. the attendance of a meeting record), where those messages go instead."""
    elsewhere = elsewhere or {}
    # The errors themselves, not their messages: the codes stay readable (form.has_error(…, code)).
    if not hasattr(error, "error_dict"):
        form.add_error(None, ValidationError(error.error_list))
        return
    for name, errors in error.error_dict.items():
        if name in elsewhere:
            elsewhere[name].add_error(None, ValidationError(errors))
        else:
            form.add_error(name if name in form.fields else None, ValidationError(errors))
