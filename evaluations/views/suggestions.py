"""The suggestion box: anyone of the institute drops a suggestion and reads the answered ones;
the office, or the secretary of the branch it is addressed to, handles and answers it."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.generic import DetailView, FormView, ListView, TemplateView

from branches.models import Branch
from core.audit import object_history
from core.forms import add_service_errors
from core.mixins import AccessRequiredMixin

from .. import selectors, services
from ..filters import SuggestionFilterSet
from ..forms import SuggestionAnswerForm, SuggestionForm, SuggestionTriageForm
from ..models import Suggestion
from ..workflow import SUGGESTION


class SuggestionListView(AccessRequiredMixin, ListView):
    """Answered suggestions of the own institute, with their answers: for every member of staff."""

    permission = "suggestions.submit"
    template_name = "evaluations/suggestion_list.html"
    context_object_name = "suggestions"
    paginate_by = 30

    def get_queryset(self):
        return (
            selectors.suggestions_for(self.access, self.permission)
            .filter(status=Suggestion.Status.ANSWERED)
            .select_related("branch", "answered_by__person")
            .order_by("-answered_on", "id")
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(can_triage=self.access.has("suggestions.triage"), **kwargs)


# Error reports (mail to ADMINS, Sentry…) would otherwise carry the answers next to the user.
@method_decorator(sensitive_post_parameters(), name="dispatch")
class SuggestionCreateView(AccessRequiredMixin, FormView):
    """Drop a suggestion. Nothing of the writer is passed to the service, nor logged, nor put in
    a message: the next page is a plain thank-you."""

    permission = "suggestions.submit"
    template_name = "evaluations/suggestion_form.html"
    form_class = SuggestionForm

    def branches(self):
        return selectors.branches_for(self.access, self.permission).order_by(
            "committee", "sort_order", "name"
        )

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "branches": self.branches()}

    def form_valid(self, form):
        branch = form.cleaned_data["branch"]
        person = self.access.person
        committee = branch.committee if branch else (person.committee if person else None)
        if committee is None:  # an administrator without a person record
            form.add_error("branch", _("Choose the branch the suggestion is for."))
            return self.form_invalid(form)
        try:
            services.suggestion_submit(committee=committee, branch=branch, text=form.cleaned_data["text"])
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        return redirect("evaluations:suggestion_thanks")


class SuggestionThanksView(AccessRequiredMixin, TemplateView):
    permission = "suggestions.submit"
    template_name = "evaluations/suggestion_thanks.html"


class SuggestionInboxView(AccessRequiredMixin, ListView):
    """Suggestions to handle: all of the institute for the office, the branch's for a secretary."""

    permission = "suggestions.triage"
    template_name = "evaluations/suggestion_inbox.html"
    context_object_name = "suggestions"
    paginate_by = 50

    def get_queryset(self):
        # Bound also without a query string, so that the default (not answered yet) applies.
        self.filterset = SuggestionFilterSet(
            self.request.GET, queryset=selectors.suggestion_inbox(self.access, self.permission)
        )
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        return super().get_context_data(filter_form=self.filterset.form, **kwargs)


class SuggestionHandleView(AccessRequiredMixin, DetailView):
    permission = "suggestions.triage"
    template_name = "evaluations/suggestion_handle.html"
    context_object_name = "suggestion"

    def get_queryset(self):
        return selectors.suggestions_for(self.access, self.permission).select_related("branch", "answered_by")

    def can_readdress(self, suggestion) -> bool:
        """Only the office passes a suggestion on to another branch (or back to itself)."""
        return "readdress" in SUGGESTION.actions(self.access, suggestion)

    def triage_form(self, suggestion, data=None):
        branches = (
            Branch.objects.active()
            .filter(committee_id=suggestion.committee_id)
            .order_by("sort_order", "name")
        )
        return SuggestionTriageForm(data, branches=branches, initial={"branch": suggestion.branch_id})

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        suggestion = self.object
        context.setdefault("answer_form", SuggestionAnswerForm(initial={"answer": suggestion.answer}))
        context["can_readdress"] = self.can_readdress(suggestion)
        if context["can_readdress"]:
            context.setdefault("triage_form", self.triage_form(suggestion))
        context["history"] = object_history(suggestion)
        return context

    def post(self, request, *args, **kwargs):
        self.object = suggestion = self.get_object()
        action = request.POST.get("action")
        try:
            if action == "answer":
                form = SuggestionAnswerForm(request.POST)
                if not form.is_valid():
                    return self.render_to_response(self.get_context_data(answer_form=form))
                services.suggestion_answer(
                    suggestion=suggestion, answer=form.cleaned_data["answer"], access=self.access
                )
                messages.success(request, _("The answer is published."))
            elif action == "triage":
                readdress = self.can_readdress(suggestion)
                branch = None
                if readdress:
                    form = self.triage_form(suggestion, request.POST)
                    if not form.is_valid():
                        return self.render_to_response(self.get_context_data(triage_form=form))
                    branch = form.cleaned_data["branch"]
                services.suggestion_triage(
                    suggestion=suggestion, access=self.access, readdress=readdress, branch=branch
                )
                messages.success(request, _("The suggestion is being handled."))
            else:
                return redirect("evaluations:suggestion_handle", suggestion.pk)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        # Passed on to another branch, it may now be out of the handler's reach.
        if not self.get_queryset().filter(pk=suggestion.pk).exists():
            return redirect("evaluations:suggestion_inbox")
        return redirect("evaluations:suggestion_handle", suggestion.pk)
