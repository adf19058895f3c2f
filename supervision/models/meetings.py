"""The office's own meetings of 第三阶段(一): 座谈会, 党支部书记例会 and 情况通报会.

A meeting records its date, who attended and what was raised; its follow-ups are assigned to
branches with deadlines as :class:`~supervision.models.Inspection` rows of the meeting's kind
(``meeting`` set), so a branch answers them exactly like an inspection's findings."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class SupervisionMeeting(models.Model):
    class Kind(models.TextChoices):
        FORUM = "forum", _("Forum")  # 座谈会
        SECRETARIES_MEETING = "secretaries_meeting", _("Secretaries' meeting")  # 党支部书记例会
        BRIEFING = "briefing", _("Briefing")  # 情况通报会

    campaign_year = models.ForeignKey(
        "campaigns.CampaignYear",
        on_delete=models.PROTECT,
        related_name="supervision_meetings",
        verbose_name=_("campaign year"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    held_on = models.DateField(_("held on"))
    subject = models.CharField(_("subject"), max_length=200)
    attendees = models.ManyToManyField(
        "branches.Person", blank=True, related_name="supervision_meetings", verbose_name=_("attended")
    )
    other_attendees = models.CharField(
        _("others who attended"), max_length=500, blank=True, help_text=_("Names not in the list above.")
    )
    raised = models.TextField(_("what was raised"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[attendees])

    class Meta:
        verbose_name = _("supervision meeting")
        verbose_name_plural = _("supervision meetings")
        ordering = ["-held_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(raised=""), name="supervision_meeting_raised"),
            models.CheckConstraint(
                condition=Q(kind__in=["forum", "secretaries_meeting", "briefing"]),
                name="supervision_meeting_kind",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.held_on}"
