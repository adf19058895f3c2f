"""The award cycle (proposal → notice → approval → announcement) and model posts."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import unit_owner

from .runs import GeneralBranchLine, ScoreLine, ScoringRun


class Title(models.TextChoices):
    FIVE_GOOD = "five_good_branch", _("Five-good branch")  # 五个好基层党组织
    ADVANCED = "advanced_branch", _("Advanced branch")  # 先进党总支(支部)
    OUTSTANDING = "outstanding_member", _("Outstanding member")  # 优秀共产党员
    MODEL_POST = "model_post", _("Model post")  # 党员示范岗


BRANCH_TITLES = (Title.FIVE_GOOD, Title.ADVANCED)

# The public notice (公示) lasts at least this many working days (the plan's 5 working days).
# Working days are Monday to Friday: the system holds no calendar of public holidays.
MIN_NOTICE_WORKING_DAYS = 5


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The last day of ``days`` working days (Monday–Friday) counted from ``start`` (itself
    counted when it is a working day)."""
    day = start
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    counted = 1
    while counted < days:
        day += datetime.timedelta(days=1)
        if day.weekday() < 5:
            counted += 1
    return day


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
    notice_days = models.PositiveSmallIntegerField(
        _("working days of public notice"),
        default=MIN_NOTICE_WORKING_DAYS,
        validators=[MinValueValidator(MIN_NOTICE_WORKING_DAYS)],
    )
    five_good_per_category = models.PositiveSmallIntegerField(_("five-good branches per category"), default=1)
    advanced_per_category = models.PositiveSmallIntegerField(_("advanced branches per category"), default=1)
    # 先进党总支 proposed from the general branches' ranking (one ranking for the institute: a
    # few general branches, of mixed categories).
    advanced_general_branches = models.PositiveSmallIntegerField(_("advanced general branches"), default=1)
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
    # 文号 of the commendation decision, e.g. 所党字〔2026〕5号: given by the office when it
    # announces the list, printed under the masthead of the decision (reports' award list).
    document_number = models.CharField(_("document number"), max_length=50, blank=True)
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
            dates.append(add_working_days(today, self.notice_days) + datetime.timedelta(days=1))
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
    # The subject: a branch (with ``person`` for a member's title), or a general branch, which
    # only 先进党总支(支部) goes to (``candidate_one_subject``).
    branch, general_branch = unit_owner("+")
    person = models.ForeignKey(
        "branches.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("member"),
    )
    line = models.ForeignKey(ScoreLine, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    general_branch_line = models.ForeignKey(
        GeneralBranchLine, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
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
            # Exactly one subject per title: a branch's title goes to a branch, 先进党总支(支部)
            # to a branch or a general branch, a member's title to a member of a branch.
            models.CheckConstraint(
                condition=Q(
                    title__in=["five_good_branch", "advanced_branch"],
                    person__isnull=True,
                    branch__isnull=False,
                    general_branch__isnull=True,
                )
                | Q(
                    title="advanced_branch",
                    person__isnull=True,
                    branch__isnull=True,
                    general_branch__isnull=False,
                )
                | (
                    ~Q(title__in=["five_good_branch", "advanced_branch"])
                    & Q(person__isnull=False, branch__isnull=False, general_branch__isnull=True)
                ),
                name="candidate_one_subject",
            ),
        ]

    def __str__(self):
        return f"{self.get_title_display()}: {self.subject_name}"

    @property
    def unit(self):
        """The organisation the candidate is, or belongs to: its branch or general branch."""
        return self.general_branch if self.general_branch_id else self.branch

    @property
    def subject_name(self) -> str:
        return self.person.name if self.person_id else self.unit.name

    @property
    def score_line(self):
        """The line it was proposed from: a branch's or member's, or a general branch's."""
        return self.general_branch_line if self.general_branch_id else self.line


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
