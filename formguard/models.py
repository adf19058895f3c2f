from django.db import models
from django.utils.translation import gettext_lazy as _


class SubmissionToken(models.Model):
    """A one-time token of a rendered create form, stored when the form is first accepted.

    The unique key makes a second submission of the same page (a double click, a reload, two
    tabs, two requests at once) fail on the database, whatever the timing. A technical record,
    not part of the campaign's history; purged after two days (formguard.tasks)."""

    key = models.UUIDField(_("key"), unique=True)
    used_at = models.DateTimeField(_("used at"), auto_now_add=True)
    # Where the accepted submission led (its redirect): the page a second submission is sent to.
    result_url = models.CharField(_("result page"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("submission token")
        verbose_name_plural = _("submission tokens")

    def __str__(self):
        return str(self.key)
