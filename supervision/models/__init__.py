"""Supervision (督查) and semi-annual reviews (半年点评): seed 第三阶段(一) and §六(三).

- :class:`Inspection` — one check of a branch by the campaign office (经常督查, 随机抽查, or
  attending a branch meeting), with its findings, the rectification deadline, the branch's reply
  with closing evidence, and the office closing it: open → replied → closed (a reply that does
  not satisfy the office is returned: replied → open).
- :class:`SpotCheckDraw` — a random sample drawn from a stored seed, so that anyone can re-derive
  it later from the stored population (see ``services.spot_check_redraw``).
- :class:`SupervisionRound` — the quarterly round (季度督查) listing each branch's state.
- :class:`ReviewRound` / :class:`Review` — the semi-annual review of every general branch,
  branch and member, opened on the calendar's dates by Celery beat, written by the office,
  acknowledged by the general branch or branch (its secretary) or the member.
- :class:`SupervisionMeeting` (``meetings.py``) — the office's 座谈会, 党支部书记例会 and 情况通报会,
  whose follow-ups are inspections of the branches concerned, answered like findings.
- :class:`ReminderLog` — which reminder went to whom on which day, so a job run twice does not
  remind twice.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from core.evidence import EvidenceFile, stored_name
from core.models import unit_owner

SPOT_CHECK_METHOD = "random.Random(int(seed, 16)).sample(population, k)"
# The office's own meetings (第三阶段(一)): their follow-ups are inspections of this kind.
MEETING_KINDS = ["forum", "secretaries_meeting", "briefing"]


class InspectionQuerySet(models.QuerySet):
    def for_year(self, campaign_year):
        return self.filter(campaign_year=campaign_year)

    def awaiting_reply(self):
        """Open inspections with findings: the branch has to answer them."""
        return self.filter(status=Inspection.Status.OPEN).exclude(findings="")

    def overdue(self, today: datetime.date):
        """Findings still unanswered after their rectification deadline."""
        return self.awaiting_reply().filter(rectification_due__lt=today)


class Inspection(models.Model):
    """One check of a branch by the campaign office, with its findings and their rectification."""

    class Kind(models.TextChoices):
        ROUTINE = "routine", _("Routine inspection")  # 经常督查
        SPOT_CHECK = "spot_check", _("Random spot check")  # 随机抽查
        MEETING = "meeting_attendance", _("Attendance at a branch meeting")  # 参加组织生活会等
        # Follow-ups of the office's own meetings (``meetings.SupervisionMeeting``), one per branch
        FORUM = "forum", _("Forum")  # 座谈会
        SECRETARIES_MEETING = "secretaries_meeting", _("Secretaries' meeting")  # 党支部书记例会
        BRIEFING = "briefing", _("Briefing")  # 情况通报会

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("inspection", "Open")
        REPLIED = "replied", _("Replied")
        CLOSED = "closed", pgettext_lazy("inspection", "Closed")

    campaign_year = models.ForeignKey(
        "campaigns.CampaignYear",
        on_delete=models.PROTECT,
        related_name="inspections",
        verbose_name=_("campaign year"),
    )
    branch = models.ForeignKey(
        "branches.Branch", on_delete=models.PROTECT, related_name="inspections", verbose_name=_("branch")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    inspected_on = models.DateField(_("inspected on"))
    subject = models.CharField(
        _("subject"),
        max_length=200,
        blank=True,
        help_text=_("What was checked, or which meeting was attended."),
    )
    inspectors = models.ManyToManyField(
        "branches.Person", blank=True, related_name="inspections_made", verbose_name=_("inspectors")
    )
    findings = models.TextField(_("findings"), blank=True)
    rectification_due = models.DateField(_("rectify by"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    reply = models.TextField(_("reply of the branch"), blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("replied by"),
    )
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    # The office's word when it returns a reply (why) or closes the inspection.
    office_comment = models.TextField(_("comment of the office"), blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    meeting = models.ForeignKey(
        "SupervisionMeeting",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_ups",
        verbose_name=_("meeting"),
    )
    draw = models.ForeignKey(
        "SpotCheckDraw",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspections",
        verbose_name=_("spot-check draw"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[inspectors])

    objects = InspectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-inspected_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rectification_due__isnull=True) | ~Q(findings=""),
                name="inspection_rectification_needs_findings",
            ),
            models.CheckConstraint(
                condition=Q(rectification_due__isnull=True)
                | Q(rectification_due__gte=models.F("inspected_on")),
                name="inspection_rectify_after_inspection",
            ),
            models.CheckConstraint(
                condition=~Q(status="replied")
                | (~Q(reply="") & Q(replied_by__isnull=False, replied_at__isnull=False)),
                name="inspection_reply_recorded",
            ),
            models.CheckConstraint(
                condition=Q(status="closed", closed_by__isnull=False, closed_at__isnull=False)
                | (~Q(status="closed") & Q(closed_by__isnull=True, closed_at__isnull=True)),
                name="inspection_closed_by_someone",
            ),
            models.CheckConstraint(
                condition=Q(draw__isnull=True) | Q(kind="spot_check"), name="inspection_drawn_is_spot_check"
            ),
            models.UniqueConstraint(
                fields=["draw", "branch"], condition=Q(draw__isnull=False), name="inspection_once_per_draw"
            ),
            models.CheckConstraint(
                condition=Q(meeting__isnull=True, kind__in=["routine", "spot_check", "meeting_attendance"])
                | Q(meeting__isnull=False, kind__in=MEETING_KINDS),
                name="inspection_follow_up_of_a_meeting",
            ),
        ]

    def __str__(self):
        return f"{self.branch} · {self.get_kind_display()} · {self.inspected_on}"

    def is_overdue(self, today: datetime.date) -> bool:
        return (
            self.status == self.Status.OPEN
            and bool(self.findings)
            and self.rectification_due is not None
            and self.rectification_due < today
        )


def inspection_evidence_path(instance, filename: str) -> str:
    """A random name under the inspection's folder: the original name is kept in the row only,
    so no user-chosen name reaches the file system."""
    inspection = instance.inspection
    return f"evidence/supervision/{inspection.campaign_year.year}/{inspection.pk}/{stored_name(filename)}"


class InspectionEvidence(EvidenceFile):
    """A file proving that a finding was rectified (整改证明); downloaded only through a
    permission check, never from a public media URL."""

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="evidence")
    file = models.FileField(_("file"), upload_to=inspection_evidence_path, max_length=255)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("closing evidence")
        verbose_name_plural = _("closing evidence")
        ordering = ["inspection", "pk"]


class SpotCheckDraw(models.Model):
    """A random spot check's sample (随机抽查), reproducible by anyone.

    ``population`` is the ordered list of candidate ids at the moment of the draw, ``seed`` 64
    random bits (16 hex digits) from :mod:`secrets`; the sample is ``SPOT_CHECK_METHOD`` applied
    to them. Nothing of it is edited afterwards."""

    class Population(models.TextChoices):
        BRANCHES = "branches", _("Branches")
        MEMBERS = "members", _("Party members")
        RECORDS = "records", _("Activity records of the year")

    campaign_year = models.ForeignKey(
        "campaigns.CampaignYear",
        on_delete=models.PROTECT,
        related_name="spot_check_draws",
        verbose_name=_("campaign year"),
    )
    population_kind = models.CharField(_("drawn from"), max_length=20, choices=Population.choices)
    population = models.JSONField(_("population"))
    sample_size = models.PositiveSmallIntegerField(_("sample size"))
    seed = models.CharField(_("seed"), max_length=16)
    method = models.CharField(_("method"), max_length=100, default=SPOT_CHECK_METHOD)
    result = models.JSONField(_("sample"))
    purpose = models.CharField(_("purpose"), max_length=200, blank=True)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("drawn by")
    )
    drawn_at = models.DateTimeField(_("drawn at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("spot-check draw")
        verbose_name_plural = _("spot-check draws")
        ordering = ["-drawn_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(sample_size__gte=1), name="draw_sample_at_least_one"),
            models.CheckConstraint(condition=~Q(seed=""), name="draw_has_seed"),
        ]

    def __str__(self):
        return f"{self.get_population_kind_display()} · {self.drawn_at:%Y-%m-%d %H:%M}"


class SupervisionRound(models.Model):
    """季度督查: the office's quarterly round. Its page lists each branch's state in the quarter;
    concluding it keeps a snapshot of that list with the office's summary."""

    class Status(models.TextChoices):
        OPEN = "open", _("In progress")
        CONCLUDED = "concluded", _("Concluded")

    campaign_year = models.ForeignKey(
        "campaigns.CampaignYear",
        on_delete=models.PROTECT,
        related_name="supervision_rounds",
        verbose_name=_("campaign year"),
    )
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    summary = models.TextField(_("summary"), blank=True)
    snapshot = models.JSONField(_("state of the branches when concluded"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    concluded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("concluded by"),
    )
    concluded_at = models.DateTimeField(_("concluded at"), null=True, blank=True)
    # Why the office last reopened a concluded round; each reopening is a version in the history.
    reopen_reason = models.CharField(_("reason for reopening"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("quarterly supervision round")
        verbose_name_plural = _("quarterly supervision rounds")
        ordering = ["campaign_year", "quarter"]
        constraints = [
            models.UniqueConstraint(fields=["campaign_year", "quarter"], name="supervision_round_unique"),
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4), name="supervision_round_quarter_1_to_4"
            ),
            models.CheckConstraint(
                condition=Q(status="open", concluded_at__isnull=True)
                | Q(status="concluded", concluded_at__isnull=False, concluded_by__isnull=False),
                name="supervision_round_concluded_by_someone",
            ),
        ]

    def __str__(self):
        return _("%(year)s Q%(quarter)s") % {"year": self.campaign_year.year, "quarter": self.quarter}

    @property
    def starts_on(self) -> datetime.date:
        return datetime.date(self.campaign_year.year, 3 * self.quarter - 2, 1)

    @property
    def ends_on(self) -> datetime.date:
        if self.quarter == 4:
            return datetime.date(self.campaign_year.year, 12, 31)
        return datetime.date(self.campaign_year.year, 3 * self.quarter + 1, 1) - datetime.timedelta(days=1)


class ReviewRound(models.Model):
    """The semi-annual review round (半年点评) of a campaign year: opened on the calendar's
    mid-year or year-end date with one review for every general branch, branch and member."""

    class Half(models.IntegerChoices):
        FIRST = 1, _("Mid-year review")
        SECOND = 2, _("Year-end review")

    campaign_year = models.ForeignKey(
        "campaigns.CampaignYear",
        on_delete=models.PROTECT,
        related_name="review_rounds",
        verbose_name=_("campaign year"),
    )
    half = models.PositiveSmallIntegerField(_("half"), choices=Half.choices)
    opened_on = models.DateField(_("review date"))
    write_by = models.DateField(
        _("reviews written by"), help_text=_("After this date the office is reminded of unwritten reviews.")
    )
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    # Empty when the schedule (Celery beat) opened the round.
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("opened by"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("review round")
        verbose_name_plural = _("review rounds")
        ordering = ["-campaign_year__year", "-half"]
        constraints = [
            models.UniqueConstraint(fields=["campaign_year", "half"], name="review_round_unique"),
            models.CheckConstraint(condition=Q(half__in=[1, 2]), name="review_round_half_1_or_2"),
            models.CheckConstraint(
                condition=Q(write_by__gte=models.F("opened_on")), name="review_round_write_after_opening"
            ),
        ]

    def __str__(self):
        return f"{self.campaign_year.year} {self.get_half_display()}"


class ReviewQuerySet(models.QuerySet):
    def to_acknowledge(self):
        return self.filter(status=Review.Status.WRITTEN)

    def acknowledgeable_by(self, access):
        """Reviews ``access`` may acknowledge: a branch's review by a secretary over the branch, a
        general branch's own review by its secretary (not by its branches': ``unit_q`` without
        ``through_branches``), a member's review by the member only."""
        if not access.has("reviews.acknowledge"):
            return self.none()
        q = access.unit_q("reviews.acknowledge")
        unit_q = Q(kind__in=[Review.Kind.BRANCH, Review.Kind.GENERAL_BRANCH]) & (Q() if q is None else q)
        own_q = (
            Q(kind=Review.Kind.MEMBER, person=access.person) if access.person is not None else Q(pk__in=[])
        )
        return self.filter(unit_q | own_q)


class Review(models.Model):
    """The semi-annual review of one general branch, branch or member: achievements, problems,
    direction (实事求是肯定取得的成绩，指出存在的问题和努力的方向; the plan: 每半年对各党总支、
    支部和党员…点评).

    ``general_branch`` is set, and ``branch`` empty, for a general branch's own review only.
    Otherwise ``branch`` is the branch reviewed, or the member's branch when the round opened (it
    stays there after a transfer), so that the branch's secretary sees the reviews of the
    branch's members; ``person`` is set for a member's review only."""

    class Kind(models.TextChoices):
        BRANCH = "branch", _("Branch")
        GENERAL_BRANCH = "general_branch", _("General branch")
        MEMBER = "member", _("Member")

    class Status(models.TextChoices):
        PENDING = "pending", _("To be written")
        WRITTEN = "written", _("Written")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")

    round = models.ForeignKey(
        ReviewRound, on_delete=models.PROTECT, related_name="reviews", verbose_name=_("review round")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    branch, general_branch = unit_owner("reviews")
    person = models.ForeignKey(
        "branches.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviews",
        verbose_name=_("member"),
    )
    achievements = models.TextField(_("achievements"), blank=True)
    problems = models.TextField(_("problems"), blank=True)
    direction = models.TextField(_("direction"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("written by"),
    )
    written_at = models.DateTimeField(_("written at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("acknowledged by"),
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledgement = models.TextField(_("comment on acknowledging"), blank=True)
    history = HistoricalRecords()

    objects = ReviewQuerySet.as_manager()

    class Meta:
        verbose_name = _("semi-annual review")
        verbose_name_plural = _("semi-annual reviews")
        ordering = [
            "round",
            "kind",
            "general_branch__sort_order",
            "general_branch__name_key",
            "branch__sort_order",
            "branch__name_key",
            "person__name",
            "pk",
        ]
        constraints = [
            # Exactly the owner of each kind: a general branch's review has no branch (its
            # branches have their own reviews), a branch's or member's no general branch.
            models.CheckConstraint(
                condition=Q(
                    kind="branch", branch__isnull=False, general_branch__isnull=True, person__isnull=True
                )
                | Q(kind="member", branch__isnull=False, general_branch__isnull=True, person__isnull=False)
                | Q(
                    kind="general_branch",
                    general_branch__isnull=False,
                    branch__isnull=True,
                    person__isnull=True,
                ),
                name="review_subject_of_its_kind",
            ),
            models.UniqueConstraint(
                fields=["round", "branch"], condition=Q(kind="branch"), name="review_once_per_branch"
            ),
            models.UniqueConstraint(
                fields=["round", "general_branch"],
                condition=Q(kind="general_branch"),
                name="review_once_per_general_branch",
            ),
            models.UniqueConstraint(
                fields=["round", "person"], condition=Q(kind="member"), name="review_once_per_member"
            ),
            models.CheckConstraint(
                condition=Q(status="pending")
                | (
                    ~Q(achievements="")
                    & ~Q(problems="")
                    & ~Q(direction="")
                    & Q(written_by__isnull=False, written_at__isnull=False)
                ),
                name="review_written_in_full",
            ),
            models.CheckConstraint(
                condition=Q(
                    status="acknowledged", acknowledged_by__isnull=False, acknowledged_at__isnull=False
                )
                | (~Q(status="acknowledged") & Q(acknowledged_at__isnull=True)),
                name="review_acknowledged_by_someone",
            ),
        ]

    def __str__(self):
        return f"{self.round} · {self.subject_name}"

    @property
    def unit(self):
        """The organisation the review belongs to: the general branch for its own review, else
        the branch (reviewed, or the member's)."""
        return self.general_branch if self.general_branch_id else self.branch

    @property
    def subject_name(self) -> str:
        return self.person.name if self.person_id else self.unit.name


class ReminderLog(models.Model):
    """One reminder sent to one user on one day about one subject (e.g. ``review:12``).

    The unique key is what makes reminder jobs idempotent: a job run twice on a day, or by two
    workers at once, inserts the same key and the second is refused. An append-only log, so it
    keeps no separate history."""

    class Kind(models.TextChoices):
        REVIEW_ACKNOWLEDGE = "review_acknowledge", _("Review to acknowledge")
        REVIEW_WRITE = "review_write", _("Reviews to write")
        RECTIFICATION = "rectification", _("Rectification overdue")
        NEWS_REPORT = "news_report", _("News report missing")
        PLEDGE_UNPUBLISHED = "pledge_unpublished", _("Pledge not published")

    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    subject = models.CharField(_("reminded about"), max_length=100)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("recipient")
    )
    sent_on = models.DateField(_("sent on"))
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        ordering = ["-sent_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "subject", "recipient", "sent_on"], name="reminder_once_per_day"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.subject} · {self.sent_on}"


from .meetings import SupervisionMeeting  # noqa: E402  (its follow-ups are Inspection rows above)

__all__ = [
    "Inspection",
    "InspectionEvidence",
    "ReminderLog",
    "Review",
    "ReviewRound",
    "SpotCheckDraw",
    "SupervisionMeeting",
    "SupervisionRound",
]
