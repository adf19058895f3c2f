from django import forms
from django.utils.translation import gettext_lazy as _

from core.evidence import EvidenceFilesField
from formguard.forms import GuardedForm, SubmitOnceMixin

from .models import DutyReport

DATE = {"type": "date"}
ISO = "%Y-%m-%d"


class DutyFormForm(GuardedForm):
    duty_prompt = forms.CharField(
        label=_("What the duty report covers"), widget=forms.Textarea(attrs={"rows": 5})
    )
    integrity_prompt = forms.CharField(
        label=_("What the integrity part covers"), widget=forms.Textarea(attrs={"rows": 4})
    )
    due_on = forms.DateField(label=_("To be submitted by"), widget=forms.DateInput(attrs=DATE, format=ISO))


class ReportForm(GuardedForm):
    SAVE, SUBMIT = "save", "submit"
    duty = forms.CharField(label=_("Duty report"), required=False, widget=forms.Textarea(attrs={"rows": 10}))
    integrity = forms.CharField(
        label=_("Integrity report"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    files = EvidenceFilesField(
        label=_("Attachments"),
        required=False,
        help_text=_("PDF, images or Office files, at most 20 MB each."),
    )


class MeetingForm(SubmitOnceMixin, GuardedForm):
    held_on = forms.DateField(label=_("Held on"), widget=forms.DateInput(attrs=DATE, format=ISO))
    assessors = forms.ModelMultipleChoiceField(
        label=_("Assessed by"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose who assessed the reports.")},
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, assessors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assessors"].queryset = assessors


class GradeForm(GuardedForm):
    meeting = forms.ModelChoiceField(
        label=_("Assessment meeting"),
        queryset=None,
        error_messages={"required": _("Choose an assessment meeting of the report's year.")},
    )
    grade = forms.ChoiceField(
        label=_("Grade"),
        choices=DutyReport.Grade.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the grade.")},
    )
    comment = forms.CharField(
        label=_("Comment"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write a comment on the grade.")},
    )

    def __init__(self, *args, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings


class ReasonForm(GuardedForm):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Give the reason.")},
    )


class RateForm(GuardedForm):
    opens_on = forms.DateField(label=_("Opens on"), widget=forms.DateInput(attrs=DATE, format=ISO))
    closes_on = forms.DateField(label=_("Closes on"), widget=forms.DateInput(attrs=DATE, format=ISO))
