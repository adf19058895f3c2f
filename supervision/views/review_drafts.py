"""The bulk page of a review round (issue 21): many general branches' and branches' reviews from
one common text."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import FormView

from core.forms import add_service_errors

from .. import selectors, services
from ..forms import ReviewDraftsForm
from ..models import Review
from .reviews import ReviewRoundMixin


class ReviewDraftsView(ReviewRoundMixin, FormView):
    permission = "reviews.write"
    template_name = "supervision/review_drafts.html"
    form_class = ReviewDraftsForm

    @cached_property
    def review_round(self):
        return get_object_or_404(
            self.objects().select_related("campaign_year__campaign"), pk=self.kwargs["pk"]
        )

    def reviews(self):
        """The round's general-branch and branch reviews still to be written: those a common text
        may fill; the general branches first, as on the round's page."""
        return (
            self.review_round.reviews.filter(
                kind__in=services.REVIEW_DRAFT_KINDS, status=Review.Status.PENDING
            )
            .select_related("general_branch", "branch__general_branch", "round__campaign_year__campaign")
            .order_by(*selectors.REVIEW_ORDER)
        )

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "reviews": self.reviews()}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            review_round=self.review_round, placeholders=services.PLACEHOLDERS, **kwargs
        )

    def form_valid(self, form):
        data = form.cleaned_data
        chosen = list(data["reviews"])
        texts = {k: data[k] for k in ("achievements", "problems", "direction")}
        try:
            if self.request.POST.get("step") != ReviewDraftsForm.SAVE:
                if not chosen:
                    raise ValidationError({"reviews": _("Choose at least one branch or general branch.")})
                preview = services.review_drafts_preview(reviews=chosen, **texts)
                return self.render_to_response(self.get_context_data(form=form, preview=preview))
            n = services.review_drafts_save(
                access=self.access, review_round=self.review_round, reviews=chosen, **texts
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("%(n)s drafts saved. Adjust each and write it: the branch sees a review once it is written.")
            % {"n": n},
        )
        return redirect(f"{self._round_url()}?status=pending")

    def _round_url(self):
        return reverse("supervision:review_round_detail", args=[self.review_round.pk])
