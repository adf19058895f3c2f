"""Mass evaluation (群众评议), the suggestion box (意见箱) and the democratic appraisal (党员民主评议).

Anonymity by design (after EvaP). Three kinds of table, kept apart:

- **set-up** (``Evaluation``, ``Target``, ``Criterion``, ``Appraisal``, ``AppraisalGrade``, the
  self- and peer assessments, ``Suggestion`` answers): ordinary audited records, with their
  history (django-simple-history) and who did what;
- **the roll** (``Voter``, ``AppraisalVoter``): who *may* vote and whether they *have* voted; no
  date, no time, no history, nothing about what was answered;
- **the ballot box** (``RatingCount``, ``BallotCount``, ``FreeText``, ``AppraisalTally``): what
  was answered, as counts per option, plus free texts; no user, no person who voted, no date or
  time, random (UUID) keys, no history.

A ballot is never stored as a row: casting one adds 1 to the counters it chose, so no single
ballot can be read back. How the voting service keeps a database dump from revealing order is
explained in :mod:`evaluations.ballots`. None of the ballot-box or roll models has
``HistoricalRecords`` (a history row would record who and when), and none is registered in the
admin.
"""

import uuid

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

# Results are never shown from fewer ballots than this, whatever an evaluation is set to.
ANONYMITY_FLOOR = 5


class Satisfaction(models.TextChoices):
    """满意度测评: the five answers of a question; “don't know” is left out of the rate."""

    SATISFIED = "satisfied", _("Satisfied")  # 满意
    FAIRLY = "fairly_satisfied", _("Fairly satisfied")  # 比较满意
    BASICALLY = "basically_satisfied", _("Basically satisfied")  # 基本满意
    DISSATISFIED = "dissatisfied", _("Dissatisfied")  # 不满意
    UNKNOWN = "unknown", _("Don't know")  # 不了解


class Grade(models.TextChoices):
    """党员民主评议: the four grades of a member."""

    EXCELLENT = "excellent", _("Excellent")  # 优秀
    COMPETENT = "competent", _("Competent")  # 合格
    BASIC = "basically_competent", _("Basically competent")  # 基本合格
    INCOMPETENT = "incompetent", _("Incompetent")  # 不合格


class Subject(models.TextChoices):
    """What a criterion of the questionnaire is asked about."""

    BRANCH = "branch", _("Branches")
    MEMBER = "member", _("Members")


# The default questionnaire: the five goods for a branch, the five leads for a member (DOMAIN.md).
DEFAULT_CRITERIA = {
    Subject.BRANCH: [
        _("Strong leadership team"),  # 班子建设好
        _("Strong membership"),  # 党员队伍好
        _("Sound working mechanisms"),  # 工作机制好
        _("Good work results"),  # 工作业绩好
        _("Good standing among staff"),  # 群众反映好
    ],
    Subject.MEMBER: [
        _("Lead in learning and improving"),  # 带头学习提高
        _("Lead in innovation and tackling key problems"),  # 带头创新攻关
        _("Lead in serving the staff"),  # 带头服务群众
        _("Lead in promoting harmony"),  # 带头促进和谐
        _("Lead in upholding integrity"),  # 带头弘扬正气
    ],
}


# --- Mass evaluation: set-up -------------------------------------------------------------


class EvaluationQuerySet(models.QuerySet):
    def open_for_ballots(self, on):
        return self.filter(status=Evaluation.Status.OPEN, opens_on__lte=on, closes_on__gte=on)


class Evaluation(models.Model):
    """群众评议 of one year: who and what is evaluated, by whom, on which questions, when."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    committee = models.ForeignKey(
        "branches.PartyCommittee", on_delete=models.PROTECT, related_name="evaluations"
    )
    campaign_year = models.ForeignKey(
        "campaigns.CampaignYear",
        on_delete=models.PROTECT,
        related_name="evaluations",
        verbose_name=_("campaign year"),
    )
    title = models.CharField(_("evaluation title"), max_length=200)
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    min_ballots = models.PositiveSmallIntegerField(
        _("minimum ballots"),
        default=ANONYMITY_FLOOR,
        validators=[MinValueValidator(ANONYMITY_FLOOR)],
        help_text=_("Results of a branch or member are shown only from this many ballots."),
    )
    # Who may evaluate: the staff of these departments and the members of these branches. The
    # roll (Voter) is drawn from them when the evaluation opens.
    voter_departments = models.ManyToManyField(
        "branches.Department", blank=True, related_name="+", verbose_name=_("staff of the departments")
    )
    voter_branches = models.ManyToManyField(
        "branches.Branch", blank=True, related_name="+", verbose_name=_("members of the branches")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords(m2m_fields=[voter_departments, voter_branches])

    objects = EvaluationQuerySet.as_manager()

    class Meta:
        verbose_name = _("mass evaluation")
        verbose_name_plural = _("mass evaluations")
        ordering = ["-opens_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")), name="evaluation_closes_after_opening"
            ),
            models.CheckConstraint(
                condition=Q(min_ballots__gte=ANONYMITY_FLOOR), name="evaluation_min_ballots_floor"
            ),
        ]

    def __str__(self):
        return self.title

    def accepts_ballots(self, on) -> bool:
        return self.status == self.Status.OPEN and self.opens_on <= on <= self.closes_on


class Target(models.Model):
    """What is evaluated: a branch, or a member (``person``). ``branch`` is always set — the
    branch evaluated, or the member's branch when the evaluation was set up — so that a
    secretary's scope reaches the results of the own branch and its members."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="targets")
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
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("evaluated branch or member")
        verbose_name_plural = _("evaluated branches and members")
        ordering = ["evaluation", "sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "branch"], condition=Q(person__isnull=True), name="target_unique_branch"
            ),
            models.UniqueConstraint(
                fields=["evaluation", "person"],
                condition=Q(person__isnull=False),
                name="target_unique_person",
            ),
        ]

    def __str__(self):
        return self.person.name if self.person_id else self.branch.name

    @property
    def subject(self) -> str:
        return Subject.MEMBER if self.person_id else Subject.BRANCH


