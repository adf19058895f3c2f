"""Model posts (党员示范岗) of an institute: designate, review, withdraw."""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.views.generic import TemplateView

from core.forms import add_service_errors

from .. import forms, selectors, services
from ..models import ModelPost
from ..workflow import MODEL_POSTS
from .base import InlineActionView, YearMixin


class ModelPostsView(YearMixin, TemplateView):
    """The institute's model posts, and the form to designate one (the service refuses whoever
    may not, with a 403)."""

    permission = "awards.view"
    institute_only = True
    template_name = "awards/model_posts.html"

    def get_form(self):
        return forms.ModelPostForm(self.request.POST or None, people=selectors.model_post_people(self.year))

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", self.get_form())
        # Each post with the actions the workflow allows the reader on it (its buttons).
        posts = [
            (post, MODEL_POSTS.actions(self.access, post)) for post in selectors.model_posts_of(self.year)
        ]
        return super().get_context_data(posts=posts, review_form=forms.ModelPostReviewForm(), **kwargs)

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        if form.is_valid():
            try:
                services.model_post_designate(access=self.access, **form.cleaned_data)
                return self.back("model_posts")
            except ValidationError as error:
                add_service_errors(form, error)
        return self.render_to_response(self.get_context_data(form=form))


class ModelPostActionView(InlineActionView):
    permission = "awards.propose"
    institute_only = True
    back_to = "model_posts"
    action_forms = {"review": forms.ModelPostReviewForm, "withdraw": forms.ReasonForm}

    def get_form(self):
        form_class = self.action_forms.get(self.kwargs["action"])
        if form_class is None:
            raise Http404
        return form_class(self.request.POST)

    def act(self, form):
        post = get_object_or_404(
            ModelPost.objects.select_related("person"),
            pk=self.kwargs["pk"],
            branch__committee=self.year.campaign.committee_id,
        )
        if self.kwargs["action"] == "review":
            services.model_post_review(access=self.access, post=post, **form.cleaned_data)
        else:
            services.model_post_withdraw(access=self.access, post=post, reason=form.cleaned_data["reason"])
