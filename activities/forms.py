from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from branches.models import Person
from core import evidence
from formguard.forms import EditCheckMixin, GuardedForm, SubmitOnceMixin

from .compliance import Status
from .models import (
    ATTENDANCE_KINDS,
    LECTURE_KINDS,
    READING_KINDS,
    AttendanceStatus,
    Kind,
    Period,
    Unit,
    kinds_of,
)
from .services import AttendanceEntry

DATE = {"type": "date"}
# The meetings the unit's secretary normally chairs (a party group meeting: the group's leader;
# a general branch's own meetings: its secretary).
SECRETARY_HOSTS = {
    Kind.GENERAL_MEETING,
    Kind.COMMITTEE_MEETING,
    Kind.GB_COMMITTEE_MEETING,
    Kind.GB_GENERAL_MEETING,
}
TEXTAREA = {"rows": 6}

# The fields a record of each kind shows (besides attendance and files).
COMMON = ["held_on", "title"]
MEETING_FIELDS = COMMON + ["place", "host", "recorder", "content"]
OTHER_FIELDS = COMMON + ["place", "host", "content"]
FIELDS_BY_KIND = {
    **{k: MEETING_FIELDS for k in ATTENDANCE_KINDS},
    **{k: OTHER_FIELDS + ["reading_list"] for k in READING_KINDS},
    Kind.THEME_EDUCATION: OTHER_FIELDS,
    Kind.OTHER: OTHER_FIELDS,
    Kind.NEWS_REPORT: COMMON + ["published_in", "content"],
}


def fields_for(kind: str) -> list[str]:
    return FIELDS_BY_KIND[kind]


# Kinds a record can be corrected to without changing which fields and attendance it has.
def same_shape(kind: str) -> list[str]:
    shape = FIELDS_BY_KIND[kind]
    return [
        k
        for k in Kind.values
        if FIELDS_BY_KIND[k] == shape and (k in ATTENDANCE_KINDS) == (kind in ATTENDANCE_KINDS)
    ]


def evidence_help() -> str:
    return _(
        "PDF, images (JPG, PNG, GIF) or Office files of at most %(size)s each; you may choose several."
    ) % {"size": filesizeformat(evidence.MAX_SIZE)}


