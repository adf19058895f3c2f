"""What every page of a year shares: the year within reach, the links back, the small forms."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.generic import View

from campaigns.models import CampaignYear
from campaigns.selectors import pick_year
from core.forms import add_service_errors
from core.mixins import AccessRequiredMixin


class YearMixin(AccessRequiredMixin):
    """A page about one campaign year (``year`` in the URL) of an institute the permission
    reaches; ``institute_only`` pages refuse branch scopes (404)."""

    institute_only = False

    @cached_property
    def year(self):
        year = get_object_or_404(
            CampaignYear.objects.visible_to(self.access, self.permission), pk=self.kwargs["year"]
        )
        if self.institute_only and not self.access.reaches_institute(
            self.permission, year.campaign.committee_id
        ):
            raise Http404
        return year

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["year"] = self.year
        context["year_can"] = {
            p.replace(".", "_"): self.access.reaches_institute(p, self.year.campaign.committee_id)
            for p in ("scoring.change", "scoring.run", "awards.propose", "awards.approve", "awards.view")
        }
        return context

    def back(self, name, *args):
        return redirect(reverse(f"awards:{name}", args=[self.year.pk, *args]))


class InlineActionView(YearMixin, View):
    """A POST from a small form inside another page (remove, answer, withdraw…): the form is
    read, the service called, and the page shown again (``back_to``), with the refusals of the
    form or the service as messages there since the small form has no page of its own.
    ``PermissionDenied`` from the service is a 403."""

    back_to = ""
    form_class = None
    success_message = ""

    def get_form(self):
        return self.form_class(self.request.POST)

    def act(self, form):
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        if form.is_valid():
            try:
                self.act(form)
            except ValidationError as error:
                add_service_errors(form, error)
        if form.errors:
            for errors in form.errors.values():
                for message in errors:
                    messages.error(request, message)
        elif self.success_message:
            messages.success(request, self.success_message)
        return self.back(self.back_to)


class IndexView(AccessRequiredMixin, View):
    """/awards/: the current year of the user's institute."""

    permission = "awards.notice"

    def get(self, request):
        year = pick_year(
            CampaignYear.objects.visible_to(self.access, self.permission), None, timezone.localdate()
        )
        if year is None:
            raise Http404
        if self.access.has("scoring.view"):
            return redirect("awards:year", year.pk)
        return redirect("awards:notice", year.pk)
