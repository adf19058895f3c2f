"""Pages of the activity record (纪实登记): the ledger, a new record, its correction, its page,
archiving and its evidence files. Reads come from ``selectors`` and ``filters``, writes go
through ``services``; every queryset is narrowed with ``self.restrict`` (records: with
``RecordsMixin``, which reaches a general branch's own records too) so that another branch's
record is not found (404)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView, TemplateView, View

from branches.models import Branch
from branches.selectors import names_to_suggest
from core.audit import object_history
from core.evidence import evidence_response
from core.forms import add_service_errors
from core.mixins import AccessRequiredMixin

from .. import filters, selectors, services
from ..forms import ArchiveForm, AttendanceForm, RecordForm, RestoreForm
from ..models import (
    ATTENDANCE_KINDS,
    GENERAL_BRANCH_ONLY_KINDS,
    ActivityRecord,
    AttendanceStatus,
    Evidence,
    Kind,
    Unit,
    kinds_of,
)
from ..workflow import RECORDS

INLINE_TYPES = {".pdf", ".jpg", ".jpeg", ".png", ".gif"}


class RecordsMixin:
    """A record is found among those the reader's permission reaches: a branch's by its branch, a
    general branch's own by its general branch (another's is a 404)."""

    def records(self, records=None):
        return selectors.records_reached(self.access, self.permission, records)


def lecture_message(request, record) -> None:
    """After a lecture is saved: what it counts for, decided by who gave it."""
    if record.is_general_branch:
        if record.kind == Kind.SECRETARY_LECTURE:
            messages.info(
                request,
                _(
                    "Given by the general branch's secretary: it counts as the general branch "
                    "secretary's yearly party lecture."
                ),
            )
        elif record.kind == Kind.PARTY_CLASS:
            messages.warning(
                request,
                _(
                    "Not given by the general branch's secretary: it is recorded as a party class and does "
                    "not count as the general branch secretary's yearly party lecture."
                ),
            )
        return
    if record.kind == Kind.SECRETARY_LECTURE:
        messages.info(
            request, _("Given by the branch secretary: it counts as the secretary's yearly party lecture.")
        )
    elif record.kind == Kind.PARTY_CLASS:
        messages.warning(
            request,
            _(
                "Not given by the branch secretary: it is recorded as a party class and does not count as "
                "the secretary's yearly party lecture."
            ),
        )


class RecordListView(AccessRequiredMixin, RecordsMixin, ListView):
    permission = "activities.view"
    template_name = "activities/record_list.html"
    context_object_name = "records"
    paginate_by = 30

    def get_queryset(self):
        branches = self.restrict(Branch.objects.active(), branch="")
        self.branch_names = names_to_suggest(
            branches.order_by("sort_order", "name"), filters.BRANCH_DATALIST_LIMIT
        )
        self.many_branches = self.branch_names is None or len(self.branch_names) > 1
        self.filterset = filters.RecordFilterSet(
            self.request.GET,
            queryset=self.records(),
            branches=branches,
            general_branches=selectors.general_branches_reached(self.access, self.permission),
            branch_names=self.branch_names,
            lookup=reverse("reports:lookup", args=["activity_ledger", "branch"]),
        )
        return selectors.Ledger(self.filterset.qs)

    def get_context_data(self, **kwargs):
        context = {}
        chosen_branch = self.filterset.chosen_branch or self.filterset.chosen_general_branch
        if chosen_branch is not None:
            rest = self.request.GET.copy()
            for name in ("branch", "general_branch", "page"):
                rest.pop(name, None)
            context["all_branches_url"] = f"?{rest.urlencode()}"
        return super().get_context_data(
            filter_form=self.filterset.form,
            can_change=self.access.has("activities.change"),
            many_branches=self.many_branches,
            branch_names=self.branch_names,
            chosen_branch=chosen_branch,
            chosen_general=self.filterset.chosen_general_branch is not None,
            **context,
            **kwargs,
        )


class RecordChooseView(AccessRequiredMixin, TemplateView):
    """First step of a new record: which branch, which kind (and for a 党小组会, which group)."""

    permission = "activities.change"
    template_name = "activities/record_choose.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            branches=selectors.branches_to_record(self.restrict(Branch.objects.active(), branch="")),
            # One way to record a lecture: who gave it decides whether it is the secretary's.
            kinds=[
                (k, Kind(k).label)
                for k in Kind.values
                if k not in (Kind.GROUP_MEETING, Kind.SECRETARY_LECTURE)
                and k not in GENERAL_BRANCH_ONLY_KINDS
            ],
            three_meetings=[Kind.GENERAL_MEETING, Kind.COMMITTEE_MEETING, Kind.PARTY_CLASS],
            # A general branch's own records (its secretary's, or the office's for it).
            general_branches=list(
                selectors.general_branches_reached(self.access, self.permission).order_by(
                    "sort_order", "name_key"
                )
            ),
            general_branch_kinds=[
                (k, Kind(k).label)
                for k in Kind.values
                if k in kinds_of(Unit.GENERAL_BRANCH) and k != Kind.SECRETARY_LECTURE
            ],
            general_branch_meetings=[Kind.GB_COMMITTEE_MEETING, Kind.PARTY_CLASS],
            **kwargs,
        )


class RecordFormMixin:
    """What the create and edit pages share: the record form and the attendance form."""

    template_name = "activities/record_form.html"

    def build_forms(self, *, kind, branch, party_group, record=None, general_branch=None):
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
            evidence=record.evidence.active() if record is not None else None,
            record=record,
            edits=record,
            general=general_branch is not None,
            **selectors.record_form_choices(branch=branch, general_branch=general_branch, record=record),
        )
        attendance_form = None
        if kind in ATTENDANCE_KINDS:
            people, existing = selectors.attendees_to_record(
                branch=branch,
                kind=kind,
                party_group=party_group,
                record=record,
                general_branch=general_branch,
            )
            attendance_form = AttendanceForm(data, people=people, existing=existing, prefix="att")
        return form, attendance_form

    def forms_valid(self, form, attendance_form):
        valid = form.is_valid()
        return (attendance_form is None or attendance_form.is_valid()) and valid

    def service_errors(self, form, attendance_form, error: ValidationError):
        elsewhere = {"attendance": attendance_form} if attendance_form is not None else None
        add_service_errors(form, error, elsewhere=elsewhere)
        return self.render_forms(form, attendance_form)

    def render_forms(self, form, attendance_form, **context):
        return self.render_to_response(
            self.get_context_data(form=form, attendance_form=attendance_form, **context)
        )


class RecordCreateView(AccessRequiredMixin, RecordFormMixin, TemplateView):
    """A new record of a branch, or (``general_branch`` in the URL) a general branch's own."""

    permission = "activities.change"

    def setup_record(self):
        self.branch = self.general_branch = None
        self.kind = self.kwargs["kind"]
        if "general_branch" in self.kwargs:
            reached = selectors.general_branches_reached(self.access, self.permission)
            self.general_branch = get_object_or_404(
                reached.select_related("committee"), pk=self.kwargs["general_branch"]
            )
            unit = Unit.GENERAL_BRANCH
        else:
            branches = self.restrict(Branch.objects.active(), branch="")
            self.branch = get_object_or_404(branches.select_related("committee"), pk=self.kwargs["branch"])
            unit = Unit.BRANCH
        if self.kind not in Kind.values or self.kind not in kinds_of(unit):
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
            kind=self.kind,
            branch=self.branch,
            party_group=self.party_group,
            general_branch=self.general_branch,
        )
        return self.render_forms(form, attendance_form)

    def post(self, request, *args, **kwargs):
        response = self.setup_record()
        if response:
            return response
        form, attendance_form = self.build_forms(
            kind=self.kind,
            branch=self.branch,
            party_group=self.party_group,
            general_branch=self.general_branch,
        )
        if not self.forms_valid(form, attendance_form):
            return self.render_forms(form, attendance_form)
        try:
            record = services.record_create(
                branch=self.branch,
                general_branch=self.general_branch,
                kind=self.kind,
                access=self.access,
                party_group=self.party_group,
                attendance=attendance_form.entries() if attendance_form else (),
                files=form.cleaned_data["files"],
                **form.record_values(),
            )
        except ValidationError as error:
            return self.service_errors(form, attendance_form, error)
        messages.success(request, _("The record has been saved."))
        lecture_message(request, record)
        return redirect("activities:detail", pk=record.pk)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            branch=self.branch,
            general_branch=self.general_branch,
            unit=self.branch or self.general_branch,
            kind=self.kind,
            kind_label=Kind(self.kind).label,
            party_group=self.party_group,
            **kwargs,
        )


