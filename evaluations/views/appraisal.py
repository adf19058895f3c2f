"""Democratic appraisal pages: the secretary runs the branch's appraisal; members vote."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.debug import sensitive_post_parameters
from django.views.generic import DetailView, FormView, ListView, TemplateView

from branches.models import Branch, Person
from campaigns.models import CampaignYear
from core.audit import object_history
from core.forms import add_service_errors
from core.mixins import AccessRequiredMixin

from .. import selectors, services
from ..forms import (
    AppraisalBallotForm,
    AppraisalStartForm,
    AssessmentForm,
    ConfirmForm,
    GradesForm,
    OwnAssessmentForm,
)
from ..models import Appraisal, Grade, SelfAssessment
from ..services.appraisal_ballots import appraisal_batch_size
from ..workflow import APPRAISAL


class AppraisalListView(AccessRequiredMixin, ListView):
    permission = "appraisal.view"
    template_name = "evaluations/appraisal_list.html"
    context_object_name = "appraisals"
    paginate_by = 50

    def get_queryset(self):
        return (
            selectors.appraisals_for(self.access, self.permission)
            .select_related("branch", "campaign_year")
            .order_by("-campaign_year__year", "branch__sort_order", "branch__name")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.access.has("appraisal.manage"):
            context["start_form"] = start_form(self.access)
        return context


def start_form(access, data=None):
    branches = selectors.branches_for(access, "appraisal.manage").order_by("sort_order", "name")
    years = CampaignYear.objects.visible_to(access, "appraisal.manage")
    initial = {"campaign_year": years.first()}
    only = list(branches[:2])
    if len(only) == 1:  # a secretary of one branch has nothing to choose
        initial["branch"] = only[0]
    return AppraisalStartForm(data, branches=branches, years=years, initial=initial)


class AppraisalStartView(AccessRequiredMixin, TemplateView):
    permission = "appraisal.manage"
    template_name = "evaluations/appraisal_start.html"

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", start_form(self.access))
        return super().get_context_data(**kwargs)

    def post(self, request, *args, **kwargs):
        form = start_form(self.access, request.POST)
        if form.is_valid():
            try:
                appraisal = services.appraisal_start(
                    branch=form.cleaned_data["branch"],
                    campaign_year=form.cleaned_data["campaign_year"],
                    access=self.access,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return redirect("evaluations:appraisal_detail", appraisal.pk)
        return self.render_to_response(self.get_context_data(form=form))


class AppraisalMixin(AccessRequiredMixin):
    def get_appraisal(self) -> Appraisal:
        if not hasattr(self, "appraisal"):
            appraisals = selectors.appraisals_for(self.access, self.permission).select_related(
                "branch", "campaign_year"
            )
            self.appraisal = get_object_or_404(appraisals, pk=self.kwargs["pk"])
        return self.appraisal


class AppraisalDetailView(AppraisalMixin, DetailView):
    """The appraisal's stage, roll, assessments, vote and grades. The leading group sees the
    figures only, as on the branch page."""

    permission = "appraisal.view"
    template_name = "evaluations/appraisal_detail.html"
    context_object_name = "appraisal"

    def get_object(self, queryset=None):
        return self.get_appraisal()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        appraisal = self.object
        branch = Branch.objects.filter(pk=appraisal.branch_id)
        with_people = self.access.restrict(branch, "people.view", branch="").exists()
        page = selectors.appraisal_page(appraisal, with_people=with_people)
        # Ballots waiting in the pool count as cast (their voters are marked once counted).
        page["voted"] += services.appraisal_pool_size(appraisal=appraisal)
        context.update(page)
        context.update(
            can_manage=bool(APPRAISAL.parts(self.access, appraisal)),
            actions=APPRAISAL.actions(self.access, appraisal),
            with_people=with_people,
            warning=services.excellent_warning(excellent=page["excellent"], roll_size=page["roll_size"]),
            batch=appraisal_batch_size(),
            history=object_history(appraisal) if with_people else None,
        )
        return context


class ManageAppraisalMixin(AppraisalMixin):
    permission = "appraisal.manage"


class AssessmentRecordView(ManageAppraisalMixin, FormView):
    """Record a self-assessment (first stage) or a peer assessment (second stage)."""

    template_name = "evaluations/appraisal_assessment.html"
    form_class = AssessmentForm

    def peer(self) -> bool:
        return self.get_appraisal().status == Appraisal.Status.PEER_ASSESSMENT

    def get(self, request, *args, **kwargs):
        try:
            APPRAISAL.authorize(self.access, self.get_appraisal(), "record")
        except ValidationError as error:
            messages.warning(request, " ".join(error.messages))
            return redirect("evaluations:appraisal_detail", self.get_appraisal().pk)
        return super().get(request, *args, **kwargs)

    def get_form_kwargs(self):
        roll = Person.objects.filter(pk__in=self.get_appraisal().voters.values("person")).order_by(
            "employee_no"
        )
        return {**super().get_form_kwargs(), "roll": roll, "peer": self.peer()}

    def get_context_data(self, **kwargs):
        return super().get_context_data(appraisal=self.get_appraisal(), peer=self.peer(), **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        appraisal = self.get_appraisal()
        try:
            if self.peer():
                services.peer_assessment_record(
                    appraisal=appraisal,
                    about=data["about"],
                    by=data["by"],
                    text=data["text"],
                    access=self.access,
                )
            else:
                services.self_assessment_record(
                    appraisal=appraisal, person=data["about"], text=data["text"], access=self.access
                )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Recorded."))
        return redirect("evaluations:appraisal_assessment", appraisal.pk)


class AppraisalAdvanceView(ManageAppraisalMixin, View):
    """Each stage ends for good (a reopened vote would tell, by difference, how late voters
    voted): the detail page names what the next step ends and the POST must confirm it."""

    def post(self, request, *args, **kwargs):
        appraisal = self.get_appraisal()
        form = ConfirmForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(form.errors.get("confirm", [])))
            return redirect("evaluations:appraisal_detail", appraisal.pk)
        try:
            services.appraisal_advance(appraisal=appraisal, access=self.access)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, _("The appraisal is now at “%(stage)s”.") % {"stage": appraisal.get_status_display()}
            )
        return redirect("evaluations:appraisal_detail", appraisal.pk)


class AppraisalGradesView(ManageAppraisalMixin, TemplateView):
    """The branch committee's grades with reasons, beside the vote's tallies."""

    template_name = "evaluations/appraisal_grades.html"

    def form(self, data=None):
        appraisal = self.get_appraisal()
        roll = list(appraisal.voters.select_related("person").order_by("person__employee_no"))
        existing = {g.person_id: g for g in appraisal.grades.all()}
        return GradesForm(data, roll=roll, existing=existing)

    def get_context_data(self, **kwargs):
        appraisal = self.get_appraisal()
        form = kwargs.pop("form", None) or self.form()
        page = selectors.appraisal_page(appraisal, with_people=True)
        rows = [
            (row, form[f"grade-{row.voter.person_id}"], form[f"reason-{row.voter.person_id}"])
            for row in page["rows"]
        ]
        return super().get_context_data(
            appraisal=appraisal,
            form=form,
            rows=rows,
            editable="grade" in APPRAISAL.actions(self.access, appraisal),
            warning=services.excellent_warning(excellent=page["excellent"], roll_size=page["roll_size"]),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        form = self.form(request.POST)
        if form.is_valid():
            try:
                services.appraisal_grades_set(
                    appraisal=self.get_appraisal(), grades=form.grades(), access=self.access
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                # The page asked for a confirmation before saving more than a third “Excellent”;
                # the service's warning stays for those who save without the page.
                messages.success(request, _("The grades are saved."))
                return redirect("evaluations:appraisal_grades", self.get_appraisal().pk)
        return self.render_to_response(self.get_context_data(form=form))


# --- The member's vote ------------------------------------------------------------------


class AppraisalVoterMixin(AccessRequiredMixin):
    """The appraisal is found only among those the user is on the roll of (else 404)."""

    permission = "evaluations.vote"

    def get_appraisal(self) -> Appraisal:
        if not hasattr(self, "appraisal"):
            mine = self.restrict(
                selectors.voting_appraisals(self.access.person), committee="branch__committee", branch=""
            )
            self.appraisal = get_object_or_404(
                mine.select_related("branch", "campaign_year"), pk=self.kwargs["pk"]
            )
        return self.appraisal


# Error reports (mail to ADMINS, Sentry…) would otherwise carry the answers next to the user.
@method_decorator(sensitive_post_parameters(), name="dispatch")
class AppraisalVoteView(AppraisalVoterMixin, FormView):
    template_name = "evaluations/appraisal_vote.html"
    form_class = AppraisalBallotForm

    def get_form_kwargs(self):
        appraisal = self.get_appraisal()
        others = Person.objects.filter(pk__in=appraisal.voters.values("person")).exclude(
            pk=self.access.person.pk
        )
        return {**super().get_form_kwargs(), "members": list(others.order_by("employee_no"))}

    def get_context_data(self, **kwargs):
        appraisal = self.get_appraisal()
        return super().get_context_data(
            appraisal=appraisal,
            has_voted=services.appraisal_has_voted(appraisal=appraisal, person=self.access.person),
            accepts=appraisal.status == Appraisal.Status.VOTING,
            grades=Grade.choices,
            **kwargs,
        )

    def form_valid(self, form):
        try:
            services.appraisal_ballot_cast(
                appraisal=self.get_appraisal(), person=self.access.person, grades=form.grades()
            )
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, error.messages if isinstance(error, ValidationError) else str(error))
            return self.form_invalid(form)
        return redirect("evaluations:appraisal_thanks", self.get_appraisal().pk)


class AppraisalThanksView(AppraisalVoterMixin, TemplateView):
    template_name = "evaluations/thanks.html"

    def get_context_data(self, **kwargs):
        appraisal = self.get_appraisal()
        return super().get_context_data(title=str(appraisal), **kwargs)


class AppraisalOwnAssessmentView(AppraisalVoterMixin, FormView):
    """A member on the roll writes their own self-assessment while that stage lasts (issue 21);
    afterwards the page shows what was written."""

    template_name = "evaluations/appraisal_own.html"
    form_class = OwnAssessmentForm

    def existing(self):
        if not hasattr(self, "_existing"):
            self._existing = SelfAssessment.objects.filter(
                appraisal=self.get_appraisal(), person=self.access.person
            ).first()
        return self._existing

    def get_initial(self):
        return {"text": self.existing().text} if self.existing() else {}

    def get_context_data(self, **kwargs):
        appraisal = self.get_appraisal()
        return super().get_context_data(
            appraisal=appraisal,
            existing=self.existing(),
            writable=appraisal.status == Appraisal.Status.SELF_ASSESSMENT,
            **kwargs,
        )

    def form_valid(self, form):
        try:
            services.self_assessment_write(
                appraisal=self.get_appraisal(), text=form.cleaned_data["text"], access=self.access
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Your self-assessment is saved."))
        return redirect("evaluations:appraisal_own", self.get_appraisal().pk)
