"""Scoring (量化考核评分细则) and the award cycle (评选表彰) of seed 第四阶段.

- :class:`Rubric` / :class:`RubricItem` — the rubric of one year for branches or for members:
  items under the seven branch (or member) criteria, which roll up to the five goods (five
  leads). An item is an automatic indicator, points the office awards, a deduction or a veto.
- :class:`ScoringSettings` — the year's weights (rubric vs mass evaluation), the satisfaction →
  points map and whether the highest and lowest rating are dropped.
- :class:`ScoreEntry` — what the office enters by hand against an item: awarded points, a
  deduction or a confirmed veto, always with a reason and evidence.
- :class:`ScoringRun` / :class:`ScoreLine` / :class:`ScoreItem` — the snapshot a scoring run
  produces. A draft is replaced by the next run; once approved nothing of it may change (the
  services refuse, and ``save``/``delete`` raise).
- :class:`AwardCycle` / :class:`Candidate` / :class:`Objection` — proposal → public notice (公示)
  with objections → approval by the leading group → announcement (frozen).
- :class:`ModelPost` / :class:`ModelPostReview` — 党员示范岗: designated, reviewed each term,
  withdrawn.
"""

import datetime
import uuid
from decimal import Decimal
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pledges.models import FiveGoods, FiveLeads


def score_evidence_path(instance, filename: str) -> str:
    """A random name: the original name is kept in ``evidence_name`` only, so no user-chosen
    name reaches the file system."""
    extension = PurePath(filename).suffix.lower()
    return f"evidence/awards/{datetime.date.today():%Y}/{uuid.uuid4().hex}{extension}"


class BranchCriterion(models.TextChoices):
    """七好 of a branch (DOMAIN.md), each rolling up to one of the five goods."""

    POLITICAL = "political", _("Strong political leadership")  # 政治引领好
    SELF_BUILDING = "self_building", _("Strong self-building")  # 自身建设好
    LEARNING = "learning", _("Persistent learning")  # 坚持学习好
    SECURITY = "security", _("Secrecy and safety")  # 保密安全好
    DEVELOPMENT = "development", _("Driving development")  # 推动发展好
    INNOVATION = "innovation", _("Reform and innovation")  # 改革创新好
    COHESION = "cohesion", _("Cohesion and support")  # 凝聚保障好


class MemberCriterion(models.TextChoices):
    """七好 of a member (DOMAIN.md), each rolling up to one of the five leads."""

    POLITICAL = "m_political", _("Good political quality")  # 政治素质好
    STUDY = "m_study", _("Conscientious study")  # 自觉学习好
    SKILL = "m_skill", _("Good job skills")  # 岗位技能好
    RESULTS = "m_results", _("Good work results")  # 工作业绩好
    RATING = "m_rating", _("Well rated by staff")  # 群众评价好
    TEAMWORK = "m_teamwork", _("Good teamwork")  # 团结协作好
    DEDICATION = "m_dedication", _("Hard work and dedication")  # 拼搏奉献好


ROLL_UP = {
    BranchCriterion.POLITICAL: FiveGoods.LEADERSHIP,
    BranchCriterion.SELF_BUILDING: FiveGoods.LEADERSHIP,
    BranchCriterion.LEARNING: FiveGoods.MEMBERSHIP,
    BranchCriterion.SECURITY: FiveGoods.MECHANISMS,
    BranchCriterion.DEVELOPMENT: FiveGoods.PERFORMANCE,
    BranchCriterion.INNOVATION: FiveGoods.PERFORMANCE,
    BranchCriterion.COHESION: FiveGoods.STANDING,
    MemberCriterion.POLITICAL: FiveLeads.LEARNING,
    MemberCriterion.STUDY: FiveLeads.LEARNING,
    MemberCriterion.SKILL: FiveLeads.INNOVATION,
    MemberCriterion.RESULTS: FiveLeads.INNOVATION,
    MemberCriterion.RATING: FiveLeads.SERVICE,
    MemberCriterion.TEAMWORK: FiveLeads.HARMONY,
    MemberCriterion.DEDICATION: FiveLeads.INTEGRITY,
}
ALL_CRITERIA = BranchCriterion.choices + MemberCriterion.choices
ALL_GOALS = dict(FiveGoods.choices + FiveLeads.choices)


def criterion_label(code: str) -> str:
    return str(dict(ALL_CRITERIA).get(code, code))


