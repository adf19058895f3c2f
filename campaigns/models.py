"""The campaign (创先争优活动), its yearly cycles with their editable calendar, and its organs:
the leading group, the campaign office and the leaders' contact points."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

DEFAULT_THEME = "做研发先锋，当创新标兵"


class CampaignQuerySet(models.QuerySet):
    def running(self, on: datetime.date):
        return self.filter(started_on__lte=on).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=on))


class CampaignYearQuerySet(models.QuerySet):
    def visible_to(self, access, permission: str):
        """The years a person may look at under ``permission``: the one definition of "which
        campaign years may this person see". A year belongs to an institute (the campaign's
        party committee); it is visible where ``permission`` reaches that institute as a whole
        (office, leading group), any branch of it (a secretary), or the person's own records in
        it (a member); everywhere for the administrator. Newest first."""
        from branches.models import Branch

        q = Q(
            campaign__committee__in=access.restrict(Branch.objects.all(), permission, branch="").values(
                "committee"
            )
        )
        for kind, pk in access.reach(permission):
            if kind == "all":
                q = Q(pk__isnull=False)
                break
            if kind == "committee":
                q |= Q(campaign__committee_id=pk)
            elif kind == "person" and access.person is not None:
                q |= Q(campaign__committee_id=access.person.committee_id)
        return self.filter(q).select_related("campaign__committee").order_by("-year", "pk")


class Campaign(models.Model):
    committee = models.ForeignKey(
        "branches.PartyCommittee",
        on_delete=models.PROTECT,
        related_name="campaigns",
        verbose_name=_("party committee"),
    )
    name = models.CharField(_("name"), max_length=100)
    theme = models.CharField(_("theme"), max_length=200, default=DEFAULT_THEME)
    started_on = models.DateField(_("started on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    history = HistoricalRecords()

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-started_on"]

    def __str__(self):
        return self.name


class CampaignYear(models.Model):
    """One yearly cycle. Every date of DOMAIN.md's calendar is a field, so the office can move it."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="years")
    year = models.PositiveSmallIntegerField(_("year"))
    pledges_open_on = models.DateField(_("pledges open"))
    pledges_due_on = models.DateField(_("pledges published by"))
    evaluation_opens_on = models.DateField(_("mass evaluation opens"))
    evaluation_closes_on = models.DateField(_("mass evaluation closes"))
    scoring_opens_on = models.DateField(_("scoring opens"))
    scoring_closes_on = models.DateField(_("scoring closes"))
    awards_announced_by = models.DateField(_("awards announced by"))
    midyear_review_on = models.DateField(_("mid-year review"))
    yearend_review_on = models.DateField(_("year-end review"))
    history = HistoricalRecords()

    objects = CampaignYearQuerySet.as_manager()

    class Meta:
        verbose_name = _("campaign year")
        verbose_name_plural = _("campaign years")
        ordering = ["campaign", "-year"]
        constraints = [models.UniqueConstraint(fields=["campaign", "year"], name="campaign_year_unique")]

    def __str__(self):
        return f"{self.campaign} {self.year}"

    # (start field, end field) pairs that must be in order, with the label used in messages.
    WINDOWS = [
        ("pledges_open_on", "pledges_due_on"),
        ("evaluation_opens_on", "evaluation_closes_on"),
        ("scoring_opens_on", "scoring_closes_on"),
    ]

    def clean(self):
        errors = {}
        for start, end in self.WINDOWS:
            a, b = getattr(self, start), getattr(self, end)
            if a and b and b < a:
                errors[end] = _("This date must not be before “%(start)s”.") % {
                    "start": self._meta.get_field(start).verbose_name
                }
        for field in self._meta.concrete_fields:
            value = getattr(self, field.attname)
            if isinstance(value, datetime.date) and value.year != self.year:
                errors.setdefault(field.name, _("The date must fall within %(year)s.") % {"year": self.year})
        if errors:
            raise ValidationError(errors)

    def calendar(self) -> list[tuple[datetime.date, str]]:
        """The year's dated milestones, in date order, for home pages and the calendar page."""
        items = [
            (field.verbose_name, getattr(self, field.attname))
            for field in self._meta.concrete_fields
            if isinstance(field, models.DateField)
        ]
        return sorted(((d, label) for label, d in items), key=lambda item: item[0])


class Phase(models.Model):
    """One of the five phases of the seed (第一阶段 … 第五阶段) in a campaign year."""

    class Number(models.IntegerChoices):
        PLEDGE = 1, _("Mobilise and pledge publicly")
        STRIVE = 2, _("Strive actively")
        REVIEW = 3, _("Leaders review, staff evaluate")
        ASSESS = 4, _("Assess and commend")
        CONSOLIDATE = 5, _("Consolidate and improve")

    campaign_year = models.ForeignKey(CampaignYear, on_delete=models.CASCADE, related_name="phases")
    number = models.PositiveSmallIntegerField(_("phase"), choices=Number.choices)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        ordering = ["campaign_year", "number"]
        constraints = [
            models.UniqueConstraint(fields=["campaign_year", "number"], name="phase_unique_number"),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="phase_ends_after_start"
            ),
        ]

    def __str__(self):
        return self.get_number_display()


class LeadingGroupMember(models.Model):
    """领导小组: 组长, 副组长, 成员, with their institute titles (seed §二(一))."""

    class Role(models.TextChoices):
        LEADER = "leader", _("Group leader")
        DEPUTY = "deputy", _("Deputy group leader")
        MEMBER = "member", _("Member")

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="leading_group")
    person = models.ForeignKey(
        "branches.Person", on_delete=models.PROTECT, related_name="leading_group_seats"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    title = models.CharField(_("title"), max_length=100, blank=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("leading group member")
        verbose_name_plural = _("leading group")
        ordering = ["campaign", "sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "person"], name="leading_group_unique_person")
        ]

    def __str__(self):
        return f"{self.get_role_display()} {self.person.name}"


class OfficeMember(models.Model):
    """创先争优活动办公室: 主任 and 成员 (seed §二(二))."""

    class Role(models.TextChoices):
        DIRECTOR = "director", _("Director")
        MEMBER = "member", _("Member")

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="office")
    person = models.ForeignKey("branches.Person", on_delete=models.PROTECT, related_name="office_seats")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    title = models.CharField(_("title"), max_length=100, blank=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("campaign office member")
        verbose_name_plural = _("campaign office")
        ordering = ["campaign", "sort_order"]
        constraints = [models.UniqueConstraint(fields=["campaign", "person"], name="office_unique_person")]

    def __str__(self):
        return f"{self.get_role_display()} {self.person.name}"


class ContactPoint(models.Model):
    """领导干部联系点: a leader assigned to a branch."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="contact_points")
    leader = models.ForeignKey(
        "branches.Person", on_delete=models.PROTECT, related_name="contact_points", verbose_name=_("leader")
    )
    branch = models.ForeignKey(
        "branches.Branch", on_delete=models.PROTECT, related_name="contact_points", verbose_name=_("branch")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("leader contact point")
        verbose_name_plural = _("leader contact points")
        ordering = ["campaign", "branch"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "leader", "branch"], name="contact_point_unique")
        ]

    def __str__(self):
        return f"{self.leader.name} → {self.branch}"