class RecordUpdateView(AccessRequiredMixin, RecordsMixin, RecordFormMixin, TemplateView):
    permission = "activities.change"

    def get_record(self):
        records = self.records(ActivityRecord.objects.active()).select_related(
            "branch__committee", "general_branch__committee", "party_group"
        )
        return get_object_or_404(records, pk=self.kwargs["pk"])

    def get(self, request, *args, **kwargs):
        self.record = self.get_record()
        form, attendance_form = self.build_forms(
            kind=self.record.kind,
            branch=self.record.branch,
            party_group=self.record.party_group,
            record=self.record,
            general_branch=self.record.general_branch,
        )
        return self.render_forms(form, attendance_form)

    def post(self, request, *args, **kwargs):
        self.record = record = self.get_record()
        form, attendance_form = self.build_forms(
            kind=record.kind,
            branch=record.branch,
            party_group=record.party_group,
            record=record,
            general_branch=record.general_branch,
        )
        if not self.forms_valid(form, attendance_form):
            return self.render_forms(form, attendance_form)
        changes = form.record_values()
        if changes.get("kind", record.kind) != Kind.GROUP_MEETING:
            changes["party_group"] = None
        try:
            services.record_update(
                record=record,
                access=self.access,
                changes=changes,
                attendance=attendance_form.entries() if attendance_form else (),
                files=form.cleaned_data["files"],
                remove_evidence=form.cleaned_data.get("remove_evidence") or (),
            )
        except ValidationError as error:
            return self.service_errors(form, attendance_form, error)
        messages.success(
            request, _("The record has been corrected; the previous version is kept in its history.")
        )
        lecture_message(request, record)
        return redirect("activities:detail", pk=record.pk)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            record=self.record,
            branch=self.record.branch,
            general_branch=self.record.general_branch,
            unit=self.record.unit,
            kind=self.record.kind,
            kind_label=self.record.get_kind_display(),
            party_group=self.record.party_group,
            **kwargs,
        )


