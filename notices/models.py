"""Notices (通知): what the campaign office issues to units (动员部署), the 实施方案 first.

- :class:`Notice` — title, body, issuing body, 文号, date; never edited after issue: a
  correction is a new notice that names the one it corrects (``corrects``).
- :class:`NoticeAttachment` — its files (``core.evidence``), downloaded through a permission check.
- :class:`NoticeAddressee` — one unit it is addressed to, as the plan names them: a general
  branch (各党总支), a branch without a general branch, or a department without a branch; with
  who confirmed reading it and when.
- :class:`DepartmentHead` — who reads notices for a department without a branch (its head), set
  by the administrator; a department has no position of its own in the organisation.
"""


from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.evidence import EvidenceFile, stored_name


class Notice(models.Model):
    committee = models.ForeignKey(
        "branches.PartyCommittee",
        on_delete=models.PROTECT,
        related_name="notices",
        verbose_name=_("party committee"),
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    issuing_body = models.CharField(_("issued by"), max_length=100)
    document_number = models.CharField(_("document number"), max_length=50, blank=True)
    issued_on = models.DateField(_("date of issue"))
    corrects = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        verbose_name=_("corrects"),
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issued by"),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-issued_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "document_number"],
                condition=~Q(document_number=""),
                name="notice_document_number_unique",
            ),
            models.CheckConstraint(condition=~Q(corrects=models.F("pk")), name="notice_not_own_correction"),
        ]

    def __str__(self):
        return self.title


def attachment_path(instance, filename: str) -> str:
    """A random name under the notice's folder: the original name is kept in the row only."""
    return f"evidence/notices/{instance.notice_id}/{stored_name(filename)}"


class NoticeAttachment(EvidenceFile):
    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=255)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["notice", "pk"]


class NoticeAddressee(models.Model):
    """One unit a notice is addressed to, and whether its secretary (or head) has read it."""

    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="addressees")
    general_branch = models.ForeignKey(
        "branches.GeneralBranch",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("general branch"),
    )
    branch = models.ForeignKey(
        "branches.Branch",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("branch"),
    )
    department = models.ForeignKey(
        "branches.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("department"),
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    confirmed_at = models.DateTimeField(_("read on"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("addressee")
        verbose_name_plural = _("addressees")
        ordering = ["notice", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(general_branch__isnull=False, branch__isnull=True, department__isnull=True)
                | Q(general_branch__isnull=True, branch__isnull=False, department__isnull=True)
                | Q(general_branch__isnull=True, branch__isnull=True, department__isnull=False),
                name="notice_addressee_one_unit",
            ),
            models.UniqueConstraint(fields=["notice", "general_branch"], name="notice_addressee_gb_once"),
            models.UniqueConstraint(fields=["notice", "branch"], name="notice_addressee_branch_once"),
            models.UniqueConstraint(fields=["notice", "department"], name="notice_addressee_department_once"),
            models.CheckConstraint(
                condition=Q(confirmed_at__isnull=True) | Q(confirmed_by__isnull=False),
                name="notice_addressee_confirmed_by_someone",
            ),
        ]

    def __str__(self):
        return f"{self.notice} · {self.unit}"

    @property
    def unit(self):
        return self.general_branch or self.branch or self.department


class DepartmentHead(models.Model):
    department = models.OneToOneField(
        "branches.Department",
        on_delete=models.PROTECT,
        related_name="notice_head",
        verbose_name=_("department"),
    )
    person = models.ForeignKey(
        "branches.Person", on_delete=models.PROTECT, related_name="+", verbose_name=_("head")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("department head")
        verbose_name_plural = _("department heads")

    def __str__(self):
        return f"{self.department} · {self.person}"
