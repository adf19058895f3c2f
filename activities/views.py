"""Pages of the activity record (纪实登记) and of compliance. Thin: reads come from
``selectors``/``compliance``, writes go through ``services``; every queryset is narrowed with
``self.restrict`` so that another branch's record is not found (404)."""

import datetime
import html

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView, TemplateView, View

from branches.models import Branch, PartyGroup, Person
from branches.selectors import names_to_suggest
from core.evidence import evidence_response
from core.mixins import AccessRequiredMixin

from . import selectors, services
from .compliance import CSS, REQUIRABLE_KINDS, Status, compliance_table
from .forms import (
    ArchiveForm,
    AttendanceForm,
    BookFormSet,
    FrequencyForm,
    OverdueFilterForm,
    ReadingListForm,
    RecordFilterForm,
    RecordForm,
    ResearchChampionForm,
    VanguardTeamForm,
)
from .models import (
    ATTENDANCE_KINDS,
    ActivityRecord,
    AttendanceStatus,
    Evidence,
    Kind,
    ReadingList,
    ResearchChampion,
    VanguardTeam,
)

INLINE_TYPES = {".pdf", ".jpg", ".jpeg", ".png", ".gif"}


def add_errors(form, error: ValidationError, *, attendance_form=None):
    """Show a service's ValidationError on the form field it names, or above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        if name == "attendance" and attendance_form is not None:
            attendance_form.add_error(None, errors)
        else:
            form.add_error(name if name in form.fields else None, errors)


class CampaignYearMixin:
    """The campaign year a page is about: ``?year=<pk>`` among those the user may see, else the
    current one."""

    def get_campaign_year(self, permission=None):
        if not hasattr(self, "_campaign_year"):
            self.campaign_years = list(selectors.campaign_years(self.access, permission or self.permission))
            self._campaign_year = selectors.pick_campaign_year(
                self.campaign_years, self.request.GET.get("year"), timezone.localdate()
            )
        return self._campaign_year

    def year_context(self) -> dict:
        year = self.get_campaign_year()
        return {
            "campaign_year": year,
            "campaign_years": self.campaign_years,
            "multi_committee": len({y.campaign.committee_id for y in self.campaign_years}) > 1,
        }


# --- records ----------------------------------------------------------------------------------


# Up to this many branches within reach, the ledger's branch filter suggests their names from
# the page; beyond, static/js/lookup.js asks for them as one types.
BRANCH_DATALIST_LIMIT = 100


class RecordListView(AccessRequiredMixin, ListView):
    permission = "activities.view"
    template_name = "activities/record_list.html"
    context_object_name = "records"
    paginate_by = 30

    def get_queryset(self):
        branches = self.restrict(Branch.objects.active(), branch="")
        self.branch_names = names_to_suggest(branches.order_by("sort_order", "name"), BRANCH_DATALIST_LIMIT)
        self.many_branches = self.branch_names is None or len(self.branch_names) > 1
        self.filter_form = RecordFilterForm(
            self.request.GET or None,
            branch_names=self.branch_names,
            lookup=reverse("reports:lookup", args=["activity_ledger", "branch"]),
        )
        records = self.restrict(ActivityRecord.objects.all())
        data = self.filter_form.cleaned_data if self.filter_form.is_valid() else {}
        records = records.archived() if data.get("archived") else records.active()
        if data.get("kind"):
            records = records.filter(kind=data["kind"])
        if data.get("month"):
            # A range, not held_on__month: EXTRACT(MONTH …) cannot use the date index (2 s at a group).
            first = data["month"].replace(day=1)
            following = (first + datetime.timedelta(days=31)).replace(day=1)
            records = records.filter(held_on__gte=first, held_on__lt=following)
        self.chosen_branch = None
        if data.get("branch"):
            self.chosen_branch = get_object_or_404(branches, pk=data["branch"])
            records = records.filter(branch=self.chosen_branch)
        elif data.get("branch_q"):
            typed = " ".join(data["branch_q"].split())
            # A few branches: by their ids, which PostgreSQL reads through the branch index. Many:
            # by a join, read along the date index. (A subquery, or UPPER() of icontains, leaves
            # it guessing how many branches match: 0.5 s of nested loops over every record.)
            few = list(
                branches.filter(name__contains=typed).values_list("pk", flat=True)[
                    : BRANCH_DATALIST_LIMIT + 1
                ]
            )
            if len(few) <= BRANCH_DATALIST_LIMIT:
                records = records.filter(branch__in=few)
            else:
                records = records.filter(branch__name__contains=typed)
        return selectors.Ledger(records)

    def get_context_data(self, **kwargs):
        context = {}
        if self.chosen_branch is not None:
            rest = self.request.GET.copy()
            for name in ("branch", "page"):
                rest.pop(name, None)
            context["all_branches_url"] = f"?{rest.urlencode()}"
        return super().get_context_data(
            filter_form=self.filter_form,
            can_change=self.access.has("activities.change"),
            many_branches=self.many_branches,
            branch_names=self.branch_names,
            chosen_branch=self.chosen_branch,
            **context,
            **kwargs,
        )


class RecordChooseView(AccessRequiredMixin, TemplateView):
    """First step of a new record: which branch, which kind (and for a 党小组会, which group)."""

    permission = "activities.change"
    template_name = "activities/record_choose.html"

    def get_context_data(self, **kwargs):
        branches = self.restrict(Branch.objects.active(), branch="").prefetch_related("party_groups")
        return super().get_context_data(
            branches=[
                (b, [g for g in b.party_groups.all() if g.is_active])
                for b in branches.order_by("sort_order", "name")
            ],
            kinds=[(k, Kind(k).label) for k in Kind.values if k != Kind.GROUP_MEETING],
            three_meetings=[Kind.GENERAL_MEETING, Kind.COMMITTEE_MEETING, Kind.PARTY_CLASS],
            **kwargs,
        )


class RecordFormMixin:
    """What the create and edit pages share: the record form and the attendance form."""

    template_name = "activities/record_form.html"

    def people(self, branch, *extra):
        return Person.objects.filter(Q(branch=branch) | Q(pk__in=[p for p in extra if p])).order_by(
            "employee_no"
        )

    def build_forms(self, *, kind, branch, party_group, record=None):
        data = self.request.POST if self.request.method == "POST" else None
        files = self.request.FILES if self.request.method == "POST" else None
        initial = {}
        if record is not None:
            initial = {
                name: getattr(
                    record,
                    f"{name}_id" if name in ("host", "recorder", "party_group", "reading_list") else name,
                )
                for name in services.RECORD_FIELDS
            }
        form = RecordForm(
            data,
            files,
            initial=initial,
            kind=kind,
            people=self.people(branch, *([record.host_id, record.recorder_id] if record else [])),
            party_groups=PartyGroup.objects.filter(branch=branch).filter(
                Q(is_active=True) | Q(pk=getattr(record, "party_group_id", None))
            ),
            reading_lists=ReadingList.objects.filter(committee_id=branch.committee_id).order_by(
                "-published_on"
            ),
            evidence=record.evidence.active() if record is not None else None,
            record=record,
            edits=record,
        )
        attendance_form = None
        if kind in ATTENDANCE_KINDS:
            people = selectors.expected_attendees(branch=branch, kind=kind, party_group=party_group)
            existing = {}
            if record is not None:
                existing = {a.person_id: a for a in record.attendance.select_related("person")}
                known = {p.pk for p in people}
                people += [a.person for a in existing.values() if a.person_id not in known]
                people.sort(key=lambda p: p.employee_no)
            attendance_form = AttendanceForm(data, people=people, existing=existing, prefix="att")
        return form, attendance_form

    def forms_valid(self, form, attendance_form):
        valid = form.is_valid()
        return (attendance_form is None or attendance_form.is_valid()) and valid

    def render_forms(self, form, attendance_form, **context):
        return self.render_to_response(
            self.get_context_data(form=form, attendance_form=attendance_form, **context)
        )


class RecordCreateView(AccessRequiredMixin, RecordFormMixin, TemplateView):
    permission = "activities.change"

    def setup_record(self):
        branches = self.restrict(Branch.objects.active(), branch="")
        self.branch = get_object_or_404(branches.select_related("committee"), pk=self.kwargs["branch"])
        self.kind = self.kwargs["kind"]
        if self.kind not in Kind.values:
            raise Http404
        self.party_group = None
        if self.kind == Kind.GROUP_MEETING:
            groups = self.branch.party_groups.filter(is_active=True)
            wanted = self.request.GET.get("group", "")
            if wanted.isdigit():
                self.party_group = get_object_or_404(groups, pk=wanted)
            elif groups.count() == 1:
                self.party_group = groups.get()
            else:
                return redirect("activities:create")
        return None

    def get(self, request, *args, **kwargs):
        response = self.setup_record()
        if response:
            return response
        form, attendance_form = self.build_forms(
            kind=self.kind, branch=self.branch, party_group=self.party_group
        )
        return self.render_forms(form, attendance_form)

    def post(self, request, *args, **kwargs):
        response = self.setup_record()
        if response:
            return response
        form, attendance_form = self.build_forms(
            kind=self.kind, branch=self.branch, party_group=self.party_group
        )
        if not self.forms_valid(form, attendance_form):
            return self.render_forms(form, attendance_form)
        try:
            record = services.record_create(
                branch=self.branch,
                kind=self.kind,
                actor=request.user,
                party_group=self.party_group,
                attendance=attendance_form.entries() if attendance_form else (),
                files=form.cleaned_data["files"],
                **form.record_values(),
            )
        except ValidationError as error:
            add_errors(form, error, attendance_form=attendance_form)
            return self.render_forms(form, attendance_form)
        messages.success(request, _("The record has been saved."))
        return redirect("activities:detail", pk=record.pk)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            branch=self.branch,
            kind=self.kind,
            kind_label=Kind(self.kind).label,
            party_group=self.party_group,
            **kwargs,
        )


class RecordUpdateView(AccessRequiredMixin, RecordFormMixin, TemplateView):
    permission = "activities.change"

    def get_record(self):
        records = self.restrict(ActivityRecord.objects.active()).select_related(
            "branch__committee", "party_group"
        )
        return get_object_or_404(records, pk=self.kwargs["pk"])

    def get(self, request, *args, **kwargs):
        self.record = self.get_record()
        form, attendance_form = self.build_forms(
            kind=self.record.kind,
            branch=self.record.branch,
            party_group=self.record.party_group,
            record=self.record,
        )
        return self.render_forms(form, attendance_form)

    def post(self, request, *args, **kwargs):
        self.record = record = self.get_record()
        form, attendance_form = self.build_forms(
            kind=record.kind, branch=record.branch, party_group=record.party_group, record=record
        )
        if not self.forms_valid(form, attendance_form):
            return self.render_forms(form, attendance_form)
        changes = form.record_values()
        if changes.get("kind", record.kind) != Kind.GROUP_MEETING:
            changes["party_group"] = None
        try:
            services.record_update(
                record=record,
                actor=request.user,
                changes=changes,
                attendance=attendance_form.entries() if attendance_form else (),
                files=form.cleaned_data["files"],
                remove_evidence=form.cleaned_data.get("remove_evidence") or (),
            )
        except ValidationError as error:
            add_errors(form, error, attendance_form=attendance_form)
            return self.render_forms(form, attendance_form)
        messages.success(
            request, _("The record has been corrected; the previous version is kept in its history.")
        )
        return redirect("activities:detail", pk=record.pk)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            record=self.record,
            branch=self.record.branch,
            kind=self.record.kind,
            kind_label=self.record.get_kind_display(),
            party_group=self.record.party_group,
            **kwargs,
        )


class RecordDetailView(AccessRequiredMixin, DetailView):
    permission = "activities.view"
    template_name = "activities/record_detail.html"
    context_object_name = "record"

    def get_queryset(self):
        return selectors.record_detail(self.restrict(ActivityRecord.objects.all()))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        record = self.object
        attendance = list(record.attendance.all())
        # Names of members are for those who may see the branch's people; the leading group
        # sees the counts (as on the branch page).
        context["can_see_people"] = self.access.restrict(
            Branch.objects.filter(pk=record.branch_id), "people.view", branch=""
        ).exists()
        context["attendance"] = attendance
        context["attendance_counts"] = {
            status: sum(1 for a in attendance if a.status == status) for status in AttendanceStatus.values
        }
        context["evidence"] = [e for e in record.evidence.all() if e.archived_at is None]
        context["removed_evidence"] = [e for e in record.evidence.all() if e.archived_at is not None]
        context["can_change"] = (
            not record.is_archived
            and self.restrict(
                ActivityRecord.objects.filter(pk=record.pk), permission="activities.change"
            ).exists()
        )
        if self.access.has("history.view"):
            context["history"] = selectors.audit_trail(record)
            context["attendance_changes"] = selectors.attendance_history(record)
        return context


class RecordArchiveView(AccessRequiredMixin, TemplateView):
    """Archive instead of delete: a confirmation page, then POST with a reason."""

    permission = "activities.change"
    template_name = "activities/record_archive.html"

    def get_record(self):
        records = self.restrict(ActivityRecord.objects.active()).select_related("branch")
        return get_object_or_404(records, pk=self.kwargs["pk"])

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(record=self.get_record(), form=ArchiveForm()))

    def post(self, request, *args, **kwargs):
        record = self.get_record()
        form = ArchiveForm(request.POST)
        if form.is_valid():
            try:
                services.record_archive(record=record, actor=request.user, reason=form.cleaned_data["reason"])
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(
                    request, _("The record has been archived. It no longer counts, but stays readable.")
                )
                return redirect("activities:detail", pk=record.pk)
        return self.render_to_response(self.get_context_data(record=record, form=form))


class EvidenceDownloadView(AccessRequiredMixin, View):
    """An evidence file, for someone who may see its record; never from a public URL."""

    permission = "activities.view"

    def get(self, request, pk):
        files = Evidence.objects.filter(record__in=self.restrict(ActivityRecord.objects.all()))
        evidence = get_object_or_404(files, pk=pk)
        inline = any(evidence.original_name.lower().endswith(ext) for ext in INLINE_TYPES)
        return evidence_response(evidence, inline=inline)


# --- compliance -------------------------------------------------------------------------------


class ComplianceMixin(CampaignYearMixin):
    def table(self, branches=None):
        year = self.get_campaign_year()
        if year is None:
            return None
        if branches is None:
            branches = self.restrict(Branch.objects.active(), branch="")
        return compliance_table(campaign_year=year, branches=branches)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            **self.year_context(),
            legend=[(s, s.label, CSS[s]) for s in (Status.MET, Status.DUE, Status.OVERDUE, Status.FUTURE)],
            can_set_frequencies=self.access.has("compliance.change"),
            **kwargs,
        )


class ComplianceGridView(AccessRequiredMixin, ComplianceMixin, TemplateView):
    """Branches × months, coloured by the worst status of the monthly and quarterly kinds."""

    permission = "compliance.view"
    template_name = "activities/compliance_grid.html"
    # An institute of a group has hundreds of branches: a page of them at a time.
    paginate_by = 25

    def get_context_data(self, **kwargs):
        year = self.get_campaign_year()
        if year is None:
            return super().get_context_data(table=None, **kwargs)
        branches = (
            self.restrict(Branch.objects.active(), branch="")
            .filter(committee_id=year.campaign.committee_id)
            .order_by(*Branch.TREE_ORDER)
        )
        page = Paginator(list(branches.values_list("pk", flat=True)), self.paginate_by).get_page(
            self.request.GET.get("page")
        )
        table = self.table(branches=Branch.objects.filter(pk__in=list(page)))
        for row in table.rows:
            row.cells = grid_cells(row)
        return super().get_context_data(
            table=table, page_obj=page, is_paginated=page.has_other_pages(), **kwargs
        )


def grid_cells(row) -> str:
    """The cells of one branch's row of the grid, as HTML. Built here, not in the template: a
    page has some 400 cells, whose colour, status, tooltip and mark cost more as template
    lookups than all the rest of the page. Only the tooltip holds text from the database (party
    group names); it is escaped."""
    cells = [(c, c.mark) for c in row.months] + [
        (c, f"{c.recorded}/{c.required}" if c.items else "—") for c in row.yearly
    ]
    return mark_safe(  # noqa: S308 (constants, numbers and the escaped tooltip)
        "".join(
            f'<td class="table-{c.css}" data-status="{c.status or ""}" title="{html.escape(c.title)}">{text}</td>'
            for c, text in cells
        )
    )


class OverdueListView(AccessRequiredMixin, ComplianceMixin, ListView):
    permission = "compliance.view"
    template_name = "activities/compliance_overdue.html"
    context_object_name = "items"
    paginate_by = 50

    def get_queryset(self):
        table = self.table()
        if table is None:
            return []
        self.filter_form = OverdueFilterForm(self.request.GET or None)
        data = self.filter_form.cleaned_data if self.filter_form.is_valid() else {}
        items = table.due if data.get("status") == Status.DUE else table.overdue
        if data.get("kind"):
            items = [i for i in items if i.kind == data["kind"]]
        return items

    def get_context_data(self, **kwargs):
        return super().get_context_data(filter_form=getattr(self, "filter_form", None), **kwargs)


class BranchOwesView(AccessRequiredMixin, ComplianceMixin, TemplateView):
    """One branch's year: what it still owes now, and every period of every required kind."""

    permission = "compliance.view"
    template_name = "activities/compliance_branch.html"

    def get_campaign_year(self, permission=None):
        if not hasattr(self, "_campaign_year"):
            # Only the years of the branch's own institute.
            self.campaign_years = list(
                selectors.campaign_years(self.access, self.permission).filter(
                    campaign__committee_id=self.branch.committee_id
                )
            )
            self._campaign_year = selectors.pick_campaign_year(
                self.campaign_years, self.request.GET.get("year"), timezone.localdate()
            )
        return self._campaign_year

    def get_context_data(self, **kwargs):
        self.branch = branch = get_object_or_404(
            self.restrict(Branch.objects.all(), branch=""), pk=self.kwargs["pk"]
        )
        table = self.table(Branch.objects.filter(pk=branch.pk))
        row = table.rows[0] if table is not None and table.rows else None
        by_kind = []
        if row is not None:
            for requirement in table.requirements:
                by_kind.append((requirement, row.items_of(requirement.kind)))
        return super().get_context_data(branch=branch, row=row, by_kind=by_kind, **kwargs)


