"""The one shared place where every form of the project is made safe against bad input,
double submission and lost updates. Every form class derives from ``GuardedForm`` or
``GuardedModelForm`` (tests/test_bad_input.py checks that none is left out).

- Text: every text field refuses control characters (NUL, which PostgreSQL cannot store, and
  the other invisible C0 characters, which Excel files cannot hold; tab and line breaks are
  kept), loses invisible direction and zero-width characters (as file names do) and has a
  maximum length: its own, or ``TEXT_MAX`` for a free text without one.
- ``SubmitOnceMixin``: each rendering of a create form carries a fresh one-time token; the
  first accepted submission stores it (unique in the database), a second one of the same page
  is refused with a message linking to what the first one saved (``formguard.middleware``
  notes where it led). The token is optional: a client that sends none is not protected
  (a browser always sends it, since it is part of the page). The page keeps its token in its
  history entry (static/js/formguard.js): Back to a form already sent, which Chromium may fetch
  anew and refill, sends the first token again instead of the fresh one.
- ``EditCheckMixin``: an edit form carries the version of the record it was opened on; saving
  over a record that someone else has saved in between is refused with a message, so that
  nobody silently overwrites another's changes. Optional in the same way. Where the service
  checks it under its row lock (``formguard.edits.check_unchanged``, the race-free place), the
  form only carries the version (``check_on_clean = False``; the service reads ``opened_on``).
"""

import re
import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import IntegrityError, transaction
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from .edits import check_unchanged, version_of

# The longest free text a form accepts where the field states no maximum of its own: about
# five pages of Chinese prose, far beyond any minutes or review, and small enough for a page.
TEXT_MAX = 10_000

INT_MAX = 2_147_483_647  # PostgreSQL's integer

# C0 control characters and DEL, except tab, line feed and carriage return.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


# Invisible direction and zero-width characters (U+200B–U+200F, U+202A–U+202E, U+2060–U+2064,
# U+2066–U+2069, U+FEFF): they turn a name around on screen (U+202E), make two equal-looking
# names differ, and creep in from pasted text. Removed from every text, as from file names;
# removed rather than refused, since the person typing cannot see them either.
INVISIBLE_CHARACTERS = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def strip_invisible(value):
    return INVISIBLE_CHARACTERS.sub("", value) if isinstance(value, str) else value


def refuse_control_characters(value) -> None:
    if isinstance(value, str) and CONTROL_CHARACTERS.search(value):
        raise ValidationError(
            _("The text contains invisible control characters (for example a NUL byte); remove them."),
            code="control_characters",
        )


def clean_text(value, *, max_length: int = TEXT_MAX) -> str:
    """For a text a view reads from the request without a form: the same checks as a form field."""
    value = strip_invisible("" if value is None else str(value))
    refuse_control_characters(value)
    if len(value) > max_length:
        raise ValidationError(
            _("The text is %(length)s characters long; at most %(max)s are accepted.")
            % {"length": len(value), "max": max_length},
            code="max_length",
        )
    return value


class _Guard:
    """Installs the text checks on every field, including fields a form adds in its own
    ``__init__``; runs before any cleaning."""

    def full_clean(self):
        for field in self.fields.values():
            if getattr(field, "_guarded", False):
                continue
            field._guarded = True
            if isinstance(field, forms.CharField) and not isinstance(field, forms.UUIDField):
                field.to_python = _stripping_invisible(field.to_python, strip=field.strip)
                field.validators.append(refuse_control_characters)
                if field.max_length is None:
                    field.max_length = TEXT_MAX
                    field.validators.append(MaxLengthValidator(TEXT_MAX))
            elif isinstance(field, forms.IntegerField) and not isinstance(field, forms.DecimalField):
                # A number beyond PostgreSQL's integer is a message, not a database error.
                if field.max_value is None:
                    field.validators.append(MaxValueValidator(INT_MAX))
                if field.min_value is None:
                    field.validators.append(MinValueValidator(-INT_MAX))
        super().full_clean()


def _stripping_invisible(to_python, *, strip: bool):
    def wrapped(value):
        cleaned = strip_invisible(to_python(value))
        if strip and isinstance(cleaned, str):
            # Spaces the invisible characters hid at the ends go too: a name of nothing but
            # invisible characters and spaces is empty, and so refused where one is required.
            cleaned = cleaned.strip()
        return cleaned

    return wrapped


class GuardedForm(_Guard, forms.Form):
    pass


class GuardedModelForm(_Guard, forms.ModelForm):
    pass


# --- Double submission -------------------------------------------------------------------------


class OneTimeTokenInput(forms.HiddenInput):
    """Renders a fresh token each time, also when a form comes back with errors: a corrected
    form is a new submission, the same page sent twice is not. The page's script keeps the
    first token of its history entry (Back, reload), see static/js/formguard.js."""

    def format_value(self, value):
        return str(uuid.uuid4())


class SubmitOnceMixin:
    """For the forms that create a record: the same rendered form is accepted once."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["submission_token"] = forms.UUIDField(required=False, widget=OneTimeTokenInput)

    def _post_clean(self):
        super()._post_clean()
        # Not part of what the views hand on to the services.
        token = self.cleaned_data.pop("submission_token", None)
        if self.errors or token is None:
            return
        from .models import SubmissionToken

        try:
            with transaction.atomic():
                SubmissionToken.objects.create(key=token)
        except IntegrityError:
            self.add_error(None, ValidationError(submitted_twice(token), code="submitted_twice"))


def submitted_twice(token) -> str:
    """The message for a page sent again: with a link to what it saved when that is known."""
    from .models import SubmissionToken

    said = _("This record has been saved already and was not saved again.")
    url = SubmissionToken.objects.filter(key=token).values_list("result_url", flat=True).first()
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts=None):
        return format_html('{} <a href="{}" data-testid="saved-record">{}</a>', said, url, _("Open it"))
    return f"{said} {_('Open the list to see it.')}"


# --- Lost updates ------------------------------------------------------------------------------


class EditCheckMixin:
    """For the forms that change a record: pass ``edits=<the record>`` (a ModelForm uses its
    instance). Saving is refused when the record changed since the form was opened: here at
    clean, or, with ``check_on_clean = False``, by the service under its row lock (it is given
    ``form.opened_on``)."""

    check_on_clean = True
    opened_on: str | None = None

    def __init__(self, *args, edits=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.edits = edits if edits is not None else getattr(self, "instance", None)
        if self.edits is not None and self.edits.pk is None:
            self.edits = None
        self.fields["version"] = forms.CharField(required=False, widget=forms.HiddenInput, max_length=64)
        if self.edits is not None and not self.is_bound:
            self.initial["version"] = version_of(self.edits)

    def _post_clean(self):
        super()._post_clean()
        self.opened_on = self.cleaned_data.pop("version", None) or None
        if self.edits is None or not self.check_on_clean:
            return
        try:
            check_unchanged(self.edits, self.opened_on)
        except ValidationError as error:
            self.add_error(None, error)
