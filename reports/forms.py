from django import forms
from django.utils.translation import gettext_lazy as _

from formguard.forms import GuardedForm

from .models import ReportFile
from .registry import SUBJECTS


class RequestForm(GuardedForm):
    """What a report needs, with choices computed once per page (see ``views.Choices``); the
    service checks the chosen objects against the reader's scope again."""

    format = forms.ChoiceField(label=_("Format"), choices=ReportFile.Format.choices, widget=forms.RadioSelect)

    def __init__(self, *args, report, choices, **kwargs):
        super().__init__(*args, prefix=report.key, **kwargs)
        self.report = report
        self.fields["format"].choices = [c for c in ReportFile.Format.choices if c[0] in report.formats]
        self.fields["format"].initial = report.formats[0]
        if "year" in report.needs:
            years = choices.years()
            self.fields["year"] = forms.TypedChoiceField(
                label=_("Campaign year"), choices=years, coerce=int, initial=years[0][0] if years else None
            )
        if "subject" in report.needs:
            self.fields["subject"] = forms.ChoiceField(label=_("Of"), choices=SUBJECTS)
        if "branch" in report.needs:
            empty = [] if report.branch_required else [("", _("All branches within your reach"))]
            self.fields["branch"] = forms.TypedChoiceField(
                label=_("Branch"),
                choices=empty + choices.branches(report.permission),
                coerce=int,
                required=report.branch_required,
                empty_value=None,
            )
        if "evaluation" in report.needs:
            self.fields["evaluation"] = forms.TypedChoiceField(
                label=_("Evaluation"), choices=choices.evaluations(report.permission), coerce=int
            )
        self.order_fields(["year", "evaluation", "subject", "branch", "format"])

    def params(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "format"}