class FrequencyUpdateView(AccessRequiredMixin, CampaignYearMixin, TemplateView):
    """The campaign office sets the required frequencies of one campaign year."""

    permission = "compliance.change"
    template_name = "activities/frequencies_form.html"

    def get_year(self):
        years = selectors.campaign_years(self.access, self.permission)
        return get_object_or_404(years, pk=self.kwargs["pk"])

    def build(self, year):
        rows = services.required_frequencies_for(campaign_year=year)
        data = self.request.POST if self.request.method == "POST" else None
        return [
            (
                row,
                FrequencyForm(
                    data,
                    prefix=row.kind,
                    initial={"is_required": row.is_required, "period": row.period, "count": row.count},
                ),
            )
            for row in rows
        ]

    def get(self, request, *args, **kwargs):
        year = self.get_year()
        return self.render_to_response(self.get_context_data(campaign_year=year, rows=self.build(year)))

    def post(self, request, *args, **kwargs):
        year = self.get_year()
        rows = self.build(year)
        if all(form.is_valid() for _row, form in rows):
            values = {
                row.kind: (
                    form.cleaned_data["is_required"],
                    form.cleaned_data["period"],
                    form.cleaned_data["count"],
                )
                for row, form in rows
            }
            try:
                services.required_frequencies_update(campaign_year=year, actor=request.user, values=values)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(
                    request, _("The required frequencies of %(year)s have been saved.") % {"year": year.year}
                )
                return redirect(f"{reverse('activities:compliance')}?year={year.pk}")
        return self.render_to_response(self.get_context_data(campaign_year=year, rows=rows))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        year = context["campaign_year"]
        if self.access.has("history.view"):
            context["history"] = selectors.frequency_history(year)
        context["kinds"] = REQUIRABLE_KINDS
        return context


