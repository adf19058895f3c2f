from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from formguard.forms import GuardedForm, SubmitOnceMixin

from .models import Branch, EndReason, PartyGroup, Person, Position


class TransferForm(SubmitOnceMixin, GuardedForm):
    branch = forms.ModelChoiceField(label=_("To branch"), queryset=Branch.objects.none())
    party_group = forms.ModelChoiceField(
        label=_("Party group"), queryset=PartyGroup.objects.none(), required=False
    )
    on = forms.DateField(
        label=_("Transfer date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, branches, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = branches
        self.fields["party_group"].queryset = PartyGroup.objects.filter(
            branch__in=branches, is_active=True
        ).select_related("branch")
        self.fields["on"].initial = timezone.localdate()

    def clean(self):
        data = super().clean()
        group, branch = data.get("party_group"), data.get("branch")
        if group and branch and group.branch_id != branch.pk:
            self.add_error("party_group", _("This party group belongs to another branch."))
        return data


class _DateField(forms.DateField):
    widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class _PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, person):
        return f"{person.name}（{person.employee_no}）"


class _PeopleChoice(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, person):
        return f"{person.name}（{person.employee_no}）"


class PositionForm(SubmitOnceMixin, GuardedForm):
    """Appoint a member of the unit to one position; ``titles`` are those the user may appoint."""

    title = forms.ChoiceField(label=_("Position"))
    person = _PersonChoice(label=_("Member"), queryset=Person.objects.none())
    party_group = forms.ModelChoiceField(
        label=_("Party group"),
        queryset=PartyGroup.objects.none(),
        required=False,
        help_text=_("Only for a party group leader: the group led."),
    )
    started_on = _DateField(label=_("From"))
    ended_on = _DateField(label=_("Until"), required=False, help_text=_("Leave empty while the term runs."))

    def __init__(self, *args, titles, members, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].choices = [(t, Position.Title(t).label) for t in titles]
        self.fields["person"].queryset = members
        if groups is None:
            del self.fields["party_group"]
        else:
            self.fields["party_group"].queryset = groups
        self.fields["started_on"].initial = timezone.localdate()

    def clean(self):
        data = super().clean()
        start, end = data.get("started_on"), data.get("ended_on")
        if start and end and end < start:
            self.add_error("ended_on", _("The end date is before the start date."))
        if data.get("title") == Position.Title.GROUP_LEADER and not data.get("party_group"):
            self.add_error(
                "party_group" if "party_group" in self.fields else "title", _("Choose the party group.")
            )
        return data


class PositionEndForm(SubmitOnceMixin, GuardedForm):
    ended_on = _DateField(label=_("Last day in office"))

    def __init__(self, *args, position, **kwargs):
        super().__init__(*args, **kwargs)
        self.position = position
        self.fields["ended_on"].initial = timezone.localdate()

    def clean_ended_on(self):
        ended_on = self.cleaned_data["ended_on"]
        if ended_on < self.position.started_on:
            raise forms.ValidationError(
                _("The end date is before the start date %(date)s.")
                % {"date": self.position.started_on.isoformat()}
            )
        return ended_on


class ElectionForm(SubmitOnceMixin, GuardedForm):
    """换届: the date, the term and the new committee as a whole."""

    held_on = _DateField(label=_("Election date"))
    term_ends_on = _DateField(label=_("Term ends on"))
    secretary = _PersonChoice(label=_("Secretary"), queryset=Person.objects.none())
    deputies = _PeopleChoice(label=_("Deputy secretaries"), queryset=Person.objects.none(), required=False)
    organisation = _PersonChoice(
        label=_("Organisation committee member"), queryset=Person.objects.none(), required=False
    )
    propaganda = _PersonChoice(
        label=_("Propaganda committee member"), queryset=Person.objects.none(), required=False
    )
    discipline = _PersonChoice(
        label=_("Discipline committee member"), queryset=Person.objects.none(), required=False
    )
    members = _PeopleChoice(
        label=_("Other committee members"), queryset=Person.objects.none(), required=False
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    SINGLE = (
        ("secretary", Position.Title.SECRETARY),
        ("organisation", Position.Title.ORGANISATION),
        ("propaganda", Position.Title.PROPAGANDA),
        ("discipline", Position.Title.DISCIPLINE),
    )
    MANY = (("deputies", Position.Title.DEPUTY), ("members", Position.Title.COMMITTEE_MEMBER))

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("secretary", "deputies", "organisation", "propaganda", "discipline", "members"):
            self.fields[name].queryset = members
        today = timezone.localdate()
        self.fields["held_on"].initial = today
        self.fields["term_ends_on"].initial = today.replace(year=today.year + 3, day=min(today.day, 28))

    def clean(self):
        data = super().clean()
        held, ends = data.get("held_on"), data.get("term_ends_on")
        if held and ends and ends <= held:
            self.add_error("term_ends_on", _("The term must end after the election date."))
        seen = {}
        for name, person in self.committee(data):
            if person.pk in seen:
                self.add_error(
                    None,
                    _("%(name)s is named both as %(first)s and as %(second)s; each person holds one office.")
                    % {"name": person.name, "first": seen[person.pk], "second": Position.Title(name).label},
                )
            seen.setdefault(person.pk, Position.Title(name).label)
        return data

    def committee(self, data=None) -> list:
        """(title, person) pairs of the new committee."""
        data = data if data is not None else self.cleaned_data
        pairs = [(title, data[name]) for name, title in self.SINGLE if data.get(name)]
        for name, title in self.MANY:
            pairs += [(title, person) for person in data.get(name) or ()]
        return pairs


class LeaveInstituteForm(SubmitOnceMixin, GuardedForm):
    reason = forms.ChoiceField(
        label=_("Reason"),
        choices=[(r.value, r.label) for r in EndReason if r != EndReason.TRANSFER],
        widget=forms.RadioSelect,
    )
    on = _DateField(label=_("Date"))
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()
