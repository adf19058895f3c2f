"""The organisation of the seed: party committee → general branches → branches → party groups,
the administrative departments beside it, and the people in both.

Nothing here is ever deleted: units are archived (``is_active``), memberships and positions are
ended (``ended_on``), and every change is kept by django-simple-history.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.ordering import NameKeyField


class BranchCategory(models.TextChoices):
    """单位类别: each category has its own 争创 focus (seed §六(二))."""

    BUSINESS = "business", _("Business division / industry centre")
    ADMINISTRATION = "administration", _("Administrative office")
    SERVICE = "service", _("Support services")
    RETIRED = "retired", _("Retirees")


class PartyCommittee(models.Model):
    """所党委: the top of one institute's tree. A deployment may hold several institutes."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    short_name = models.CharField(_("short name"), max_length=50, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("party committee")
        verbose_name_plural = _("party committees")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def label(self) -> str:
        """The short name where there is one, for lists naming several institutes."""
        return self.short_name or self.name


class Department(models.Model):
    """处 / 中心 / 事业部: an administrative unit; it may have no branch of its own."""

    class Kind(models.TextChoices):
        OFFICE = "office", _("Office (处/室)")
        CENTRE = "centre", _("Centre (中心)")
        DIVISION = "division", _("Business division (事业部)")
        OTHER = "other", _("Other")

    committee = models.ForeignKey(PartyCommittee, on_delete=models.PROTECT, related_name="departments")
    name = models.CharField(_("name"), max_length=100)
    # Sorts 第二 before 第十一 (core.ordering): lists order by it, not by the name.
    name_key = NameKeyField(source="name")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OFFICE)
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["sort_order", "name_key"]
        constraints = [models.UniqueConstraint(fields=["committee", "name"], name="department_unique_name")]

    def __str__(self):
        return self.name


class GeneralBranch(models.Model):
    """党总支: groups branches."""

    committee = models.ForeignKey(PartyCommittee, on_delete=models.PROTECT, related_name="general_branches")
    name = models.CharField(_("name"), max_length=100)
    # Sorts 第二 before 第十一 (core.ordering): lists order by it, not by the name.
    name_key = NameKeyField(source="name")
    category = models.CharField(_("category"), max_length=20, choices=BranchCategory.choices)
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="general_branches",
        verbose_name=_("department"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("general branch")
        verbose_name_plural = _("general branches")
        ordering = ["sort_order", "name_key"]
        constraints = [
            models.UniqueConstraint(fields=["committee", "name"], name="general_branch_unique_name")
        ]

    def __str__(self):
        return self.name


class BranchQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class Branch(models.Model):
    """党支部: the unit that pledges, records and is scored. It sits under a general branch, or
    directly under the committee (未设党总支的支部) when ``general_branch`` is empty."""

    # The order of the organisation tree, in which lists of one institute's branches are shown.
    TREE_ORDER = ("general_branch__sort_order", "general_branch__name_key", "sort_order", "name_key")

    committee = models.ForeignKey(PartyCommittee, on_delete=models.PROTECT, related_name="branches")
    general_branch = models.ForeignKey(
        GeneralBranch,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="branches",
        verbose_name=_("general branch"),
    )
    name = models.CharField(_("name"), max_length=100)
    # Sorts 第二 before 第十一 (core.ordering): lists order by it, not by the name.
    name_key = NameKeyField(source="name")
    category = models.CharField(_("category"), max_length=20, choices=BranchCategory.choices)
    # The departments this branch is set up for: a 机关 branch covers several offices, a large
    # 事业部 has several branches. A department may have none (未设党支部的处及中心); its members
    # then attend another department's branch.
    departments = models.ManyToManyField(
        Department, blank=True, related_name="branches", verbose_name=_("departments")
    )
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    history = HistoricalRecords(m2m_fields=[departments])

    objects = BranchQuerySet.as_manager()

    class Meta:
        verbose_name = _("branch")
        verbose_name_plural = _("branches")
        ordering = ["sort_order", "name_key"]
        constraints = [models.UniqueConstraint(fields=["committee", "name"], name="branch_unique_name")]

    def __str__(self):
        return self.name


class PartyGroup(models.Model):
    """党小组: a subdivision of a branch."""

    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="party_groups")
    name = models.CharField(_("name"), max_length=100)
    # Sorts 第二 before 第十一 (core.ordering): lists order by it, not by the name.
    name_key = NameKeyField(source="name")
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("party group")
        verbose_name_plural = _("party groups")
        ordering = ["branch", "name_key"]
        constraints = [models.UniqueConstraint(fields=["branch", "name"], name="party_group_unique_name")]

    def __str__(self):
        return f"{self.branch} · {self.name}"


