"""Roster import (upload → preview → confirm) and export. The work is in ``branches.roster``."""

from django import forms
from django.contrib import messages
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView, View

from core.mixins import AccessRequiredMixin
from formguard.forms import GuardedForm, SubmitOnceMixin

from . import roster
from .models import PartyCommittee, Person, RosterImport


def committees_for(access, permission: str) -> list[PartyCommittee]:
    """The party committees whose whole roster ``permission`` reaches."""
    scopes = access.reach(permission)
    committees = PartyCommittee.objects.order_by("name")
    if ("all", None) not in scopes:
        committees = committees.filter(pk__in=[pk for kind, pk in scopes if kind == "committee"])
    return list(committees)


class RosterUploadForm(SubmitOnceMixin, GuardedForm):
    file = forms.FileField(
        label=gettext_lazy("Roster file"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx," + roster.XLSX_CONTENT_TYPE}),
    )
    committee = forms.ModelChoiceField(
        label=gettext_lazy("Party committee"), queryset=PartyCommittee.objects.none()
    )

    def __init__(self, *args, committees: list[PartyCommittee], **kwargs):
        super().__init__(*args, **kwargs)
        self.committees = committees
        self.fields["file"].help_text = _(
            "An Excel workbook (.xlsx) of at most %(size)s and %(rows)s rows."
        ) % {
            "size": filesizeformat(roster.MAX_FILE_SIZE),
            "rows": intcomma(roster.MAX_ROWS),
        }
        if len(committees) > 1:
            self.fields["committee"].queryset = PartyCommittee.objects.filter(
                pk__in=[c.pk for c in committees]
            )
        else:
            del self.fields["committee"]  # nothing to choose

    def clean_file(self):
        file = self.cleaned_data["file"]
        roster.roster_file_validate(file)
        return file

    def clean(self):
        data = super().clean()
        if not self.committees:
            raise ValidationError(_("You may not import into any party committee."))
        if "committee" not in self.fields:
            data["committee"] = self.committees[0]
        return data


class RosterImportView(AccessRequiredMixin, FormView):
    permission = "roster.import"
    template_name = "branches/roster_import.html"
    form_class = RosterUploadForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["committees"] = committees_for(self.access, self.permission)
        return kwargs

    def get_initial(self):
        person = self.access.person
        return {"committee": person.committee_id} if person else {}

    def get_context_data(self, **kwargs):
        imports = self.restrict(RosterImport.objects.all(), branch="", committee="committee")
        return super().get_context_data(
            imports=imports.select_related("committee", "uploaded_by__person")[:20],
            columns=roster.COLUMNS,
            export_committees=committees_for(self.access, "roster.export"),
            **kwargs,
        )

    def form_valid(self, form):
        roster_import = roster.roster_import_create(
            committee=form.cleaned_data["committee"], file=form.cleaned_data["file"], access=self.access
        )
        return redirect("branches:roster_import_preview", pk=roster_import.pk)


class RosterImportPreviewView(AccessRequiredMixin, TemplateView):
    """What the stored file would change (checked again on every view), and the confirm button."""

    permission = "roster.import"
    template_name = "branches/roster_import_preview.html"

    def get_object(self) -> RosterImport:
        imports = self.restrict(RosterImport.objects.all(), branch="", committee="committee")
        return get_object_or_404(
            imports.select_related("committee", "uploaded_by__person"), pk=self.kwargs["pk"]
        )

    def get_context_data(self, **kwargs):
        roster_import = self.get_object()
        if roster_import.status == RosterImport.Status.PREVIEWED:
            summary = roster.roster_import_check(roster_import=roster_import).summary()
        else:
            summary = roster_import.summary
        errors = roster.summary_errors(summary)
        return super().get_context_data(
            roster_import=roster_import,
            summary=summary,
            counts=summary.get("counts", {}),
            errors=errors,
            can_apply=roster_import.status == RosterImport.Status.PREVIEWED and not errors,
            max_listed=roster.MAX_LISTED,
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        roster_import = self.get_object()
        try:
            roster_import = roster.roster_import_apply(
                roster_import=roster_import,
                access=self.access,
                expected_digest=request.POST.get("digest", ""),
            )
        except ValidationError as error:
            level = messages.WARNING if error.code == "already_applied" else messages.ERROR
            messages.add_message(request, level, " ".join(error.messages))
        else:
            if roster_import.status == RosterImport.Status.APPLIED:
                messages.success(request, _("The roster has been applied."))
            else:
                messages.error(request, _("The file has errors and nothing was applied."))
        return redirect("branches:roster_import_preview", pk=roster_import.pk)


class RosterExportView(AccessRequiredMixin, View):
    """Everyone the user may see, in the import's columns; ``?committee=`` narrows to one institute."""

    permission = "roster.export"

    def get(self, request, *args, **kwargs):
        people = self.restrict(Person.objects.all(), branch="branch", committee="committee")
        committee = request.GET.get("committee", "")
        if committee.isdigit():
            people = people.filter(committee_id=int(committee))
        return FileResponse(
            roster.roster_export(people=people),
            as_attachment=True,
            filename=f"roster-{timezone.localdate():%Y%m%d}.xlsx",
            content_type=roster.XLSX_CONTENT_TYPE,
        )
