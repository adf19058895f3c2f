"""Forms of the pledge pages. They only collect input; the rules live in ``services``, whose
ValidationErrors are shown on the same form (field names match the services' arguments)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.evidence import EvidenceFilesField
from formguard.forms import EditCheckMixin, GuardedForm, GuardedModelForm, SubmitOnceMixin

from .models import FiveGoods, FiveLeads, Pledge, PledgeReview, Publication

TEXTAREA = {"rows": 3}
DATE = {"type": "date"}


def date_input():
    # <input type=date> takes ISO dates only, whatever the language's date format.
    return forms.DateInput(format="%Y-%m-%d", attrs=DATE)


class BranchPledgeForm(SubmitOnceMixin, EditCheckMixin, GuardedModelForm):
    class Meta:
        model = Pledge
        fields = ["focus", "targets", "measures"]
        widgets = {name: forms.Textarea(attrs=TEXTAREA) for name in fields}
        help_texts = {
            "focus": _("What the branch strives for this year, in line with the kind of its units."),
            "targets": _("The results staff should see by the end of the year."),
            "measures": _("How the branch will get there."),
        }


class _NewUnitPledgeForm(BranchPledgeForm):
    """A unit's new pledge: the unit (``unit_field``) chosen among those the user reaches."""

    unit_field = ""

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[self.unit_field].queryset = units
        if len(units) == 1:
            self.fields[self.unit_field].initial = units[0].pk


class NewBranchPledgeForm(_NewUnitPledgeForm):
    unit_field = "branch"
    branch = forms.ModelChoiceField(label=_("Branch"), queryset=None)

    class Meta(BranchPledgeForm.Meta):
        fields = ["branch", "focus", "targets", "measures"]


class NewGeneralBranchPledgeForm(_NewUnitPledgeForm):
    unit_field = "general_branch"
    general_branch = forms.ModelChoiceField(label=_("General branch"), queryset=None)

    class Meta(BranchPledgeForm.Meta):
        fields = ["general_branch", "focus", "targets", "measures"]
        help_texts = {
            **BranchPledgeForm.Meta.help_texts,
            "focus": _("What the general branch strives for this year, with its branches."),
        }


class MemberPledgeForm(SubmitOnceMixin, EditCheckMixin, GuardedModelForm):
    class Meta:
        model = Pledge
        fields = ["plan", "direction"]
        widgets = {name: forms.Textarea(attrs=TEXTAREA) for name in fields}
        help_texts = {
            "plan": _("How you will take part in the campaign this year."),
            "direction": _("Where you mean to do better."),
        }


class ItemForm(GuardedForm):
    """One milestone (branch pledge) or commitment (member pledge)."""

    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    text = forms.CharField(label=_("Content"), widget=forms.Textarea(attrs={"rows": 2}))
    criterion = forms.ChoiceField(label=_("Criterion"))

    def __init__(self, *args, kind, responsible=None, **kwargs):
        super().__init__(*args, **kwargs)
        # A general branch's pledge has milestones and the five goods, as a branch's.
        unit = kind != Pledge.Kind.MEMBER
        criteria = FiveGoods if unit else FiveLeads
        self.fields["criterion"].choices = [("", "---------"), *criteria.choices]
        if unit:
            self.fields["criterion"].label = _("One of the five goods")
            self.fields["due_on"] = forms.DateField(label=_("Due on"), widget=date_input())
            self.fields["responsible"] = forms.ModelChoiceField(
                label=_("Responsible member"), queryset=responsible
            )
        else:
            self.fields["criterion"].label = _("One of the five leads")


class BaseItemFormSet(forms.BaseFormSet):
    def as_items(self) -> list[dict]:
        """The rows kept (filled in and not removed), in order, for the services."""
        return [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not (self.can_delete and self._should_delete_form(form))
        ]


def item_formset(*, kind, data=None, items=(), responsible=None):
    items = list(items)
    if kind == Pledge.Kind.MEMBER:
        extra, max_num = max(0, 5 - len(items)), 5
    else:
        extra, max_num = (3 if items else 5), 100
    formset_class = forms.formset_factory(
        ItemForm, formset=BaseItemFormSet, extra=extra, max_num=max_num, validate_max=True, can_delete=True
    )
    initial = [
        {
            "id": item.pk,
            "text": item.text,
            "criterion": item.criterion,
            "due_on": item.due_on,
            "responsible": item.responsible_id,
        }
        for item in items
    ]
    return formset_class(
        data, initial=initial, prefix="items", form_kwargs={"kind": kind, "responsible": responsible}
    )