# --- reading lists ----------------------------------------------------------------------------


class ReadingListListView(AccessRequiredMixin, ListView):
    permission = "activities.view"
    template_name = "activities/reading_list_list.html"
    context_object_name = "reading_lists"
    paginate_by = 20

    def get_queryset(self):
        return selectors.reading_list_page(selectors.reading_lists_visible(self.access))

    def get_context_data(self, **kwargs):
        return super().get_context_data(can_publish=self.access.has("activities.reading_list"), **kwargs)


class ReadingListDetailView(AccessRequiredMixin, DetailView):
    permission = "activities.view"
    template_name = "activities/reading_list_detail.html"
    context_object_name = "reading_list"

    def get_queryset(self):
        return selectors.reading_list_page(selectors.reading_lists_visible(self.access))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["records"] = (
            self.restrict(ActivityRecord.objects.active())
            .filter(reading_list=self.object)
            .select_related("branch")
            .order_by("-held_on")[:100]
        )
        reach = selectors.committees_reached(self.access, "activities.reading_list")
        context["can_edit"] = reach.filter(pk=self.object.committee_id).exists()
        if self.access.has("history.view"):
            context["history"] = selectors.audit_trail(self.object)
        return context


class ReadingListFormView(AccessRequiredMixin, TemplateView):
    """Publish a reading list (campaign office), or correct one."""

    permission = "activities.reading_list"
    template_name = "activities/reading_list_form.html"

    def get_object(self):
        if "pk" not in self.kwargs:
            return None
        lists = ReadingList.objects.filter(
            committee__in=selectors.committees_reached(self.access, self.permission)
        )
        return get_object_or_404(lists, pk=self.kwargs["pk"])

    def build(self, obj):
        data = self.request.POST if self.request.method == "POST" else None
        years = selectors.campaign_years(self.access, self.permission)
        initial, books = {}, []
        if obj is not None:
            initial = {
                "campaign_year": obj.campaign_year_id,
                "title": obj.title,
                "published_on": obj.published_on,
                "note": obj.note,
            }
            books = [
                {"id": b.pk, "title": b.title, "author": b.author, "note": b.note} for b in obj.books.all()
            ]
        else:
            current = selectors.pick_campaign_year(years, None, timezone.localdate())
            initial = {"campaign_year": current.pk if current else None}
        form = ReadingListForm(data, initial=initial, years=years, edits=obj)
        formset = BookFormSet(data, initial=books, prefix="books")
        return form, formset

    def get(self, request, *args, **kwargs):
        obj = self.get_object()
        form, formset = self.build(obj)
        return self.render_to_response(self.get_context_data(form=form, formset=formset, reading_list=obj))

    def post(self, request, *args, **kwargs):
        obj = self.get_object()
        form, formset = self.build(obj)
        if form.is_valid() and formset.is_valid():
            existing = {b.pk: b for b in obj.books.all()} if obj else {}
            books = [
                {**f.cleaned_data, "instance": existing.get(f.cleaned_data.get("id"))}
                for f in formset
                if f.cleaned_data
            ]
            try:
                obj = services.reading_list_save(
                    reading_list=obj,
                    actor=request.user,
                    books=books,
                    **{k: form.cleaned_data[k] for k in ("campaign_year", "title", "note", "published_on")},
                )
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, _("The reading list has been published."))
                return redirect("activities:reading_list_detail", pk=obj.pk)
        return self.render_to_response(self.get_context_data(form=form, formset=formset, reading_list=obj))


