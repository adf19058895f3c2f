"""Pages of supervision (督查) and semi-annual reviews (半年点评). Thin: each declares its
permission, narrows its queryset to the user's reach (another branch's object is a 404) and
hands writes to ``services``."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import DetailView, FormView, ListView

from accounts.access import get_access
from branches.models import Branch, Person
from branches.selectors import history_rows
from campaigns.models import CampaignYear
from core.evidence import evidence_response
from core.mixins import AccessRequiredMixin

from . import selectors, services
from .forms import (
    AcknowledgeForm,
    ConcludeForm,
    DecisionForm,
    DrawForm,
    InspectionFilterForm,
    InspectionForm,
    ReplyForm,
    ReviewFilterForm,
    ReviewRoundOpenForm,
    ReviewWriteForm,
    RoundForm,
)
from .models import Inspection, InspectionEvidence, Review, ReviewRound, SpotCheckDraw, SupervisionRound
from .permissions import restrict_institute


def form_errors(form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: on the field it names when the form has it."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            for e in errors:
                form.add_error(field if field in form.fields else None, e)
    else:
        for message in error.messages:
            form.add_error(None, message)


class SupervisionMixin(AccessRequiredMixin):
    """Adds the section's navigation and the years the user's institutes have."""

    institute_only = False  # the page is about a whole institute: branch scopes are refused
    section = ""

    def dispatch(self, request, *args, **kwargs):
        if self.institute_only and request.user.is_authenticated:
            access = get_access(request)
            if access.has(self.permission) and not access.reaches_institute(self.permission):
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def years(self, permission=None):
        years = CampaignYear.objects.select_related("campaign").order_by("-year", "pk")
        permission = permission or self.permission
        if self.access.reaches_institute(permission):
            return restrict_institute(years, self.access, permission, committee="campaign__committee")
        # A secretary: the years of the campaigns of the institutes of the own branches.
        branches = self.access.restrict(Branch.objects.all(), permission, branch="")
        return years.filter(campaign__committee__in=branches.values("committee"))

    def current_year(self, years):
        today = timezone.localdate()
        years = list(years)
        return next((y for y in years if y.year == today.year), years[0] if years else None)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sv_nav"] = {
            "inspections": self.access.has("supervision.view"),
            "institute": self.access.reaches_institute("supervision.view"),
            "review_rounds": self.access.reaches_institute("reviews.view"),
            "reviews": self.access.has("reviews.view"),
        }
        context["today"] = timezone.localdate()
        context["section"] = self.section
        return context


# --- inspections ----------------------------------------------------------------------------


class InspectionMixin(SupervisionMixin):
    section = "inspections"

    def inspections(self, permission=None):
        return self.restrict(Inspection.objects.all(), permission=permission)

    def get_inspection(self, queryset=None):
        queryset = queryset if queryset is not None else self.inspections()
        return get_object_or_404(
            queryset.select_related("branch", "campaign_year__campaign"), pk=self.kwargs["pk"]
        )


class InspectionListView(InspectionMixin, ListView):
    permission = "supervision.view"
    template_name = "supervision/inspection_list.html"
    context_object_name = "inspections"
    paginate_by = 50

    def get_queryset(self):
        years = self.years()
        branches = self.restrict(Branch.objects.active(), branch="").order_by("name")
        self.filter_form = InspectionFilterForm(self.request.GET or None, years=years, branches=branches)
        inspections = selectors.inspection_list(self.inspections())
        if self.filter_form.is_valid():
            data = self.filter_form.cleaned_data
            if data["year"]:
                inspections = inspections.filter(campaign_year=data["year"])
            if data["branch"]:
                inspections = inspections.filter(branch=data["branch"])
            if data["kind"]:
                inspections = inspections.filter(kind=data["kind"])
            if data["status"]:
                inspections = inspections.filter(status=data["status"])
            if data["overdue"]:
                inspections = inspections.overdue(timezone.localdate())
        return inspections

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            filter_form=self.filter_form,
            can_create=self.access.reaches_institute("supervision.change"),
            **kwargs,
        )


class InspectionFormMixin(InspectionMixin):
    permission = "supervision.change"
    template_name = "supervision/inspection_form.html"
    form_class = InspectionForm

    def inspectors(self, years):
        """Who may be named as inspector: the office and leading group of the institutes."""
        committees = years.values("campaign__committee")
        return (
            Person.objects.filter(
                Q(office_seats__campaign__committee__in=committees)
                | Q(leading_group_seats__campaign__committee__in=committees)
            )
            .distinct()
            .order_by("name")
        )


class InspectionCreateView(InspectionFormMixin, FormView):
    institute_only = True

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        years = self.years()
        kwargs.update(
            years=years,
            branches=self.restrict(Branch.objects.active(), branch="").order_by("name"),
            inspectors=self.inspectors(years),
        )
        return kwargs

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
            inspection = services.inspection_create(actor=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            form_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The inspection has been recorded."))
        return redirect("supervision:inspection_detail", inspection.pk)


class InspectionEditView(InspectionFormMixin, FormView):
    @cached_property
    def inspection(self):
        return self.get_inspection()

    def get(self, request, *args, **kwargs):
        if self.inspection.status != Inspection.Status.OPEN:
            messages.warning(request, _("Only an open inspection can be changed."))
            return redirect("supervision:inspection_detail", self.inspection.pk)
        return super().get(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        years = CampaignYear.objects.filter(pk=self.inspection.campaign_year_id)
        kwargs.update(
            years=years,
            branches=Branch.objects.none(),
            inspectors=self.inspectors(years),
            editing=True,
            edits=self.inspection,
        )
        return kwargs

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

    def get_context_data(self, **kwargs):
        return super().get_context_data(inspection=self.inspection, **kwargs)

    def form_valid(self, form):
        try:
            services.inspection_update(
                actor=self.request.user, inspection=self.inspection, **form.cleaned_data
            )
        except ValidationError as error:
            form_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The inspection has been saved."))
        return redirect("supervision:inspection_detail", self.inspection.pk)


class InspectionDetailView(InspectionMixin, DetailView):
    permission = "supervision.view"
    template_name = "supervision/inspection_detail.html"
    context_object_name = "inspection"

    def get_queryset(self):
        return selectors.inspection_detail(self.inspections())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        inspection = self.object
        here = Inspection.objects.filter(pk=inspection.pk)
        may_change = self.restrict(here, permission="supervision.change").exists()
        may_reply = self.restrict(here, permission="supervision.reply").exists()
        context.update(
            can_edit=may_change and inspection.status == Inspection.Status.OPEN,
            can_decide=may_change
            and (
                inspection.status == Inspection.Status.REPLIED
                or (inspection.status == Inspection.Status.OPEN and inspection.rectification_due is None)
            ),
            can_reply=may_reply and inspection.status == Inspection.Status.OPEN and bool(inspection.findings),
            is_overdue=inspection.is_overdue(timezone.localdate()),
        )
        if self.access.has("history.view"):
            context["history"] = history_rows(inspection)
        return context


class InspectionReplyView(InspectionMixin, FormView):
    permission = "supervision.reply"
    template_name = "supervision/inspection_reply.html"
    form_class = ReplyForm

    @cached_property
    def inspection(self):
        return self.get_inspection()

    def get(self, request, *args, **kwargs):
        if self.inspection.status != Inspection.Status.OPEN or not self.inspection.findings:
            messages.warning(request, _("This inspection is not waiting for a reply."))
            return redirect("supervision:inspection_detail", self.inspection.pk)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(inspection=self.inspection, **kwargs)

    def form_valid(self, form):
        try:
            services.inspection_reply(
                actor=self.request.user,
                inspection=self.inspection,
                reply=form.cleaned_data["reply"],
                files=form.cleaned_data["files"],
            )
        except ValidationError as error:
            form_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Your reply has been sent to the campaign office."))
        return redirect("supervision:inspection_detail", self.inspection.pk)


class InspectionDecideView(InspectionMixin, FormView):
    """The office closes the inspection, or returns the branch's reply."""

    permission = "supervision.change"
    template_name = "supervision/inspection_decide.html"
    form_class = DecisionForm

    @cached_property
    def inspection(self):
        return self.get_inspection()

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "can_return": self.inspection.status == Inspection.Status.REPLIED,
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(inspection=self.inspection, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            if data["decision"] == DecisionForm.RETURN:
                services.inspection_return(
                    actor=self.request.user, inspection=self.inspection, comment=data["comment"]
                )
                messages.success(self.request, _("The reply has been returned to the branch."))
            else:
                services.inspection_close(
                    actor=self.request.user, inspection=self.inspection, comment=data["comment"]
                )
                messages.success(self.request, _("The inspection has been closed."))
        except ValidationError as error:
            form_errors(form, error)
            return self.form_invalid(form)
        return redirect("supervision:inspection_detail", self.inspection.pk)


class EvidenceDownloadView(AccessRequiredMixin, DetailView):
    """Closing evidence, only for those who may see the inspection (never a public media URL)."""

    permission = "supervision.view"

    def get_queryset(self):
        return self.restrict(InspectionEvidence.objects.all(), branch="inspection__branch")

    def get(self, request, *args, **kwargs):
        evidence = self.get_object()
        return evidence_response(evidence)


# --- spot checks ----------------------------------------------------------------------------


class DrawMixin(SupervisionMixin):
    section = "draws"
    institute_only = True

    def draws(self):
        return restrict_institute(
            SpotCheckDraw.objects.all(),
            self.access,
            "supervision.view",
            committee="campaign_year__campaign__committee",
        )


class DrawListView(DrawMixin, ListView):
    permission = "supervision.view"
    template_name = "supervision/draw_list.html"
    context_object_name = "draws"
    paginate_by = 50

    def get_queryset(self):
        return selectors.draw_list(self.draws())

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            can_draw=self.access.reaches_institute("supervision.change"), **kwargs
        )


