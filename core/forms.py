"""Form helpers shared by every app's views."""

from __future__ import annotations

from django.core.exceptions import ValidationError


def add_service_errors(form, error: ValidationError, *, elsewhere: dict | None = None) -> None:
    """Show a service's refusal on ``form``: a field's message under that field, the rest at
    the top. ``elsewhere`` maps field names the service uses to another form on the same page
    (e.g. the attendance of a meeting record), where those messages go instead."""
    elsewhere = elsewhere or {}
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for name, errors in error.error_dict.items():
        messages = ValidationError(errors).messages
        if name in elsewhere:
            elsewhere[name].add_error(None, messages)
        else:
            form.add_error(name if name in form.fields else None, messages)