# --- vanguard research teams and research champions ---------------------------------------------


class VanguardListView(AccessRequiredMixin, CampaignYearMixin, TemplateView):
    permission = "activities.view"
    template_name = "activities/vanguard_list.html"

    def get_context_data(self, **kwargs):
        year = self.get_campaign_year()
        teams = self.restrict(VanguardTeam.objects.filter(campaign_year=year))
        champions = self.restrict(ResearchChampion.objects.filter(campaign_year=year))
        return super().get_context_data(
            **self.year_context(),
            teams=teams.select_related("branch", "leader")
            .prefetch_related("members")
            .order_by("branch__name", "name"),
            champions=champions.select_related("branch", "person").order_by(
                "branch__name", "person__employee_no"
            ),
            can_change=self.access.has("activities.change"),
            **kwargs,
        )


class VanguardFormMixin(CampaignYearMixin):
    """Create or correct a team or a champion of a branch the secretary may change."""

    model = None
    form_class = None
    template_name = "activities/vanguard_form.html"

    def get_object(self):
        if "pk" not in self.kwargs:
            return None
        return get_object_or_404(
            self.restrict(self.model.objects.select_related("branch")), pk=self.kwargs["pk"]
        )

    def build(self, obj):
        branches = self.restrict(Branch.objects.active(), branch="").order_by("name")
        if obj is not None:
            branches = Branch.objects.filter(pk=obj.branch_id)
        years = selectors.campaign_years(self.access, self.permission)
        extra = self.extra_people(obj)
        people = (
            Person.objects.filter(Q(branch__in=branches) | Q(pk__in=extra))
            .select_related("branch")
            .order_by("branch__name", "employee_no")
        )
        data = self.request.POST if self.request.method == "POST" else None
        form = self.form_class(
            data,
            initial=self.initial_for(obj, years),
            branches=branches,
            years=years,
            people=people,
            edits=obj,
        )
        if obj is not None:
            form.fields["branch"].disabled = True
        return form

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        return self.render_to_response(
            self.get_context_data(form=self.build(self.object), object=self.object)
        )

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        form = self.build(self.object)
        if form.is_valid():
            try:
                saved = self.save(form.cleaned_data)
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, _("Saved."))
                return redirect(saved)
        return self.render_to_response(self.get_context_data(form=form, object=self.object))

    def get_context_data(self, **kwargs):
        return super().get_context_data(model_name=self.model._meta.verbose_name, **kwargs)