def lecture_hint(secretary, general: bool = False) -> str:
    """What a lecture counts for, by who gives it (shown under the speaker)."""
    if general:
        if secretary is None:
            return _(
                "A lecture given by the general branch's secretary counts as its secretary's yearly party "
                "lecture; no secretary of the general branch is recorded now, so this one counts as a "
                "party class only."
            )
        return _(
            "Given by the general branch's secretary (%(name)s) it counts as its secretary's yearly party "
            "lecture; given by anyone else, a branch secretary included, it is recorded as a party class."
        ) % {"name": secretary.name}
    if secretary is None:
        return _(
            "A lecture given by the branch secretary counts as the secretary's yearly party lecture; "
            "the branch has no secretary recorded now, so this one counts as a party class only."
        )
    return _(
        "Given by the branch secretary (%(name)s) it counts as the secretary's yearly party lecture; "
        "given by anyone else it is recorded as a party class and does not count for it."
    ) % {"name": secretary.name}


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class RecordForm(SubmitOnceMixin, EditCheckMixin, GuardedForm):
    """The fields of one kind of record; which ones depends on the kind (``FIELDS_BY_KIND``)."""

    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=Kind.choices)
    held_on = forms.DateField(
        label=gettext_lazy("Date"), widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d")
    )
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    place = forms.CharField(label=gettext_lazy("Place"), max_length=100, required=False)
    host = PersonChoiceField(
        label=gettext_lazy("Host or speaker"), queryset=Person.objects.none(), required=False
    )
    recorder = PersonChoiceField(
        label=gettext_lazy("Recorder"), queryset=Person.objects.none(), required=False
    )
    party_group = forms.ModelChoiceField(label=gettext_lazy("Party group"), queryset=None, required=False)
    published_in = forms.CharField(
        label=gettext_lazy("Published in"),
        max_length=100,
        help_text=gettext_lazy("For example 《26所通讯》, the party committee website or the notice board."),
    )
    reading_list = forms.ModelChoiceField(label=gettext_lazy("Reading list"), queryset=None, required=False)
    content = forms.CharField(
        label=gettext_lazy("Content or minutes"), widget=forms.Textarea(attrs=TEXTAREA), required=False
    )
    files = evidence.EvidenceFilesField(label=gettext_lazy("Evidence files"), required=False)
    remove_evidence = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Remove these files"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("A removed file is archived, not deleted: it stays in the record's history."),
    )

    def __init__(
        self,
        *args,
        kind,
        people,
        party_groups,
        reading_lists,
        evidence=None,
        record=None,
        secretary=None,
        general=False,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.kind = kind
        unit = Unit.GENERAL_BRANCH if general else Unit.BRANCH
        shown = fields_for(kind) + ["files", "submission_token", "version"]  # with formguard's
        if record is not None:
            # The kind is chosen before a new record: it decides the fields and the attendance
            # list. A record may be corrected to a kind of the same shape.
            shown.append("kind")
            if kind in ATTENDANCE_KINDS:
                shown.append("party_group")
        if evidence is not None and evidence.exists():
            shown.append("remove_evidence")
        for name in list(self.fields):
            if name not in shown:
                del self.fields[name]
        if "kind" in self.fields:
            # A lecture is corrected as a 党课: who gave it decides whether it is the
            # secretary's (services.lecture_kind), not a choice of kind.
            self.fields["kind"].choices = [
                (k, Kind(k).label)
                for k in same_shape(record.kind)
                if k != Kind.SECRETARY_LECTURE and k in kinds_of(unit)
            ]
            if record.kind == Kind.SECRETARY_LECTURE:
                self.initial["kind"] = Kind.PARTY_CLASS
            self.fields["kind"].help_text = _("Changing the kind or the date is kept in the history.")
        for name in ("host", "recorder"):
            if name in self.fields:
                self.fields[name].queryset = people
        if "party_group" in self.fields:
            self.fields["party_group"].queryset = party_groups
            self.fields["party_group"].help_text = _("Only for a party group meeting.")
        if "reading_list" in self.fields:
            self.fields["reading_list"].queryset = reading_lists
        if "remove_evidence" in self.fields:
            self.fields["remove_evidence"].queryset = evidence
            self.fields["remove_evidence"].label_from_instance = lambda e: e.original_name
        if "held_on" in self.fields and record is None:
            self.fields["held_on"].initial = timezone.localdate()
        if record is None and kind in ATTENDANCE_KINDS:
            # A meeting's usual title and host come preset (this month, the branch secretary):
            # a secretary records several a month and only corrects what differs.
            self.fields["title"].initial = _("%(month)s %(kind)s") % {
                "month": formats.date_format(timezone.localdate(), "YEAR_MONTH_FORMAT"),
                "kind": Kind(kind).label,
            }
            if secretary is not None and kind in SECRETARY_HOSTS:
                self.fields["host"].initial = secretary.pk
        self.fields["files"].help_text = evidence_help()
        if kind in LECTURE_KINDS and "host" in self.fields:
            self.fields["host"].label = _("Speaker")
            self.fields["host"].help_text = lecture_hint(secretary, general)
        if kind == Kind.NEWS_REPORT:
            self.fields["held_on"].label = _("Published on")
            self.fields["content"].label = _("Text or summary")

    def record_values(self) -> dict:
        data = self.cleaned_data
        skipped = ("files", "remove_evidence", "submission_token", "version")  # formguard's own fields
        return {name: data[name] for name in self.fields if name not in skipped}


class AttendanceForm(GuardedForm):
    """One row per expected person: present, on leave (with a reason) or absent."""

    def __init__(self, *args, people, existing=None, **kwargs):
        super().__init__(*args, **kwargs)
        existing = existing or {}
        self.people = list(people)
        for person in self.people:
            row = existing.get(person.pk)
            self.fields[f"status_{person.pk}"] = forms.ChoiceField(
                label=person.name,
                choices=AttendanceStatus.choices,
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                initial=row.status if row else AttendanceStatus.PRESENT,
            )
            self.fields[f"reason_{person.pk}"] = forms.CharField(
                label=_("Reason for %(name)s") % {"name": person.name},
                max_length=200,
                required=False,
                initial=row.reason if row else "",
                widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
            )

    def rows(self):
        return [(p, self[f"status_{p.pk}"], self[f"reason_{p.pk}"]) for p in self.people]

    def clean(self):
        data = super().clean()
        for person in self.people:
            if (
                data.get(f"status_{person.pk}") == AttendanceStatus.LEAVE
                and not data.get(f"reason_{person.pk}", "").strip()
            ):
                self.add_error(
                    f"reason_{person.pk}",
                    _("State the reason for the leave of %(name)s.") % {"name": person.name},
                )
        return data

    def entries(self) -> list[AttendanceEntry]:
        data = self.cleaned_data
        return [
            AttendanceEntry(person=p, status=data[f"status_{p.pk}"], reason=data.get(f"reason_{p.pk}", ""))
            for p in self.people
        ]


class ArchiveForm(GuardedForm):
    reason = forms.CharField(
        label=gettext_lazy("Why is the record archived?"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("For example: entered twice, or entered for the wrong branch."),
    )


class RestoreForm(GuardedForm):
    reason = forms.CharField(
        label=gettext_lazy("Why is the record restored?"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("For example: archived by mistake. Kept in the record's history."),
    )


class FrequencyForm(GuardedForm):
    is_required = forms.BooleanField(label=gettext_lazy("Required"), required=False)
    period = forms.ChoiceField(label=gettext_lazy("Period"), choices=Period.choices)
    count = forms.IntegerField(label=gettext_lazy("At least"), min_value=1, max_value=99)


class OverdueFilterForm(GuardedForm):
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"), required=False, choices=[("", gettext_lazy("All kinds"))] + Kind.choices
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[(Status.OVERDUE, Status.OVERDUE.label), (Status.DUE, Status.DUE.label)],
    )


class ReadingListForm(SubmitOnceMixin, EditCheckMixin, GuardedForm):
    campaign_year = forms.ModelChoiceField(label=gettext_lazy("Campaign year"), queryset=None)
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    published_on = forms.DateField(
        label=gettext_lazy("Published on"), widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d")
    )
    note = forms.CharField(
        label=gettext_lazy("Note"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign_year"].queryset = years
        self.fields["published_on"].initial = timezone.localdate()


TEXT_SM = {"class": "form-control form-control-sm"}


class BookForm(GuardedForm):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    title = forms.CharField(
        label=gettext_lazy("Book title"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs=TEXT_SM),
    )
    author = forms.CharField(
        label=gettext_lazy("Author"), max_length=100, required=False, widget=forms.TextInput(attrs=TEXT_SM)
    )
    note = forms.CharField(
        label=gettext_lazy("Note"), max_length=300, required=False, widget=forms.TextInput(attrs=TEXT_SM)
    )


BookFormSet = forms.formset_factory(BookForm, extra=3, max_num=100, validate_max=True)


class VanguardTeamForm(SubmitOnceMixin, EditCheckMixin, GuardedForm):
    branch = forms.ModelChoiceField(label=gettext_lazy("Branch"), queryset=None)
    campaign_year = forms.ModelChoiceField(label=gettext_lazy("Campaign year"), queryset=None)
    name = forms.CharField(label=gettext_lazy("Team name"), max_length=200)
    topic = forms.CharField(label=gettext_lazy("Research topic"), max_length=300)
    leader = PersonChoiceField(label=gettext_lazy("Team leader"), queryset=None, required=False)
    members = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Members"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    results = forms.CharField(
        label=gettext_lazy("Results"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )

    def __init__(self, *args, branches, years, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = branches
        self.fields["campaign_year"].queryset = years
        self.fields["leader"].queryset = people
        self.fields["members"].queryset = people
        self.fields["members"].label_from_instance = lambda p: p.name
        only = list(branches[:2])
        if len(only) == 1:
            self.fields["branch"].initial = only[0].pk
            self.fields["branch"].widget = forms.HiddenInput()


class ResearchChampionForm(SubmitOnceMixin, EditCheckMixin, GuardedForm):
    branch = forms.ModelChoiceField(label=gettext_lazy("Branch"), queryset=None)
    campaign_year = forms.ModelChoiceField(label=gettext_lazy("Campaign year"), queryset=None)
    person = PersonChoiceField(label=gettext_lazy("Member"), queryset=None)
    achievement = forms.CharField(label=gettext_lazy("Achievement"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, branches, years, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = branches
        self.fields["campaign_year"].queryset = years
        self.fields["person"].queryset = people
        only = list(branches[:2])
        if len(only) == 1:
            self.fields["branch"].initial = only[0].pk
            self.fields["branch"].widget = forms.HiddenInput()


class SignInLeaveForm(GuardedForm):
    """The secretary marks a member of the meeting on leave while sign-in is open."""

    person = PersonChoiceField(label=gettext_lazy("Member"), queryset=Person.objects.none())
    reason = forms.CharField(label=gettext_lazy("Reason for leave"), max_length=200)

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = Person.objects.filter(pk__in=[p.pk for p in people]).order_by(
            "employee_no"
        )


class SignInCodeForm(GuardedForm):
    code = forms.CharField(
        label=gettext_lazy("Sign-in code"),
        max_length=20,
        help_text=gettext_lazy("The six characters shown at the meeting."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "inputmode": "text"}
        ),
    )