class PersonQuerySet(models.QuerySet):
    # As conditions too, for counting both in one aggregate.
    MEMBERS = Q(branch__isnull=False)
    STAFF = Q(status="employed")  # Person.Status.EMPLOYED (the class comes below)

    def members(self):
        """Party members in a branch now."""
        return self.filter(self.MEMBERS)

    def staff(self):
        """职工群众: employees at work, members or not."""
        return self.filter(self.STAFF)


class Person(models.Model):
    """A person of the institute: staff (职工) and/or party member (党员).

    ``branch`` and ``party_group`` are the current party membership; they are written only by
    the membership services together with a :class:`Membership` row, which keeps the history
    of transfers. They are stored here as well so that every list can filter by branch without
    a subquery.
    """

    class Gender(models.TextChoices):
        MALE = "M", _("Male")
        FEMALE = "F", _("Female")

    class Status(models.TextChoices):
        EMPLOYED = "employed", _("Employed")
        RETIRED = "retired", _("Retired")
        LEFT = "left", _("Left the institute")
        DECEASED = "deceased", _("Deceased")

    committee = models.ForeignKey(PartyCommittee, on_delete=models.PROTECT, related_name="people")
    employee_no = models.CharField(_("employee number"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=50)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
        verbose_name=_("department"),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.EMPLOYED)
    post = models.CharField(_("post"), max_length=100, blank=True, help_text=_("Job or post, e.g. engineer"))
    joined_party_on = models.DateField(_("joined the party on"), null=True, blank=True)
    branch = models.ForeignKey(
        Branch,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("branch"),
    )
    party_group = models.ForeignKey(
        PartyGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("party group"),
    )
    user = models.OneToOneField(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
        verbose_name=_("login"),
    )
    history = HistoricalRecords()

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["employee_no"]
        constraints = [
            models.CheckConstraint(
                condition=Q(branch__isnull=True) | Q(joined_party_on__isnull=False),
                name="member_has_join_date",
            ),
            models.CheckConstraint(
                condition=Q(party_group__isnull=True) | Q(branch__isnull=False),
                name="party_group_needs_branch",
            ),
        ]

    def __str__(self):
        return f"{self.name}（{self.employee_no}）"

    @property
    def is_member(self) -> bool:
        return self.branch_id is not None

    @property
    def is_staff_member(self) -> bool:
        return self.status == self.Status.EMPLOYED


class EndReason(models.TextChoices):
    """Why a membership ended: a transfer, or one of the ways of leaving the institute's party
    organisation (离职, 退休, 死亡, 出党)."""

    TRANSFER = "transfer", _("Transferred")
    LEFT = "left", _("Left the institute")
    RETIRED = "retired", _("Retirement")
    DECEASED = "deceased", _("Death")
    LEFT_PARTY = "left_party", _("Left the party")


class Membership(models.Model):
    """One stay of a member in a branch. A transfer ends one row and opens the next."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="memberships")
    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="memberships")
    party_group = models.ForeignKey(PartyGroup, on_delete=models.PROTECT, null=True, blank=True)
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    end_reason = models.CharField(
        _("reason for ending"), max_length=20, choices=EndReason.choices, blank=True
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["person", "-started_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(ended_on__isnull=True), name="one_open_membership_per_person"
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="membership_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.person.name} @ {self.branch}"


class Election(models.Model):
    """换届: the election of a branch's or general branch's committee for a term. Recording it
    ends the old committee's positions and starts the new ones (``Position.election``)."""

    branch = models.ForeignKey(
        Branch, on_delete=models.PROTECT, null=True, blank=True, related_name="elections"
    )
    general_branch = models.ForeignKey(
        GeneralBranch, on_delete=models.PROTECT, null=True, blank=True, related_name="elections"
    )
    held_on = models.DateField(_("election date"))
    term_ends_on = models.DateField(_("term ends on"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("election")
        verbose_name_plural = _("elections")
        ordering = ["-held_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(branch__isnull=False) & Q(general_branch__isnull=True))
                | (Q(branch__isnull=True) & Q(general_branch__isnull=False)),
                name="election_in_one_unit",
            ),
            models.CheckConstraint(
                condition=Q(term_ends_on__gt=models.F("held_on")), name="election_term_ends_after_start"
            ),
        ]

    def __str__(self):
        return f"{self.branch or self.general_branch} {self.held_on}"


class PositionQuerySet(models.QuerySet):
    def open_on(self, day):
        """Positions held on ``day``."""
        return self.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=day), started_on__lte=day)

    def not_ended_by(self, day):
        """Positions still running on ``day`` or later (held now, or starting later)."""
        return self.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=day))


