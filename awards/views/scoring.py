"""Pages of the year's scoring: the rubric, the weights, the office's entries, runs, ranking."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView, View

from core.forms import add_service_errors
from core.mixins import AccessRequiredMixin
from core.queue import QUEUED_LATER

from .. import forms, selectors, services
from ..models import GeneralBranchLine, Rubric, RubricItem, ScoreEntry, ScoreLine, ScoringRun
from ..workflow import SCORING, standing_run
from .base import InlineActionView, YearMixin


class YearView(YearMixin, TemplateView):
    permission = "scoring.view"
    template_name = "awards/year.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["run"] = selectors.current_run(self.year)
        context["cycle"] = selectors.cycle_of(self.year)
        # The leading group's button: reopen approved scores (awards/workflow.py decides).
        context["actions"] = SCORING.actions(self.access, standing_run(self.year))
        context["reopened"] = selectors.reopened_runs(self.year)
        if context["cycle"]:
            context["late"] = context["cycle"].late_warning(timezone.localdate())
        return context


class RubricView(YearMixin, TemplateView):
    permission = "scoring.view"
    template_name = "awards/rubric.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(rubrics=selectors.rubrics_with_items(self.year), **kwargs)


class _FormPageView(YearMixin, TemplateView):
    """A page with one form whose valid data a service writes; its refusals go on the form."""

    template_name = "awards/form.html"
    heading = ""

    def get_form(self):
        raise NotImplementedError

    def save(self, form):
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", self.get_form())
        return super().get_context_data(heading=self.heading, **kwargs)

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        if form.is_valid():
            try:
                return self.save(form)
            except ValidationError as error:
                add_service_errors(form, error)
        return self.render_to_response(self.get_context_data(form=form))


class RubricItemView(_FormPageView):
    permission = "scoring.change"
    institute_only = True

    @cached_property
    def rubric(self):
        return get_object_or_404(
            Rubric.objects.select_related("campaign_year__campaign"),
            campaign_year=self.year,
            kind=self.kwargs["kind"],
        )

    @cached_property
    def item(self):
        pk = self.kwargs.get("pk")
        return get_object_or_404(RubricItem, rubric=self.rubric, pk=pk) if pk else None

    @property
    def heading(self):
        return self.item.label if self.item else _("New rubric item")

    def get_form(self):
        initial = {}
        if self.item:
            initial = {
                f: getattr(self.item, f)
                for f in ("criterion", "max_points", "source", "indicator", "sort_order")
            }
            initial["name"] = self.item.label
        return forms.RubricItemForm(
            self.request.POST or None, rubric=self.rubric, initial=initial, edits=self.item
        )

    def save(self, form):
        services.rubric_item_save(access=self.access, rubric=self.rubric, item=self.item, **form.cleaned_data)
        return self.back("rubric")


class SettingsView(_FormPageView):
    permission = "scoring.change"
    institute_only = True
    heading = gettext_lazy("Weights and satisfaction points")

    def get_form(self):
        initial = forms.SettingsForm.initial_of(selectors.settings_for(campaign_year=self.year))
        return forms.SettingsForm(self.request.POST or None, initial=initial)

    def save(self, form):
        services.settings_update(access=self.access, campaign_year=self.year, **form.values())
        return self.back("year")


class EntriesView(_FormPageView):
    """Points awarded, deductions and vetoes entered by the office."""

    permission = "scoring.change"
    institute_only = True
    template_name = "awards/entries.html"

    def get_form(self):
        return forms.EntryForm(
            self.request.POST or None,
            self.request.FILES or None,
            items=selectors.entry_items(self.year),
            **selectors.entry_subjects(self.year),
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(entries=selectors.entries_of(self.year), **kwargs)

    def save(self, form):
        services.entry_create(access=self.access, **form.values())
        return self.back("entries")


class EntryWithdrawView(InlineActionView):
    permission = "scoring.change"
    institute_only = True
    back_to = "entries"
    form_class = forms.ConfirmForm

    def act(self, form):
        entry = get_object_or_404(
            ScoreEntry.objects.select_related("item__rubric__campaign_year__campaign"),
            pk=self.kwargs["pk"],
            item__rubric__campaign_year=self.year,
        )
        services.entry_withdraw(access=self.access, entry=entry)


class EntryFileView(AccessRequiredMixin, View):
    permission = "scoring.view"

    def get(self, request, pk):
        entries = self.restrict(
            ScoreEntry.objects.exclude(evidence_file=""),
            committee="item__rubric__campaign_year__campaign__committee",
            person="person",
        )
        entry = get_object_or_404(entries, pk=pk)
        return FileResponse(entry.evidence_file.open("rb"), as_attachment=True, filename=entry.evidence_name)


class RunView(YearMixin, TemplateView):
    """Start a run and follow it; the page refreshes itself while the run is under way."""

    permission = "scoring.run"
    institute_only = True
    template_name = "awards/run.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        runs = selectors.runs_of(self.year)
        context["draft"] = runs.get(ScoringRun.Status.DRAFT)
        context["approved"] = runs.get(ScoringRun.Status.APPROVED)
        context["reopened"] = selectors.reopened_runs(self.year)
        context["reopen_form"] = forms.ReasonForm()
        context["busy"] = context["draft"] is not None and context["draft"].state in ("queued", "running")
        # The buttons: what the scoring's workflow allows the reader now (run again, approve).
        context["actions"] = SCORING.actions(self.access, standing_run(self.year))
        return context

    def post(self, request, *args, **kwargs):
        try:
            run = services.scoring_run_request(access=self.access, campaign_year=self.year)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            if run.dispatch.deferred:
                messages.warning(request, QUEUED_LATER)
            else:
                messages.success(request, _("The scoring run was started."))
        return self.back("run")


class RunApproveView(_FormPageView):
    """Approve the draft: the page shows what approving freezes (eligible lines per title,
    vetoes) and what stands in the way (appraisals not graded, evaluations still open, nobody
    eligible); the service refuses while anything does."""

    permission = "scoring.change"
    institute_only = True
    template_name = "awards/run_approve.html"
    heading = gettext_lazy("Approve the scores")

    @cached_property
    def draft(self):
        return selectors.runs_of(self.year).get(ScoringRun.Status.DRAFT)

    def get_form(self):
        # Bound on POST even when empty (a button with no fields posts nothing but the token).
        return forms.ConfirmForm(self.request.POST if self.request.method == "POST" else None)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        draft = self.draft
        context["draft"] = draft
        context["can_approve"] = draft is not None and "approve" in SCORING.actions(self.access, draft)
        context["preview"] = selectors.approval_preview(draft) if context["can_approve"] else None
        return context

    def save(self, form):
        if self.draft is None:
            raise ValidationError(_("Only a completed draft can be approved."))
        services.scoring_run_approve(access=self.access, run=self.draft)
        messages.success(self.request, _("The scores were approved and can no longer change."))
        return self.back("run")


class RunReopenView(InlineActionView):
    """The leading group reopens the approved scores, with a reason (``services.scoring_run_reopen``)."""

    permission = "awards.approve"
    institute_only = True
    back_to = "year"  # the leading group's page of the year (the run page is the office's)
    form_class = forms.ReasonForm

    @property
    def success_message(self):
        return _("The scores were reopened: the office may change them and run the scoring again.")

    def act(self, form):
        services.scoring_run_reopen(
            access=self.access, campaign_year=self.year, reason=form.cleaned_data["reason"]
        )


class RankingView(YearMixin, TemplateView):
    permission = "scoring.view"
    template_name = "awards/ranking.html"
    paginate_by = 100

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        run = selectors.current_run(self.year)
        context["run"] = run
        context["groups"] = []
        if run:
            groups, page = selectors.ranking_page(
                self.access, run, self.request.GET.get("page"), self.paginate_by
            )
            context.update(groups=groups, page_obj=page, is_paginated=page.has_other_pages())
            # The general branches' own section, above the branches on the first page.
            if page.number == 1:
                context["general_branch_lines"] = selectors.general_branch_lines(self.access, run)
                context["own_items_shown"] = True
        return context


class LineView(AccessRequiredMixin, TemplateView):
    """The drill-down of one score: criteria → items → the records behind them."""

    permission = "scoring.view"
    template_name = "awards/line.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        lines = self.restrict(
            ScoreLine.objects.select_related("run__campaign_year", "branch", "person"),
            committee="run__campaign_year__campaign__committee",
            person="person",
        )
        line = get_object_or_404(lines, pk=self.kwargs["pk"])
        context["line"] = line
        context["year"] = line.run.campaign_year
        context["criteria"] = selectors.line_detail(line)
        return context


class GeneralBranchLineView(AccessRequiredMixin, TemplateView):
    """A general branch's score: the mean of its branches' totals, each branch's line beside it
    (those flagged ineligible marked). Reached by the institute and the general branch's own
    secretary (``Access.reaches_general_branch``); anyone else's is a 404."""

    permission = "scoring.view"
    template_name = "awards/general_branch_line.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        line = get_object_or_404(
            GeneralBranchLine.objects.select_related("run__campaign_year", "general_branch"),
            pk=self.kwargs["pk"],
        )
        if not self.access.reaches_general_branch(self.permission, line.general_branch):
            raise Http404
        context["line"] = line
        context["year"] = line.run.campaign_year
        context["branch_lines"] = selectors.general_branch_line_branches(line)
        context["own_items"] = selectors.own_items(line.run.campaign_year_id, [line.general_branch_id]).get(
            line.general_branch_id, []
        )
        return context
