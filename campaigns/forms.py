from django import forms
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from formguard.forms import EditCheckMixin, GuardedModelForm

from .models import CampaignYear, Phase

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CampaignYearForm(EditCheckMixin, GuardedModelForm):
    check_on_clean = False  # campaigns.services.campaign_year_update checks under its row lock

    class Meta:
        model = CampaignYear
        fields = [
            "pledges_open_on",
            "pledges_due_on",
            "evaluation_opens_on",
            "evaluation_closes_on",
            "scoring_opens_on",
            "scoring_closes_on",
            "awards_announced_by",
            "midyear_review_on",
            "yearend_review_on",
        ]
        widgets = {name: DATE for name in fields}


class PhaseForm(GuardedModelForm):
    class Meta:
        model = Phase
        fields = ["starts_on", "ends_on"]
        widgets = {"starts_on": DATE, "ends_on": DATE}

    def clean(self):
        data = super().clean()
        start, end = data.get("starts_on"), data.get("ends_on")
        year = self.instance.campaign_year.year
        if start and end and end < start:
            self.add_error("ends_on", _("A phase cannot end before it starts."))
        for name in ("starts_on", "ends_on"):
            if data.get(name) and data[name].year != year:
                self.add_error(name, _("The date must fall within %(year)s.") % {"year": year})
        return data


PhaseFormSet = inlineformset_factory(
    CampaignYear, Phase, form=PhaseForm, extra=0, can_delete=False, max_num=5, validate_max=True
)
