"""Mass evaluation pages: the office's set-up and moderation, the voter's ballot, the results.

The ballot views never put anything of a ballot into a message, a log line or the session:
after casting, the voter is sent to a thank-you page that shows nothing of what was answered.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.decorators.debug import sensitive_post_parameters
from django.views.generic import DetailView, FormView, ListView, TemplateView

from branches.models import Branch, Department, Person
from campaigns.models import CampaignYear
from core.audit import object_history
from core.forms import add_service_errors
from core.mixins import AccessRequiredMixin

from .. import selectors, services
from ..filters import ModerationFilterSet
from ..forms import BallotForm, ConfirmForm, EvaluationForm, ModerationForm, ballot_from_post
from ..models import (
    DEFAULT_CRITERIA,
    Evaluation,
    FreeText,
    Satisfaction,
    Subject,
    Target,
)
from ..workflow import EVALUATION


def _error_text(error: ValidationError) -> str:
    return " ".join(str(m) for m in error.messages)


class ManageMixin(AccessRequiredMixin):
    """Office pages: the evaluation is looked up among those of the office's institute."""

    permission = "evaluations.manage"

    def managed(self):
        return selectors.evaluations_for(self.access, self.permission)

    def get_evaluation(self) -> Evaluation:
        if not hasattr(self, "evaluation"):
            self.evaluation = get_object_or_404(
                self.managed().select_related("campaign_year", "committee"), pk=self.kwargs["pk"]
            )
        return self.evaluation


class EvaluationListView(AccessRequiredMixin, ListView):
    """Every reader of results sees the evaluations in their scope; drafts only the office."""

    permission = "evaluations.results"
    template_name = "evaluations/evaluation_list.html"
    context_object_name = "evaluations"
    paginate_by = 50

    def get_queryset(self):
        return selectors.evaluation_list(self.access, self.permission)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        managed = set(
            selectors.evaluations_for(self.access, "evaluations.manage")
            .filter(pk__in=[e.pk for e in context["evaluations"]])
            .values_list("pk", flat=True)
        )
        context["managed"] = managed
        context["can_manage"] = self.access.has("evaluations.manage")
        return context


class EvaluationFormMixin(ManageMixin):
    template_name = "evaluations/evaluation_form.html"
    form_class = EvaluationForm

    def years(self):
        return CampaignYear.objects.visible_to(self.access, self.permission)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        branches = self.access.restrict(Branch.objects.active(), self.permission, branch="")
        kwargs.update(
            years=self.years(),
            branches=branches.order_by("committee", "sort_order", "name"),
            members=self.access.restrict(Person.objects.members(), self.permission, committee="committee")
            .select_related("branch")
            .order_by("branch__sort_order", "branch__name", "employee_no"),
            departments=self.access.restrict(
                Department.objects.filter(is_active=True), self.permission, branch="", committee="committee"
            ),
        )
        return kwargs

    def service_kwargs(self, data) -> dict:
        return {
            "title": data["title"],
            "opens_on": data["opens_on"],
            "closes_on": data["closes_on"],
            "min_ballots": data["min_ballots"],
            "branches": list(data["branches"]),
            "members": list(data["members"]),
            "voter_departments": list(data["voter_departments"]),
            "voter_branches": list(data["voter_branches"]),
            "branch_questions": data["branch_questions"],
            "member_questions": data["member_questions"],
            "access": self.access,
        }

    def save(self, form):
        raise NotImplementedError

    def form_valid(self, form):
        try:
            evaluation = self.save(form)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        return redirect("evaluations:detail", evaluation.pk)


