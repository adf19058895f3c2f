"""A password check Django lacks: its UserAttributeSimilarityValidator compares whole strings,
so "staffstaff1" passes for the login "staff". This one refuses any password that contains the
login name or the person's name in pinyin (case does not matter)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .loginnames import pinyin

MIN_PART = 3  # a shorter name ("li") would refuse too many good passwords


class LoginNameValidator:
    def validate(self, password, user=None):
        if user is None:
            return
        lowered = (password or "").lower()
        parts = {(user.username or "").lower()}
        person = getattr(user, "person", None) if user.pk else None
        if person is not None:
            parts.add(pinyin(person.name))
        if any(len(part) >= MIN_PART and part in lowered for part in parts):
            raise ValidationError(
                _("The password may not contain your login name or your name in pinyin."),
                code="password_contains_login_name",
            )

    def get_help_text(self):
        return _("Your password may not contain your login name or your name in pinyin.")
