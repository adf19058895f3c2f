from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView, UpdateView

from core.audit import object_history
from core.forms import add_service_errors
from core.mixins import AccessRequiredMixin

from . import selectors, services
from .forms import CampaignYearForm, PhaseFormSet
from .models import Campaign, CampaignYear


class CampaignView(AccessRequiredMixin, TemplateView):
    """The campaign of the user's institute: theme, phases, the year's calendar and its organs."""

    permission = "campaign.view"
    template_name = "campaigns/campaign.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        campaigns = self.restrict(Campaign.objects.all(), branch="", committee="committee")
        context.update(selectors.campaign_page(campaigns, today=timezone.localdate()))
        context["can_change"] = self.access.has("campaign.change")
        if context.get("year") and self.access.has("history.view"):
            context["history"] = object_history(context["year"])
        return context


class CampaignYearUpdateView(AccessRequiredMixin, UpdateView):
    permission = "campaign.change"
    template_name = "campaigns/year_form.html"
    form_class = CampaignYearForm
    context_object_name = "campaign_year"

    def get_queryset(self):
        return CampaignYear.objects.visible_to(self.access, self.permission)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("phases", PhaseFormSet(instance=self.object, prefix="phases"))
        return context

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        form = self.get_form()
        phases = PhaseFormSet(request.POST, instance=self.object, prefix="phases")
        if form.is_valid() and phases.is_valid():
            try:
                services.campaign_year_update(
                    access=self.access,
                    campaign_year=self.object,
                    dates={name: form.cleaned_data[name] for name in form.Meta.fields},
                    phases={
                        f.instance.pk: (f.cleaned_data["starts_on"], f.cleaned_data["ends_on"])
                        for f in phases.forms
                        if f.instance.pk and f.cleaned_data
                    },
                    opened_on=form.opened_on,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request, _("The calendar of %(year)s has been saved.") % {"year": self.object.year}
                )
                return redirect("campaigns:current")
        return self.render_to_response(self.get_context_data(form=form, phases=phases))
