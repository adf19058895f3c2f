"""Pages for positions, elections (换届) and leaving the institute. The work is in
``branches.positions`` and ``branches.services``; who may do what in ``branches.workflow``."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView

from core.mixins import AccessRequiredMixin

from . import positions, selectors, services
from .forms import ElectionForm, LeaveInstituteForm, PositionEndForm, PositionForm
from .models import Branch, GeneralBranch, PartyGroup, Person, Position
from .workflow import POSITIONS


class GeneralBranchDetailView(AccessRequiredMixin, TemplateView):
    """党总支: its committee now and before, and its branches."""

    permission = "branches.view"
    template_name = "branches/general_branch_detail.html"

    def get_context_data(self, **kwargs):
        general_branch = get_object_or_404(
            GeneralBranch.objects.select_related("committee"), pk=self.kwargs["pk"], is_active=True
        )
        reach = self.access.reach(self.permission)
        if not (
            self.access.reaches_institute(self.permission, general_branch.committee_id)
            or ("general_branch", general_branch.pk) in reach
        ):
            raise Http404
        return super().get_context_data(
            unit=general_branch,
            branches=general_branch.branches.filter(is_active=True).order_by("sort_order", "name"),
            committee=selectors.unit_committee(general_branch),
            actions=POSITIONS.actions(self.access, general_branch),
            **kwargs,
        )


def unit_url(unit):
    if isinstance(unit, Branch):
        return redirect("branches:branch_detail", pk=unit.pk)
    return redirect("branches:general_branch_detail", pk=unit.pk)


class UnitMixin(AccessRequiredMixin):
    """The branch or general branch of the URL, found only within the user's reach (else 404)."""

    unit_model = Branch

    def get_unit(self):
        if not hasattr(self, "unit"):
            if self.unit_model is Branch:
                units = self.restrict(Branch.objects.all(), branch="")
            else:
                # A general branch's positions are the office's (branches.workflow).
                units = self.access.restrict_institute(
                    GeneralBranch.objects.all(), "positions.change", committee="committee"
                )
            self.unit = get_object_or_404(units.select_related("committee"), pk=self.kwargs["pk"])
        return self.unit

    def members(self):
        unit = self.get_unit()
        people = (
            Person.objects.filter(branch=unit)
            if isinstance(unit, Branch)
            else Person.objects.filter(branch__general_branch=unit)
        )
        return people.order_by("name", "employee_no")

    def get_context_data(self, **kwargs):
        unit = self.get_unit()
        return super().get_context_data(unit=unit, is_branch=isinstance(unit, Branch), **kwargs)


class PositionAppointView(UnitMixin, FormView):
    permission = "positions.change_committee"
    template_name = "branches/position_form.html"
    form_class = PositionForm

    def get_form_kwargs(self):
        unit = self.get_unit()
        titles = [title for title in Position.Title if POSITIONS.may_appoint(self.access, unit, title)]
        if not isinstance(unit, Branch):
            titles = [title for title in titles if title != Position.Title.GROUP_LEADER]
        if not titles:
            raise PermissionDenied
        groups = (
            PartyGroup.objects.filter(branch=unit, is_active=True).order_by("name_key")
            if isinstance(unit, Branch)
            else None
        )
        return {**super().get_form_kwargs(), "titles": titles, "members": self.members(), "groups": groups}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            position = positions.position_appoint(
                unit=self.get_unit(),
                person=data["person"],
                title=data["title"],
                party_group=data.get("party_group"),
                started_on=data["started_on"],
                ended_on=data["ended_on"],
                access=self.access,
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("%(name)s is now %(title)s.")
            % {"name": position.person.name, "title": position.get_title_display()},
        )
        return unit_url(self.get_unit())


class PositionEndView(AccessRequiredMixin, FormView):
    permission = "positions.change_committee"
    template_name = "branches/position_end.html"
    form_class = PositionEndForm

    def get_position(self):
        if not hasattr(self, "position"):
            position = get_object_or_404(
                Position.objects.select_related("person", "branch", "general_branch", "party_group"),
                pk=self.kwargs["pk"],
            )
            unit = position.unit
            visible = (
                self.access.reaches_branch(self.permission, unit)
                if isinstance(unit, Branch)
                else self.access.reaches_institute("positions.change", unit.committee_id)
            )
            if not visible:
                raise Http404
            if not POSITIONS.may_appoint(self.access, unit, position.title):
                raise PermissionDenied
            self.position = position
        return self.position

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "position": self.get_position()}

    def get_context_data(self, **kwargs):
        return super().get_context_data(position=self.get_position(), **kwargs)

    def form_valid(self, form):
        position = self.get_position()
        try:
            positions.position_end(
                position=position, ended_on=form.cleaned_data["ended_on"], access=self.access
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("The position of %(name)s as %(title)s ends on %(date)s.")
            % {
                "name": position.person.name,
                "title": position.get_title_display(),
                "date": form.cleaned_data["ended_on"].isoformat(),
            },
        )
        return unit_url(position.unit)


class ElectionView(UnitMixin, FormView):
    """换届: one form for the date, the term and the new committee; saving ends the old one."""

    permission = "positions.change"
    template_name = "branches/election_form.html"
    form_class = ElectionForm

    def get_unit(self):
        unit = super().get_unit()
        if "elect" not in POSITIONS.actions(self.access, unit):
            raise Http404
        return unit

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "members": self.members()}

    def get_context_data(self, **kwargs):
        unit = self.get_unit()
        current = positions.unit_committee(unit, timezone.localdate()).select_related("person")
        return super().get_context_data(current=current.order_by("title", "started_on"), **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            positions.election_record(
                unit=self.get_unit(),
                held_on=data["held_on"],
                term_ends_on=data["term_ends_on"],
                committee=form.committee(),
                note=data["note"],
                access=self.access,
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The election has been recorded; the new committee takes office."))
        return unit_url(self.get_unit())


class PersonLeaveView(AccessRequiredMixin, FormView):
    """离职, 退休, 死亡, 出党: membership and positions end, the login stops working."""

    permission = "people.transfer"
    template_name = "branches/person_leave.html"
    form_class = LeaveInstituteForm

    def get_person(self):
        if not hasattr(self, "person"):
            people = self.restrict(Person.objects.all(), branch="branch", committee="committee")
            self.person = get_object_or_404(people.select_related("branch", "user"), pk=self.kwargs["pk"])
        return self.person

    def get_context_data(self, **kwargs):
        return super().get_context_data(person=self.get_person(), **kwargs)

    def form_valid(self, form):
        person = self.get_person()
        data = form.cleaned_data
        try:
            services.person_leave_institute(
                person=person, reason=data["reason"], on=data["on"], note=data["note"], access=self.access
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Recorded: %(name)s has left.") % {"name": person.name})
        return redirect("branches:person_detail", pk=person.pk)