class Criterion(models.Model):
    """One question of the questionnaire, asked about every branch or every member evaluated."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="criteria")
    subject = models.CharField(_("asked about"), max_length=10, choices=Subject.choices)
    text = models.CharField(_("question"), max_length=200)
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["evaluation", "subject", "sort_order", "pk"]

    def __str__(self):
        return self.text


# --- Mass evaluation: the roll and the ballot box (no history, no admin) -------------------


class Voter(models.Model):
    """May vote in ``evaluation``; ``has_voted`` once the ballot is in. Nothing else: not when,
    not what. Rows are written when the evaluation opens (so their keys say nothing about votes)."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="voters")
    person = models.ForeignKey("branches.Person", on_delete=models.PROTECT, related_name="+")
    has_voted = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["evaluation", "person"], name="voter_unique_person")]

    def __str__(self):
        return f"{self.evaluation_id}/{self.pk}"


class RatingCount(models.Model):
    """How many ballots gave ``option`` on ``criterion`` for ``target``. Rows are created, all at
    zero, when the evaluation opens; a ballot only adds to them."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="rating_counts")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="+")
    option = models.CharField(max_length=20, choices=Satisfaction.choices)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["target", "criterion", "option"], name="rating_count_unique")
        ]

    def __str__(self):
        return f"{self.option}: {self.count}"


class BallotCount(models.Model):
    """How many ballots gave an opinion (anything but “don't know”) on ``target``: the number
    its results rest on, compared with the evaluation's ``min_ballots``."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    target = models.OneToOneField(Target, on_delete=models.CASCADE, related_name="ballot_count")
    count = models.PositiveIntegerField(default=0)

    def __str__(self):
        return str(self.count)


class FreeText(models.Model):
    """A free-text answer about a target. No author, no date (the window is the date), a random
    key; shown to anyone but the office only once approved. ``moderated_by`` is the office
    member who reviewed it — an official act, never the author."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="free_texts")
    text = models.TextField(_("comment"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    moderated_on = models.DateField(null=True, blank=True)

    class Meta:
        # Random keys: listing by key shows the texts in no meaningful order.
        ordering = ["id"]

    def __str__(self):
        return self.text[:40]


# --- Suggestion box ----------------------------------------------------------------------


class Suggestion(models.Model):
    """意见箱: an anonymous suggestion to a branch or (``branch`` empty) to the campaign office.

    It has no author: only the date it was dropped. Its history starts when someone in charge
    handles it (the creation is not recorded, or it would name the author); the answer is an
    official act and names who gave it."""

    class Status(models.TextChoices):
        NEW = "new", _("New")
        TRIAGED = "triaged", _("Being handled")
        ANSWERED = "answered", _("Answered")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    committee = models.ForeignKey(
        "branches.PartyCommittee", on_delete=models.PROTECT, related_name="suggestions"
    )
    branch = models.ForeignKey(
        "branches.Branch",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="suggestions",
        verbose_name=_("addressed to"),
    )
    text = models.TextField(_("suggestion"))
    submitted_on = models.DateField(_("submitted on"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.NEW)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("suggestion")
        verbose_name_plural = _("suggestions")
        ordering = ["-submitted_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="answered") | (~Q(answer="") & Q(answered_on__isnull=False)),
                name="suggestion_answered_has_answer",
            )
        ]

    def __str__(self):
        return self.text[:40]


# --- Democratic appraisal ----------------------------------------------------------------


class Appraisal(models.Model):
    """党员民主评议 of one branch in one year: self-assessment → peer assessment → anonymous vote
    → grades set by the branch committee."""

    class Status(models.TextChoices):
        SELF_ASSESSMENT = "self_assessment", _("Self-assessment")
        PEER_ASSESSMENT = "peer_assessment", _("Peer assessment")
        VOTING = "voting", _("Voting")
        GRADING = "grading", _("Grading")
        CLOSED = "closed", _("Closed")

    branch = models.ForeignKey(
        "branches.Branch", on_delete=models.PROTECT, related_name="appraisals", verbose_name=_("branch")
    )
    campaign_year = models.ForeignKey(
        "campaigns.CampaignYear",
        on_delete=models.PROTECT,
        related_name="appraisals",
        verbose_name=_("campaign year"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SELF_ASSESSMENT
    )
    min_ballots = models.PositiveSmallIntegerField(
        _("minimum ballots"), default=ANONYMITY_FLOOR, validators=[MinValueValidator(ANONYMITY_FLOOR)]
    )
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("democratic appraisal")
        verbose_name_plural = _("democratic appraisals")
        ordering = ["-campaign_year__year", "branch__sort_order", "branch__name"]
        constraints = [
            models.UniqueConstraint(fields=["branch", "campaign_year"], name="appraisal_unique_year"),
            models.CheckConstraint(
                condition=Q(min_ballots__gte=ANONYMITY_FLOOR), name="appraisal_min_ballots_floor"
            ),
        ]

    def __str__(self):
        return f"{self.branch} {self.campaign_year.year}"


class AppraisalVoter(models.Model):
    """The members appraised, drawn from the branch when the appraisal starts; each of them may
    vote once. As :class:`Voter`: no date, nothing about what was answered."""

    appraisal = models.ForeignKey(Appraisal, on_delete=models.CASCADE, related_name="voters")
    person = models.ForeignKey("branches.Person", on_delete=models.PROTECT, related_name="+")
    has_voted = models.BooleanField(default=False)

    class Meta:
        ordering = ["person__employee_no"]
        constraints = [
            models.UniqueConstraint(fields=["appraisal", "person"], name="appraisal_voter_unique_person")
        ]

    def __str__(self):
        return f"{self.appraisal_id}/{self.pk}"


class AppraisalTally(models.Model):
    """How many ballots gave ``grade`` to ``person`` (the member appraised, never the voter).
    Rows are created at zero when the vote opens; a ballot only adds to them."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    appraisal = models.ForeignKey(Appraisal, on_delete=models.CASCADE, related_name="tallies")
    person = models.ForeignKey("branches.Person", on_delete=models.PROTECT, related_name="+")
    grade = models.CharField(max_length=20, choices=Grade.choices)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["appraisal", "person", "grade"], name="appraisal_tally_unique")
        ]

    def __str__(self):
        return f"{self.grade}: {self.count}"


