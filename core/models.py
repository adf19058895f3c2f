from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _


def unit_owner(related_name: str = "+"):
    """The two owner columns of a record that a branch or a general branch owns: a general
    branch's own record has ``general_branch`` set and ``branch`` empty. Each model's
    CheckConstraint says which of its kinds has which. Use as
    ``branch, general_branch = unit_owner("pledges")``."""
    common = {"on_delete": models.PROTECT, "null": True, "blank": True, "related_name": related_name}
    return (
        models.ForeignKey("branches.Branch", verbose_name=_("branch"), **common),
        models.ForeignKey("branches.GeneralBranch", verbose_name=_("general branch"), **common),
    )


class QueuedTask(models.Model):
    """A background task call kept until the broker (Redis) has accepted it: the outbox.

    ``core.queue.enqueue`` writes the row in the same transaction as the work that asks for
    the task, and sends it once that transaction commits. When the broker cannot be reached the
    row stays unsent; the worker (on start) and a scheduled job (every minute) send what is
    left, oldest first. Sent rows are kept as the record of what was queued and when."""

    task = models.CharField(_("task"), max_length=200)
    args = models.JSONField(_("positional arguments"), default=list, encoder=DjangoJSONEncoder)
    kwargs = models.JSONField(_("keyword arguments"), default=dict, encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=1000, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("queued task")
        verbose_name_plural = _("queued tasks")
        ordering = ["-pk"]
        indexes = [
            models.Index(fields=["id"], condition=models.Q(sent_at__isnull=True), name="queuedtask_unsent")
        ]

    def __str__(self):
        return self.task
