"""Pages of duty reports: thin; what a reader sees is ``selectors.visible`` (another's report is
a 404), what they may do is ``workflow.REPORT``."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, FormView, ListView

from campaigns.models import CampaignYear
from campaigns.selectors import pick_year
from core.audit import object_history
from core.evidence import evidence_response
from core.forms import add_service_errors
from core.mixins import AccessRequiredMixin

from . import selectors, services
from .forms import DutyFormForm, GradeForm, MeetingForm, RateForm, ReasonForm, ReportForm
from .models import AssessmentMeeting, DutyReportAttachment, DutyReportForm
from .workflow import OFFICE, OFFICE_PERMISSION, REPORT, VIEW_PERMISSION


def unit_key(unit) -> str:
    """How the list's buttons name a unit (a branch or a general branch) to start a report of."""
    return f"{unit._meta.model_name}-{unit.pk}"


class YearMixin(AccessRequiredMixin):
    @cached_property
    def years(self):
        return list(CampaignYear.objects.visible_to(self.access, self.permission).select_related("campaign"))

    @cached_property
    def year(self):
        return pick_year(self.years, self.request.GET.get("year"), timezone.localdate())


class ReportListView(YearMixin, ListView):
    permission = VIEW_PERMISSION
    template_name = "duties/report_list.html"
    context_object_name = "reports"
    paginate_by = 100

    def get_queryset(self):
        return selectors.report_list(selectors.visible(self.access).filter(campaign_year=self.year))

    def get_context_data(self, **kwargs):
        is_office = self.year is not None and self.access.reaches_institute(
            OFFICE_PERMISSION, self.year.campaign.committee_id
        )
        form = DutyReportForm.objects.filter(campaign_year=self.year).first() if self.year else None
        return super().get_context_data(
            year=self.year,
            years=self.years,
            duty_form=form,
            is_office=is_office,
            units=[(unit_key(u), u) for u in self.access.secretary_of]
            if self.access.person is not None
            else [],
            **kwargs,
        )


class OfficeYearView(YearMixin, FormView):
    """A page of the office about the year (its form, an assessment meeting)."""

    permission = OFFICE_PERMISSION

    def check_office(self):
        if self.year is None or not self.access.reaches_institute(
            self.permission, self.year.campaign.committee_id
        ):
            raise PermissionDenied

    def get(self, request, *args, **kwargs):
        self.check_office()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.check_office()
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(year=self.year, **kwargs)

    def done(self, form, call, message):
        try:
            call()
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, message)
        return redirect(f"{reverse('duties:list')}?year={self.year.pk}")


class DutyFormView(OfficeYearView):
    template_name = "duties/form_settings.html"
    form_class = DutyFormForm

    def get_initial(self):
        form = DutyReportForm.objects.filter(campaign_year=self.year).first()
        if form is None:
            return {}
        return {
            "duty_prompt": form.duty_prompt,
            "integrity_prompt": form.integrity_prompt,
            "due_on": form.due_on,
        }

    def form_valid(self, form):
        return self.done(
            form,
            lambda: services.duty_form_save(access=self.access, campaign_year=self.year, **form.cleaned_data),
            _("The duty report form has been saved."),
        )


class MeetingCreateView(OfficeYearView):
    template_name = "duties/meeting_form.html"
    form_class = MeetingForm

    def get_form_kwargs(self):
        from branches.models import Person

        return {
            **super().get_form_kwargs(),
            # the leading group and the office of the institute
            "assessors": Person.objects.filter(committee_id=self.year.campaign.committee_id)
            .filter(Q(office_seats__isnull=False) | Q(leading_group_seats__isnull=False))
            .distinct()
            .order_by("name"),
        }

    def form_valid(self, form):
        return self.done(
            form,
            lambda: services.meeting_record(access=self.access, campaign_year=self.year, **form.cleaned_data),
            _("The assessment meeting has been recorded."),
        )


