from django import forms
from django.utils.translation import gettext_lazy as _

from core.evidence import ACCEPT
from formguard.forms import EditCheckMixin, GuardedForm, SubmitOnceMixin

from .models import DEFAULT_SATISFACTION_POINTS, ModelPostReview, RubricItem, Title
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


class EntryForm(SubmitOnceMixin, GuardedForm):
    item = forms.ModelChoiceField(label=_("item"), queryset=RubricItem.objects.none())
    subject = forms.CharField(
        label=_("branch or member"), help_text=_("b-<id> for a branch, p-<id> for a member")
    )
    points = forms.DecimalField(label=_("points"), min_value=0, required=False, initial=0)
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}))
    evidence_url = forms.CharField(
        label=_("link to the record"), required=False, help_text=_("e.g. /activities/12/")
    )
    file = forms.FileField(
        label=_("evidence file"), required=False, widget=forms.ClearableFileInput(attrs={"accept": ACCEPT})
    )

    def __init__(self, *args, items, subjects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = items
        self.fields["subject"].widget = forms.Select(choices=subjects)


class ReasonForm(GuardedForm):
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}))


class AddCandidateForm(SubmitOnceMixin, GuardedForm):
    title = forms.ChoiceField(
        label=_("title"), choices=[c for c in Title.choices if c[0] != Title.MODEL_POST]
    )
    line = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}))


class ObjectionForm(SubmitOnceMixin, GuardedForm):
    text = forms.CharField(label=_("objection"), widget=forms.Textarea(attrs={"rows": 3}))


class AnswerForm(GuardedForm):
    answer = forms.CharField(label=_("answer"), widget=forms.Textarea(attrs={"rows": 2}))


class ModelPostForm(SubmitOnceMixin, GuardedForm):
    person = forms.IntegerField(label=_("member"))
    post_name = forms.CharField(label=_("post"), max_length=200)
    designated_on = forms.DateField(label=_("designated on"), widget=forms.DateInput(attrs=DATE))
    term_ends_on = forms.DateField(label=_("term ends on"), widget=forms.DateInput(attrs=DATE))

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].widget = forms.Select(
            choices=[(p.pk, f"{p.name} · {p.branch}") for p in people]
        )


class ModelPostReviewForm(GuardedForm):
    result = forms.ChoiceField(label=_("result"), choices=ModelPostReview.Result.choices)
    note = forms.CharField(label=_("note"), widget=forms.Textarea(attrs={"rows": 2}))
