"""Pages of scoring and awards. Thin: each declares its permission, finds its objects within the
user's reach (another institute's or branch's object is a 404) and hands writes to services."""

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import TemplateView, View

from branches.models import Branch, Person
from core.mixins import AccessRequiredMixin
from core.queue import QUEUED_LATER
from formguard.forms import clean_text

from . import forms, selectors, services
from .models import (
    AwardCycle,
    Candidate,
    ModelPost,
    Objection,
    RubricItem,
    ScoreEntry,
    ScoreLine,
    ScoringRun,
    Subject,
)


def _errors(request, error: ValidationError):
    for message in error.messages:
        messages.error(request, message)


class YearMixin(AccessRequiredMixin):
    """A page about one campaign year (``year`` in the URL) of an institute the permission
    reaches; ``institute_only`` pages refuse branch scopes (404)."""

    institute_only = False

    @cached_property
    def year(self):
        years = selectors.years_for(self.access, self.permission)
        year = get_object_or_404(years, pk=self.kwargs["year"])
        if self.institute_only and not self.access.reaches_institute(
            self.permission, year.campaign.committee_id
        ):
            raise Http404
        return year

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["year"] = self.year
        context["can"] = {
            p.replace(".", "_"): self.access.reaches_institute(p, self.year.campaign.committee_id)
            for p in ("scoring.change", "scoring.run", "awards.propose", "awards.approve", "awards.view")
        }
        return context

    def back(self, name, *args):
        return redirect(reverse(f"awards:{name}", args=[self.year.pk, *args]))


class IndexView(AccessRequiredMixin, View):
    """/awards/: the current year of the user's institute."""

    permission = "awards.notice"

    def get(self, request):
        years = selectors.years_for(self.access, "awards.notice")
        today = timezone.localdate()
        years = list(years)
        year = next((y for y in years if y.year == today.year), years[0] if years else None)
        if year is None:
            raise Http404
        if self.access.has("scoring.view"):
            return redirect("awards:year", year.pk)
        return redirect("awards:notice", year.pk)


class YearView(YearMixin, TemplateView):
    permission = "scoring.view"
    template_name = "awards/year.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["run"] = selectors.current_run(self.year)
        context["cycle"] = AwardCycle.objects.filter(campaign_year=self.year).first()
        if context["cycle"]:
            context["late"] = context["cycle"].late_warning(timezone.localdate())
        return context


class RubricView(YearMixin, TemplateView):
    permission = "scoring.view"
    template_name = "awards/rubric.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["rubrics"] = [
            (r, list(r.items.order_by("sort_order", "pk")))
            for r in (services.rubric_for(campaign_year=self.year, kind=k) for k in Subject.values)
        ]
        return context


