"""扫码签到: a meeting's sign-in window and who signed in through it (issue 20, 减负).

The secretary opens a window on a 三会一课 record; it has a short code, shown with a QR code of
the sign-in page's address. A member of the meeting signs in with the own login while the
window is open, once; the sign-in writes the member's attendance as present, with the member
in its history. Closing the window marks everyone still without attendance absent, so that the
attendance then stands as if typed. Windows and sign-ins are kept with their history."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class SignInWindow(models.Model):
    record = models.ForeignKey(
        "activities.ActivityRecord",
        on_delete=models.PROTECT,
        related_name="sign_in_windows",
        verbose_name=_("activity record"),
    )
    # Short enough to type from the screen: 6 characters without look-alikes (0/O, 1/I).
    code = models.CharField(_("sign-in code"), max_length=6)
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now, editable=False)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("opened by")
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("sign-in window")
        verbose_name_plural = _("sign-in windows")
        ordering = ["-opened_at", "-pk"]
        constraints = [
            # A code names one open window; a meeting has at most one open window.
            models.UniqueConstraint(
                fields=["code"], condition=Q(closed_at__isnull=True), name="signin_open_code"
            ),
            models.UniqueConstraint(
                fields=["record"], condition=Q(closed_at__isnull=True), name="signin_one_open_per_record"
            ),
            models.CheckConstraint(
                condition=(Q(closed_at__isnull=True) & Q(closed_by__isnull=True))
                | (Q(closed_at__isnull=False) & Q(closed_by__isnull=False)),
                name="signin_close_complete",
            ),
        ]

    def __str__(self):
        return f"{self.record} · {self.code}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class SignIn(models.Model):
    """One member's sign-in at one window: once per person."""

    window = models.ForeignKey(SignInWindow, on_delete=models.PROTECT, related_name="sign_ins")
    person = models.ForeignKey(
        "branches.Person", on_delete=models.PROTECT, related_name="sign_ins", verbose_name=_("person")
    )
    signed_at = models.DateTimeField(_("signed in at"), default=timezone.now, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("sign-in")
        verbose_name_plural = _("sign-ins")
        ordering = ["window", "signed_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["window", "person"], name="signin_once_per_person")]

    def __str__(self):
        return f"{self.person.name} @ {self.signed_at:%H:%M}"
