"""群众监督: a question or comment by someone who may see a published pledge, and the answer.

A comment is signed: its writer's name is shown with it to everyone who sees the pledge, the
branch included (supervision by name, as the plan's 公开承诺 asks; the form says so). The
branch's secretary answers it once. The campaign office may hide an abusive comment with a
reason: the text is then kept (and the office still reads it), the others see only that it
was hidden and why. Nothing is deleted; every change is in the history.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class PledgeComment(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Awaiting an answer")
        ANSWERED = "answered", _("Answered")
        HIDDEN = "hidden", _("Hidden by the campaign office")

    pledge = models.ForeignKey(
        "pledges.Pledge", on_delete=models.PROTECT, related_name="comments", verbose_name=_("pledge")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    text = models.TextField(_("question or comment"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("written by")
    )
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    hidden_reason = models.TextField(_("reason for hiding"), blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("hidden by"),
    )
    hidden_at = models.DateTimeField(_("hidden at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("comment on a pledge")
        verbose_name_plural = _("comments on pledges")
        ordering = ["pledge", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="pledge_comment_has_text"),
            models.CheckConstraint(
                condition=Q(answer="", answered_at__isnull=True)
                | (~Q(answer="") & Q(answered_at__isnull=False, answered_by__isnull=False)),
                name="pledge_comment_answer_complete",
            ),
            models.CheckConstraint(
                condition=~Q(status="hidden")
                | (~Q(hidden_reason="") & Q(hidden_at__isnull=False, hidden_by__isnull=False)),
                name="pledge_comment_hidden_with_reason",
            ),
        ]

    def __str__(self):
        return self.text[:50]

    @property
    def is_hidden(self) -> bool:
        return self.status == self.Status.HIDDEN