class VanguardTeamFormView(AccessRequiredMixin, VanguardFormMixin, TemplateView):
    permission = "activities.change"
    model = VanguardTeam
    form_class = VanguardTeamForm

    def extra_people(self, obj):
        return list(obj.members.values_list("pk", flat=True)) + [obj.leader_id] if obj else []

    def initial_for(self, obj, years):
        if obj is None:
            current = selectors.pick_campaign_year(years, None, timezone.localdate())
            return {"campaign_year": current.pk if current else None}
        return {
            "branch": obj.branch_id,
            "campaign_year": obj.campaign_year_id,
            "name": obj.name,
            "topic": obj.topic,
            "leader": obj.leader_id,
            "members": list(obj.members.values_list("pk", flat=True)),
            "results": obj.results,
        }

    def save(self, data):
        return services.vanguard_team_save(
            team=self.object,
            branch=self.object.branch if self.object else data["branch"],
            campaign_year=data["campaign_year"],
            actor=self.request.user,
            name=data["name"],
            topic=data["topic"],
            leader=data["leader"],
            members=data["members"],
            results=data["results"],
        )


class ResearchChampionFormView(AccessRequiredMixin, VanguardFormMixin, TemplateView):
    permission = "activities.change"
    model = ResearchChampion
    form_class = ResearchChampionForm

    def extra_people(self, obj):
        return [obj.person_id] if obj else []

    def initial_for(self, obj, years):
        if obj is None:
            current = selectors.pick_campaign_year(years, None, timezone.localdate())
            return {"campaign_year": current.pk if current else None}
        return {
            "branch": obj.branch_id,
            "campaign_year": obj.campaign_year_id,
            "person": obj.person_id,
            "achievement": obj.achievement,
        }

    def save(self, data):
        return services.research_champion_save(
            champion=self.object,
            branch=self.object.branch if self.object else data["branch"],
            campaign_year=data["campaign_year"],
            actor=self.request.user,
            person=data["person"],
            achievement=data["achievement"],
        )


class VanguardTeamDetailView(AccessRequiredMixin, DetailView):
    permission = "activities.view"
    template_name = "activities/vanguard_team_detail.html"
    context_object_name = "team"

    def get_queryset(self):
        return (
            self.restrict(VanguardTeam.objects.all())
            .select_related("branch", "leader", "campaign_year", "created_by__person")
            .prefetch_related("members")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_change"] = self.restrict(
            VanguardTeam.objects.filter(pk=self.object.pk), permission="activities.change"
        ).exists()
        if self.access.has("history.view"):
            context["history"] = selectors.audit_trail(self.object)
        return context


class ResearchChampionDetailView(AccessRequiredMixin, DetailView):
    permission = "activities.view"
    template_name = "activities/champion_detail.html"
    context_object_name = "champion"

    def get_queryset(self):
        return self.restrict(ResearchChampion.objects.all()).select_related(
            "branch", "person", "campaign_year", "created_by__person"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_change"] = self.restrict(
            ResearchChampion.objects.filter(pk=self.object.pk), permission="activities.change"
        ).exists()
        if self.access.has("history.view"):
            context["history"] = selectors.audit_trail(self.object)
        return context