class DrawCreateView(DrawMixin, FormView):
    permission = "supervision.change"
    template_name = "supervision/draw_form.html"
    form_class = DrawForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "years": self.years()}

    def get_initial(self):
        return {"campaign_year": self.current_year(self.years()), "sample_size": 3}

    def form_valid(self, form):
        try:
            draw = services.spot_check_draw_create(actor=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            form_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The sample has been drawn and recorded."))
        return redirect("supervision:draw_detail", draw.pk)


class DrawDetailView(DrawMixin, DetailView):
    permission = "supervision.view"
    template_name = "supervision/draw_detail.html"
    context_object_name = "draw"

    def get_queryset(self):
        return self.draws().select_related("campaign_year", "drawn_by__person")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        draw = self.object
        rederived = services.spot_check_redraw(draw)
        context.update(
            selectors.draw_members(draw),
            rederived=rederived,
            reproducible=rederived == draw.result,
            inspections=draw.inspections.select_related("branch").order_by("branch__name"),
        )
        return context


# --- quarterly supervision rounds -----------------------------------------------------------


class RoundMixin(SupervisionMixin):
    section = "rounds"
    institute_only = True

    def rounds(self):
        return restrict_institute(
            SupervisionRound.objects.all(),
            self.access,
            "supervision.view",
            committee="campaign_year__campaign__committee",
        )


class RoundListView(RoundMixin, ListView):
    permission = "supervision.view"
    template_name = "supervision/round_list.html"
    context_object_name = "rounds"
    paginate_by = 40

    def get_queryset(self):
        return selectors.round_list(self.rounds()).order_by("-campaign_year__year", "-quarter")

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
            supervision_round = services.supervision_round_create(
                actor=self.request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form_errors(form, error)
            return self.form_invalid(form)
        return redirect("supervision:round_detail", supervision_round.pk)


class RoundDetailView(RoundMixin, DetailView):
    permission = "supervision.view"
    template_name = "supervision/round_detail.html"
    context_object_name = "round"

    def get_queryset(self):
        return selectors.round_list(self.rounds()).select_related("campaign_year__campaign")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        supervision_round = self.object
        context["rows"] = selectors.round_rows(supervision_round, today=timezone.localdate())
        context["can_conclude"] = (
            supervision_round.status == SupervisionRound.Status.OPEN
            and self.access.reaches_institute(
                "supervision.change", supervision_round.campaign_year.campaign.committee_id
            )
        )
        context["conclude_form"] = ConcludeForm()
        if self.access.has("history.view"):
            context["history"] = history_rows(supervision_round)
        return context


class RoundConcludeView(RoundMixin, FormView):
    permission = "supervision.change"
    template_name = "supervision/round_conclude.html"
    form_class = ConcludeForm

    @cached_property
    def supervision_round(self):
        return get_object_or_404(
            self.rounds().select_related("campaign_year__campaign"), pk=self.kwargs["pk"]
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(round=self.supervision_round, **kwargs)

    def form_valid(self, form):
        try:
            services.supervision_round_conclude(
                actor=self.request.user,
                supervision_round=self.supervision_round,
                summary=form.cleaned_data["summary"],
            )
        except ValidationError as error:
            form_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The round has been concluded."))
        return redirect("supervision:round_detail", self.supervision_round.pk)


# --- semi-annual reviews --------------------------------------------------------------------


class ReviewRoundMixin(SupervisionMixin):
    section = "review_rounds"
    institute_only = True

    def review_rounds(self):
        return restrict_institute(
            ReviewRound.objects.all(),
            self.access,
            "reviews.view",
            committee="campaign_year__campaign__committee",
        )


class ReviewRoundListView(ReviewRoundMixin, ListView):
    permission = "reviews.view"
    template_name = "supervision/review_round_list.html"
    context_object_name = "review_rounds"
    paginate_by = 40

    def get_queryset(self):
        return selectors.review_round_list(self.review_rounds())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.access.reaches_institute("reviews.write"):
            context["open_form"] = ReviewRoundOpenForm(
                years=self.years("reviews.write"),
                initial={"campaign_year": self.current_year(self.years("reviews.write"))},
            )
        return context


class ReviewRoundOpenView(ReviewRoundMixin, FormView):
    """Open a round before its date, or add the reviews of branches and members added since."""

    permission = "reviews.write"
    template_name = "supervision/review_round_open.html"
    form_class = ReviewRoundOpenForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "years": self.years()}

    def form_valid(self, form):
        try:
            review_round, created = services.review_round_open(actor=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            form_errors(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request, _("%(round)s: %(n)s reviews were added.") % {"round": review_round, "n": created}
        )
        return redirect("supervision:review_round_detail", review_round.pk)


class ReviewRoundDetailView(ReviewRoundMixin, ListView):
    permission = "reviews.view"
    template_name = "supervision/review_round_detail.html"
    context_object_name = "reviews"
    paginate_by = 50

    @cached_property
    def review_round(self):
        return get_object_or_404(selectors.review_round_list(self.review_rounds()), pk=self.kwargs["pk"])

    def get_queryset(self):
        branches = Branch.objects.filter(reviews__round=self.review_round).distinct().order_by("name")
        self.filter_form = ReviewFilterForm(self.request.GET or None, branches=branches)
        reviews = selectors.review_list(self.review_round.reviews.all())
        if self.filter_form.is_valid():
            data = self.filter_form.cleaned_data
            if data["kind"]:
                reviews = reviews.filter(kind=data["kind"])
            if data["status"]:
                reviews = reviews.filter(status=data["status"])
            if data["branch"]:
                reviews = reviews.filter(branch=data["branch"])
        return reviews

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            review_round=self.review_round,
            filter_form=self.filter_form,
            can_write=self.access.reaches_institute(
                "reviews.write", self.review_round.campaign_year.campaign.committee_id
            ),
            **kwargs,
        )


class ReviewMixin(SupervisionMixin):
    section = "reviews"

    def reviews(self):
        # A member's grant is over the own records (scope "person"); a secretary's over the branch.
        return self.restrict(Review.objects.all(), branch="branch", person="person")


class ReviewIndexView(ReviewMixin, ListView):
    """The reviews the user may read: a member the own, a secretary the branch's and its
    members', the office all of its institute."""

    permission = "reviews.view"
    template_name = "supervision/review_index.html"
    context_object_name = "reviews"
    paginate_by = 50

    def get_queryset(self):
        self.filter_form = ReviewFilterForm(
            self.request.GET or None,
            branches=self.restrict(Branch.objects.active(), branch="", permission="reviews.view").order_by(
                "name"
            ),
        )
        reviews = selectors.review_list(self.reviews()).order_by(
            "-round__campaign_year__year", "-round__half", "kind", "branch__name", "person__name", "pk"
        )
        if self.filter_form.is_valid():
            data = self.filter_form.cleaned_data
            if data["kind"]:
                reviews = reviews.filter(kind=data["kind"])
            if data["status"]:
                reviews = reviews.filter(status=data["status"])
            if data["branch"]:
                reviews = reviews.filter(branch=data["branch"])
        return reviews

    def get_context_data(self, **kwargs):
        to_ack = set(
            Review.objects.to_acknowledge().acknowledgeable_by(self.access).values_list("pk", flat=True)[:500]
        )
        return super().get_context_data(filter_form=self.filter_form, acknowledgeable=to_ack, **kwargs)


class ReviewDetailView(ReviewMixin, DetailView):
    permission = "reviews.view"
    template_name = "supervision/review_detail.html"
    context_object_name = "review"

    def get_queryset(self):
        return selectors.review_detail(self.reviews())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        review = self.object
        committee_id = review.round.campaign_year.campaign.committee_id
        context["can_write"] = review.status != Review.Status.ACKNOWLEDGED and self.access.reaches_institute(
            "reviews.write", committee_id
        )
        context["can_acknowledge"] = (
            review.status == Review.Status.WRITTEN
            and Review.objects.filter(pk=review.pk).acknowledgeable_by(self.access).exists()
        )
        if self.access.has("history.view"):
            context["history"] = history_rows(review)
        return context


class ReviewWriteView(ReviewMixin, FormView):
    permission = "reviews.write"
    template_name = "supervision/review_write.html"
    form_class = ReviewWriteForm

    @cached_property
    def review(self):
        return get_object_or_404(selectors.review_detail(self.reviews()), pk=self.kwargs["pk"])

    def get(self, request, *args, **kwargs):
        if self.review.status == Review.Status.ACKNOWLEDGED:
            messages.warning(request, _("An acknowledged review can no longer be changed."))
            return redirect("supervision:review_detail", self.review.pk)
        return super().get(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "edits": self.review}

    def get_initial(self):
        r = self.review
        return {"achievements": r.achievements, "problems": r.problems, "direction": r.direction}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(review=self.review, **kwargs)
        # The next review of the round still to be written, to go on with after saving.
        context["next_pending"] = (
            self.review.round.reviews.filter(status=Review.Status.PENDING)
            .exclude(pk=self.review.pk)
            .order_by("kind", "branch__name", "person__name", "pk")
            .values_list("pk", flat=True)
            .first()
        )
        return context

    def form_valid(self, form):
        try:
            services.review_write(actor=self.request.user, review=self.review, **form.cleaned_data)
        except ValidationError as error:
            form_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The review has been saved."))
        following = self.request.POST.get("next")
        if following and following.isdigit() and self.reviews().filter(pk=following).exists():
            return redirect("supervision:review_write", int(following))
        return redirect("supervision:review_detail", self.review.pk)


class ReviewAcknowledgeView(ReviewMixin, FormView):
    permission = "reviews.acknowledge"
    template_name = "supervision/review_acknowledge.html"
    form_class = AcknowledgeForm

    @cached_property
    def review(self):
        reviews = Review.objects.acknowledgeable_by(self.access)
        return get_object_or_404(selectors.review_detail(reviews), pk=self.kwargs["pk"])

    def get(self, request, *args, **kwargs):
        if self.review.status != Review.Status.WRITTEN:
            messages.warning(
                request, _("Only a written review that is not yet acknowledged can be acknowledged.")
            )
            return redirect("supervision:review_detail", self.review.pk)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(review=self.review, **kwargs)

    def form_valid(self, form):
        try:
            services.review_acknowledge(
                actor=self.request.user, review=self.review, comment=form.cleaned_data["comment"]
            )
        except ValidationError as error:
            form_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("You have acknowledged the review."))
        return redirect(reverse("supervision:review_detail", args=[self.review.pk]))