class RecordDetailView(AccessRequiredMixin, RecordsMixin, DetailView):
    permission = "activities.view"
    template_name = "activities/record_detail.html"
    context_object_name = "record"

    def get_queryset(self):
        return selectors.record_detail(self.records())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        record = self.object
        attendance = list(record.attendance.all())
        # Names of members are for those who may see the branch's people; the leading group
        # sees the counts (as on the branch page).
        context["can_see_people"] = (
            self.access.reaches_general_branch("people.view", record.general_branch)
            if record.is_general_branch
            else self.access.reaches_branch("people.view", record.branch)
        )
        context["attendance"] = attendance
        context["attendance_counts"] = {
            status: sum(1 for a in attendance if a.status == status) for status in AttendanceStatus.values
        }
        context["evidence"] = [e for e in record.evidence.all() if e.archived_at is None]
        context["removed_evidence"] = [e for e in record.evidence.all() if e.archived_at is not None]
        actions = RECORDS.actions(self.access, record)
        context["can_change"] = "edit" in actions
        context["can_restore"] = "restore" in actions
        if self.access.has("history.view"):
            context["history"] = object_history(record)
            context["attendance_changes"] = selectors.attendance_history(record)
        return context


class RecordArchiveView(AccessRequiredMixin, RecordsMixin, TemplateView):
    """Archive instead of delete: a confirmation page, then POST with a reason."""

    permission = "activities.change"
    template_name = "activities/record_archive.html"

    def get_record(self):
        records = self.records(ActivityRecord.objects.active()).select_related("branch", "general_branch")
        return get_object_or_404(records, pk=self.kwargs["pk"])

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(record=self.get_record(), form=ArchiveForm()))

    def post(self, request, *args, **kwargs):
        record = self.get_record()
        form = ArchiveForm(request.POST)
        if form.is_valid():
            try:
                services.record_archive(record=record, access=self.access, reason=form.cleaned_data["reason"])
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request, _("The record has been archived. It no longer counts, but stays readable.")
                )
                return redirect("activities:detail", pk=record.pk)
        return self.render_to_response(self.get_context_data(record=record, form=form))


class RecordRestoreView(AccessRequiredMixin, RecordsMixin, TemplateView):
    """Bring an archived record back: a page saying what happens, then POST with a reason."""

    permission = "activities.restore"
    template_name = "activities/record_restore.html"

    def get_record(self):
        records = self.records(ActivityRecord.objects.archived()).select_related(
            "branch", "general_branch", "archived_by"
        )
        return get_object_or_404(records, pk=self.kwargs["pk"])

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(record=self.get_record(), form=RestoreForm()))

    def post(self, request, *args, **kwargs):
        record = self.get_record()
        form = RestoreForm(request.POST)
        if form.is_valid():
            try:
                services.record_restore(record=record, access=self.access, reason=form.cleaned_data["reason"])
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("The record has been restored and counts again; its archiving stays in the history."),
                )
                return redirect("activities:detail", pk=record.pk)
        return self.render_to_response(self.get_context_data(record=record, form=form))


class EvidenceDownloadView(AccessRequiredMixin, RecordsMixin, View):
    """An evidence file, for someone who may see its record; never from a public URL."""

    permission = "activities.view"

    def get(self, request, pk):
        files = Evidence.objects.filter(record__in=self.records())
        evidence = get_object_or_404(files, pk=pk)
        inline = any(evidence.original_name.lower().endswith(ext) for ext in INLINE_TYPES)
        return evidence_response(evidence, inline=inline)
