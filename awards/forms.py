"""One form per action of the scoring and award pages: the views read the request only
through these (subjects and objects chosen among those in reach, texts checked by formguard)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.evidence import ACCEPT
from formguard.forms import EditCheckMixin, GuardedForm, SubmitOnceMixin

from .models import (
    DEFAULT_SATISFACTION_POINTS,
    GeneralBranchLine,
    ModelPostReview,
    RubricItem,
    ScoreLine,
    Title,
)
from .scoring.indicators import INDICATOR_CHOICES

DATE = {"type": "date"}


class RubricItemForm(SubmitOnceMixin, EditCheckMixin, GuardedForm):
    criterion = forms.ChoiceField(label=_("criterion"))
    name = forms.CharField(label=_("item"), max_length=200)
    max_points = forms.DecimalField(label=_("maximum points"), min_value=0, max_digits=6, decimal_places=2)
    source = forms.ChoiceField(label=_("source"), choices=RubricItem.Source.choices)
    indicator = forms.ChoiceField(
        label=_("indicator"), choices=[("", "—"), *INDICATOR_CHOICES], required=False
    )
    sort_order = forms.IntegerField(label=_("order"), min_value=0, max_value=32767, initial=0)

    def __init__(self, *args, rubric, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criterion"].choices = rubric.criteria.choices


class SettingsForm(GuardedForm):
    branch_rubric_weight = forms.DecimalField(
        label=_("branches: rubric weight (%)"), min_value=0, max_value=100
    )
    branch_evaluation_weight = forms.DecimalField(
        label=_("branches: mass evaluation weight (%)"), min_value=0, max_value=100
    )
    member_rubric_weight = forms.DecimalField(
        label=_("members: rubric weight (%)"), min_value=0, max_value=100
    )
    member_evaluation_weight = forms.DecimalField(
        label=_("members: mass evaluation weight (%)"), min_value=0, max_value=100
    )
    trim_extremes = forms.BooleanField(
        label=_("drop the highest and the lowest rating (at least 5 raters)"), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from evaluations.models import Satisfaction

        for option in DEFAULT_SATISFACTION_POINTS:
            self.fields[f"points_{option}"] = forms.IntegerField(
                label=Satisfaction(option).label, min_value=0, max_value=100
            )

    @staticmethod
    def initial_of(current) -> dict:
        """The form's initial values from a year's ``ScoringSettings``."""
        initial = {f: getattr(current, f) for f in SettingsForm.base_fields}
        initial.update({f"points_{k}": v for k, v in current.satisfaction_points.items()})
        return initial

    def values(self) -> dict:
        """The cleaned data as ``services.settings_update`` takes it."""
        data = dict(self.cleaned_data)
        points = {k[len("points_") :]: data.pop(k) for k in list(data) if k.startswith("points_")}
        return {**data, "satisfaction_points": points}


class EntryForm(SubmitOnceMixin, GuardedForm):
    item = forms.ModelChoiceField(label=_("item"), queryset=RubricItem.objects.none())
    subject = forms.ChoiceField(label=_("branch or member"))
    points = forms.DecimalField(label=_("points"), min_value=0, required=False, initial=0)
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}))
    evidence_url = forms.CharField(
        label=_("link to the record"), required=False, help_text=_("e.g. /activities/12/")
    )
    file = forms.FileField(
        label=_("evidence file"), required=False, widget=forms.ClearableFileInput(attrs={"accept": ACCEPT})
    )

    def __init__(self, *args, items, branches, members, **kwargs):
        """``branches`` and ``members``: those the office may enter points for (a branch is
        offered as ``b-<id>``, a member as ``p-<id>``)."""
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = items
        self.branches = {str(b.pk): b for b in branches}
        self.members = {str(p.pk): p for p in members}
        self.fields["subject"].choices = [(f"b-{pk}", b.name) for pk, b in self.branches.items()] + [
            (f"p-{pk}", f"{p.name} · {p.branch.name}") for pk, p in self.members.items()
        ]

    def clean_subject(self):
        """The chosen subject as (branch, member or None)."""
        kind, _sep, pk = self.cleaned_data["subject"].partition("-")
        if kind == "p" and pk in self.members:
            person = self.members[pk]
            return person.branch, person
        if kind == "b" and pk in self.branches:
            return self.branches[pk], None
        raise ValidationError(_("Choose a branch or a member of this institute."))

    def values(self) -> dict:
        """The cleaned data as ``services.entry_create`` takes it."""
        data = self.cleaned_data
        branch, person = data["subject"]
        return {
            "item": data["item"],
            "branch": branch,
            "person": person,
            "points": data["points"] or 0,
            "reason": data["reason"],
            "evidence_url": data["evidence_url"],
            "file": data["file"],
        }


class ConfirmForm(GuardedForm):
    """A button with no input (withdraw an entry, approve the scores…)."""


class ReasonForm(GuardedForm):
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}))


class CycleStepForm(GuardedForm):
    """A step of the cycle; returning it to proposing or taking back the approval needs a
    reason, the announcement a confirmation (the service says so)."""

    reason = forms.CharField(label=_("reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    confirm = forms.BooleanField(label=_("I understand that this cannot be undone"), required=False)
    document_number = forms.CharField(label=_("document number"), max_length=50, required=False)


class AddCandidateForm(SubmitOnceMixin, GuardedForm):
    title = forms.ChoiceField(
        label=_("title"), choices=[c for c in Title.choices if c[0] != Title.MODEL_POST]
    )
    # One of the two: a branch's or member's line, or a general branch's (先进党总支).
    line = forms.ModelChoiceField(queryset=ScoreLine.objects.none(), widget=forms.HiddenInput, required=False)
    general_branch_line = forms.ModelChoiceField(
        queryset=GeneralBranchLine.objects.none(), widget=forms.HiddenInput, required=False
    )
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, lines=None, general_branch_lines=None, **kwargs):
        super().__init__(*args, **kwargs)
        if lines is not None:  # the lines of the cycle's ranking
            self.fields["line"].queryset = lines
        if general_branch_lines is not None:
            self.fields["general_branch_line"].queryset = general_branch_lines

    def clean(self):
        data = super().clean()
        if not self.errors and (data.get("line") is None) == (data.get("general_branch_line") is None):
            raise ValidationError(_("Choose one branch, member or general branch of the ranking."))
        return data


class ObjectionForm(SubmitOnceMixin, GuardedForm):
    candidate = forms.ModelChoiceField(queryset=None, widget=forms.HiddenInput)
    text = forms.CharField(label=_("objection"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, candidates, **kwargs):
        """``candidates``: those on the notice (not removed); any other is not a choice."""
        super().__init__(*args, **kwargs)
        self.fields["candidate"].queryset = candidates


class AnswerForm(GuardedForm):
    answer = forms.CharField(label=_("answer"), widget=forms.Textarea(attrs={"rows": 2}))


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, person):
        return f"{person.name} · {person.branch}"


class ModelPostForm(SubmitOnceMixin, GuardedForm):
    person = PersonChoiceField(label=_("member"), queryset=None)
    post_name = forms.CharField(label=_("post"), max_length=200)
    designated_on = forms.DateField(label=_("designated on"), widget=forms.DateInput(attrs=DATE))
    term_ends_on = forms.DateField(label=_("term ends on"), widget=forms.DateInput(attrs=DATE))

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people


class ModelPostReviewForm(GuardedForm):
    result = forms.ChoiceField(label=_("result"), choices=ModelPostReview.Result.choices)
    note = forms.CharField(label=_("note"), widget=forms.Textarea(attrs={"rows": 2}))