class Position(models.Model):
    """A post in a branch or general branch: 书记, 副书记, 组织委员, 宣传委员, 纪检委员, 委员,
    党小组长."""

    class Title(models.TextChoices):
        SECRETARY = "secretary", _("Secretary")
        DEPUTY = "deputy", _("Deputy secretary")
        ORGANISATION = "organisation", _("Organisation committee member")
        PROPAGANDA = "propaganda", _("Propaganda committee member")
        DISCIPLINE = "discipline", _("Discipline committee member")
        COMMITTEE_MEMBER = "committee_member", _("Committee member")
        GROUP_LEADER = "group_leader", _("Party group leader")

    # Titles that carry the secretary role (rights over the unit's records).
    SECRETARY_TITLES = (Title.SECRETARY, Title.DEPUTY)
    # The committee (支委会 / 总支委员会) elected at a 换届, in the order it is listed.
    COMMITTEE_TITLES = (
        Title.SECRETARY,
        Title.DEPUTY,
        Title.ORGANISATION,
        Title.PROPAGANDA,
        Title.DISCIPLINE,
        Title.COMMITTEE_MEMBER,
    )
    # Offices held by one person at a time in a unit (党小组长: one per party group).
    SINGLE_SEAT_TITLES = (Title.SECRETARY, Title.ORGANISATION, Title.PROPAGANDA, Title.DISCIPLINE)

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="positions")
    title = models.CharField(_("position"), max_length=20, choices=Title.choices)
    branch = models.ForeignKey(
        Branch,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="positions",
        verbose_name=_("branch"),
    )
    general_branch = models.ForeignKey(
        GeneralBranch,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="positions",
        verbose_name=_("general branch"),
    )
    party_group = models.ForeignKey(
        PartyGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="positions",
        verbose_name=_("party group"),
    )
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True)
    election = models.ForeignKey(
        Election,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="positions",
        verbose_name=_("election"),
    )
    history = HistoricalRecords()

    objects = PositionQuerySet.as_manager()

    class Meta:
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        ordering = ["title", "started_on"]
        constraints = [
            # A position belongs to exactly one unit.
            models.CheckConstraint(
                condition=(Q(branch__isnull=False) & Q(general_branch__isnull=True))
                | (Q(branch__isnull=True) & Q(general_branch__isnull=False)),
                name="position_in_one_unit",
            ),
            models.CheckConstraint(
                condition=~Q(title="group_leader") | Q(party_group__isnull=False),
                name="group_leader_has_group",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="position_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.unit} {self.get_title_display()} {self.person.name}"

    @property
    def unit(self):
        return self.branch or self.general_branch


class RosterImport(models.Model):
    """An uploaded roster (.xlsx). It is checked and previewed first; only a file that is valid
    as a whole is applied, in one transaction. The file is kept for the audit."""

    class Status(models.TextChoices):
        PREVIEWED = "previewed", _("Previewed")
        INVALID = "invalid", _("Has errors")
        APPLIED = "applied", _("Applied")

    committee = models.ForeignKey(PartyCommittee, on_delete=models.PROTECT, related_name="roster_imports")
    file = models.FileField(_("file"), upload_to="roster-imports/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    uploaded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PREVIEWED)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("roster import")
        verbose_name_plural = _("roster imports")
        ordering = ["-uploaded_at"]

    def __str__(self):
        return self.original_name