class StartView(AccessRequiredMixin, View):
    """The secretary starts the year's report of one of the own units."""

    permission = VIEW_PERMISSION
    http_method_names = ["post"]

    def post(self, request):
        unit = next(
            (
                u
                for u in self.access.secretary_of
                if f"{u._meta.model_name}-{u.pk}" == request.POST.get("unit")
            ),
            None,
        )
        year = get_object_or_404(
            CampaignYear.objects.visible_to(self.access, self.permission), pk=request.POST.get("year") or 0
        )
        if unit is None:
            raise PermissionDenied
        try:
            report = services.report_start(access=self.access, campaign_year=year, unit=unit)
        except ValidationError as error:
            messages.warning(request, " ".join(error.messages))
            return redirect("duties:list")
        return redirect("duties:edit", report.pk)


class ReportMixin(AccessRequiredMixin):
    permission = VIEW_PERMISSION

    @cached_property
    def report(self):
        return get_object_or_404(
            selectors.report_detail(selectors.visible(self.access)), pk=self.kwargs["pk"]
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(report=self.report, **kwargs)


class ReportDetailView(ReportMixin, DetailView):
    template_name = "duties/report_detail.html"

    def get_object(self):
        return self.report

    def get_context_data(self, **kwargs):
        context = super().get_context_data(
            actions=REPORT.actions(self.access, self.report),
            is_office=OFFICE in REPORT.parts(self.access, self.report),
            labels=REPORT.labels,
            **kwargs,
        )
        if self.access.has("history.view"):
            context["history"] = object_history(self.report)
        return context


class ReportActionView(ReportMixin, FormView):
    """One page per action of the workflow; the service decides, the page shows its refusal."""

    action = ""
    template_name = "duties/report_action.html"

    def get(self, request, *args, **kwargs):
        if self.action not in REPORT.actions(self.access, self.report):
            if REPORT.actors[self.action] not in REPORT.parts(self.access, self.report):
                raise PermissionDenied
            messages.warning(request, REPORT.refusal(self.report, self.action).messages[0])
            return redirect("duties:detail", self.report.pk)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(action=self.action, label=REPORT.labels[self.action], **kwargs)

    def form_valid(self, form):
        try:
            self.act(form)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Done: %(action)s.") % {"action": REPORT.labels[self.action]})
        return redirect("duties:detail", self.report.pk)


class ReportEditView(ReportActionView):
    action = "edit"
    form_class = ReportForm
    template_name = "duties/report_edit.html"

    def get_initial(self):
        return {"duty": self.report.duty, "integrity": self.report.integrity}

    def act(self, form):
        services.report_save(
            access=self.access,
            report=self.report,
            submit=self.request.POST.get("step") == ReportForm.SUBMIT,
            **form.cleaned_data,
        )


class ReportReturnView(ReportActionView):
    action = "return"
    form_class = ReasonForm

    def act(self, form):
        services.report_return(access=self.access, report=self.report, **form.cleaned_data)


class ReportReopenView(ReportReturnView):
    action = "reopen"

    def act(self, form):
        services.report_reopen(access=self.access, report=self.report, **form.cleaned_data)


class ReportGradeView(ReportActionView):
    action = "grade"
    form_class = GradeForm

    def get_form_kwargs(self):
        meetings = AssessmentMeeting.objects.filter(campaign_year=self.report.campaign_year_id)
        return {**super().get_form_kwargs(), "meetings": meetings}

    def act(self, form):
        services.report_grade(access=self.access, report=self.report, **form.cleaned_data)


class ReportRateView(ReportActionView):
    action = "rate"
    form_class = RateForm

    def act(self, form):
        services.report_rate(access=self.access, report=self.report, **form.cleaned_data)


class AttachmentView(AccessRequiredMixin, DetailView):
    permission = VIEW_PERMISSION

    def get_queryset(self):
        return DutyReportAttachment.objects.filter(report__in=selectors.visible(self.access))

    def get(self, request, *args, **kwargs):
        return evidence_response(self.get_object())
