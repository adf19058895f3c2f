"""Registers of the year: the pledge register, the activity ledger (台账) and the compliance
grid, each narrowed to what the reader may see."""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from activities.compliance import Status, compliance_table
from activities.models import ActivityRecord, Attendance, AttendanceStatus, Kind
from activities.selectors import count_of, record_list, records_reached
from branches.models import Branch, GeneralBranch
from pledges.models import Pledge
from pledges.selectors import pledge_list

from ..registry import Params, Report, branches, register
from ..table import Column, Section, Table, Type


def _subtitle(access, params: Params, permission: str) -> list[str]:
    """The committee, then in plain words which branches the document covers: the one chosen,
    or those the reader reaches — 全所各党支部, 第一党总支所属各党支部, or the branches by name
    (an official document names its scope; "within your reach" reads as jargon)."""
    committee = params.year.campaign.committee
    if params.branch:
        return [committee.name, params.branch.name]
    scopes = access.reach(permission)
    if ("all", None) in scopes or ("committee", committee.pk) in scopes:
        return [committee.name, _("All branches of the institute")]
    general = sorted(pk for kind, pk in scopes if kind == "general_branch")
    named = [g.name for g in GeneralBranch.objects.filter(pk__in=general)]
    own = sorted(pk for kind, pk in scopes if kind == "branch")
    named += [b.name for b in Branch.objects.filter(pk__in=own).exclude(general_branch_id__in=general)]
    if len(named) == 1 and general:
        return [committee.name, _("The branches of %(unit)s") % {"unit": named[0]}]
    return [committee.name, "、".join(named)]


@register
class PledgeRegister(Report):
    key = "pledge_register"
    title = gettext_lazy("Pledge register")
    description = gettext_lazy(
        "Every branch and member pledge of the year: state, when published, items and progress."
    )
    permission = "pledges.view"
    needs = ("year", "branch")

    def title_for(self, params: Params) -> str:
        return _("Pledge register %(year)s") % {"year": params.year.year}

    def _pledges(self, access, params: Params):
        pledges = Pledge.objects.visible_to(access).filter(campaign_year=params.year)
        if params.branch is not None:
            pledges = pledges.filter(branch=params.branch)
        return pledges

    def count(self, access, params: Params) -> int:
        return self._pledges(access, params).count()

    def table(self, access, params: Params) -> Table:
        pledges = pledge_list(self._pledges(access, params))

        def rows():
            for p in pledges.iterator(chunk_size=2000):
                yield (
                    p.unit.name,  # a general branch's own pledge has no branch
                    p.get_kind_display(),
                    p.person.name if p.person_id else "",
                    p.version,
                    p.get_status_display(),
                    p.published_on,
                    p.item_count,
                    p.progress,
                )

        return Table(
            title=self.title_for(params),
            subtitle=_subtitle(access, params, self.permission),
            columns=[
                Column(_("Branch"), width=24),
                Column(_("Kind"), width=12),
                Column(_("Member"), width=12),
                Column(_("Version"), Type.INT, 6),
                Column(_("Status"), width=12),
                Column(_("Published on"), Type.DATE, 12),
                Column(_("Items"), Type.INT, 6),
                Column(_("Progress"), Type.PERCENT, 9),
            ],
            rows=rows(),
            count=self.count(access, params),
        )


