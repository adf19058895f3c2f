from django.contrib.auth.models import AbstractUser
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A login. What it may do is not stored here: it follows from the person behind it
    (membership, positions, seats in the leading group or office), see ``accounts.access``."""

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def display_name(self) -> str:
        person = getattr(self, "person", None)
        return person.name if person else (self.get_full_name() or self.username)
