import uuid

from django import forms
from django.utils.choices import BaseChoiceIterator
from django.utils.translation import gettext_lazy as _

from branches.models import Branch, Department, Person
from campaigns.models import CampaignYear
from formguard.forms import EditCheckMixin, GuardedForm, SubmitOnceMixin, clean_text

from .models import ANONYMITY_FLOOR, Grade, Satisfaction
from .services.ballots import FREE_TEXT_MAX
from .services.suggestions import SUGGESTION_MAX

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MemberChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.branch.name}）"


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class EvaluationForm(SubmitOnceMixin, EditCheckMixin, GuardedForm):
    """Set-up of a mass evaluation: when, what, by whom, which questions."""

    campaign_year = forms.ModelChoiceField(label=_("Campaign year"), queryset=CampaignYear.objects.none())
    title = forms.CharField(label=_("Title"), max_length=200)
    opens_on = forms.DateField(label=_("Opens on"), widget=DATE)
    closes_on = forms.DateField(label=_("Closes on"), widget=DATE)
    min_ballots = forms.IntegerField(
        label=_("Minimum ballots"),
        min_value=ANONYMITY_FLOOR,
        initial=ANONYMITY_FLOOR,
        help_text=_("Results of a branch or member are shown only from this many ballots."),
    )
    branches = forms.ModelMultipleChoiceField(
        label=_("Branches evaluated"),
        queryset=Branch.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    members = MemberChoiceField(
        label=_("Members evaluated"),
        queryset=Person.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    voter_departments = forms.ModelMultipleChoiceField(
        label=_("Staff of these departments may evaluate"),
        queryset=Department.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    voter_branches = forms.ModelMultipleChoiceField(
        label=_("Members of these branches may evaluate"),
        queryset=Branch.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    branch_questions = forms.CharField(
        label=_("Questions about each branch"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One question per line."),
    )
    member_questions = forms.CharField(
        label=_("Questions about each member"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One question per line."),
    )

    def __init__(self, *args, years, branches, members, departments, fixed_year=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign_year"].queryset = years
        self.fields["campaign_year"].disabled = fixed_year
        self.fields["branches"].queryset = branches
        self.fields["voter_branches"].queryset = branches
        self.fields["members"].queryset = members
        self.fields["voter_departments"].queryset = departments

    # Each list of check boxes, grouped by unit for the picker (templates/evaluations/_picker.html,
    # static/js/picker.js): a member under their branch, a branch under its general branch.
    PICKER_GROUPS = {
        "branches": lambda b: b.general_branch.name if b.general_branch_id else "",
        "voter_branches": lambda b: b.general_branch.name if b.general_branch_id else "",
        "members": lambda p: p.branch.name,
        "voter_departments": lambda d: "",
    }

    def picker_groups(self, name) -> list[tuple[str, list[tuple[str, str, bool]]]]:
        """[(unit, [(value, label, chosen)])] of the field ``name``, in the queryset's order."""
        field = self.fields[name]
        queryset = field.queryset
        if name in ("branches", "voter_branches"):
            queryset = queryset.select_related("general_branch")
        chosen = {str(v.pk if hasattr(v, "pk") else v) for v in (self[name].value() or [])}
        groups: dict[str, list] = {}
        unit = self.PICKER_GROUPS[name]
        for obj in queryset:
            label = obj.name if name == "members" else str(obj)
            groups.setdefault(unit(obj), []).append((str(obj.pk), label, str(obj.pk) in chosen))
        return list(groups.items())

    def pickers(self):
        return {name: (self[name], self.picker_groups(name)) for name in self.PICKER_GROUPS}

    def clean(self):
        data = super().clean()
        if data.get("opens_on") and data.get("closes_on") and data["closes_on"] < data["opens_on"]:
            self.add_error("closes_on", _("The evaluation cannot close before it opens."))
        data["branch_questions"] = _lines(data.get("branch_questions", ""))
        data["member_questions"] = _lines(data.get("member_questions", ""))
        return data


class _Ready(BaseChoiceIterator):
    """Choices already in Django's normal form, which fields and widgets take as they are.
    A ballot has a radio group per target and question; normalising the same five options
    for each of them cost more than everything else the form does (issue 7)."""

    def __init__(self, choices):
        self.choices = list(choices)

    def __iter__(self):
        return iter(self.choices)


class AnswerRadios(forms.RadioSelect):
    """Given to the fields as a class, so that each makes its own instead of a deep copy."""

    def __init__(self, attrs=None, choices=()):
        super().__init__({"class": "form-check-input", **(attrs or {})}, choices)


class BallotForm(GuardedForm):
    """One page per evaluation: a radio group per target × question, an optional comment per
    target. ``sections`` lists (target, [(criterion, field)], comment field) for the template."""

    def __init__(self, *args, questionnaire, **kwargs):
        super().__init__(*args, **kwargs)
        self.sections = []
        options = _Ready(Satisfaction.choices)
        for target, criteria in questionnaire:
            rows = []
            for criterion in criteria:
                name = f"a-{target.pk}-{criterion.pk}"
                self.fields[name] = forms.ChoiceField(
                    label=criterion.text,
                    choices=options,
                    widget=AnswerRadios,
                    error_messages={"required": _("Choose an answer.")},
                )
                rows.append((criterion, name))
            comment = f"t-{target.pk}"
            self.fields[comment] = forms.CharField(
                label=_("Comment (optional)"),
                required=False,
                max_length=FREE_TEXT_MAX,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.sections.append((target, rows, comment))

    def bound_sections(self):
        return [
            (target, [(criterion, self[name]) for criterion, name in rows], self[comment])
            for target, rows, comment in self.sections
        ]

    def answers(self) -> dict[tuple[int, int], str]:
        return {
            (target.pk, criterion.pk): self.cleaned_data[name]
            for target, rows, _comment in self.sections
            for criterion, name in rows
        }

    def texts(self) -> dict[int, str]:
        return {target.pk: self.cleaned_data.get(comment, "") for target, _rows, comment in self.sections}


def ballot_from_post(data) -> tuple[dict[tuple[int, int], str], dict[int, str]] | None:
    """The answers and comments of a ballot POST, read as :class:`BallotForm` would (comments
    through ``formguard.clean_text``), without the questionnaire: ``None`` when a field is not
    what the form sends, so that the caller takes the form's way. Whether the answers fit the
    questionnaire, the service checks."""
    answers, texts = {}, {}
    try:
        for name in data:
            kind, _sep, rest = name.partition("-")
            if kind == "a":
                target, criterion = rest.split("-")
                answers[int(target), int(criterion)] = data[name]
            elif kind == "t":
                text = clean_text(data[name], max_length=FREE_TEXT_MAX).strip()
                if text:
                    texts[int(rest)] = text
    except (ValueError, forms.ValidationError):
        return None
    return answers, texts


class ExcellentCheckMixin:
    """优秀 normally goes to at most a third of the members (issue 21): the page counts the
    “Excellent” grades as they are picked (static/js/excellent.js) and, when more than a third
    are, asks for this box to be ticked before anything is saved."""

    def add_excellent_confirmation(self):
        self.fields["confirm_excellent"] = forms.BooleanField(
            label=_("More than one third are graded “Excellent”: I confirm that this is intended."),
            required=False,
        )

    def excellent_total(self) -> int:
        raise NotImplementedError

    def excellent_chosen(self, data) -> int:
        raise NotImplementedError

    def grade_names(self) -> list[str]:
        raise NotImplementedError

    def excellent_now(self) -> int:
        """How many are “Excellent” as the page shows them (what was sent, or saved before)."""
        return sum(self[name].value() == Grade.EXCELLENT for name in self.grade_names())

    def over_a_third(self) -> bool:
        return self.excellent_now() * 3 > self.excellent_total()

    def check_excellent(self, data) -> None:
        if self.excellent_chosen(data) * 3 > self.excellent_total() and not data.get("confirm_excellent"):
            self.add_error(
                "confirm_excellent",
                _(
                    "More than one third are graded “Excellent”: tick the box to confirm, or change some grades."
                ),
            )


class AppraisalBallotForm(ExcellentCheckMixin, GuardedForm):
    """The anonymous vote of the democratic appraisal: a grade for every other member."""

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.members = members
        for person in members:
            self.fields[f"g-{person.pk}"] = forms.ChoiceField(
                label=person.name,
                choices=Grade.choices,
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                error_messages={"required": _("Choose a grade.")},
            )
        self.add_excellent_confirmation()

    def grade_fields(self):
        return [self[name] for name in self.grade_names()]

    def excellent_total(self) -> int:
        return len(self.members)

    def grade_names(self) -> list[str]:
        return [f"g-{person.pk}" for person in self.members]

    def excellent_chosen(self, data) -> int:
        return sum(data.get(name) == Grade.EXCELLENT for name in self.grade_names())

    def clean(self):
        data = super().clean()
        self.check_excellent(data)
        return data

    def grades(self) -> dict[int, str]:
        return {person.pk: self.cleaned_data[f"g-{person.pk}"] for person in self.members}


class SuggestionForm(SubmitOnceMixin, GuardedForm):
    branch = forms.ModelChoiceField(
        label=_("To"),
        queryset=Branch.objects.none(),
        required=False,
        empty_label=_("The campaign office"),
    )
    text = forms.CharField(
        label=_("Your suggestion"), max_length=SUGGESTION_MAX, widget=forms.Textarea(attrs={"rows": 6})
    )

    def __init__(self, *args, branches, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = branches


class SuggestionTriageForm(GuardedForm):
    branch = forms.ModelChoiceField(
        label=_("Pass on to"),
        queryset=Branch.objects.none(),
        required=False,
        empty_label=_("The campaign office"),
    )

    def __init__(self, *args, branches, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = branches


class SuggestionAnswerForm(GuardedForm):
    answer = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 5}))


class ConfirmForm(GuardedForm):
    """A step that cannot be undone: the page says what it ends, the box must be ticked."""

    confirm = forms.BooleanField(
        label=_("I understand that this cannot be undone."),
        error_messages={"required": _("Tick the box to confirm: this step cannot be undone.")},
    )


class MultipleUUIDField(forms.Field):
    """Several UUIDs under one name (the ticked rows of a list)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        if not value:
            return []
        if not isinstance(value, list | tuple):
            value = [value]
        try:
            return list(dict.fromkeys(uuid.UUID(str(item)) for item in value))
        except ValueError:
            raise forms.ValidationError(
                forms.UUIDField.default_error_messages["invalid"], code="invalid"
            ) from None


class ModerationForm(GuardedForm):
    """One decision on the ticked free texts of the review page (its buttons; no labels shown)."""

    free_text = MultipleUUIDField(required=False)
    decision = forms.ChoiceField(choices=[("approve", "approve"), ("reject", "reject")])


class AppraisalStartForm(SubmitOnceMixin, GuardedForm):
    branch = forms.ModelChoiceField(label=_("Branch"), queryset=Branch.objects.none())
    campaign_year = forms.ModelChoiceField(label=_("Campaign year"), queryset=CampaignYear.objects.none())

    def __init__(self, *args, branches, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = branches
        self.fields["campaign_year"].queryset = years


class AssessmentForm(GuardedForm):
    """A self-assessment (stage 1) or what one member said of another (stage 2)."""

    about = forms.ModelChoiceField(label=_("Member"), queryset=Person.objects.none())
    by = forms.ModelChoiceField(label=_("Said by"), queryset=Person.objects.none(), required=False)
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, roll, peer: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["about"].queryset = roll
        self.fields["by"].queryset = roll
        self.fields["by"].required = peer
        if not peer:
            del self.fields["by"]


class OwnAssessmentForm(GuardedForm):
    """A member's own self-assessment."""

    text = forms.CharField(
        label=_("My self-assessment"),
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Your account of the year, against the five leads. Saving again replaces it."),
    )


class GradesForm(ExcellentCheckMixin, GuardedForm):
    """A grade and its reasons for each member on the roll; rows left empty are not saved."""

    def excellent_total(self) -> int:
        return len(self.roll)

    def grade_names(self) -> list[str]:
        return [f"grade-{voter.person_id}" for voter in self.roll]

    def excellent_chosen(self, data) -> int:
        return sum(data.get(name) == Grade.EXCELLENT for name in self.grade_names())

    def __init__(self, *args, roll, existing, **kwargs):
        super().__init__(*args, **kwargs)
        self.roll = roll
        for voter in roll:
            current = existing.get(voter.person_id)
            self.fields[f"grade-{voter.person_id}"] = forms.ChoiceField(
                label=_("Grade"),
                choices=[("", "—")] + Grade.choices,
                required=False,
                initial=current.grade if current else "",
            )
            self.fields[f"reason-{voter.person_id}"] = forms.CharField(
                label=_("Reasons"),
                required=False,
                initial=current.reason if current else "",
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        self.add_excellent_confirmation()

    def clean(self):
        data = super().clean()
        self.check_excellent(data)
        for voter in self.roll:
            grade, reason = (
                data.get(f"grade-{voter.person_id}"),
                (data.get(f"reason-{voter.person_id}") or "").strip(),
            )
            if grade and not reason:
                self.add_error(f"reason-{voter.person_id}", _("Give the reasons for the grade."))
            if reason and not grade:
                self.add_error(f"grade-{voter.person_id}", _("Choose a grade."))
        return data

    def rows(self):
        return [
            (voter, self[f"grade-{voter.person_id}"], self[f"reason-{voter.person_id}"])
            for voter in self.roll
        ]

    def grades(self) -> dict[int, tuple[str, str]]:
        return {
            voter.person_id: (
                self.cleaned_data[f"grade-{voter.person_id}"],
                self.cleaned_data[f"reason-{voter.person_id}"],
            )
            for voter in self.roll
            if self.cleaned_data.get(f"grade-{voter.person_id}")
        }
