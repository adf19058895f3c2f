from django import forms
from django.utils.translation import gettext_lazy as _

from core.audit import audited_models
from formguard.forms import GuardedForm

DATE = {"type": "date"}


class AuditFilterForm(GuardedForm):
    """Filters of the audit log (GET); every field optional."""

    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d")
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d")
    )
    user = forms.CharField(
        label=_("User"), required=False, max_length=150, help_text=_("Login name or the person's name")
    )
    model = forms.ChoiceField(label=_("Kind of record"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs["class"] = (
                "form-select form-select-sm" if name == "model" else "form-control form-control-sm"
            )
        self.fields["model"].choices = [("", _("All"))] + sorted(
            ((a.label, str(a.model._meta.verbose_name)) for a in audited_models()), key=lambda c: c[1]
        )

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError(_("The start date is after the end date."))
        return data