@register
class ActivityLedger(Report):
    key = "activity_ledger"
    title = gettext_lazy("Activity ledger")
    description = gettext_lazy(
        "The branch's activity record (台账) of the year: meetings, lectures, reading and news reports with attendance."
    )
    permission = "activities.view"
    needs = ("year", "branch")

    def title_for(self, params: Params) -> str:
        return _("Activity ledger %(year)s") % {"year": params.year.year}

    def _records(self, access, params: Params):
        year = params.year.year
        committee_id = params.year.campaign.committee_id
        # A general branch's own records too (its secretary's, or all for the institute), after
        # the branches' (records_reached: the activities app's rule of who reaches them).
        records = records_reached(access, self.permission, ActivityRecord.objects.active()).filter(
            Q(branch__committee_id=committee_id) | Q(general_branch__committee_id=committee_id),
            held_on__gte=datetime.date(year, 1, 1),
            held_on__lte=datetime.date(year, 12, 31),
        )
        if params.branch is not None:
            records = records.filter(branch=params.branch)
        return records

    def count(self, access, params: Params) -> int:
        return self._records(access, params).count()

    def table(self, access, params: Params) -> Table:
        # The ledger page's own counts (subqueries per record, no join of every attendance row).
        records = (
            record_list(self._records(access, params))
            .annotate(
                on_leave=count_of(Attendance, status=AttendanceStatus.LEAVE),
                absent=count_of(Attendance, status=AttendanceStatus.ABSENT),
            )
            .order_by(
                "branch__sort_order",
                "branch__name_key",
                "general_branch__sort_order",
                "general_branch__name_key",
                "held_on",
                "pk",
            )
        )
        kinds = dict(Kind.choices)

        def rows():
            for r in records.iterator(chunk_size=2000):
                yield (
                    r.unit.name,
                    r.held_on,
                    str(kinds.get(r.kind, r.kind)),
                    r.title,
                    r.party_group.name if r.party_group_id else "",
                    r.host.name if r.host_id else "",
                    r.place,
                    r.present_count,
                    r.on_leave,
                    r.absent,
                    r.evidence_count,
                )

        return Table(
            title=self.title_for(params),
            subtitle=_subtitle(access, params, self.permission),
            columns=[
                Column(_("Branch"), width=20),
                Column(_("Date"), Type.DATE, 11),
                Column(_("Kind"), width=14),
                Column(_("Title"), width=30),
                Column(_("Party group"), width=12),
                Column(_("Host"), width=10),
                Column(_("Place"), width=14),
                Column(_("Present"), Type.INT, 7),
                Column(_("On leave"), Type.INT, 7),
                Column(_("Absent"), Type.INT, 7),
                Column(_("Evidence files"), Type.INT, 8),
            ],
            rows=rows(),
            count=self.count(access, params),
            landscape=True,
        )


@register
class ComplianceGrid(Report):
    key = "compliance_grid"
    title = gettext_lazy("Compliance grid")
    description = gettext_lazy(
        "Each branch month by month against the required 三会一课 and news reports, and what it owes."
    )
    permission = "compliance.view"
    needs = ("year",)

    def title_for(self, params: Params) -> str:
        return _("Compliance grid %(year)s") % {"year": params.year.year}

    def count(self, access, params: Params) -> int:
        return (
            branches(access, self.permission).filter(committee_id=params.year.campaign.committee_id).count()
        )

    def table(self, access, params: Params) -> Table:
        grid = compliance_table(campaign_year=params.year, branches=branches(access, self.permission))
        labels = dict(Status.choices)

        def label(status):
            return str(labels[status]) if status else "—"

        def rows():
            general = None
            for row in grid.rows:
                gb = row.branch.general_branch
                if gb is not None and gb.pk != general:
                    general = gb.pk
                    yield (Section(gb.name),)
                yield (
                    row.branch.name,
                    *[label(cell.status) for cell in row.months],
                    *[f"{cell.recorded}/{cell.required}" for cell in row.yearly],
                    len(row.overdue),
                )

        return Table(
            title=self.title_for(params),
            subtitle=[
                params.year.campaign.committee.name,
                _("As of %(date)s") % {"date": formats.date_format(grid.today, "DATE_FORMAT")},
            ],
            columns=[
                Column(_("Branch"), width=22),
                *[Column(_("Month %(month)s") % {"month": m}, width=7) for m in range(1, 13)],
                *[Column(str(Kind(r.kind).label), width=10) for r in grid.yearly_requirements],
                Column(_("Periods overdue"), Type.INT, 8),
            ],
            rows=rows(),
            count=len(grid.rows),
            landscape=True,
        )
