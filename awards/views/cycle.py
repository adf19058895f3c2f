"""Pages of the award cycle: the office's list, its steps, the public notice with objections."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from core.forms import add_service_errors

from .. import forms, selectors, services
from ..models import AwardCycle, Candidate, Objection
from ..workflow import CYCLE
from .base import InlineActionView, YearMixin


class CycleMixin(YearMixin):
    institute_only = True

    @cached_property
    def cycle(self):
        return get_object_or_404(
            AwardCycle.objects.select_related("run", "campaign_year__campaign"), campaign_year=self.year
        )


class CycleView(CycleMixin, TemplateView):
    permission = "awards.view"
    template_name = "awards/cycle.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        cycle = selectors.cycle_of(self.year)
        context["cycle"] = cycle
        context["approved_run"] = selectors.approved_run(self.year)
        # The buttons: what the workflow lets this reader do now (a cycle not yet created: "create").
        context["actions"] = CYCLE.actions(self.access, cycle or AwardCycle(campaign_year=self.year))
        if cycle:
            today = timezone.localdate()
            context["candidates"] = selectors.cycle_candidates(cycle, with_objections=True)
            context["objections"] = selectors.objections_of(cycle)
            context["late"] = cycle.late_warning(today)
            context["expected"] = cycle.expected_announcement(today)
            if cycle.status == AwardCycle.Status.PROPOSING:
                context["others"] = selectors.addable_lines(cycle, context["candidates"])
                context["other_general_branches"] = selectors.addable_general_branch_lines(
                    cycle, context["candidates"]
                )
                context["add_form"] = forms.AddCandidateForm()
        return context


class CycleActionView(CycleMixin, InlineActionView):
    """The cycle's steps: create it, propose from the ranking, or move it to the status named
    in the URL; the service decides who may (``workflow.CYCLE``)."""

    permission = "awards.view"
    back_to = "cycle"
    form_class = forms.CycleStepForm

    def act(self, form):
        action = self.kwargs["action"]
        if action == "create":
            services.cycle_create(access=self.access, campaign_year=self.year)
        elif action == "propose":
            services.cycle_propose(access=self.access, cycle=self.cycle)
        elif action in AwardCycle.Status.values:
            services.cycle_advance(
                access=self.access,
                cycle=self.cycle,
                to=action,
                reason=form.cleaned_data["reason"],
                confirmed=form.cleaned_data["confirm"],
                document_number=form.cleaned_data["document_number"],
            )
        else:
            raise Http404


class CandidateAddView(CycleMixin, InlineActionView):
    permission = "awards.propose"
    back_to = "cycle"

    def get_form(self):
        return forms.AddCandidateForm(
            self.request.POST,
            lines=self.cycle.run.lines.all(),
            general_branch_lines=self.cycle.run.general_branch_lines.all(),
        )

    def act(self, form):
        services.candidate_add(access=self.access, cycle=self.cycle, **form.cleaned_data)


class CandidateRemoveView(CycleMixin, InlineActionView):
    permission = "awards.propose"
    back_to = "cycle"
    form_class = forms.ReasonForm

    def act(self, form):
        candidate = get_object_or_404(Candidate, pk=self.kwargs["pk"], cycle=self.cycle)
        candidate.cycle = self.cycle
        services.candidate_remove(access=self.access, candidate=candidate, reason=form.cleaned_data["reason"])


class ObjectionAnswerView(CycleMixin, InlineActionView):
    permission = "awards.propose"
    back_to = "cycle"
    form_class = forms.AnswerForm

    def act(self, form):
        objection = get_object_or_404(
            Objection.objects.select_related("candidate"), pk=self.kwargs["pk"], candidate__cycle=self.cycle
        )
        objection.candidate.cycle = self.cycle
        services.objection_answer(access=self.access, objection=objection, answer=form.cleaned_data["answer"])


class NoticeView(YearMixin, TemplateView):
    """公示: the candidates, to everyone of the institute, with a form to object."""

    permission = "awards.notice"
    template_name = "awards/notice.html"

    @cached_property
    def cycle(self):
        return selectors.cycle_of(self.year)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        cycle = self.cycle
        shown = cycle is not None and cycle.status != AwardCycle.Status.PROPOSING
        today = timezone.localdate()
        context.update(
            cycle=cycle if shown else None,
            candidates=selectors.notice_candidates(cycle) if shown else [],
            open=shown
            and cycle.status == AwardCycle.Status.NOTICE
            and cycle.notice_starts_on <= today <= cycle.notice_ends_on,
            form=forms.ObjectionForm(candidates=selectors.live_candidates(cycle if shown else None)),
        )
        return context

    def post(self, request, *args, **kwargs):
        cycle = self.cycle
        if cycle is None:
            return self.back("notice")
        form = forms.ObjectionForm(request.POST, candidates=selectors.live_candidates(cycle))
        if form.is_valid():
            candidate = form.cleaned_data["candidate"]
            candidate.cycle = cycle
            try:
                services.objection_lodge(
                    access=self.access, candidate=candidate, text=form.cleaned_data["text"]
                )
            except ValidationError as error:
                add_service_errors(form, error)
        if form.errors:
            for errors in form.errors.values():
                for message in errors:
                    messages.error(request, message)
        else:
            messages.success(request, _("Your objection was lodged; the campaign office will answer it."))
        return self.back("notice")
