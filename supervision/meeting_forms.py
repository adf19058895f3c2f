"""The form of a meeting's correction (``views.meetings.MeetingCorrectView``)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from formguard.forms import GuardedForm

from .forms import DATE, ISO


class MeetingCorrectForm(GuardedForm):
    """The office corrects a recorded meeting; its year and kind stay (the follow-ups carry them)."""

    held_on = forms.DateField(label=_("Held on"), widget=forms.DateInput(attrs=DATE, format=ISO))
    subject = forms.CharField(label=_("Subject of the meeting"), max_length=200)
    attendees = forms.ModelMultipleChoiceField(
        label=_("Attended"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    other_attendees = forms.CharField(
        label=_("Others who attended"),
        max_length=500,
        required=False,
        help_text=_("Names not in the list above."),
    )
    raised = forms.CharField(label=_("What was raised"), widget=forms.Textarea(attrs={"rows": 5}))
    # Kept in the history with the new version (simple_history's change reason: 100 characters).
    reason = forms.CharField(
        label=_("What is corrected and why"),
        max_length=100,
        error_messages={"required": _("Say what is corrected and why.")},
    )

    def __init__(self, *args, attendees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = attendees


class FollowUpCorrectForm(GuardedForm):
    """One follow-up not yet answered, as it is to read now."""

    inspection = forms.IntegerField(widget=forms.HiddenInput)
    text = forms.CharField(
        label=_("What the branch is to do"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Write what the branch is to do.")},
    )
    due = forms.DateField(
        label=_("Answer by"),
        widget=forms.DateInput(attrs=DATE, format=ISO),
        error_messages={"required": _("Set a deadline.")},
    )


FollowUpCorrectFormSet = forms.formset_factory(FollowUpCorrectForm, extra=0, max_num=50, validate_max=True)
