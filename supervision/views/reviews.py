"""Pages of the semi-annual reviews (半年点评): the rounds (about a whole institute) and the
reviews (reached by branch, or the own for a member)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import DetailView, FormView, ListView

from branches.models import Branch
from core.audit import object_history
from core.forms import add_service_errors

from .. import selectors, services
from ..filters import ReviewFilterSet
from ..forms import AcknowledgeForm, ReviewRoundOpenForm, ReviewWriteForm
from ..models import Review, ReviewRound
from ..workflow import REVIEW
from .base import SupervisionMixin


class ReviewTableMixin:
    """A page with the table of reviews (``_review_table.html``): each row's buttons are the
    actions ``workflow.REVIEW`` allows the reader, of those the page ``offers``."""

    offers: frozenset[str] = frozenset()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        reviews = list(context["reviews"])  # the page's rows, loaded once
        for review in reviews:
            review.actions = REVIEW.actions(self.access, review) & self.offers
        context["reviews"] = reviews
        return context


# --- review rounds --------------------------------------------------------------------------


class ReviewRoundMixin(SupervisionMixin):
    model = ReviewRound
    section = "review_rounds"
    institute_only = True
    scope_permission = "reviews.view"


class ReviewRoundListView(ReviewRoundMixin, ListView):
    permission = "reviews.view"
    template_name = "supervision/review_round_list.html"
    context_object_name = "review_rounds"
    paginate_by = 40

    def get_queryset(self):
        return selectors.review_round_list(self.objects())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.access.reaches_institute("reviews.write"):
            years = self.years("reviews.write")
            context["open_form"] = ReviewRoundOpenForm(
                years=years, initial={"campaign_year": self.current_year(years)}
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
            review_round, created = services.review_round_open(access=self.access, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request, _("%(round)s: %(n)s reviews were added.") % {"round": review_round, "n": created}
        )
        return redirect("supervision:review_round_detail", review_round.pk)


class ReviewRoundDetailView(ReviewTableMixin, ReviewRoundMixin, ListView):
    """The round's reviews, to write one after the other."""

    offers = frozenset({"write"})
    permission = "reviews.view"
    template_name = "supervision/review_round_detail.html"
    context_object_name = "reviews"
    paginate_by = 50

    @cached_property
    def review_round(self):
        return get_object_or_404(selectors.review_round_list(self.objects()), pk=self.kwargs["pk"])

    def get_queryset(self):
        self.filterset = ReviewFilterSet(
            self.request.GET or None,
            queryset=selectors.review_list(self.review_round.reviews.all()),
            branches=selectors.round_branches(self.review_round),
            general_branches=selectors.round_general_branches(self.review_round),
        )
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        committee_id = self.review_round.campaign_year.campaign.committee_id
        return super().get_context_data(
            review_round=self.review_round,
            filter_form=self.filterset.form,
            can_draft=self.access.reaches_institute("reviews.write", committee_id),
            **kwargs,
        )


# --- reviews --------------------------------------------------------------------------------


class ReviewMixin(SupervisionMixin):
    # A member's grant is over the own records (scope "person"); a secretary's over the branch
    # or general branch; a general branch's own review is reached through its general branch
    # only (``Access.unit_q`` without ``through_branches``): another one's is a 404.
    model = Review
    section = "reviews"
    person = "person"

    def objects(self):
        permission = self.scope_permission or self.permission
        units = self.access.unit_q(permission)
        own = self.access.scope_q(permission, person=self.person)
        if units is None or own is None:
            return Review.objects.all()
        return Review.objects.filter(units | own)


class ReviewActionMixin(ReviewMixin):
    """A page acting on one review (write, acknowledge)."""

    @cached_property
    def review(self):
        return get_object_or_404(selectors.review_detail(self.objects()), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(review=self.review, **kwargs)

    def refuse_get(self, action: str):
        """On GET, an action the review's state refuses goes back to it with the reason."""
        refusal = self.refused_now(REVIEW, self.review, action)
        if refusal is None:
            return None
        messages.warning(self.request, refusal)
        return redirect("supervision:review_detail", self.review.pk)


class ReviewIndexView(ReviewTableMixin, ReviewMixin, ListView):
    """The reviews the user may read: a member the own, a secretary the branch's and its
    members' (a general branch's secretary also its own and its branches'), the office all of its
    institute; to acknowledge them (writing is done from the round's page)."""

    offers = frozenset({"acknowledge"})

    permission = "reviews.view"
    template_name = "supervision/review_index.html"
    context_object_name = "reviews"
    paginate_by = 50

    def get_queryset(self):
        branches = self.restrict(Branch.objects.active(), branch="").order_by(*Branch.TREE_ORDER)
        reviews = selectors.review_list(self.objects()).order_by(
            "-round__campaign_year__year",
            "-round__half",
            *selectors.REVIEW_ORDER,
        )
        self.filterset = ReviewFilterSet(self.request.GET or None, queryset=reviews, branches=branches)
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        return super().get_context_data(filter_form=self.filterset.form, **kwargs)


class ReviewDetailView(ReviewMixin, DetailView):
    permission = "reviews.view"
    template_name = "supervision/review_detail.html"
    context_object_name = "review"

    def get_queryset(self):
        return selectors.review_detail(self.objects())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["actions"] = REVIEW.actions(self.access, self.object)
        # A review still to be written may hold the office's draft (bulk page): its versions are
        # the office's until the review is written, then everyone who sees history sees them.
        drafting = self.object.status == Review.Status.PENDING and "write" not in context["actions"]
        if self.access.has("history.view") and not drafting:
            context["history"] = object_history(self.object)
        return context


class ReviewWriteView(ReviewActionMixin, FormView):
    permission = "reviews.write"
    template_name = "supervision/review_write.html"
    form_class = ReviewWriteForm

    def get(self, request, *args, **kwargs):
        return self.refuse_get("write") or super().get(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "edits": self.review}

    def get_initial(self):
        r = self.review
        return {"achievements": r.achievements, "problems": r.problems, "direction": r.direction}

    def get_context_data(self, **kwargs):
        return super().get_context_data(next_pending=selectors.next_pending(self.review), **kwargs)

    def form_valid(self, form):
        try:
            services.review_write(access=self.access, review=self.review, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The review has been saved."))
        following = self.request.POST.get("next")
        if following and following.isdigit() and self.objects().filter(pk=following).exists():
            return redirect("supervision:review_write", int(following))
        return redirect("supervision:review_detail", self.review.pk)


class ReviewAcknowledgeView(ReviewActionMixin, FormView):
    permission = "reviews.acknowledge"
    template_name = "supervision/review_acknowledge.html"
    form_class = AcknowledgeForm

    def objects(self):
        return Review.objects.acknowledgeable_by(self.access)

    def get(self, request, *args, **kwargs):
        return self.refuse_get("acknowledge") or super().get(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            services.review_acknowledge(
                access=self.access, review=self.review, comment=form.cleaned_data["comment"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("You have acknowledged the review."))
        return redirect("supervision:review_detail", self.review.pk)
