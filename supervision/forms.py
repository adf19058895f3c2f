from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.evidence import EvidenceFilesField
from formguard.forms import EditCheckMixin, GuardedForm, SubmitOnceMixin

from .models import MEETING_KINDS, Inspection, ReviewRound, SpotCheckDraw, SupervisionMeeting

DATE = {"type": "date"}
ISO = "%Y-%m-%d"  # what <input type="date"> reads and writes


class YearChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return str(obj.year)


class InspectionForm(SubmitOnceMixin, EditCheckMixin, GuardedForm):
    campaign_year = YearChoiceField(label=_("Campaign year"), queryset=None, empty_label=None)
    branch = forms.ModelChoiceField(label=_("Branch"), queryset=None)
    # The office's meetings are recorded on their own page, with their follow-ups.
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[c for c in Inspection.Kind.choices if c[0] not in MEETING_KINDS]
    )
    inspected_on = forms.DateField(label=_("Inspected on"), widget=forms.DateInput(attrs=DATE, format=ISO))
    subject = forms.CharField(
        label=_("Subject"),
        max_length=200,
        required=False,
        help_text=_("What was checked, or which meeting was attended."),
    )
    inspectors = forms.ModelMultipleChoiceField(
        label=_("Inspectors"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    findings = forms.CharField(
        label=_("Findings"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Leave empty while the check is still to be done or found nothing."),
    )
    rectification_due = forms.DateField(
        label=_("Rectify by"),
        required=False,
        widget=forms.DateInput(attrs=DATE, format=ISO),
        help_text=_("Set a deadline when the branch has to rectify the findings and reply."),
    )

    def __init__(self, *args, years, branches, inspectors, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign_year"].queryset = years
        self.fields["branch"].queryset = branches
        self.fields["inspectors"].queryset = inspectors
        self.fields["inspected_on"].initial = timezone.localdate()
        if editing:
            del self.fields["campaign_year"]
            del self.fields["branch"]
        if self.edits is not None and self.edits.meeting_id:  # a follow-up keeps its meeting's kind
            self.fields["kind"].choices = [(self.edits.kind, self.edits.get_kind_display())]


class ReplyForm(GuardedForm):
    reply = forms.CharField(
        label=_("Reply"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What was rectified, how and when."),
    )
    files = EvidenceFilesField(
        label=_("Closing evidence"),
        required=False,
        help_text=_("PDF, images or Office files, at most 20 MB each."),
    )


class DecisionForm(GuardedForm):
    CLOSE, RETURN = "close", "return"
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (CLOSE, _("Close: the findings are rectified")),
            (RETURN, _("Return: the reply is not sufficient")),
        ],
        widget=forms.RadioSelect,
        initial=CLOSE,
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when returning the reply."),
    )

    def __init__(self, *args, can_return=True, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_return:
            self.fields["decision"].choices = self.fields["decision"].choices[:1]


class DrawForm(SubmitOnceMixin, GuardedForm):
    campaign_year = YearChoiceField(label=_("Campaign year"), queryset=None, empty_label=None)
    population_kind = forms.ChoiceField(label=_("Draw from"), choices=SpotCheckDraw.Population.choices)
    sample_size = forms.IntegerField(label=_("How many"), min_value=1, max_value=1000)
    purpose = forms.CharField(label=_("Purpose"), max_length=200, required=False)
    inspect_on = forms.DateField(
        label=_("Open spot-check inspections for"),
        required=False,
        widget=forms.DateInput(attrs=DATE, format=ISO),
        help_text=_("Branches only: opens a spot-check inspection of each branch drawn on this date."),
    )

    def __init__(self, *args, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign_year"].queryset = years


class RoundForm(SubmitOnceMixin, GuardedForm):
    campaign_year = YearChoiceField(label=_("Campaign year"), queryset=None, empty_label=None)
    quarter = forms.TypedChoiceField(
        label=_("Quarter"), coerce=int, choices=[(q, _("Quarter %(n)s") % {"n": q}) for q in (1, 2, 3, 4)]
    )

    def __init__(self, *args, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign_year"].queryset = years
        self.fields["quarter"].initial = (timezone.localdate().month - 1) // 3 + 1


class ConcludeForm(GuardedForm):
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 5}))


class ReopenForm(GuardedForm):
    reason = forms.CharField(
        label=_("Why is the round reopened?"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept in the round's history, with who reopened it and when."),
    )


class ReviewRoundOpenForm(SubmitOnceMixin, GuardedForm):
    campaign_year = YearChoiceField(label=_("Campaign year"), queryset=None, empty_label=None)
    half = forms.TypedChoiceField(label=_("Round"), coerce=int, choices=ReviewRound.Half.choices)

    def __init__(self, *args, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign_year"].queryset = years


class ReviewWriteForm(EditCheckMixin, GuardedForm):
    achievements = forms.CharField(label=_("Achievements"), widget=forms.Textarea(attrs={"rows": 5}))
    problems = forms.CharField(label=_("Problems"), widget=forms.Textarea(attrs={"rows": 5}))
    direction = forms.CharField(label=_("Direction"), widget=forms.Textarea(attrs={"rows": 5}))


class AcknowledgeForm(GuardedForm):
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional: anything you want the campaign office to know."),
    )


class MeetingForm(SubmitOnceMixin, GuardedForm):
    """座谈会, 党支部书记例会, 情况通报会; the follow-ups are ``FollowUpFormSet`` below it."""

    campaign_year = YearChoiceField(label=_("Campaign year"), queryset=None, empty_label=None)
    kind = forms.ChoiceField(label=_("Kind"), choices=SupervisionMeeting.Kind.choices)
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

    def __init__(self, *args, years, attendees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign_year"].queryset = years
        self.fields["attendees"].queryset = attendees
        self.fields["held_on"].initial = timezone.localdate()


class FollowUpForm(GuardedForm):
    branch = forms.ModelChoiceField(label=_("Branch"), queryset=None, required=False)
    text = forms.CharField(
        label=_("What the branch is to do"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    due = forms.DateField(
        label=_("Answer by"), required=False, widget=forms.DateInput(attrs=DATE, format=ISO)
    )

    def __init__(self, *args, branches, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = branches

    def clean(self):
        data = super().clean()
        filled = [data.get("branch"), data.get("text"), data.get("due")]
        if any(filled) and not all(filled):
            raise forms.ValidationError(
                _("Choose the branch, write what it is to do and set a deadline, or leave the row empty.")
            )
        return data


FollowUpFormSet = forms.formset_factory(FollowUpForm, extra=5, max_num=50, validate_max=True)



class ReviewDraftsForm(GuardedForm):
    """The bulk page of a round: general branches and branches chosen, one common text with
    placeholders."""

    PREVIEW, SAVE = "preview", "save"
    reviews = forms.ModelMultipleChoiceField(
        label=_("General branches and branches"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    achievements = forms.CharField(
        label=_("Achievements"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    problems = forms.CharField(label=_("Problems"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    direction = forms.CharField(
        label=_("Direction"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, reviews, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviews"].queryset = reviews
        self.fields["reviews"].label_from_instance = review_unit_label


def review_unit_label(review) -> str:
    """A unit's name, a general branch's marked as such: both kinds sit in one list."""
    if review.general_branch_id:
        return _("%(name)s (general branch)") % {"name": review.general_branch.name}
    return review.branch.name
