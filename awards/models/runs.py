"""The snapshot a scoring run produces: once approved nothing of it may change."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .rubric import RubricItem, Subject, criterion_label, goal_label


class SnapshotQuerySet(models.QuerySet):
    """Bulk ``update``/``delete`` refuse rows of an approved run as ``save``/``delete`` do."""

    def _guard(self):
        lookup = {self.model.RUN_LOOKUP + "status": ScoringRun.Status.APPROVED}
        if self.filter(**lookup).exists():
            raise ValidationError(_("An approved scoring snapshot cannot be changed."))

    def update(self, **kwargs):
        self._guard()
        return super().update(**kwargs)

    def delete(self):
        self._guard()
        return super().delete()


class Immutable(models.Model):
    """Refuses to be saved or deleted once its run is approved."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk and self._approved():
            raise ValidationError(_("An approved scoring snapshot cannot be changed."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._approved():
            raise ValidationError(_("An approved scoring snapshot cannot be changed."))
        return super().delete(*args, **kwargs)

    def _approved(self) -> bool:
        raise NotImplementedError


class ScoringRun(Immutable):
    """The snapshot of one year's scores. At most one draft and one approved run per year; an
    approved run the leading group reopened stays, with who, when and why, as ``reopened`` (its
    snapshot unchanged: the award cycle's candidates point at its lines), and a new draft
    replaces it once approved."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPROVED = "approved", _("Approved")
        REOPENED = "reopened", _("Reopened")

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    campaign_year = models.ForeignKey(
        "campaigns.CampaignYear",
        on_delete=models.PROTECT,
        related_name="scoring_runs",
        verbose_name=_("campaign year"),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    as_of = models.DateField(_("records up to"))
    rubric_versions = models.JSONField(_("rubric versions"), default=dict)
    settings_used = models.JSONField(_("settings used"), default=dict)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    computed_at = models.DateTimeField(_("computed at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reopened_at = models.DateTimeField(_("reopened at"), null=True, blank=True)
    reopen_reason = models.TextField(_("reason for reopening"), blank=True)

    class Meta:
        verbose_name = _("scoring run")
        verbose_name_plural = _("scoring runs")
        ordering = ["campaign_year", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign_year", "status"],
                condition=Q(status__in=["draft", "approved"]),
                name="scoring_run_one_per_status",
            ),
            models.CheckConstraint(
                condition=~Q(status="reopened") | ~Q(reopen_reason=""), name="scoring_run_reopened_has_reason"
            ),
        ]

    def __str__(self):
        return f"{self.campaign_year.year} · {self.get_status_display()}"

    def _approved(self) -> bool:
        stored = ScoringRun.objects.filter(pk=self.pk).values_list("status", flat=True).first()
        return stored == self.Status.APPROVED

    @property
    def is_approved(self) -> bool:
        return self.status == self.Status.APPROVED


class ScoreLine(Immutable):
    """The score of one branch (``person`` empty) or one member in a run."""

    run = models.ForeignKey(ScoringRun, on_delete=models.CASCADE, related_name="lines")
    kind = models.CharField(_("scored"), max_length=10, choices=Subject.choices)
    branch = models.ForeignKey(
        "branches.Branch", on_delete=models.PROTECT, related_name="+", verbose_name=_("branch")
    )
    person = models.ForeignKey(
        "branches.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("member"),
    )
    category = models.CharField(_("category"), max_length=20)
    # The unit the member quota is counted in: the general branch, else the branch itself.
    quota_unit = models.CharField(max_length=30)
    rubric_points = models.DecimalField(max_digits=7, decimal_places=2)
    rubric_max = models.DecimalField(max_digits=7, decimal_places=2)
    rubric_percent = models.DecimalField(max_digits=5, decimal_places=2)
    eval_used = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    eval_mean = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    eval_median = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    eval_raters = models.PositiveIntegerField(default=0)
    eval_ratings = models.PositiveIntegerField(default=0)
    eval_trimmed = models.BooleanField(default=False)
    total = models.DecimalField(_("score"), max_digits=5, decimal_places=2)
    eligible = models.BooleanField(_("eligible"))
    reasons = models.JSONField(_("why ineligible"), default=list)
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)

    RUN_LOOKUP = "run__"
    objects = SnapshotQuerySet.as_manager()

    class Meta:
        ordering = ["run", "kind", "category", "rank", "pk"]
        indexes = [
            # A page of the ranking is read in this order (``views.RankingView``): through the
            # index, rather than sorting all lines of the run (an institute's 10,000) for it.
            models.Index(fields=["run", "kind", "category", "rank", "id"], name="scoreline_ranking"),
        ]

    def __str__(self):
        return f"{self.person.name if self.person_id else self.branch.name}: {self.total}"

    def get_absolute_url(self):
        return reverse("awards:line", args=[self.pk])

    def _approved(self) -> bool:
        return ScoringRun.objects.filter(pk=self.run_id, status=ScoringRun.Status.APPROVED).exists()

    @property
    def subject_name(self) -> str:
        return self.person.name if self.person_id else self.branch.name


class ScoreItem(Immutable):
    """One item of a line: what it scored, of how much, why, and the records behind it.
    Name and maximum are copied, so later edits of the rubric do not change a snapshot."""

    line = models.ForeignKey(ScoreLine, on_delete=models.CASCADE, related_name="items")
    rubric_item = models.ForeignKey(
        RubricItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    criterion = models.CharField(max_length=20)
    name = models.CharField(max_length=200)
    source = models.CharField(max_length=20)
    points = models.DecimalField(max_digits=7, decimal_places=2)
    max_points = models.DecimalField(max_digits=7, decimal_places=2)
    explanation = models.TextField(blank=True)
    evidence = models.JSONField(default=list)  # [[label, url], ...]
    sort_order = models.PositiveSmallIntegerField(default=0)

    RUN_LOOKUP = "line__run__"
    objects = SnapshotQuerySet.as_manager()

    class Meta:
        ordering = ["line", "sort_order", "pk"]

    def __str__(self):
        return f"{self.name}: {self.points}/{self.max_points}"

    def _approved(self) -> bool:
        return ScoringRun.objects.filter(lines=self.line_id, status=ScoringRun.Status.APPROVED).exists()

    @property
    def criterion_label(self):
        return criterion_label(self.criterion)

    @property
    def goal_label(self):
        return goal_label(self.criterion)


class GeneralBranchLine(Immutable):
    """The score of one general branch (党总支) in a run.

    The plan commends 先进党总支 beside 先进党支部 but gives the general branch no rubric of its
    own, so its score is the branch rubric over its branches: the mean of the totals of its
    branches' lines in the same run (``branches`` says how many), written with the branch lines
    (``scoring.compute``) so that pages read one row per general branch. A branch that is
    ineligible (a veto, an unpublished pledge) counts with its total and is counted in
    ``flagged``: the proposal from the ranking passes such a general branch over, the office may
    still add it by hand with its reason. A general branch none of whose branches was scored has
    a line without a score (``total`` empty), ineligible, so that it is seen rather than missing.
    Which branches were averaged is the snapshot's own: the branch lines' ``quota_unit``
    (``gb:<id>``) as the tree stood when the run was computed."""

    run = models.ForeignKey(ScoringRun, on_delete=models.CASCADE, related_name="general_branch_lines")
    general_branch = models.ForeignKey(
        "branches.GeneralBranch", on_delete=models.PROTECT, related_name="+", verbose_name=_("general branch")
    )
    category = models.CharField(_("category"), max_length=20)
    total = models.DecimalField(_("score"), max_digits=5, decimal_places=2, null=True, blank=True)
    branches = models.PositiveIntegerField(_("branches averaged"), default=0)
    flagged = models.PositiveIntegerField(_("ineligible branches"), default=0)
    eligible = models.BooleanField(_("eligible"))
    reasons = models.JSONField(_("why ineligible"), default=list)
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)

    RUN_LOOKUP = "run__"
    objects = SnapshotQuerySet.as_manager()

    class Meta:
        verbose_name = _("general branch score")
        verbose_name_plural = _("general branch scores")
        ordering = ["run", "rank", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "general_branch"], name="general_branch_line_once_per_run"
            ),
            # No branch scored: no score, and then nothing to propose.
            models.CheckConstraint(
                condition=Q(branches=0, total__isnull=True, eligible=False)
                | Q(branches__gt=0, total__isnull=False),
                name="general_branch_line_total_iff_branches",
            ),
        ]

    def __str__(self):
        return f"{self.general_branch.name}: {self.total}"

    def get_absolute_url(self):
        return reverse("awards:general_branch_line", args=[self.pk])

    def _approved(self) -> bool:
        return ScoringRun.objects.filter(pk=self.run_id, status=ScoringRun.Status.APPROVED).exists()

    @property
    def subject_name(self) -> str:
        return self.general_branch.name

    @property
    def quota_unit(self) -> str:
        """The key its branches' lines carry (``ScoreLine.quota_unit``)."""
        return f"gb:{self.general_branch_id}"
