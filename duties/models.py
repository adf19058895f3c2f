"""述职述廉 and 实绩考核 (seed §六(三)): each branch and general-branch secretary's yearly duty
report, with its integrity part, on the form the office sets for the year; the assessment
meeting (述职评议会) and each report's grade; a satisfaction rating of the secretary through
the evaluations app (its anonymous ballot and threshold), linked here.

    draft ──submit──▶ submitted ──grade──▶ graded ──reopen (with reason)──▶ submitted
      ▲                  │
      └──return (reason)─┘
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.evidence import EvidenceFile, stored_name
from core.models import unit_owner


class DutyReportForm(models.Model):
    """The form the office sets for a year: what the duty part and the integrity part are to cover."""

    campaign_year = models.OneToOneField(
        "campaigns.CampaignYear",
        on_delete=models.PROTECT,
        related_name="duty_form",
        verbose_name=_("campaign year"),
    )
    duty_prompt = models.TextField(_("what the duty report covers"))
    integrity_prompt = models.TextField(_("what the integrity part covers"))
    due_on = models.DateField(_("to be submitted by"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("duty report form")
        verbose_name_plural = _("duty report forms")

    def __str__(self):
        return str(self.campaign_year)


class AssessmentMeeting(models.Model):
    """述职评议会: when the reports were assessed, and by whom."""

    campaign_year = models.ForeignKey(
        "campaigns.CampaignYear", on_delete=models.PROTECT, related_name="+", verbose_name=_("campaign year")
    )
    held_on = models.DateField(_("held on"))
    assessors = models.ManyToManyField("branches.Person", related_name="+", verbose_name=_("assessed by"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords(m2m_fields=[assessors])

    class Meta:
        verbose_name = _("assessment meeting")
        verbose_name_plural = _("assessment meetings")
        ordering = ["-held_on", "-pk"]

    def __str__(self):
        return f"{self.held_on:%Y-%m-%d}"


class DutyReport(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        GRADED = "graded", _("Graded")

    class Grade(models.TextChoices):
        GOOD = "good", _("Good")  # 好
        FAIRLY_GOOD = "fairly_good", _("Fairly good")  # 较好
        FAIR = "fair", _("Fair")  # 一般
        POOR = "poor", _("Poor")  # 差

    campaign_year = models.ForeignKey(
        "campaigns.CampaignYear",
        on_delete=models.PROTECT,
        related_name="duty_reports",
        verbose_name=_("campaign year"),
    )
    branch, general_branch = unit_owner("+")
    secretary = models.ForeignKey(
        "branches.Person", on_delete=models.PROTECT, related_name="duty_reports", verbose_name=_("secretary")
    )
    duty = models.TextField(_("duty report"), blank=True)
    integrity = models.TextField(_("integrity report"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    meeting = models.ForeignKey(
        AssessmentMeeting,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("assessment meeting"),
    )
    grade = models.CharField(_("grade"), max_length=12, choices=Grade.choices, blank=True)
    grade_comment = models.TextField(_("comment"), blank=True)
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("graded by"),
    )
    graded_at = models.DateTimeField(_("graded at"), null=True, blank=True)
    # Why the office last returned or reopened it; each is a version in the history.
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    evaluation = models.OneToOneField(
        "evaluations.Evaluation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="duty_report",
        verbose_name=_("satisfaction rating"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("duty report")
        verbose_name_plural = _("duty reports")
        ordering = ["campaign_year", "general_branch__sort_order", "branch__sort_order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(branch__isnull=False, general_branch__isnull=True)
                | Q(branch__isnull=True, general_branch__isnull=False),
                name="duty_report_one_unit",
            ),
            models.UniqueConstraint(
                fields=["campaign_year", "secretary", "branch"], name="duty_report_once_per_branch"
            ),
            models.UniqueConstraint(
                fields=["campaign_year", "secretary", "general_branch"],
                name="duty_report_once_per_general_branch",
            ),
            models.CheckConstraint(
                condition=Q(status="draft")
                | (~Q(duty="") & ~Q(integrity="") & Q(submitted_at__isnull=False)),
                name="duty_report_submitted_in_full",
            ),
            models.CheckConstraint(
                condition=~Q(status="graded")
                | (~Q(grade="") & Q(meeting__isnull=False, graded_by__isnull=False, graded_at__isnull=False)),
                name="duty_report_graded_at_a_meeting",
            ),
        ]

    def __str__(self):
        return f"{self.campaign_year} · {self.unit} · {self.secretary}"

    @property
    def unit(self):
        return self.branch or self.general_branch


def attachment_path(instance, filename: str) -> str:
    return f"evidence/duties/{instance.report_id}/{stored_name(filename)}"


class DutyReportAttachment(EvidenceFile):
    report = models.ForeignKey(DutyReport, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=255)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["report", "pk"]
