from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from formguard.forms import GuardedForm

from .models import ReportFile
from .registry import SUBJECTS

# How many matches an ambiguous name lists in its message.
SHOWN_MATCHES = 8


def split_institute(text: str) -> tuple[str, str]:
    """``"name（institute）"``, the form a suggestion takes when the reader reaches several
    institutes, as (name, institute); ("", "") for a plain name."""
    if text.endswith("）") and "（" in text:
        name, _sep, institute = text[:-1].rpartition("（")
        return name, institute
    return "", ""


def pick(queryset, text: str, *, field: str):
    """The one object of ``queryset`` that ``text`` names: by its full name (or the name with the
    institute, as suggested to a reader of several institutes), else by a part of the name that
    only it has. Thousands of branches or evaluations cannot be offered in a select; one types
    the name instead, and is told when it matches nothing or several."""
    text = " ".join(text.split())
    found = list(queryset.filter(**{field: text})[:2])
    name, institute = split_institute(text)
    if len(found) != 1 and name:
        found = list(
            queryset.filter(
                Q(committee__short_name=institute) | Q(committee__name=institute), **{field: name}
            )[:2]
        )
    if len(found) != 1:
        found = list(
            queryset.filter(**{f"{field}__icontains": text}).select_related("committee")[: SHOWN_MATCHES + 1]
        )
    if len(found) == 1:
        return found[0]
    if not found:
        raise ValidationError(_("Nothing within your reach is called “%(text)s”.") % {"text": text})
    names = [getattr(o, field) for o in found[:SHOWN_MATCHES]]
    if len(set(names)) < len(names):  # the same name in several institutes
        names = [label(o, field) for o in found[:SHOWN_MATCHES]]
    raise ValidationError(
        _("“%(text)s” matches several: %(names)s%(more)s. Type the full name.")
        % {"text": text, "names": "、".join(names), "more": "…" if len(found) > SHOWN_MATCHES else ""}
    )


def label(obj, field: str) -> str:
    """The name with its institute, which ``pick`` understands."""
    return f"{getattr(obj, field)}（{obj.committee.label}）"


class RequestForm(GuardedForm):
    """What a report needs, with choices computed once per page (see ``views.Choices``); the
    service checks the chosen objects against the reader's scope again.

    A branch and an evaluation are typed, not chosen from a select: a group has thousands of
    each. The input suggests names (a datalist, filled on the page when the reader reaches few,
    else by static/js/lookup.js as one types); ``clean`` turns the name into the object's id."""

    format = forms.ChoiceField(
        label=gettext_lazy("Format"), choices=ReportFile.Format.choices, widget=forms.RadioSelect
    )

    def __init__(self, *args, report, choices, **kwargs):
        super().__init__(*args, prefix=report.key, **kwargs)
        self.report = report
        self.choices = choices
        self.fields["format"].choices = [c for c in ReportFile.Format.choices if c[0] in report.formats]
        self.fields["format"].initial = report.formats[0]
        if "year" in report.needs:
            years = choices.years()
            self.fields["year"] = forms.TypedChoiceField(
                label=gettext_lazy("Campaign year"),
                choices=years,
                coerce=int,
                initial=years[0][0] if years else None,
            )
        if "subject" in report.needs:
            self.fields["subject"] = forms.ChoiceField(label=gettext_lazy("Of"), choices=SUBJECTS)
        if "branch" in report.needs:
            self.fields["branch"] = forms.CharField(
                label=gettext_lazy("Branch"),
                max_length=200,
                required=report.branch_required,
                help_text=gettext_lazy("Type its name or a part of it."),
                widget=self.typed_input("branch", choices.branch_list(report.permission)),
            )
            if not report.branch_required:
                self.fields["branch"].widget.attrs["placeholder"] = _("All branches within your reach")
        if "evaluation" in report.needs:
            self.fields["evaluation"] = forms.CharField(
                label=gettext_lazy("Evaluation"),
                max_length=250,
                help_text=gettext_lazy("Type its title or a part of it."),
                widget=self.typed_input("evaluation", choices.evaluation_list(report.permission)),
            )
        self.order_fields(["year", "evaluation", "subject", "branch", "format"])

    def typed_input(self, field, datalist):
        attrs = {"autocomplete": "off", "spellcheck": "false"}
        if datalist:
            attrs["list"] = datalist
        else:  # Too many to put on the page: suggested as one types.
            attrs["data-lookup"] = reverse("reports:lookup", args=[self.report.key, field])
            if "year" in self.report.needs:
                attrs["data-lookup-year"] = self.add_prefix("year")
        return forms.TextInput(attrs=attrs)

    def clean(self):
        data = super().clean()
        permission = self.report.permission
        if data.get("branch"):
            branches = self.choices.branches(permission)
            year = self.choices.year(data.get("year"))
            if year is not None:  # a year's report covers the branches of its institute
                branches = branches.filter(committee_id=year.campaign.committee_id)
            try:
                data["branch"] = pick(branches, data["branch"], field="name").pk
            except ValidationError as error:
                self.add_error("branch", error)
        elif "branch" in self.fields:
            data["branch"] = None
        if data.get("evaluation"):
            try:
                data["evaluation"] = pick(
                    self.choices.evaluations(permission), data["evaluation"], field="title"
                ).pk
            except ValidationError as error:
                self.add_error("evaluation", error)
        return data

    def params(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "format"}


class LookupForm(GuardedForm):
    """The query of a suggestion request (``views.LookupView``)."""

    q = forms.CharField(required=False, max_length=100)
    year = forms.IntegerField(required=False)
