from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.evidence import EvidenceFilesField
from formguard.forms import GuardedForm, SubmitOnceMixin

DATE = {"type": "date"}
ISO = "%Y-%m-%d"


class NoticeForm(SubmitOnceMixin, GuardedForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    document_number = forms.CharField(
        label=_("Document number"),
        max_length=50,
        required=False,
        help_text=_("The number the issuing body gives the document, if any."),
    )
    issuing_body = forms.CharField(label=_("Issued by"), max_length=100)
    issued_on = forms.DateField(label=_("Date of issue"), widget=forms.DateInput(attrs=DATE, format=ISO))
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 12}), max_length=50000)
    general_branches = forms.ModelMultipleChoiceField(
        label=_("General branches"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    branches = forms.ModelMultipleChoiceField(
        label=_("Branches without a general branch"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    departments = forms.ModelMultipleChoiceField(
        label=_("Departments without a branch"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    files = EvidenceFilesField(
        label=_("Attachments"),
        required=False,
        help_text=_("PDF, images or Office files, at most 20 MB each."),
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        general, branches, departments = units
        self.fields["general_branches"].queryset = general
        self.fields["branches"].queryset = branches
        self.fields["departments"].queryset = departments
        self.fields["issued_on"].initial = timezone.localdate()


class ConfirmForm(GuardedForm):
    pass