def goal_label(criterion: str) -> str:
    return str(ALL_GOALS.get(ROLL_UP.get(criterion), ""))


class Subject(models.TextChoices):
    BRANCH = "branch", _("Branches")
    MEMBER = "member", _("Members")


class Rubric(models.Model):
    """The rubric of one year for branches or for members. ``version`` goes up with every change
    of its items, and a scoring run records the versions it used."""

    campaign_year = models.ForeignKey(
        "campaigns.CampaignYear",
        on_delete=models.PROTECT,
        related_name="rubrics",
        verbose_name=_("campaign year"),
    )
    kind = models.CharField(_("scored"), max_length=10, choices=Subject.choices)
    version = models.PositiveIntegerField(_("version"), default=1)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rubric")
        verbose_name_plural = _("rubrics")
        ordering = ["campaign_year", "kind"]
        constraints = [models.UniqueConstraint(fields=["campaign_year", "kind"], name="rubric_unique_kind")]

    def __str__(self):
        return f"{self.campaign_year.year} · {self.get_kind_display()} · v{self.version}"

    @property
    def criteria(self):
        return BranchCriterion if self.kind == Subject.BRANCH else MemberCriterion


class RubricItem(models.Model):
    class Source(models.TextChoices):
        INDICATOR = "indicator", _("Automatic indicator")
        OFFICE = "office_points", _("Points awarded by the office")
        DEDUCTION = "deduction", _("Deduction")
        VETO = "veto", _("Veto (ineligible)")

    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="items")
    criterion = models.CharField(_("criterion"), max_length=20, choices=ALL_CRITERIA)
    name = models.CharField(_("item"), max_length=200)
    max_points = models.DecimalField(
        _("maximum points"), max_digits=6, decimal_places=2, default=Decimal("0")
    )
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    indicator = models.CharField(_("indicator"), max_length=40, blank=True)
    params = models.JSONField(_("indicator parameters"), default=dict, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rubric item")
        verbose_name_plural = _("rubric items")
        ordering = ["rubric", "sort_order", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(max_points__gte=0), name="rubric_item_max_not_negative"),
            models.CheckConstraint(
                condition=~Q(source="indicator") | ~Q(indicator=""), name="rubric_item_indicator_named"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def criterion_label(self):
        return criterion_label(self.criterion)

    @property
    def goal_label(self):
        return goal_label(self.criterion)


DEFAULT_SATISFACTION_POINTS = {
    "satisfied": 100,
    "fairly_satisfied": 75,
    "basically_satisfied": 55,
    "dissatisfied": 0,
}


def default_satisfaction_points():
    return dict(DEFAULT_SATISFACTION_POINTS)


class ScoringSettings(models.Model):
    """Weights of a year: total = rubric weight × rubric % + evaluation weight × evaluation %,
    the weights of a kind summing to 100. 不了解 is never counted."""

    campaign_year = models.OneToOneField(
        "campaigns.CampaignYear", on_delete=models.PROTECT, related_name="scoring_settings"
    )
    branch_rubric_weight = models.DecimalField(
        _("branches: rubric weight (%)"), max_digits=5, decimal_places=2, default=Decimal("70")
    )
    branch_evaluation_weight = models.DecimalField(
        _("branches: mass evaluation weight (%)"), max_digits=5, decimal_places=2, default=Decimal("30")
    )
    member_rubric_weight = models.DecimalField(
        _("members: rubric weight (%)"), max_digits=5, decimal_places=2, default=Decimal("70")
    )
    member_evaluation_weight = models.DecimalField(
        _("members: mass evaluation weight (%)"), max_digits=5, decimal_places=2, default=Decimal("30")
    )
    satisfaction_points = models.JSONField(_("points per answer"), default=default_satisfaction_points)
    trim_extremes = models.BooleanField(
        _("drop the highest and the lowest rating"),
        default=False,
        help_text=_("Only where at least 5 people rated."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("scoring settings")
        verbose_name_plural = _("scoring settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(branch_rubric_weight__gte=0, branch_evaluation_weight__gte=0)
                & Q(branch_rubric_weight=100 - models.F("branch_evaluation_weight")),
                name="scoring_branch_weights_sum_100",
            ),
            models.CheckConstraint(
                condition=Q(member_rubric_weight__gte=0, member_evaluation_weight__gte=0)
                & Q(member_rubric_weight=100 - models.F("member_evaluation_weight")),
                name="scoring_member_weights_sum_100",
            ),
        ]

    def __str__(self):
        return str(self.campaign_year)


class ScoreEntry(models.Model):
    """Points awarded, a deduction or a confirmed veto, entered by the office for one branch or
    one member against one item of the rubric, with the reason and the evidence."""

    item = models.ForeignKey(
        RubricItem, on_delete=models.PROTECT, related_name="entries", verbose_name=_("item")
    )
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
    points = models.DecimalField(_("points"), max_digits=6, decimal_places=2, default=Decimal("0"))
    reason = models.TextField(_("reason"))
    evidence_url = models.CharField(_("link to the record"), max_length=300, blank=True)
    evidence_file = models.FileField(
        _("evidence file"), upload_to=score_evidence_path, blank=True, max_length=255
    )
    evidence_name = models.CharField(_("file name"), max_length=255, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("entered by")
    )
    created_at = models.DateTimeField(_("entered at"), auto_now_add=True)
    withdrawn = models.BooleanField(_("withdrawn"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("office entry")
        verbose_name_plural = _("office entries")
        ordering = ["item", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="score_entry_has_reason"),
            models.CheckConstraint(condition=Q(points__gte=0), name="score_entry_points_not_negative"),
        ]

    def __str__(self):
        return f"{self.item} · {self.points}"


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
    """The snapshot of one year's scores. At most one draft and one approved run per year."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPROVED = "approved", _("Approved")

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

    class Meta:
        verbose_name = _("scoring run")
        verbose_name_plural = _("scoring runs")
        ordering = ["campaign_year", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["campaign_year", "status"], name="scoring_run_one_per_status"),
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


class Title(models.TextChoices):
    FIVE_GOOD = "five_good_branch", _("Five-good branch")  # 五个好基层党组织
    ADVANCED = "advanced_branch", _("Advanced branch")  # 先进党总支(支部)
    OUTSTANDING = "outstanding_member", _("Outstanding member")  # 优秀共产党员
    MODEL_POST = "model_post", _("Model post")  # 党员示范岗


BRANCH_TITLES = (Title.FIVE_GOOD, Title.ADVANCED)


class AwardCycle(models.Model):
    """评选表彰 of one year: proposing → notice (公示) → approval → approved (frozen) → announced."""

    class Status(models.TextChoices):
        PROPOSING = "proposing", _("Proposing candidates")
        NOTICE = "notice", _("Public notice")
        APPROVAL = "approval", _("Awaiting approval")
        APPROVED = "approved", _("Approved")
        ANNOUNCED = "announced", _("Announced")

    campaign_year = models.OneToOneField(
        "campaigns.CampaignYear",
        on_delete=models.PROTECT,
        related_name="award_cycle",
        verbose_name=_("campaign year"),
    )
    run = models.ForeignKey(
        ScoringRun, on_delete=models.PROTECT, related_name="+", verbose_name=_("scoring run")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PROPOSING)
    notice_days = models.PositiveSmallIntegerField(_("days of public notice"), default=5)
    five_good_per_category = models.PositiveSmallIntegerField(_("five-good branches per category"), default=1)
    advanced_per_category = models.PositiveSmallIntegerField(_("advanced branches per category"), default=1)
    outstanding_member_share = models.DecimalField(
        _("outstanding members: at most this share of each general branch"),
        max_digits=4,
        decimal_places=3,
        default=Decimal("0.100"),
    )
    notice_starts_on = models.DateField(_("notice from"), null=True, blank=True)
    notice_ends_on = models.DateField(_("notice until"), null=True, blank=True)
    return_reason = models.TextField(_("reason for returning"), blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    announced_on = models.DateField(_("announced on"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("award cycle")
        verbose_name_plural = _("award cycles")
        constraints = [
            models.CheckConstraint(
                condition=Q(outstanding_member_share__gte=0, outstanding_member_share__lte=1),
                name="award_cycle_share_0_1",
            )
        ]

    def __str__(self):
        return f"{self.campaign_year} · {self.get_status_display()}"

    @property
    def is_frozen(self) -> bool:
        return self.status in (self.Status.APPROVED, self.Status.ANNOUNCED)

    @property
    def july_first(self) -> datetime.date:
        return datetime.date(self.campaign_year.year, 7, 1)

    def expected_announcement(self, today: datetime.date) -> datetime.date:
        """The earliest the list can be announced: not before the planned date, the end of the
        notice (or, before the notice has started, today plus its length) nor today."""
        dates = [self.campaign_year.awards_announced_by, today]
        if self.notice_ends_on:
            dates.append(self.notice_ends_on + datetime.timedelta(days=1))
        elif self.status == self.Status.PROPOSING:
            dates.append(today + datetime.timedelta(days=self.notice_days + 1))
        if self.announced_on:
            return self.announced_on
        return max(dates)

    def late_warning(self, today: datetime.date) -> bool:
        return self.expected_announcement(today) > self.july_first


class Candidate(models.Model):
    class Source(models.TextChoices):
        RANKING = "ranking", _("From the ranking")
        ADDED = "added", _("Added by the office")

    cycle = models.ForeignKey(AwardCycle, on_delete=models.PROTECT, related_name="candidates")
    title = models.CharField(_("title"), max_length=20, choices=Title.choices)
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
    line = models.ForeignKey(ScoreLine, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    reason = models.TextField(_("reason"), blank=True)
    removed = models.BooleanField(_("removed"), default=False)
    removed_reason = models.TextField(_("reason for removing"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")
        ordering = ["cycle", "title", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(source="added") | ~Q(reason=""), name="candidate_added_has_reason"
            ),
            models.CheckConstraint(
                condition=~Q(removed=True) | ~Q(removed_reason=""), name="candidate_removed_has_reason"
            ),
            models.CheckConstraint(
                condition=Q(title__in=["five_good_branch", "advanced_branch"], person__isnull=True)
                | (~Q(title__in=["five_good_branch", "advanced_branch"]) & Q(person__isnull=False)),
                name="candidate_person_iff_member_title",
            ),
        ]

    def __str__(self):
        return f"{self.get_title_display()}: {self.subject_name}"

    @property
    def subject_name(self) -> str:
        return self.person.name if self.person_id else self.branch.name


class Objection(models.Model):
    """An objection lodged during the public notice. Lodged by name (实名): the office must be
    able to ask back; only the office sees who lodged it."""

    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="objections")
    text = models.TextField(_("objection"))
    submitted_on = models.DateField(_("submitted on"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["submitted_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="objection_has_text"),
            models.CheckConstraint(
                condition=Q(answer="", answered_on__isnull=True)
                | (~Q(answer="") & Q(answered_on__isnull=False)),
                name="objection_answer_complete",
            ),
        ]

    def __str__(self):
        return self.text[:40]


class ModelPost(models.Model):
    """党员示范岗: a member's post marked as an example for a term."""

    person = models.ForeignKey(
        "branches.Person", on_delete=models.PROTECT, related_name="model_posts", verbose_name=_("member")
    )
    branch = models.ForeignKey(
        "branches.Branch", on_delete=models.PROTECT, related_name="model_posts", verbose_name=_("branch")
    )
    post_name = models.CharField(_("post"), max_length=200)
    designated_on = models.DateField(_("designated on"))
    term_ends_on = models.DateField(_("term ends on"))
    designated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    withdraw_reason = models.TextField(_("reason for withdrawing"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("model post")
        verbose_name_plural = _("model posts")
        ordering = ["-designated_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(term_ends_on__gt=models.F("designated_on")), name="model_post_term_after_start"
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True, withdraw_reason="")
                | (Q(withdrawn_on__isnull=False) & ~Q(withdraw_reason="")),
                name="model_post_withdrawal_complete",
            ),
        ]

    def __str__(self):
        return f"{self.person.name} · {self.post_name}"


class ModelPostReview(models.Model):
    class Result(models.TextChoices):
        KEEP = "keep", _("Keeps the designation")
        IMPROVE = "improve", _("Keeps it, with points to improve")
        WITHDRAW = "withdraw", _("To be withdrawn")

    post = models.ForeignKey(ModelPost, on_delete=models.PROTECT, related_name="reviews")
    reviewed_on = models.DateField(_("reviewed on"))
    result = models.CharField(_("result"), max_length=10, choices=Result.choices)
    note = models.TextField(_("note"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("model post review")
        verbose_name_plural = _("model post reviews")
        ordering = ["post", "reviewed_on", "pk"]

    def __str__(self):
        return f"{self.post} · {self.reviewed_on}"
