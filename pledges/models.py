"""Public pledges (公开承诺), their fulfilment (践诺) and review (评诺).

A branch pledge (争创重点 · 效果目标 · 具体措施 · 时间进度) and a member pledge (具体打算 · 努力方向 ·
承诺事项) share one model, :class:`Pledge`, told apart by ``kind``. Its items are the milestones of
a branch pledge (each tied to one of the five goods, with a date and a responsible member) or the
2–5 commitments of a member pledge (each tied to one of the five leads).

The workflow (``pledges/workflow.py``) moves a pledge draft → submitted → returned/approved →
published → closed. A published pledge is never edited: a correction is a new version
(``previous`` points at the old one), and the old version stays visible as *superseded* once the
new one is published. Every model keeps its full history (django-simple-history).
"""

import operator
from functools import reduce

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.arrays import any_of
from core.evidence import EvidenceFile, stored_name
from core.models import unit_owner


class FiveGoods(models.TextChoices):
    """五个好: what a branch strives for; the items of a branch pledge are tied to one of them."""

    LEADERSHIP = "leadership", _("Strong leadership team")  # 班子建设好
    MEMBERSHIP = "membership", _("Strong membership")  # 党员队伍好
    MECHANISMS = "mechanisms", _("Sound working mechanisms")  # 工作机制好
    PERFORMANCE = "performance", _("Good work results")  # 工作业绩好
    STANDING = "standing", _("Good standing among staff")  # 群众反映好


class FiveLeads(models.TextChoices):
    """五带头: what a member leads in; each commitment of a member pledge is tied to one of them."""

    LEARNING = "learning", _("Lead in learning and improving")  # 带头学习提高
    INNOVATION = "innovation", _("Lead in innovation and tackling key problems")  # 带头创新攻关
    SERVICE = "service", _("Lead in serving the staff")  # 带头服务群众
    HARMONY = "harmony", _("Lead in promoting harmony")  # 带头促进和谐
    INTEGRITY = "integrity", _("Lead in upholding integrity")  # 带头弘扬正气


CRITERIA = FiveGoods.choices + FiveLeads.choices


class IsTrue(models.Func):
    """``(condition) IS TRUE``: in a WHERE clause the same as the condition, but one the
    planner takes as a whole. It would otherwise try to prove each partial index of the pledge
    table (the unique constraints below) from every branch of a visibility OR, which took it
    longer than running the query."""

    template = "(%(expressions)s) IS TRUE"
    output_field = models.BooleanField()
    conditional = True


