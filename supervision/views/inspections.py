"""Pages of inspections (督查) and the rectification of their findings."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import DetailView, FormView, ListView

from branches.models import Branch
from campaigns.models import CampaignYear
from core.audit import object_history
from core.evidence import evidence_response
from core.forms import add_service_errors
from core.mixins import AccessRequiredMixin

from .. import selectors, services
from ..filters import InspectionFilterSet
from ..forms import DecisionForm, InspectionForm, ReplyForm
from ..models import Inspection, InspectionEvidence
from ..workflow import INSPECTION
from .base import SupervisionMixin


class InspectionMixin(SupervisionMixin):
    model = Inspection
    section = "inspections"

    def branches(self):
        return self.restrict(Branch.objects.active(), branch="").order_by(*Branch.TREE_ORDER)

    @cached_property
    def inspection(self):
        return get_object_or_404(
            self.objects().select_related("branch", "campaign_year__campaign"), pk=self.kwargs["pk"]
        )

    def back(self):
        return redirect("supervision:inspection_detail", self.inspection.pk)

    def refuse_get(self, action: str):
        """On GET, an action the inspection's state refuses goes back to it with the reason."""
        refusal = self.refused_now(INSPECTION, self.inspection, action)
        if refusal is None:
            return None
        messages.warning(self.request, refusal)
        return self.back()


class InspectionActionMixin(InspectionMixin):
    """A page acting on one inspection (edit, reply, decide)."""

    def get_context_data(self, **kwargs):
        return super().get_context_data(inspection=self.inspection, **kwargs)


class InspectionListView(InspectionMixin, ListView):
    permission = "supervision.view"
    template_name = "supervision/inspection_list.html"
    context_object_name = "inspections"
    paginate_by = 50

    def get_queryset(self):
        self.filterset = InspectionFilterSet(
            self.request.GET or None,
            queryset=selectors.inspection_list(self.objects()),
            years=self.years(),
            branches=self.branches(),
            today=timezone.localdate(),
        )
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            filter_form=self.filterset.form,
            can_create=self.access.reaches_institute("supervision.change"),
            **kwargs,
        )


class InspectionFormMixin(InspectionMixin):
    permission = "supervision.change"
    template_name = "supervision/inspection_form.html"
    form_class = InspectionForm


class InspectionCreateView(InspectionFormMixin, FormView):
    institute_only = True

    def get_form_kwargs(self):
        years = self.years()
        return {
            **super().get_form_kwargs(),
            "years": years,
            "branches": self.branches(),
            "inspectors": selectors.inspectors(years),
        }

    def get_initial(self):
        initial = super().get_initial()
        initial["campaign_year"] = self.current_year(self.years())
        initial["kind"] = self.request.GET.get("kind", Inspection.Kind.ROUTINE)
        if self.request.GET.get("branch", "").isdigit():
            initial["branch"] = int(self.request.GET["branch"])
        if self.access.person is not None:
            initial["inspectors"] = [self.access.person.pk]
        return initial

    def form_valid(self, form):
        try:
            inspection = services.inspection_create(access=self.access, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The inspection has been recorded."))
        return redirect("supervision:inspection_detail", inspection.pk)


class InspectionEditView(InspectionActionMixin, InspectionFormMixin, FormView):
    def get(self, request, *args, **kwargs):
        return self.refuse_get("edit") or super().get(request, *args, **kwargs)

    def get_form_kwargs(self):
        years = CampaignYear.objects.filter(pk=self.inspection.campaign_year_id)
        return {
            **super().get_form_kwargs(),
            "years": years,
            "branches": Branch.objects.none(),
            "inspectors": selectors.inspectors(years),
            "editing": True,
            "edits": self.inspection,
        }

    def get_initial(self):
        i = self.inspection
        return {
            "kind": i.kind,
            "inspected_on": i.inspected_on,
            "subject": i.subject,
            "inspectors": list(i.inspectors.values_list("pk", flat=True)),
            "findings": i.findings,
            "rectification_due": i.rectification_due,
        }

    def form_valid(self, form):
        try:
            services.inspection_update(access=self.access, inspection=self.inspection, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The inspection has been saved."))
        return self.back()


class InspectionDetailView(InspectionMixin, DetailView):
    permission = "supervision.view"
    template_name = "supervision/inspection_detail.html"
    context_object_name = "inspection"

    def get_queryset(self):
        return selectors.inspection_detail(self.objects())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        inspection = self.object
        context.update(
            actions=INSPECTION.actions(self.access, inspection),
            is_overdue=inspection.is_overdue(timezone.localdate()),
        )
        if self.access.has("history.view"):
            context["history"] = object_history(inspection)
        return context


class InspectionReplyView(InspectionActionMixin, FormView):
    permission = "supervision.reply"
    template_name = "supervision/inspection_reply.html"
    form_class = ReplyForm

    def get(self, request, *args, **kwargs):
        return self.refuse_get("reply") or super().get(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            services.inspection_reply(
                access=self.access,
                inspection=self.inspection,
                reply=form.cleaned_data["reply"],
                files=form.cleaned_data["files"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Your reply has been sent to the campaign office."))
        return self.back()


class InspectionDecideView(InspectionActionMixin, FormView):
    """The office closes the inspection, or returns the branch's reply."""

    permission = "supervision.change"
    template_name = "supervision/inspection_decide.html"
    form_class = DecisionForm

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "can_return": INSPECTION.state_allows(self.inspection, "return"),
        }

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            if data["decision"] == DecisionForm.RETURN:
                services.inspection_return(
                    access=self.access, inspection=self.inspection, comment=data["comment"]
                )
                messages.success(self.request, _("The reply has been returned to the branch."))
            else:
                services.inspection_close(
                    access=self.access, inspection=self.inspection, comment=data["comment"]
                )
                messages.success(self.request, _("The inspection has been closed."))
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        return self.back()


class EvidenceDownloadView(AccessRequiredMixin, DetailView):
    """Closing evidence, only for those who may see the inspection (never a public media URL)."""

    permission = "supervision.view"

    def get_queryset(self):
        return self.restrict(InspectionEvidence.objects.all(), branch="inspection__branch")

    def get(self, request, *args, **kwargs):
        return evidence_response(self.get_object())
