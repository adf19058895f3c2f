from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class User(AbstractUser):
    """A login. What it may do is not stored here: it follows from the person behind it
    (membership, positions, seats in the leading group or office), see ``accounts.access``."""

    # Who created, deactivated or promoted a login, and when. The password hash is never copied;
    # logins themselves are not changes (see AccountsConfig.ready) and are logged by django-axes.
    history = HistoricalRecords(excluded_fields=["password", "last_login", "roles_version"])
    # Set when the office issues or resets a password (a login slip): the next sign-in leads to
    # the change form until a password of the person's own is chosen (accounts.middleware).
    must_change_password = models.BooleanField(_("must change the password"), default=False)
    # Bumped when a position, seat or campaign behind the login's roles changes, so that the
    # roles cached for requests are read again (accounts.role_cache). Not a change of the login.
    roles_version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def display_name(self) -> str:
        person = getattr(self, "person", None)
        return person.name if person else (self.get_full_name() or self.username)


class Notification(models.Model):
    """An in-app message to one user (a reminder, a returned pledge…); it may also go by e-mail."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    message = models.CharField(_("message"), max_length=500)
    link = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self):
        return self.message