class PledgeQuerySet(models.QuerySet):
    # Every permission through which a pledge may be seen (see ``visible_to``).
    VISIBILITY_PERMISSIONS = (
        "pledges.view",
        "pledges.approve_member",
        "pledges.write_branch",
        "pledges.approve_branch",
    )

    def branch_pledges(self):
        return self.filter(kind=Pledge.Kind.BRANCH)

    def general_branch_pledges(self):
        return self.filter(kind=Pledge.Kind.GENERAL_BRANCH)

    def unit_pledges(self):
        """Pledges of a party organisation (a branch or a general branch), not of a member."""
        return self.exclude(kind=Pledge.Kind.MEMBER)

    def member_pledges(self):
        return self.filter(kind=Pledge.Kind.MEMBER)

    def public(self):
        """What staff may see: published pledges, closed ones and the versions they replaced."""
        return self.filter(status__in=Pledge.PUBLIC_STATUSES)

    def current(self):
        """Every version except those replaced by a published correction."""
        return self.exclude(status=Pledge.Status.SUPERSEDED)

    def for_year(self, campaign_year):
        return self.filter(campaign_year=campaign_year)

    def visible_to(self, access, *, by_key: bool = False):
        """What ``access`` may open: published pledges within its ``pledges.view`` scope, and
        unpublished ones it writes, approves or publishes (a member: the own pledge).

        The same rule as ``workflow.pledge_roles`` in queryset form; another branch's pledge is
        simply not found. A general branch's own pledge is reached as ``Access.unit_q`` decides:
        by its secretary and the office, and once published by the members and staff of its
        branches (``through_branches``). ``by_key``: the query picks a few pledges by key (one
        pledge, the versions of one); the same pledges, without first narrowing to the reachable
        branches, which would cost the planner more than the query takes (with the joins of the
        pledge page, 1.5 ms of planning against 0.6 ms)."""
        from branches.models import Branch

        def within(condition, *permissions):
            """``condition`` for pledges of the branches any of ``permissions`` reaches."""
            scopes = [access.scope_q(permission) for permission in permissions]
            if None in scopes:
                return condition  # every branch
            return condition & reduce(operator.or_, scopes)

        def within_units(condition, *permissions, through_branches=False):
            """``condition`` for general branches' own pledges that ``permissions`` reach."""
            scopes = [access.unit_q(p, through_branches=through_branches) for p in permissions]
            if None in scopes:
                return condition
            return condition & reduce(operator.or_, scopes)

        member, branch = Q(kind=Pledge.Kind.MEMBER), Q(kind=Pledge.Kind.BRANCH)
        general = Q(kind=Pledge.Kind.GENERAL_BRANCH)
        public = Q(status__in=Pledge.PUBLIC_STATUSES)
        q = within(public & ~general, "pledges.view")
        q |= within(member, "pledges.approve_member")
        q |= within(branch, "pledges.write_branch", "pledges.approve_branch")
        q |= within_units(general & public, "pledges.view", through_branches=True)
        q |= within_units(general, "pledges.write_branch", "pledges.approve_branch")
        own = access.person is not None and access.has("pledges.write_own")
        if own:
            q |= member & Q(person=access.person)
        # The OR above can only be tested pledge by pledge. Narrow the query first to the
        # branches any of these permissions reaches, so that the database starts from those
        # branches and reads their pledges through the branch index (``pledge_by_branch``)
        # rather than testing every pledge of the group. The general branches' own pledges (one
        # a year for each) come through their own index, and the OR above decides.
        reaches = [access.scope_q(p, branch="") for p in self.VISIBILITY_PERMISSIONS]
        reach = None if None in reaches else reduce(operator.or_, reaches)
        q = IsTrue(q)
        if reach is None or by_key:
            return self.filter(q)  # one of them reaches every branch, or no need to narrow
        branches = Branch.objects.filter(reach).order_by().values("pk")
        if own:
            # The own pledge stays in the branch it was written in, also after a transfer. A
            # UNION, not an OR, which the planner would guess to match half of all branches.
            own_pledges = self.model.objects.filter(member, person=access.person).order_by()
            branches = branches.union(own_pledges.values("branch"))
        # As an array, so that both halves of the OR use their index (``core.arrays``).
        return self.filter(q, any_of("branch_id", branches) | Q(general_branch__isnull=False))


def _one_chain_per_owner_and_year():
    """One chain of versions per owner and year: one first version (and ``previous`` is
    one-to-one); within it, at most one version open and one published. The same three rules for
    each kind of pledge, on its owner's column."""
    open_statuses = ["draft", "submitted", "returned", "approved"]
    live_statuses = ["published", "closed"]
    constraints = []
    for kind, owner, name in (
        ("branch", "branch", "branch"),
        ("member", "person", "member"),
        ("general_branch", "general_branch", "general_branch"),
    ):
        fields = ["campaign_year", owner]
        constraints += [
            models.UniqueConstraint(
                fields=fields, condition=Q(kind=kind, version=1), name=f"pledge_one_{name}_pledge_per_year"
            ),
            models.UniqueConstraint(
                fields=fields,
                condition=Q(kind=kind, status__in=open_statuses),
                name=f"pledge_one_open_{name}_version",
            ),
            models.UniqueConstraint(
                fields=fields,
                condition=Q(kind=kind, status__in=live_statuses),
                name=f"pledge_one_live_{name}_version",
            ),
        ]
    return constraints


