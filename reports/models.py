"""Files of the download centre: each is one report asked for by one user, generated in the
worker and kept until it expires. The request (who, what, when) stays after the file is gone."""

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

#: The longest a file may be written for: the worker's hard time limit (reports.tasks). A file
#: still "running" longer was cut off without a word (the worker's main process died, or the
#: limit stopped it): it is stuck, shown as failed, and a new request for it is possible.
TIME_LIMIT = datetime.timedelta(minutes=30)

STUCK_MESSAGE = _(
    "Generating this file took longer than its time limit and was stopped. Ask for the report again."
)


def report_path(instance, filename: str) -> str:
    # A random name: the file is reached only through the permission-checked download view.
    return f"reports/{uuid.uuid4().hex}{filename[filename.rfind('.') :]}"


class ReportFile(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Being generated")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Expired")

    class Format(models.TextChoices):
        PDF = "pdf", "PDF"
        XLSX = "xlsx", "Excel"

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    kind = models.CharField(_("report"), max_length=40)
    format = models.CharField(_("format"), max_length=5, choices=Format.choices)
    params = models.JSONField(_("parameters"), default=dict)
    title = models.CharField(_("title"), max_length=300)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveIntegerField(_("rows written"), default=0)
    total = models.PositiveIntegerField(_("rows"), default=0)
    file = models.FileField(_("file"), upload_to=report_path, max_length=255, blank=True)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["progress"])

    class Meta:
        verbose_name = _("report file")
        verbose_name_plural = _("report files")
        ordering = ["-requested_at", "-pk"]
        indexes = [
            models.Index(fields=["requested_by", "-requested_at"]),
            models.Index(fields=["state", "expires_at"]),
        ]

    def __str__(self):
        return self.title

    @property
    def percent(self) -> int:
        if self.state == self.State.DONE:
            return 100
        return min(99, round(100 * self.progress / self.total)) if self.total else 0

    @property
    def stuck(self) -> bool:
        """Running longer than the time limit: the worker that wrote it is gone."""
        return (
            self.state == self.State.RUNNING
            and self.started_at is not None
            and self.started_at <= timezone.now() - TIME_LIMIT
        )

    @property
    def state_now(self) -> str:
        """The state as the reader should see it (a stuck file has failed)."""
        return self.State.FAILED if self.stuck else self.state

    @property
    def state_label(self) -> str:
        return self.State(self.state_now).label

    @property
    def error_now(self) -> str:
        return str(STUCK_MESSAGE) if self.stuck else self.error

    @property
    def download_name(self) -> str:
        return f"{self.title}.{self.format}"
