"""Lost updates: an edit carries the version of the record it was opened on, and saving over a
record someone else has saved in between is refused.

``EditCheckMixin`` (``formguard.forms``) puts the version in the form. The check itself,
``check_unchanged``, belongs under the row lock of the service that saves: checked at form
clean, two editors can both pass it before either saves; checked after ``select_for_update``,
the second waits for the first to commit and then sees the new version."""

import hashlib

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

CHANGED_MEANWHILE = _(
    "Someone else saved this record after you opened it. Your changes were not "
    "saved: open the page again to see the new version, then make your changes."
)


def version_of(instance) -> str:
    """A digest of the stored row of ``instance`` (not of its unsaved state)."""
    row = type(instance)._default_manager.filter(pk=instance.pk).values().first()
    return hashlib.sha256(repr(sorted((row or {}).items())).encode()).hexdigest()[:32]


def check_unchanged(instance, opened_on: str | None) -> None:
    """Refuse (``ValidationError`` "changed_meanwhile") when the stored row of ``instance`` is no
    longer the version ``opened_on``; no version (a client that sent none) is not checked."""
    if opened_on and opened_on != version_of(instance):
        raise ValidationError(CHANGED_MEANWHILE, code="changed_meanwhile")
