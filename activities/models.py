"""The activity record (纪实登记, seed §六(一)) and the required frequencies it is measured against.

A branch records what it did, dated and with evidence: 三会一课 with attendance and minutes, the
secretary's party lecture, theme education, reading sessions and the reading-notes review, news
reports (通讯报道). The campaign office publishes reading lists; branches keep their vanguard
research teams (课题攻关党员先锋团队) and research champions (党员攻关标兵).

Nothing here is silently changed: every model keeps its history (django-simple-history), and a
record is archived — with who, when and why — instead of deleted. Writes go through
``activities.services``.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.evidence import EvidenceFile, stored_name
from core.models import unit_owner


class Kind(models.TextChoices):
    """What a record is about. The first four are 三会一课."""

    GENERAL_MEETING = "general_meeting", _("Branch general meeting")  # 支部党员大会
    COMMITTEE_MEETING = "committee_meeting", _("Branch committee meeting")  # 支委会
    GROUP_MEETING = "group_meeting", _("Party group meeting")  # 党小组会
    PARTY_CLASS = "party_class", _("Party class")  # 党课
    SECRETARY_LECTURE = "secretary_lecture", _("Secretary's party lecture")  # 书记讲党课
    THEME_EDUCATION = "theme_education", _("Theme education")  # 主题教育
    READING_SESSION = "reading_session", _("Reading session")  # 读书学习
    READING_REVIEW = "reading_review", _("Reading-notes review")  # 读书笔记展评
    NEWS_REPORT = "news_report", _("News report")  # 通讯报道
    OTHER = "other", _("Other activity")
    # A general branch's own meetings (党总支 as a participant, issue 20): its committee and the
    # meeting of all the members of its branches. A branch never records these.
    GB_COMMITTEE_MEETING = "gb_committee_meeting", _("General branch committee meeting")  # 党总支委员会
    GB_GENERAL_MEETING = "gb_general_meeting", _("General branch members' meeting")  # 党总支党员大会


class Unit(models.TextChoices):
    """Who owns a record or owes a requirement: a branch, or a general branch itself."""

    BRANCH = "branch", _("Branch")
    GENERAL_BRANCH = "general_branch", _("General branch")


# 三会一课 and the secretary's lecture: host, recorder, minutes and attendance of every member.
ATTENDANCE_KINDS = frozenset(
    {
        Kind.GENERAL_MEETING,
        Kind.COMMITTEE_MEETING,
        Kind.GROUP_MEETING,
        Kind.PARTY_CLASS,
        Kind.SECRETARY_LECTURE,
        Kind.GB_COMMITTEE_MEETING,
        Kind.GB_GENERAL_MEETING,
    }
)
# What a general branch records of its own (issue 20; the plan: "各党总支、支部书记每年组织一次党课"
# (第二阶段), "以党总支、党支部为单位…读书笔记展评" (第二阶段(二)), "各总支、各支部…每月撰写不少于
# 1篇通讯报道" (§六(四)), "各党总支、支部要开展多种形式的党性教育、主题活动"): its committee and
# members' meetings, its secretary's lecture (or another's party class), theme education,
# reading, news reports and other activities. Not the branch's 三会 (支部党员大会, 支委会,
# 党小组会): a general branch has no members or party groups of its own.
GENERAL_BRANCH_KINDS = frozenset(
    {
        Kind.GB_COMMITTEE_MEETING,
        Kind.GB_GENERAL_MEETING,
        Kind.PARTY_CLASS,
        Kind.SECRETARY_LECTURE,
        Kind.THEME_EDUCATION,
        Kind.READING_SESSION,
        Kind.READING_REVIEW,
        Kind.NEWS_REPORT,
        Kind.OTHER,
    }
)
# Kinds only a general branch records.
GENERAL_BRANCH_ONLY_KINDS = frozenset({Kind.GB_COMMITTEE_MEETING, Kind.GB_GENERAL_MEETING})
BRANCH_KINDS = frozenset(Kind) - GENERAL_BRANCH_ONLY_KINDS


def kinds_of(unit: str) -> frozenset:
    """The kinds a unit (``Unit``) records."""
    return GENERAL_BRANCH_KINDS if unit == Unit.GENERAL_BRANCH else BRANCH_KINDS


# A lecture is recorded one way (党课); who gave it decides its kind: the branch's secretary
# giving it makes it the secretary's yearly lecture (书记讲党课), anyone else a party class
# (``services.lecture_kind``). Both kinds stay, so that records entered before keep their kind.
LECTURE_KINDS = frozenset({Kind.PARTY_CLASS, Kind.SECRETARY_LECTURE})
# Kinds that may name the reading list they worked on.
READING_KINDS = frozenset({Kind.READING_SESSION, Kind.READING_REVIEW})


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("Present")
    LEAVE = "leave", _("On leave")
    ABSENT = "absent", _("Absent")


class ReadingList(models.Model):
    """推荐书目: books the campaign office recommends (seed 第二阶段(二)); branches see the lists of
    their party committee and may name one in a reading session or review."""

    committee = models.ForeignKey(
        "branches.PartyCommittee",
        on_delete=models.PROTECT,
        related_name="reading_lists",
        verbose_name=_("party committee"),
    )
    campaign_year = models.ForeignKey(
        "campaigns.CampaignYear",
        on_delete=models.PROTECT,
        related_name="reading_lists",
        verbose_name=_("campaign year"),
    )
    title = models.CharField(_("title"), max_length=200)
    note = models.TextField(_("note"), blank=True)
    published_on = models.DateField(_("published on"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("published by")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("reading list")
        verbose_name_plural = _("reading lists")
        ordering = ["-published_on", "-pk"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("activities:reading_list_detail", args=[self.pk])


class Book(models.Model):
    reading_list = models.ForeignKey(ReadingList, on_delete=models.CASCADE, related_name="books")
    title = models.CharField(_("title"), max_length=200)
    author = models.CharField(_("author"), max_length=100, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("book")
        verbose_name_plural = _("books")
        ordering = ["reading_list", "sort_order", "pk"]

    def __str__(self):
        return f"《{self.title}》"


# Plain sorted strings for the database constraints (stable in migrations).
_GB_KINDS = sorted(str(k) for k in GENERAL_BRANCH_KINDS)
_GB_ONLY = sorted(str(k) for k in GENERAL_BRANCH_ONLY_KINDS)


class ActivityRecordQuerySet(models.QuerySet):
    def active(self):
        """Records that count: not archived."""
        return self.filter(archived_at__isnull=True)

    def archived(self):
        return self.filter(archived_at__isnull=False)


class ActivityRecord(models.Model):
    """One dated activity of a branch (纪实登记), with its evidence and, for a meeting, attendance.

    A general branch records its own activities too (its committee's meetings, its secretary's
    lecture …: ``GENERAL_BRANCH_KINDS``): then ``general_branch`` is set and ``branch`` is empty.
    ``unit`` is the owner either way, for display."""

    branch, general_branch = unit_owner("activity_records")
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    held_on = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=200)
    place = models.CharField(_("place"), max_length=100, blank=True)
    host = models.ForeignKey(
        "branches.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("host or speaker"),
    )
    recorder = models.ForeignKey(
        "branches.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorder"),
    )
    # Only for a party group meeting, and then required: the group that met.
    party_group = models.ForeignKey(
        "branches.PartyGroup",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activity_records",
        verbose_name=_("party group"),
    )
    content = models.TextField(_("content or minutes"), blank=True)
    # For a news report: where it appeared (《26所通讯》, 党委网站, 宣传橱窗 … seed §六(四)).
    published_in = models.CharField(_("published in"), max_length=100, blank=True)
    reading_list = models.ForeignKey(
        ReadingList,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="records",
        verbose_name=_("reading list"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("entered by")
    )
    created_at = models.DateTimeField(_("entered at"), default=timezone.now, editable=False)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("archived by"),
    )
    archive_reason = models.CharField(_("reason for archiving"), max_length=300, blank=True)
    # Why the record was last restored from the archive; each archiving and restoring is a
    # version in the history, with who and when.
    restore_reason = models.CharField(_("reason for restoring"), max_length=300, blank=True)
    history = HistoricalRecords()

    objects = ActivityRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("activity record")
        verbose_name_plural = _("activity records")
        ordering = ["-held_on", "-pk"]
        indexes = [
            models.Index(fields=["branch", "held_on"], name="record_branch_date"),
            models.Index(fields=["kind", "held_on"], name="record_kind_date"),
            # The ledger's order (newest first): a page is read off the index, not sorted.
            models.Index(fields=["-held_on", "-id"], name="record_date_desc"),
            models.Index(
                fields=["general_branch", "held_on"],
                name="record_gb_date",
                condition=Q(general_branch__isnull=False),
            ),
        ]
        constraints = [
            # One owner: a branch, or a general branch recording what fits a general branch.
            models.CheckConstraint(
                condition=(Q(branch__isnull=False) & Q(general_branch__isnull=True) & ~Q(kind__in=_GB_ONLY))
                | (Q(branch__isnull=True) & Q(general_branch__isnull=False) & Q(kind__in=_GB_KINDS)),
                name="record_one_owner_fitting_kind",
            ),
            # A party group meeting names its group; no other kind does.
            models.CheckConstraint(
                condition=(Q(kind="group_meeting") & Q(party_group__isnull=False))
                | (~Q(kind="group_meeting") & Q(party_group__isnull=True)),
                name="record_group_iff_group_meeting",
            ),
            # Archived means: when, by whom and why — all three or none.
            models.CheckConstraint(
                condition=(Q(archived_at__isnull=True) & Q(archived_by__isnull=True) & Q(archive_reason=""))
                | (Q(archived_at__isnull=False) & Q(archived_by__isnull=False) & ~Q(archive_reason="")),
                name="record_archive_complete",
            ),
        ]

    def __str__(self):
        return f"{self.held_on:%Y-%m-%d} {self.get_kind_display()} {self.title}"

    def get_absolute_url(self):
        return reverse("activities:detail", args=[self.pk])

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @property
    def unit(self):
        """The owner, for display: the branch, or the general branch recording its own."""
        return self.branch if self.branch_id else self.general_branch

    @property
    def is_general_branch(self) -> bool:
        return self.general_branch_id is not None

    @property
    def takes_attendance(self) -> bool:
        return self.kind in ATTENDANCE_KINDS


class Attendance(models.Model):
    """Whether one person attended one meeting; a leave (请假) states its reason."""

    record = models.ForeignKey(ActivityRecord, on_delete=models.PROTECT, related_name="attendance")
    person = models.ForeignKey(
        "branches.Person", on_delete=models.PROTECT, related_name="attendance", verbose_name=_("person")
    )
    status = models.CharField(_("attendance"), max_length=10, choices=AttendanceStatus.choices)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["record", "person__employee_no"]
        constraints = [
            models.UniqueConstraint(fields=["record", "person"], name="attendance_once_per_person"),
            models.CheckConstraint(
                condition=~Q(status="leave") | ~Q(reason=""), name="attendance_leave_has_reason"
            ),
        ]

    def __str__(self):
        return f"{self.person.name}: {self.get_status_display()}"


def evidence_path(instance, filename: str) -> str:
    """Stored under a random name: the original name (often Chinese) is kept in the row and
    given back on download, never used as a path."""
    return timezone.localdate().strftime("evidence/records/%Y/%m/") + stored_name(filename)


class EvidenceQuerySet(models.QuerySet):
    def active(self):
        return self.filter(archived_at__isnull=True)


class Evidence(EvidenceFile):
    """证明材料: a file attached to a record, checked by ``core.evidence.validate_evidence``
    and served only through a permission-checked view. Removing a file archives it."""

    record = models.ForeignKey(ActivityRecord, on_delete=models.PROTECT, related_name="evidence")
    file = models.FileField(_("file"), upload_to=evidence_path, max_length=255)
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now, editable=False)
    archived_at = models.DateTimeField(_("removed at"), null=True, blank=True)
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("removed by"),
    )
    history = HistoricalRecords()

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["record", "uploaded_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(archived_at__isnull=True) & Q(archived_by__isnull=True))
                | (Q(archived_at__isnull=False) & Q(archived_by__isnull=False)),
                name="evidence_archive_complete",
            )
        ]


class Period(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    YEARLY = "yearly", _("Yearly")


class RequiredFrequency(models.Model):
    """How often a branch (or, with ``unit`` general branch, a general branch itself) must hold
    (or write) one kind of record in a campaign year.

    Created with the defaults of DOMAIN.md when the year is created (``defaults``); the campaign
    office may change them per year."""

    unit = models.CharField(_("applies to"), max_length=20, choices=Unit.choices, default=Unit.BRANCH)

    campaign_year = models.ForeignKey(
        "campaigns.CampaignYear",
        on_delete=models.PROTECT,
        related_name="required_frequencies",
        verbose_name=_("campaign year"),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    is_required = models.BooleanField(_("required"), default=True)
    period = models.CharField(_("period"), max_length=10, choices=Period.choices)
    count = models.PositiveSmallIntegerField(_("at least"), default=1)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("required frequency")
        verbose_name_plural = _("required frequencies")
        ordering = ["campaign_year", "unit", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign_year", "unit", "kind"], name="required_frequency_unique_unit_kind"
            ),
            models.CheckConstraint(condition=Q(count__gte=1), name="required_frequency_count_positive"),
            models.CheckConstraint(condition=~Q(kind="other"), name="required_frequency_not_other"),
            # A unit is required only what it records.
            models.CheckConstraint(
                condition=(Q(unit="branch") & ~Q(kind__in=_GB_ONLY))
                | (Q(unit="general_branch") & Q(kind__in=_GB_KINDS)),
                name="required_frequency_fits_unit",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.count}/{self.get_period_display()}"


class VanguardTeam(models.Model):
    """课题攻关党员先锋团队: members of a branch gathered on one research problem (seed §一, §四(二))."""

    branch = models.ForeignKey(
        "branches.Branch", on_delete=models.PROTECT, related_name="vanguard_teams", verbose_name=_("branch")
    )
    campaign_year = models.ForeignKey(
        "campaigns.CampaignYear",
        on_delete=models.PROTECT,
        related_name="vanguard_teams",
        verbose_name=_("campaign year"),
    )
    name = models.CharField(_("team name"), max_length=200)
    topic = models.CharField(_("research topic"), max_length=300)
    leader = models.ForeignKey(
        "branches.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("team leader"),
    )
    members = models.ManyToManyField(
        "branches.Person", blank=True, related_name="vanguard_teams", verbose_name=_("members")
    )
    results = models.TextField(_("results"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("entered by")
    )
    history = HistoricalRecords(m2m_fields=[members])

    class Meta:
        verbose_name = _("vanguard research team")
        verbose_name_plural = _("vanguard research teams")
        ordering = ["-campaign_year__year", "branch", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["branch", "campaign_year", "name"], name="vanguard_team_unique_name"
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("activities:team_detail", args=[self.pk])


class ResearchChampion(models.Model):
    """党员攻关标兵: a member of a branch recognised for a research achievement in a year."""

    person = models.ForeignKey(
        "branches.Person",
        on_delete=models.PROTECT,
        related_name="research_champions",
        verbose_name=_("member"),
    )
    branch = models.ForeignKey(
        "branches.Branch",
        on_delete=models.PROTECT,
        related_name="research_champions",
        verbose_name=_("branch"),
    )
    campaign_year = models.ForeignKey(
        "campaigns.CampaignYear",
        on_delete=models.PROTECT,
        related_name="research_champions",
        verbose_name=_("campaign year"),
    )
    achievement = models.TextField(_("achievement"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("entered by")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("research champion")
        verbose_name_plural = _("research champions")
        ordering = ["-campaign_year__year", "branch", "person__employee_no"]
        constraints = [
            models.UniqueConstraint(fields=["campaign_year", "person"], name="research_champion_once_a_year")
        ]

    def __str__(self):
        return self.person.name

    def get_absolute_url(self):
        return reverse("activities:champion_detail", args=[self.pk])


class ComplianceSummary(models.Model):
    """What the home pages show of one branch's (or general branch's own) compliance (``activities.summary``): how many
    periods are overdue and how many are due, as of a day. Derived data, recomputed from the
    records whenever it is missing, of another day or older than the branch's last change.

    ``version`` counts changes to what the figures depend on (the branch's records and party
    groups, the year's requirements); ``computed_version`` is the version the figures were
    computed from. A change made while the figures were being computed leaves them stale."""

    branch = models.OneToOneField(
        "branches.Branch",
        on_delete=models.CASCADE,
        null=True,
        related_name="compliance_summary",
        verbose_name=_("branch"),
    )
    general_branch = models.OneToOneField(
        "branches.GeneralBranch",
        on_delete=models.CASCADE,
        null=True,
        related_name="compliance_summary",
        verbose_name=_("general branch"),
    )
    version = models.PositiveIntegerField(default=1)
    computed_version = models.PositiveIntegerField(default=0)
    campaign_year = models.ForeignKey(
        "campaigns.CampaignYear", on_delete=models.CASCADE, null=True, related_name="+"
    )
    as_of = models.DateField(null=True)
    overdue = models.PositiveIntegerField(default=0)
    due = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("compliance summary")
        verbose_name_plural = _("compliance summaries")
        constraints = [
            models.CheckConstraint(
                condition=(Q(branch__isnull=False) & Q(general_branch__isnull=True))
                | (Q(branch__isnull=True) & Q(general_branch__isnull=False)),
                name="compliance_summary_one_unit",
            )
        ]

    def __str__(self):
        return f"{self.branch_id or self.general_branch_id}: {self.overdue}/{self.due} ({self.as_of})"


# The sign-in models live in their own module (this one stays under 500 lines).

from .signin_models import SignIn, SignInWindow  # noqa: E402, F401