class SelfAssessment(models.Model):
    """A member's self-assessment (自我评价), as written by the member or recorded by the secretary."""

    appraisal = models.ForeignKey(Appraisal, on_delete=models.CASCADE, related_name="self_assessments")
    person = models.ForeignKey("branches.Person", on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("self-assessment"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("self-assessment")
        verbose_name_plural = _("self-assessments")
        ordering = ["appraisal", "person__employee_no"]
        constraints = [
            models.UniqueConstraint(fields=["appraisal", "person"], name="self_assessment_unique_person")
        ]

    def __str__(self):
        return self.text[:40]


class PeerAssessment(models.Model):
    """相互评议: what one member said of another at the branch meeting, recorded by the secretary.
    Not anonymous: peer assessment is criticism and self-criticism face to face; the anonymous
    judgement is the vote."""

    appraisal = models.ForeignKey(Appraisal, on_delete=models.CASCADE, related_name="peer_assessments")
    about = models.ForeignKey(
        "branches.Person", on_delete=models.PROTECT, related_name="+", verbose_name=_("about")
    )
    by = models.ForeignKey(
        "branches.Person", on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    text = models.TextField(_("assessment"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("peer assessment")
        verbose_name_plural = _("peer assessments")
        ordering = ["appraisal", "about__employee_no", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(about=models.F("by")), name="peer_assessment_not_self")
        ]

    def __str__(self):
        return self.text[:40]


class AppraisalGrade(models.Model):
    """The grade the branch committee gives a member, with its reasons."""

    appraisal = models.ForeignKey(Appraisal, on_delete=models.CASCADE, related_name="grades")
    person = models.ForeignKey(
        "branches.Person", on_delete=models.PROTECT, related_name="appraisal_grades", verbose_name=_("member")
    )
    grade = models.CharField(_("grade"), max_length=20, choices=Grade.choices)
    reason = models.TextField(_("reasons"))
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("appraisal grade")
        verbose_name_plural = _("appraisal grades")
        ordering = ["appraisal", "person__employee_no"]
        constraints = [
            models.UniqueConstraint(fields=["appraisal", "person"], name="appraisal_grade_unique_person"),
            models.CheckConstraint(condition=~Q(reason=""), name="appraisal_grade_has_reason"),
        ]

    def __str__(self):
        return f"{self.person.name}: {self.get_grade_display()}"


# The mixing pools (a module of their own: ``evaluations/pool.py``).
from .pool import AppraisalPoolBallot, PooledBallot  # noqa: E402, F401  (re-exported)