class Pledge(models.Model):
    """One version of a branch's or a member's pledge for a campaign year."""

    class Kind(models.TextChoices):
        BRANCH = "branch", _("Branch pledge")
        MEMBER = "member", _("Member pledge")
        # 党总支承诺: the plan has each general branch pledge as a branch does (第一阶段).
        GENERAL_BRANCH = "general_branch", _("General branch pledge")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned")
        APPROVED = "approved", _("Approved")
        PUBLISHED = "published", _("Published")
        CLOSED = "closed", _("Reviewed and closed")
        SUPERSEDED = "superseded", _("Superseded by a correction")

    PUBLIC_STATUSES = (Status.PUBLISHED, Status.CLOSED, Status.SUPERSEDED)
    # A version being written or approved; at most one per pledge owner and year.
    OPEN_STATUSES = (Status.DRAFT, Status.SUBMITTED, Status.RETURNED, Status.APPROVED)

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    campaign_year = models.ForeignKey(
        "campaigns.CampaignYear",
        on_delete=models.PROTECT,
        related_name="pledges",
        verbose_name=_("campaign year"),
    )
    # For a member pledge: the member's branch when the pledge was written. It stays there after
    # a transfer, so that the branch which approved it also reviews it.
    # Empty for a general branch's own pledge, which has ``general_branch`` instead.
    branch, general_branch = unit_owner("pledges")
    person = models.ForeignKey(
        "branches.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pledges",
        verbose_name=_("member"),
    )
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    previous = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="next_version",
        verbose_name=_("previous version"),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    # Branch pledge: 争创重点 · 效果目标 · 具体措施 (the milestones are its items).
    focus = models.TextField(_("focus"), blank=True)
    targets = models.TextField(_("targets"), blank=True)
    measures = models.TextField(_("measures"), blank=True)
    # Member pledge: 具体打算 · 努力方向 (the commitments are its items).
    plan = models.TextField(_("plan"), blank=True)
    direction = models.TextField(_("direction"), blank=True)
    return_reason = models.TextField(_("reason for returning"), blank=True)
    # Published after the year's deadline (``CampaignYear.pledges_due_on``): accepted, recorded.
    published_late = models.BooleanField(_("published late"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("written by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    history = HistoricalRecords()

    objects = PledgeQuerySet.as_manager()

    class Meta:
        verbose_name = _("pledge")
        verbose_name_plural = _("pledges")
        ordering = ["campaign_year", "branch", "kind", "person", "-version"]
        indexes = [
            # The pledges of the branches someone may see (``visible_to``) and, without reading
            # the table, their count by year, kind and status (``selectors.pledge_counts``).
            models.Index(
                fields=["branch", "kind", "status"],
                include=["campaign_year", "person"],
                name="pledge_by_branch",
            ),
            # The same for whoever sees every branch, and a year's pledges of one kind (a page
            # of the list).
            models.Index(fields=["campaign_year", "kind", "status"], name="pledge_by_year"),
        ]
        constraints = [
            # The owner of each kind: a branch; a member (in a branch); a general branch itself.
            models.CheckConstraint(
                condition=Q(
                    kind="branch", branch__isnull=False, general_branch__isnull=True, person__isnull=True
                )
                | Q(kind="member", branch__isnull=False, general_branch__isnull=True, person__isnull=False)
                | Q(
                    kind="general_branch",
                    branch__isnull=True,
                    general_branch__isnull=False,
                    person__isnull=True,
                ),
                name="pledge_owner_of_its_kind",
            ),
            models.CheckConstraint(
                condition=Q(version=1, previous__isnull=True) | Q(version__gt=1, previous__isnull=False),
                name="pledge_version_follows_previous",
            ),
            models.CheckConstraint(
                condition=~Q(status="returned") | ~Q(return_reason=""),
                name="pledge_returned_has_reason",
            ),
            *_one_chain_per_owner_and_year(),
        ]

    def __str__(self):
        owner = self.person.name if self.kind == self.Kind.MEMBER else self.unit.name
        return f"{owner} · {self.get_kind_display()} · v{self.version}"

    @property
    def is_branch(self) -> bool:
        return self.kind == self.Kind.BRANCH

    @property
    def is_general_branch(self) -> bool:
        return self.kind == self.Kind.GENERAL_BRANCH

    @property
    def is_unit(self) -> bool:
        """A party organisation's pledge (branch or general branch): the four parts with dated
        milestones, approved and reviewed by the campaign office, published by its secretary."""
        return self.kind != self.Kind.MEMBER

    @property
    def unit(self):
        """The organisation the pledge belongs to, for display: the general branch for its own
        pledge, else the branch (for a member pledge, the branch it was written in)."""
        return self.general_branch if self.general_branch_id else self.branch

    @property
    def is_public(self) -> bool:
        return self.status in self.PUBLIC_STATUSES

    @property
    def has_next_version(self) -> bool:
        """Whether a correction of this version has been started (a query unless loaded with
        ``select_related("next_version")``)."""
        try:
            return self.next_version is not None
        except Pledge.next_version.RelatedObjectDoesNotExist:
            return False

    @property
    def status_badge(self) -> str:
        """The Bootstrap classes of the status badge (``_status.html``)."""
        return _STATUS_BADGES.get(self.status, "text-bg-secondary")


_STATUS_BADGES = {
    Pledge.Status.PUBLISHED: "text-bg-success",
    Pledge.Status.CLOSED: "text-bg-dark",
    Pledge.Status.RETURNED: "text-bg-warning",
    Pledge.Status.SUBMITTED: "text-bg-primary",
    Pledge.Status.APPROVED: "text-bg-primary",
    Pledge.Status.SUPERSEDED: "text-bg-light border",
}


class PledgeItem(models.Model):
    """A milestone of a branch pledge (时间进度) or a commitment of a member pledge (承诺事项)."""

    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    text = models.TextField(_("content"))
    criterion = models.CharField(_("criterion"), max_length=20, choices=CRITERIA)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    responsible = models.ForeignKey(
        "branches.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pledge_milestones",
        verbose_name=_("responsible member"),
    )
    # The item of the previous version this one was copied from (a correction); its progress
    # entries are carried over when the correction is published.
    source = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="copies", editable=False
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("pledge item")
        verbose_name_plural = _("pledge items")
        ordering = ["pledge", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(criterion__in=[value for value, _label in CRITERIA]),
                name="pledge_item_known_criterion",
            ),
        ]

    def __str__(self):
        return self.text[:50]


class Publication(models.Model):
    """公布: a pledge (``quarter`` empty) or its quarterly progress (1–4) announced to staff."""

    class Occasion(models.TextChoices):
        DEPARTMENT_MEETING = "department_meeting", _("Department meeting")  # 部门例会
        TEAM_LEADERS_MEETING = "team_leaders_meeting", _("Team leaders' meeting")  # 班组长会
        OTHER = "other", _("Other")

    pledge = models.ForeignKey(Pledge, on_delete=models.PROTECT, related_name="publications")
    quarter = models.PositiveSmallIntegerField(_("quarter"), null=True, blank=True)
    occasion = models.CharField(_("occasion"), max_length=30, choices=Occasion.choices)
    occasion_other = models.CharField(_("other occasion"), max_length=100, blank=True)
    published_on = models.DateField(_("published on"))
    audience = models.CharField(_("audience"), max_length=200)
    # For a quarterly publication: the pledge's progress at that moment.
    progress = models.DecimalField(_("progress"), max_digits=5, decimal_places=1, null=True, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        ordering = ["pledge", "published_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quarter__isnull=True) | Q(quarter__gte=1, quarter__lte=4),
                name="publication_quarter_1_to_4",
            ),
            models.CheckConstraint(
                condition=~Q(occasion="other") | ~Q(occasion_other=""),
                name="publication_other_occasion_named",
            ),
            models.CheckConstraint(condition=~Q(audience=""), name="publication_has_audience"),
            models.UniqueConstraint(
                fields=["pledge"], condition=Q(quarter__isnull=True), name="publication_once_per_pledge"
            ),
            models.UniqueConstraint(fields=["pledge", "quarter"], name="publication_once_per_quarter"),
        ]

    def __str__(self):
        return f"{self.pledge} · {self.published_on}"

    @property
    def occasion_label(self) -> str:
        return self.occasion_other if self.occasion == self.Occasion.OTHER else self.get_occasion_display()


class ProgressEntry(models.Model):
    """践诺: what was done for one item by a date, and how far the item now is (cumulative %)."""

    item = models.ForeignKey(PledgeItem, on_delete=models.PROTECT, related_name="entries")
    entered_on = models.DateField(_("date"))
    done = models.TextField(_("what was done"))
    percent = models.PositiveSmallIntegerField(_("progress (%)"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    # Set on the copy carried over to a corrected version of the pledge.
    copied_from = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="copies", editable=False
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("progress entry")
        verbose_name_plural = _("progress entries")
        ordering = ["item", "entered_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(percent__lte=100), name="progress_percent_at_most_100"),
            models.CheckConstraint(condition=~Q(done=""), name="progress_says_what_was_done"),
        ]

    def __str__(self):
        return f"{self.entered_on} {self.percent}%"


def evidence_path(instance, filename: str) -> str:
    """A random name under the pledge's folder: the original name is kept in the row only, so
    no user-chosen name reaches the file system."""
    pledge = instance.entry.item.pledge
    return f"evidence/pledges/{pledge.campaign_year.year}/{pledge.pk}/{stored_name(filename)}"


class ProgressEvidence(EvidenceFile):
    """A file proving a progress entry (证明材料); downloaded only through a permission check."""

    entry = models.ForeignKey(ProgressEntry, on_delete=models.PROTECT, related_name="evidence")
    file = models.FileField(_("file"), upload_to=evidence_path, max_length=255)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["entry", "pk"]


class PledgeReview(models.Model):
    """评诺 at the year's end: the writer's self-assessment, then the assessment and result given
    by whoever approves the pledge (the branch secretary for a member, the office for a branch)."""

    class Result(models.TextChoices):
        FULFILLED = "fulfilled", _("Fulfilled")
        PARTLY = "partly", _("Partly fulfilled")
        NOT_FULFILLED = "not_fulfilled", _("Not fulfilled")

    pledge = models.OneToOneField(Pledge, on_delete=models.PROTECT, related_name="review")
    self_assessment = models.TextField(_("self-assessment"))
    self_assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("self-assessed by"),
    )
    self_assessed_at = models.DateTimeField(_("self-assessed at"))
    assessment = models.TextField(_("assessment"), blank=True)
    result = models.CharField(_("result"), max_length=20, choices=Result.choices, blank=True)
    explanation = models.TextField(_("explanation"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("pledge review")
        verbose_name_plural = _("pledge reviews")
        constraints = [
            models.CheckConstraint(condition=~Q(self_assessment=""), name="review_has_self_assessment"),
            # Anything short of fulfilled must be explained.
            models.CheckConstraint(
                condition=Q(result__in=["", "fulfilled"]) | ~Q(explanation=""),
                name="review_explains_shortfall",
            ),
            # A result is given together with the assessment, by someone, at a time.
            models.CheckConstraint(
                condition=Q(result="", reviewed_at__isnull=True)
                | (
                    ~Q(result="")
                    & ~Q(assessment="")
                    & Q(reviewed_at__isnull=False, reviewed_by__isnull=False)
                ),
                name="review_result_with_assessment",
            ),
        ]

    def __str__(self):
        return f"{self.pledge} · {self.get_result_display() or '—'}"


from .comments import PledgeComment  # noqa: E402, F401  群众监督: its own module, this one is full
