"""部门横向交流 (第五阶段): experience articles (好方法、好经验) and the exchange meetings (交流会).

- :class:`Article` — published by the campaign office or by a branch, with files; staff of the
  institute read it; the office marks it for the 交流会 (``for_meeting``, with who and when).
- :class:`ExchangeMeeting` — the 交流会 itself: date, place, the articles presented and the units
  that attended (branches, and others by name).

Everything keeps its history; nothing is deleted (an article is corrected by a new one)."""


from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.evidence import EvidenceFile, stored_name


class Article(models.Model):
    committee = models.ForeignKey(
        "branches.PartyCommittee",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("party committee"),
    )
    # Empty: published by the campaign office.
    branch = models.ForeignKey(
        "branches.Branch",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="experience_articles",
        verbose_name=_("branch"),
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    published_on = models.DateField(_("published on"), default=timezone.localdate)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("published by")
    )
    for_meeting = models.BooleanField(_("for the exchange meeting"), default=False)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("marked by"),
    )
    marked_at = models.DateTimeField(_("marked at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("experience article")
        verbose_name_plural = _("experience articles")
        ordering = ["-published_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(for_meeting=False) | (Q(marked_by__isnull=False) & Q(marked_at__isnull=False)),
                name="article_mark_complete",
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("exchange:detail", args=[self.pk])


def article_file_path(instance, filename: str) -> str:
    return f"evidence/exchange/{instance.article_id}/{stored_name(filename)}"


class ArticleFile(EvidenceFile):
    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="files")
    file = models.FileField(_("file"), upload_to=article_file_path, max_length=255)
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["article", "uploaded_at", "pk"]


class ExchangeMeeting(models.Model):
    committee = models.ForeignKey(
        "branches.PartyCommittee",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("party committee"),
    )
    title = models.CharField(_("title"), max_length=200)
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=100, blank=True)
    articles = models.ManyToManyField(Article, related_name="meetings", verbose_name=_("articles presented"))
    branches = models.ManyToManyField(
        "branches.Branch", related_name="+", blank=True, verbose_name=_("branches attending")
    )
    other_attendees = models.CharField(_("other attendees"), max_length=500, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    history = HistoricalRecords(m2m_fields=[articles, branches])

    class Meta:
        verbose_name = _("exchange meeting")
        verbose_name_plural = _("exchange meetings")
        ordering = ["-held_on", "-pk"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("exchange:meeting", args=[self.pk])