class EvaluationCreateView(EvaluationFormMixin, FormView):
    def get_initial(self):
        year = self.years().first()
        initial = {
            "branch_questions": "\n".join(str(q) for q in DEFAULT_CRITERIA[Subject.BRANCH]),
            "member_questions": "\n".join(str(q) for q in DEFAULT_CRITERIA[Subject.MEMBER]),
        }
        if year is not None:
            initial.update(
                campaign_year=year,
                title=_("Mass evaluation %(year)s") % {"year": year.year},
                opens_on=year.evaluation_opens_on,
                closes_on=year.evaluation_closes_on,
            )
        return initial

    def save(self, form):
        data = form.cleaned_data
        return services.evaluation_create(campaign_year=data["campaign_year"], **self.service_kwargs(data))


class EvaluationUpdateView(EvaluationFormMixin, FormView):
    def get(self, request, *args, **kwargs):
        try:
            EVALUATION.authorize(self.access, self.get_evaluation(), "edit")
        except ValidationError as error:
            messages.warning(request, _error_text(error))
            return redirect("evaluations:detail", self.get_evaluation().pk)
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.get_evaluation()
        return super().post(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "fixed_year": True, "edits": self.get_evaluation()}

    def get_initial(self):
        e = self.get_evaluation()
        targets = list(e.targets.all())
        criteria = list(e.criteria.order_by("sort_order", "pk"))
        return {
            "campaign_year": e.campaign_year,
            "title": e.title,
            "opens_on": e.opens_on,
            "closes_on": e.closes_on,
            "min_ballots": e.min_ballots,
            "branches": [t.branch_id for t in targets if not t.person_id],
            "members": [t.person_id for t in targets if t.person_id],
            "voter_departments": list(e.voter_departments.values_list("pk", flat=True)),
            "voter_branches": list(e.voter_branches.values_list("pk", flat=True)),
            "branch_questions": "\n".join(c.text for c in criteria if c.subject == Subject.BRANCH),
            "member_questions": "\n".join(c.text for c in criteria if c.subject == Subject.MEMBER),
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(evaluation=self.get_evaluation(), **kwargs)

    def save(self, form):
        return services.evaluation_update(
            evaluation=self.get_evaluation(), **self.service_kwargs(form.cleaned_data)
        )


class EvaluationDetailView(ManageMixin, DetailView):
    template_name = "evaluations/evaluation_detail.html"
    context_object_name = "evaluation"

    def get_object(self, queryset=None):
        return self.get_evaluation()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        e = self.object
        context.update(
            questionnaire=selectors.questionnaire(e),
            voter_departments=list(e.voter_departments.all()),
            voter_branches=list(e.voter_branches.all()),
            eligible_count=services.eligible_people(e).count()
            if e.status == Evaluation.Status.DRAFT
            else None,
            turnout=selectors.turnout(e),
            pending=selectors.moderation_queue(Evaluation.objects.filter(pk=e.pk)).count(),
            history=object_history(e),
            today=timezone.localdate(),
            actions=EVALUATION.actions(self.access, e),
        )
        return context


class EvaluationActionView(ManageMixin, View):
    """POST only: open or close (``action`` set in the URL conf).

    Closing is final, by choice: once closed, results are readable and the free texts have been
    shuffled for review. Reopening for more ballots would let anyone who read the results before
    and after learn, by difference, how the late voters answered, so the detail page names what
    closing ends and the POST must carry a ticked confirmation."""

    action = ""

    def post(self, request, *args, **kwargs):
        evaluation = self.get_evaluation()
        service = {"open": services.evaluation_open, "close": services.evaluation_close}[self.action]
        if self.action == "close":
            # Closing cannot be undone (see the detail page): it asks for the box to be ticked.
            form = ConfirmForm(request.POST)
            if not form.is_valid():
                messages.error(request, " ".join(form.errors.get("confirm", [])))
                return redirect("evaluations:detail", evaluation.pk)
        try:
            service(evaluation=evaluation, access=self.access)
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(
                request,
                _("The evaluation is open.") if self.action == "open" else _("The evaluation is closed."),
            )
        return redirect("evaluations:detail", evaluation.pk)


class ModerationView(ManageMixin, TemplateView):
    """The office reviews free texts of closed evaluations before anyone else reads them: a page
    of comments, optionally about one target, ticked (one by one or all of the page) and
    approved or rejected together in one POST."""

    template_name = "evaluations/moderation.html"
    paginate_by = 50

    def get_context_data(self, **kwargs):
        queue = selectors.moderation_queue(self.managed())
        targets = (
            Target.objects.filter(pk__in=queue.values("target"))
            .select_related("branch", "person")
            .order_by("evaluation", "sort_order", "pk")
        )
        filterset = ModerationFilterSet(self.request.GET or None, queryset=queue, targets=targets)
        paginator = Paginator(filterset.qs, self.paginate_by)
        page = paginator.get_page(self.request.GET.get("page"))
        return super().get_context_data(
            filter=filterset,
            page_obj=page,
            free_texts=page.object_list,
            total=paginator.count,
            is_paginated=page.has_other_pages(),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        form = ModerationForm(request.POST)
        if not form.is_valid():
            if "free_text" in form.errors:  # only the page's own rows send this form
                raise Http404
            messages.error(request, _("Choose whether to approve or reject."))
            return redirect(request.get_full_path())
        chosen = form.cleaned_data["free_text"]
        if not chosen:
            messages.warning(request, _("Tick the comments to approve or reject first."))
            return redirect(request.get_full_path())
        in_scope = FreeText.objects.filter(target__evaluation__in=self.managed(), pk__in=chosen)
        if in_scope.count() != len(chosen):
            raise Http404
        approve = form.cleaned_data["decision"] == "approve"
        try:
            n = services.free_texts_moderate(free_texts=chosen, approve=approve, access=self.access)
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            if approve:
                text = ngettext("%(n)s comment approved.", "%(n)s comments approved.", n)
            else:
                text = ngettext("%(n)s comment rejected.", "%(n)s comments rejected.", n)
            messages.success(request, text % {"n": n})
        return redirect(request.get_full_path())


class ResultsView(AccessRequiredMixin, DetailView):
    """Results once the evaluation is closed; per branch or member only from ``min_ballots``
    ballots; approved comments only. A secretary sees the own branch and its members."""

    permission = "evaluations.results"
    template_name = "evaluations/results.html"
    context_object_name = "evaluation"

    def get_queryset(self):
        visible = selectors.evaluations_for(self.access, self.permission).exclude(
            status=Evaluation.Status.DRAFT
        )
        return visible.select_related("campaign_year")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        e = self.object
        targets = selectors.targets_for(self.access, self.permission, e)
        results = selectors.evaluation_results(evaluation=e, targets=targets)
        context.update(
            closed=e.status == Evaluation.Status.CLOSED,
            branch_results=[r for r in results if not r.target.person_id],
            member_results=[r for r in results if r.target.person_id],
            turnout=selectors.turnout(e),
            can_moderate=selectors.evaluations_for(self.access, "evaluations.manage")
            .filter(pk=e.pk)
            .exists(),
        )
        return context


# --- The voter --------------------------------------------------------------------------


class VoterMixin(AccessRequiredMixin):
    """The evaluation is found only among those the user is on the roll of (else 404)."""

    permission = "evaluations.vote"

    def get_evaluation(self) -> Evaluation:
        if not hasattr(self, "evaluation"):
            mine = self.restrict(
                selectors.voting_evaluations(self.access.person), branch="", committee="committee"
            ).exclude(status=Evaluation.Status.DRAFT)
            self.evaluation = get_object_or_404(mine, pk=self.kwargs["pk"])
        return self.evaluation

    def ballot_box(self) -> Evaluation | None:
        """The evaluation as a ballot POST needs it, without a query (issue 17: intake at 300/s):
        its key and institute, the institute known once per process. The scope of
        ``get_evaluation`` is checked here (another institute's evaluation is never written to);
        the roll, the status and the window are read by ``ballot_cast`` in its one read under the
        evaluation's lock. None when this cannot decide (no person, no such evaluation, another
        institute): ``get_evaluation`` then decides, with its 404."""
        person = self.access.person
        committee_id = selectors.evaluation_committee_id(self.kwargs["pk"])
        if person is None or committee_id is None:
            return None
        if not self.access.reaches_institute(self.permission, committee_id):
            return None
        return Evaluation(pk=self.kwargs["pk"], committee_id=committee_id)


class MyEvaluationsView(AccessRequiredMixin, TemplateView):
    """The ballots a person may cast (evaluations and appraisal votes) and the own grades."""

    permission = "evaluations.vote"
    template_name = "evaluations/mine.html"

    def get_context_data(self, **kwargs):
        rolls, appraisal_rolls = selectors.my_rolls(self.access)
        return super().get_context_data(
            rolls=rolls,
            appraisal_rolls=appraisal_rolls,
            grades=list(selectors.my_grades(self.access.person)),
            today=timezone.localdate(),
            **kwargs,
        )


# Error reports (mail to ADMINS, Sentry…) would otherwise carry the answers next to the user.
@method_decorator(sensitive_post_parameters(), name="dispatch")
class BallotView(VoterMixin, FormView):
    template_name = "evaluations/ballot.html"
    form_class = BallotForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "questionnaire": selectors.questionnaire(self.get_evaluation())}

    def get_context_data(self, **kwargs):
        evaluation = self.get_evaluation()
        has_voted = selectors.has_voted(evaluation, self.access.person)
        return super().get_context_data(
            evaluation=evaluation,
            has_voted=has_voted,
            accepts=evaluation.accepts_ballots(timezone.localdate()),
            options=Satisfaction.choices,
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        """A well-formed ballot goes straight to the service, which checks every answer against
        the ballot box's keys in its one read (issue 17: intake at 300/s): building the form of
        the whole questionnaire for it cost a query and a third of the request, looking the
        evaluation up another sixth (``ballot_box``). Anything the service refuses takes the
        form's way, which redisplays the page with its messages and everything the voter chose
        or typed."""
        evaluation = self.ballot_box()
        parsed = ballot_from_post(request.POST)
        if evaluation is not None and parsed is not None:
            try:
                services.ballot_cast(
                    evaluation=evaluation, person=self.access.person, answers=parsed[0], texts=parsed[1]
                )
            except (ValidationError, PermissionDenied, Evaluation.DoesNotExist) as error:
                if getattr(error, "code", None) == "already_voted":
                    return redirect("evaluations:thanks", evaluation.pk)
            else:
                return redirect("evaluations:thanks", evaluation.pk)
        # Anything refused, or not decided above: the evaluation looked up with its scope and
        # roll (404 for what the voter may not see), the form built, its messages shown.
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            services.ballot_cast(
                evaluation=self.get_evaluation(),
                person=self.access.person,
                answers=form.answers(),
                texts=form.texts(),
            )
        except (ValidationError, PermissionDenied) as error:
            if getattr(error, "code", None) != "already_voted":
                form.add_error(None, error.messages if isinstance(error, ValidationError) else str(error))
                return self.form_invalid(form)
        # A counted ballot and a repeat get the same answer (an access log cannot tell them
        # apart); the page it leads to reads the state.
        return redirect("evaluations:thanks", self.get_evaluation().pk)


class BallotThanksView(VoterMixin, TemplateView):
    """After a ballot, and after a repeat: the same page, from the state (voted or not)."""

    template_name = "evaluations/thanks.html"

    def get_context_data(self, **kwargs):
        evaluation = self.get_evaluation()
        return super().get_context_data(
            title=evaluation.title,
            has_voted=selectors.has_voted(evaluation, self.access.person),
            mix_size=services.ballots.mix_size() if services.ballots.mix_size() > 1 else None,
            ballot_url=reverse("evaluations:ballot", args=[evaluation.pk]),
            back=reverse("evaluations:mine"),
            **kwargs,
        )
