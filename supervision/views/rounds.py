"""Pages of the quarterly supervision rounds (季度督查): about a whole institute."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import DetailView, FormView, ListView

from core.audit import object_history
from core.forms import add_service_errors

from .. import selectors, services
from ..forms import ConcludeForm, ReopenForm, RoundForm
from ..models import SupervisionRound
from ..workflow import ROUND
from .base import SupervisionMixin


class RoundMixin(SupervisionMixin):
    model = SupervisionRound
    section = "rounds"
    institute_only = True
    scope_permission = "supervision.view"


class RoundListView(RoundMixin, ListView):
    permission = "supervision.view"
    template_name = "supervision/round_list.html"
    context_object_name = "rounds"
    paginate_by = 40

    def get_queryset(self):
        return selectors.round_list(self.objects()).order_by("-campaign_year__year", "-quarter")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            can_create=self.access.reaches_institute("supervision.change"), **kwargs
        )


class RoundCreateView(RoundMixin, FormView):
    permission = "supervision.change"
    template_name = "supervision/round_form.html"
    form_class = RoundForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "years": self.years()}

    def get_initial(self):
        return {"campaign_year": self.current_year(self.years())}

    def form_valid(self, form):
        try:
            supervision_round = services.supervision_round_create(access=self.access, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        return redirect("supervision:round_detail", supervision_round.pk)


class RoundDetailView(RoundMixin, DetailView):
    permission = "supervision.view"
    template_name = "supervision/round_detail.html"
    context_object_name = "round"

    def get_queryset(self):
        return selectors.round_list(self.objects()).select_related("campaign_year__campaign")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        supervision_round = self.object
        context["rows"] = selectors.round_rows(supervision_round, today=timezone.localdate())
        context["actions"] = ROUND.actions(self.access, supervision_round)
        context["conclude_form"] = ConcludeForm(initial={"summary": supervision_round.summary})
        if self.access.has("history.view"):
            context["history"] = object_history(supervision_round)
        return context


class RoundConcludeView(RoundMixin, FormView):
    permission = "supervision.change"
    template_name = "supervision/round_conclude.html"
    form_class = ConcludeForm

    @cached_property
    def supervision_round(self):
        return get_object_or_404(
            self.objects().select_related("campaign_year__campaign"), pk=self.kwargs["pk"]
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(round=self.supervision_round, **kwargs)

    def form_valid(self, form):
        try:
            services.supervision_round_conclude(
                access=self.access,
                supervision_round=self.supervision_round,
                summary=form.cleaned_data["summary"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The round has been concluded."))
        return redirect("supervision:round_detail", self.supervision_round.pk)


class RoundReopenView(RoundMixin, FormView):
    """The office reopens a concluded round, with a reason kept in its history."""

    permission = "supervision.change"
    template_name = "supervision/round_reopen.html"
    form_class = ReopenForm

    @cached_property
    def supervision_round(self):
        return get_object_or_404(
            self.objects().select_related("campaign_year__campaign", "concluded_by"), pk=self.kwargs["pk"]
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            round=self.supervision_round,
            can_reopen="reopen" in ROUND.actions(self.access, self.supervision_round),
            **kwargs,
        )

    def form_valid(self, form):
        try:
            services.supervision_round_reopen(
                access=self.access,
                supervision_round=self.supervision_round,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The round has been reopened; conclude it again when it is done."))
        return redirect("supervision:round_detail", self.supervision_round.pk)