class RubricItemView(YearMixin, TemplateView):
    permission = "scoring.change"
    institute_only = True
    template_name = "awards/form.html"

    @cached_property
    def rubric(self):
        return services.rubric_for(campaign_year=self.year, kind=self.kwargs["kind"])

    @cached_property
    def item(self):
        pk = self.kwargs.get("pk")
        return get_object_or_404(RubricItem, rubric=self.rubric, pk=pk) if pk else None

    def get_form(self):
        initial = {}
        if self.item:
            initial = {
                f: getattr(self.item, f)
                for f in ("criterion", "name", "max_points", "source", "indicator", "sort_order")
            }
        return forms.RubricItemForm(
            self.request.POST or None, rubric=self.rubric, initial=initial, edits=self.item
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["form"] = kwargs.get("form") or self.get_form()
        context["heading"] = self.item.name if self.item else _("New rubric item")
        return context

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        if form.is_valid():
            try:
                services.rubric_item_save(rubric=self.rubric, item=self.item, **form.cleaned_data)
                return self.back("rubric")
            except ValidationError as e:
                _errors(request, e)
        return self.render_to_response(self.get_context_data(form=form))


class SettingsView(YearMixin, TemplateView):
    permission = "scoring.change"
    institute_only = True
    template_name = "awards/form.html"

    def get_form(self):
        current = services.settings_for(campaign_year=self.year)
        initial = {
            f: getattr(current, f)
            for f in (
                "branch_rubric_weight",
                "branch_evaluation_weight",
                "member_rubric_weight",
                "member_evaluation_weight",
                "trim_extremes",
            )
        }
        initial.update({f"points_{k}": v for k, v in current.satisfaction_points.items()})
        return forms.SettingsForm(self.request.POST or None, initial=initial)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["form"] = kwargs.get("form") or self.get_form()
        context["heading"] = _("Weights and satisfaction points")
        return context

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        if form.is_valid():
            data = dict(form.cleaned_data)
            points = {k[len("points_") :]: data.pop(k) for k in list(data) if k.startswith("points_")}
            try:
                services.settings_update(campaign_year=self.year, satisfaction_points=points, **data)
                return self.back("year")
            except ValidationError as e:
                _errors(request, e)
        return self.render_to_response(self.get_context_data(form=form))


class EntriesView(YearMixin, TemplateView):
    """Points awarded, deductions and vetoes entered by the office."""

    permission = "scoring.change"
    institute_only = True
    template_name = "awards/entries.html"

    def get_form(self):
        items = RubricItem.objects.filter(
            rubric__campaign_year=self.year, source__in=["office_points", "deduction", "veto"], indicator=""
        )
        committee = self.year.campaign.committee_id
        subjects = [(f"b-{b.pk}", b.name) for b in Branch.objects.active().filter(committee_id=committee)]
        subjects += [
            (f"p-{p.pk}", f"{p.name} · {p.branch.name}")
            for p in Person.objects.members().filter(committee_id=committee).select_related("branch")
        ]
        return forms.EntryForm(
            self.request.POST or None, self.request.FILES or None, items=items, subjects=subjects
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["form"] = kwargs.get("form") or self.get_form()
        context["entries"] = (
            ScoreEntry.objects.filter(item__rubric__campaign_year=self.year)
            .select_related("item", "branch", "person", "by")
            .order_by("-pk")
        )
        return context

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        if form.is_valid():
            data = form.cleaned_data
            kind, _sep, pk = data["subject"].partition("-")
            committee = self.year.campaign.committee_id
            if kind == "p":
                person = get_object_or_404(Person.objects.members(), pk=pk, committee_id=committee)
                branch = person.branch
            else:
                person, branch = None, get_object_or_404(Branch, pk=pk, committee_id=committee)
            try:
                services.entry_create(
                    item=data["item"],
                    branch=branch,
                    person=person,
                    points=data["points"] or Decimal("0"),
                    reason=data["reason"],
                    evidence_url=data["evidence_url"],
                    file=data["file"],
                    actor=request.user,
                )
                return self.back("entries")
            except ValidationError as e:
                _errors(request, e)
        return self.render_to_response(self.get_context_data(form=form))


class EntryWithdrawView(YearMixin, View):
    permission = "scoring.change"
    institute_only = True

    def post(self, request, year, pk):
        entry = get_object_or_404(ScoreEntry, pk=pk, item__rubric__campaign_year=self.year)
        try:
            services.entry_withdraw(entry=entry, actor=request.user)
        except ValidationError as e:
            _errors(request, e)
        return self.back("entries")


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
        runs = {
            r.status: r
            for r in ScoringRun.objects.filter(campaign_year=self.year).select_related("requested_by")
        }
        context["draft"] = runs.get(ScoringRun.Status.DRAFT)
        context["approved"] = runs.get(ScoringRun.Status.APPROVED)
        context["busy"] = context["draft"] is not None and context["draft"].state in ("queued", "running")
        return context

    def post(self, request, *args, **kwargs):
        try:
            run = services.scoring_run_request(campaign_year=self.year, actor=request.user)
            if run.dispatch.deferred:
                messages.warning(request, QUEUED_LATER)
            else:
                messages.success(request, _("The scoring run was started."))
        except ValidationError as e:
            _errors(request, e)
        return self.back("run")


class RunApproveView(YearMixin, View):
    permission = "scoring.change"
    institute_only = True

    def post(self, request, year):
        run = get_object_or_404(ScoringRun, campaign_year=self.year, status=ScoringRun.Status.DRAFT)
        try:
            services.scoring_run_approve(run=run, actor=request.user)
            messages.success(request, _("The scores were approved and can no longer change."))
        except ValidationError as e:
            _errors(request, e)
        return self.back("run")


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
            # A group's institute ranks some 13,000 lines: a page of them at a time, in rank order
            # within kind and category (a group continues on the next page).
            lines = selectors.lines_for(self.access, run).order_by("kind", "category", "rank", "pk")
            page = Paginator(lines.values_list("pk", flat=True), self.paginate_by).get_page(
                self.request.GET.get("page")
            )
            context["groups"] = selectors.ranking(ScoreLine.objects.filter(pk__in=list(page)))
            context.update(page_obj=page, is_paginated=page.has_other_pages())
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


# --- Award cycle -------------------------------------------------------------------------


class CycleMixin(YearMixin):
    institute_only = True

    @cached_property
    def cycle(self):
        return get_object_or_404(
            AwardCycle.objects.select_related("run", "campaign_year"), campaign_year=self.year
        )


class CycleView(CycleMixin, TemplateView):
    permission = "awards.view"
    template_name = "awards/cycle.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        cycle = AwardCycle.objects.filter(campaign_year=self.year).select_related("run").first()
        context["cycle"] = cycle
        context["approved_run"] = ScoringRun.objects.filter(
            campaign_year=self.year, status="approved"
        ).first()
        if cycle:
            context["candidates"] = selectors.cycle_candidates(cycle, with_objections=True)
            context["objections"] = selectors.objections_of(cycle)
            context["late"] = cycle.late_warning(timezone.localdate())
            context["expected"] = cycle.expected_announcement(timezone.localdate())
            if cycle.status == AwardCycle.Status.PROPOSING:
                taken = {(c.branch_id, c.person_id) for c in context["candidates"] if not c.removed}
                context["others"] = [
                    line
                    for line in cycle.run.lines.select_related("branch", "person").order_by(
                        "kind", "category", "rank"
                    )
                    if (line.branch_id, line.person_id if line.kind == Subject.MEMBER else None) not in taken
                ]
                context["add_form"] = forms.AddCandidateForm()
        return context


class CycleActionView(CycleMixin, View):
    """POST actions of the cycle: create, propose from the ranking, advance."""

    permission = "awards.view"

    def post(self, request, year, action):
        try:
            if action == "create":
                if not self.access.has("awards.propose"):
                    raise Http404
                services.cycle_create(campaign_year=self.year, actor=request.user)
            elif action == "propose":
                if not self.access.has("awards.propose"):
                    raise Http404
                services.cycle_propose(cycle=self.cycle, actor=request.user)
            elif action in AwardCycle.Status.values:
                services.cycle_advance(
                    cycle=self.cycle,
                    to=action,
                    actor=request.user,
                    access=self.access,
                    reason=clean_text(request.POST.get("reason")),
                )
            else:
                raise Http404
        except ValidationError as e:
            _errors(request, e)
        return self.back("cycle")


class CandidateAddView(CycleMixin, View):
    permission = "awards.propose"

    def post(self, request, year):
        form = forms.AddCandidateForm(request.POST)
        if form.is_valid():
            line = get_object_or_404(ScoreLine, pk=form.cleaned_data["line"], run=self.cycle.run)
            try:
                services.candidate_add(
                    cycle=self.cycle,
                    title=form.cleaned_data["title"],
                    line=line,
                    reason=form.cleaned_data["reason"],
                    actor=request.user,
                )
            except ValidationError as e:
                _errors(request, e)
        else:
            messages.error(request, _("Give the reason for adding."))
        return self.back("cycle")


class CandidateRemoveView(CycleMixin, View):
    permission = "awards.propose"

    def post(self, request, year, pk):
        candidate = get_object_or_404(Candidate, pk=pk, cycle=self.cycle)
        try:
            services.candidate_remove(
                candidate=candidate, reason=clean_text(request.POST.get("reason")), actor=request.user
            )
        except ValidationError as e:
            _errors(request, e)
        return self.back("cycle")


class ObjectionAnswerView(CycleMixin, View):
    permission = "awards.propose"

    def post(self, request, year, pk):
        objection = get_object_or_404(Objection, pk=pk, candidate__cycle=self.cycle)
        try:
            services.objection_answer(
                objection=objection, answer=clean_text(request.POST.get("answer")), actor=request.user
            )
        except ValidationError as e:
            _errors(request, e)
        return self.back("cycle")


class NoticeView(YearMixin, TemplateView):
    """公示: the candidates, to everyone of the institute, with a form to object."""

    permission = "awards.notice"
    template_name = "awards/notice.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        cycle = AwardCycle.objects.filter(campaign_year=self.year).first()
        shown = cycle is not None and cycle.status in (
            AwardCycle.Status.NOTICE,
            AwardCycle.Status.APPROVAL,
            AwardCycle.Status.APPROVED,
            AwardCycle.Status.ANNOUNCED,
        )
        context["cycle"] = cycle if shown else None
        context["candidates"] = selectors.notice_candidates(cycle) if shown else []
        today = timezone.localdate()
        context["open"] = (
            shown
            and cycle.status == AwardCycle.Status.NOTICE
            and cycle.notice_starts_on <= today <= cycle.notice_ends_on
        )
        context["form"] = forms.ObjectionForm()
        return context

    def post(self, request, *args, **kwargs):
        cycle = get_object_or_404(AwardCycle, campaign_year=self.year)
        candidate = get_object_or_404(
            Candidate, cycle=cycle, pk=request.POST.get("candidate") or 0, removed=False
        )
        form = forms.ObjectionForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError(_("Write the objection."))
            services.objection_lodge(candidate=candidate, text=form.cleaned_data["text"], actor=request.user)
            messages.success(request, _("Your objection was lodged; the campaign office will answer it."))
        except ValidationError as e:
            _errors(request, e)
        return self.back("notice")


# --- Model posts -------------------------------------------------------------------------


class ModelPostsView(YearMixin, TemplateView):
    permission = "awards.view"
    institute_only = True
    template_name = "awards/model_posts.html"

    def get_form(self):
        people = (
            Person.objects.members().filter(committee=self.year.campaign.committee).select_related("branch")
        )
        return forms.ModelPostForm(self.request.POST or None, people=people)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["posts"] = (
            ModelPost.objects.filter(branch__committee=self.year.campaign.committee)
            .select_related("person", "branch")
            .prefetch_related("reviews")
        )
        context["form"] = kwargs.get("form") or self.get_form()
        context["review_form"] = forms.ModelPostReviewForm()
        return context

    def post(self, request, *args, **kwargs):
        if not self.access.has("awards.propose"):
            raise Http404
        form = self.get_form()
        if form.is_valid():
            data = form.cleaned_data
            person = get_object_or_404(
                Person.objects.members(), pk=data.pop("person"), committee=self.year.campaign.committee
            )
            try:
                services.model_post_designate(person=person, actor=request.user, **data)
                return self.back("model_posts")
            except ValidationError as e:
                _errors(request, e)
        return self.render_to_response(self.get_context_data(form=form))


class ModelPostActionView(YearMixin, View):
    permission = "awards.propose"
    institute_only = True

    def post(self, request, year, pk, action):
        post = get_object_or_404(ModelPost, pk=pk, branch__committee=self.year.campaign.committee)
        try:
            if action == "review":
                services.model_post_review(
                    post=post,
                    result=request.POST.get("result", "keep"),
                    note=clean_text(request.POST.get("note")),
                    actor=request.user,
                )
            elif action == "withdraw":
                services.model_post_withdraw(
                    post=post, reason=clean_text(request.POST.get("reason")), actor=request.user
                )
            else:
                raise Http404
        except ValidationError as e:
            _errors(request, e)
        return self.back("model_posts")