class ReturnForm(GuardedForm):
    reason = forms.CharField(
        label=_("Reason for returning"),
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_("The writer sees this and corrects the pledge."),
    )


class PublicationForm(GuardedForm):
    occasion = forms.ChoiceField(
        label=_("Occasion"), choices=Publication.Occasion.choices, widget=forms.RadioSelect
    )
    occasion_other = forms.CharField(
        label=_("Other occasion"), required=False, max_length=100, help_text=_("Only for “Other”.")
    )
    published_on = forms.DateField(label=_("Published on"), widget=date_input())
    audience = forms.CharField(
        label=_("Audience"),
        max_length=200,
        help_text=_("To whom it was announced, e.g. all staff of the department."),
    )

    def __init__(self, *args, late_warning: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["published_on"].initial = timezone.localdate()
        if late_warning:
            # The year's deadline has passed: the secretary confirms publishing late (a pledge
            # published on an earlier date is not late, and the box is then ignored).
            self.fields["late_acknowledged"] = forms.BooleanField(
                label=_("I know the deadline has passed: publish it as late"),
                required=False,
            )


class ProgressPublishForm(PublicationForm):
    quarter = forms.TypedChoiceField(
        label=_("Quarter"),
        coerce=int,
        choices=[(1, _("Quarter 1")), (2, _("Quarter 2")), (3, _("Quarter 3")), (4, _("Quarter 4"))],
    )

    field_order = ["quarter", "occasion", "occasion_other", "published_on", "audience"]

    def __init__(self, *args, published_quarters=(), **kwargs):
        super().__init__(*args, **kwargs)
        open_quarters = [q for q in (1, 2, 3, 4) if q not in published_quarters]
        current = (timezone.localdate().month - 1) // 3 + 1
        self.fields["quarter"].initial = max((q for q in open_quarters if q <= current), default=None)


class ProgressForm(SubmitOnceMixin, GuardedForm):
    item = forms.ModelChoiceField(label=_("Commitment or milestone"), queryset=None)
    entered_on = forms.DateField(label=_("Date"), widget=date_input())
    done = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs=TEXTAREA))
    percent = forms.IntegerField(
        label=_("Progress (%)"),
        min_value=0,
        max_value=100,
        help_text=_("How far the item is now in all, not what this step added."),
    )
    files = EvidenceFilesField(
        label=_("Evidence files"),
        required=False,
        help_text=_("PDF, images (JPG, PNG, GIF) or Office files; you may choose several."),
    )

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = items
        self.fields["entered_on"].initial = timezone.localdate()


class SelfAssessmentForm(GuardedForm):
    self_assessment = forms.CharField(label=_("Self-assessment"), widget=forms.Textarea(attrs={"rows": 5}))


class ReviewForm(GuardedForm):
    assessment = forms.CharField(label=_("Assessment"), widget=forms.Textarea(attrs={"rows": 5}))
    result = forms.ChoiceField(
        label=_("Result"), choices=PledgeReview.Result.choices, widget=forms.RadioSelect
    )
    explanation = forms.CharField(
        label=_("Explanation"),
        required=False,
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_("Required unless the pledge was fulfilled: what was not done, and why."),
    )


class PledgeFilterForm(GuardedForm):
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *Pledge.Kind.choices]
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All statuses")), *Pledge.Status.choices]
    )
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)
    q = forms.CharField(label=_("Branch or member"), required=False, max_length=50)

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("All years")), *((y, y) for y in years)]
        for name in ("kind", "status", "year"):
            self.fields[name].widget.attrs.update(
                {"class": "form-select form-select-sm", "aria-label": self.fields[name].label}
            )


class CommentForm(SubmitOnceMixin, GuardedForm):
    text = forms.CharField(
        label=_("Question or comment"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Signed with your name, which the branch and everyone who sees this pledge will see."),
    )


class CommentAnswerForm(GuardedForm):
    answer = forms.CharField(label=_("Answer"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))


class CommentHideForm(GuardedForm):
    reason = forms.CharField(
        label=_("Reason for hiding"),
        max_length=2000,
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_("Shown in place of the comment. The comment itself is kept, not deleted."),
    )
