from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.generic import DetailView, FormView, ListView, TemplateView

from core.audit import object_history
from core.mixins import AccessRequiredMixin

from . import selectors, services
from .filters import BranchFilterSet, PersonFilterSet
from .forms import TransferForm
from .models import Branch, Department, Person
from .roster_views import RosterExportView, RosterImportPreviewView, RosterImportView
from .workflow import POSITIONS

__all__ = ["RosterExportView", "RosterImportPreviewView", "RosterImportView"]


class OrgTreeView(AccessRequiredMixin, TemplateView):
    permission = "org.view"
    template_name = "branches/org_tree.html"

    def get_context_data(self, **kwargs):
        branches = self.restrict(Branch.objects.all(), branch="")
        return super().get_context_data(tree=selectors.org_tree(branches), **kwargs)


class BranchListView(AccessRequiredMixin, ListView):
    permission = "branches.view"
    template_name = "branches/branch_list.html"
    context_object_name = "branches"
    paginate_by = 50  # each row costs ~0.1 ms to render; a group has 5,000 (search by name instead)

    def get_queryset(self):
        self.filterset = BranchFilterSet(
            self.request.GET or None,
            queryset=selectors.branch_list(self.restrict(Branch.objects.all(), branch="")),
        )
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(filter_form=self.filterset.form, **kwargs)
        context["branches"] = context["object_list"] = selectors.with_member_counts(context["object_list"])
        return context


class BranchDetailView(AccessRequiredMixin, DetailView):
    permission = "branches.view"
    template_name = "branches/branch_detail.html"
    context_object_name = "branch"

    def get_queryset(self):
        return selectors.branch_detail(self.restrict(Branch.objects.all(), branch=""))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        branch = self.object
        # Individual members are shown to those who may see people here; the leading group
        # sees the branch and its figures only.
        context["can_see_people"] = self.access.reaches_branch("people.view", branch)
        context["committee"] = selectors.unit_committee(branch)
        context["can_see_general_branch"] = branch.general_branch_id is not None and (
            self.access.reaches_institute("branches.view", branch.committee_id)
            or ("general_branch", branch.general_branch_id) in self.access.reach("branches.view")
        )
        context["actions"] = actions = POSITIONS.actions(self.access, branch)
        for position in context["committee"]["now"] + context["committee"]["upcoming"]:
            position.can_end = POSITIONS.action_for(position.title) in actions
        context["members"] = selectors.branch_members(branch) if context["can_see_people"] else []
        if self.access.reaches_branch("history.view", branch):
            context["history"] = object_history(branch)
        return context


class PersonListView(AccessRequiredMixin, ListView):
    permission = "people.view"
    template_name = "branches/person_list.html"
    context_object_name = "people"
    paginate_by = 50

    def visible_people(self):
        return self.restrict(Person.objects.all(), branch="branch", committee="committee")

    def get_queryset(self):
        branches = self.restrict(Branch.objects.active(), branch="")
        departments = Department.objects.filter(committee__in=branches.values("committee"), is_active=True)
        self.branch_names = selectors.names_to_suggest(branches.order_by("sort_order", "name"))
        self.department_names = selectors.names_to_suggest(departments.order_by("sort_order", "name"))
        self.filterset = PersonFilterSet(
            self.request.GET or None, queryset=selectors.person_list(self.visible_people())
        )
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            filter_form=self.filterset.form,
            branch_names=self.branch_names,
            department_names=self.department_names,
            **kwargs,
        )


class PersonDetailView(AccessRequiredMixin, DetailView):
    permission = "people.view"
    template_name = "branches/person_detail.html"
    context_object_name = "person"

    def get_queryset(self):
        return selectors.person_detail(
            self.restrict(Person.objects.all(), branch="branch", committee="committee")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        person = self.object
        if self.access.has("history.view"):
            context["history"] = object_history(person)
        context["can_leave"] = (
            person.branch_id is not None or person.status == Person.Status.EMPLOYED or bool(person.user_id)
        ) and self.access.reaches_institute("people.transfer", person.committee_id)
        context["can_transfer"] = (
            person.branch_id is not None
            and self.restrict(
                Person.objects.filter(pk=person.pk), permission="people.transfer", committee="committee"
            ).exists()
        )
        return context


class PersonTransferView(AccessRequiredMixin, FormView):
    """Move a member to another branch; the old stay is closed, not overwritten."""

    permission = "people.transfer"
    template_name = "branches/person_transfer.html"
    form_class = TransferForm

    def get_person(self):
        if not hasattr(self, "person"):
            people = self.restrict(Person.objects.members(), committee="committee")
            self.person = get_object_or_404(
                people.select_related("branch", "party_group"), pk=self.kwargs["pk"]
            )
        return self.person

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        person = self.get_person()
        kwargs["branches"] = self.restrict(Branch.objects.active(), branch="").filter(
            committee_id=person.committee_id
        )
        return kwargs

    def get_context_data(self, **kwargs):
        return super().get_context_data(person=self.get_person(), **kwargs)

    def form_valid(self, form):
        person = self.get_person()
        data = form.cleaned_data
        try:
            services.member_transfer(
                person=person,
                branch=data["branch"],
                party_group=data["party_group"],
                on=data["on"],
                note=data["note"],
                access=self.access,
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("%(name)s now belongs to %(branch)s.") % {"name": person.name, "branch": data["branch"]},
        )
        return redirect("branches:person_detail", pk=person.pk)
