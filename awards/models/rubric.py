"""The rubric of a year, its weights and what the office enters by hand against it."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.evidence import stored_name
from pledges.models import FiveGoods, FiveLeads


def score_evidence_path(instance, filename: str) -> str:
    """A random name: the original name is kept in ``evidence_name`` only, so no user-chosen
    name reaches the file system."""
    return f"evidence/awards/{datetime.date.today():%Y}/{stored_name(filename)}"


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
        return self.label

    @property
    def label(self) -> str:
        """The name in the reader's language: a default item's name is stored as its English
        source string (``awards.defaults``) and translated here; a name the office wrote has no
        translation and reads as written."""
        return gettext(self.name) if self.name else ""

    @property
    def criterion_label(self):
        return criterion_label(self.criterion)

    @property
    def goal_label(self):
        return goal_label(self.criterion)

    @property
    def indicator_label(self):
        """The indicator's Chinese name (准时公布承诺), never its code (pledge_published_on_time)."""
        from ..scoring.indicators import INDICATOR_CHOICES  # the indicators read these models

        return str(dict(INDICATOR_CHOICES).get(self.indicator, "")) if self.indicator else ""


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
