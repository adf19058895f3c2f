"""The campaign office's login pages: the list of people and their logins, creating logins for
a unit or for people ticked in the list (counts first, then the slips' PDF), resetting a
password (a new slip), deactivating and reactivating a login. Permission: see workflow.py."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from core.mixins import AccessRequiredMixin

from . import selectors
from .forms import LoginFilterForm, LoginIssueForm
from .logins import login_reset_password, login_set_active, logins_issue
from .slips import slips_response
from .workflow import PERMISSION, login_actions, login_workflow


class LoginListView(AccessRequiredMixin, TemplateView):
    permission = PERMISSION
    template_name = "accounts/logins.html"
    paginate_by = 50

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = LoginFilterForm(self.request.GET or None, units=selectors.unit_choices(self.access))
        filters = form.cleaned_data if form.is_valid() else {}
        people = selectors.login_list(
            self.access,
            unit=filters.get("unit", ""),
            query=filters.get("q", ""),
            state=filters.get("state", ""),
        )
        page = Paginator(people, self.paginate_by).get_page(self.request.GET.get("page"))
        rows = [
            {"person": p, "state": login_workflow.state(p), "actions": login_actions(self.access, p)}
            for p in page.object_list
        ]
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            form=form,
            page_obj=page,
            is_paginated=page.has_other_pages(),
            rows=rows,
            query=query.urlencode(),
            here=self.request.get_full_path(),
        )
        return context


class LoginIssueView(AccessRequiredMixin, TemplateView):
    """GET: who would get a login (counts, names); POST: create them and answer with the slips."""

    permission = PERMISSION
    template_name = "accounts/logins_issue.html"

    def get_form(self, data):
        return LoginIssueForm(
            data,
            units=selectors.unit_choices(self.access),
            people=selectors.people_for_logins(self.access),
        )

    def chosen(self, form):
        people = selectors.people_for_logins(self.access)
        if form.cleaned_data.get("unit"):
            return people.filter(selectors.unit_filter(form.cleaned_data["unit"]))
        return people.filter(pk__in=[p.pk for p in form.cleaned_data["person"]])

    def get(self, request, *args, **kwargs):
        form = self.get_form(request.GET or None)
        return self.render_to_response(self.preview_context(form))

    def preview_context(self, form):
        context = self.get_context_data(form=form)
        if form.is_bound and form.is_valid():
            people = self.chosen(form)
            context.update(counts=selectors.issue_counts(people), preview=selectors.issue_preview(people))
        return context

    def post(self, request, *args, **kwargs):
        form = self.get_form(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.preview_context(form))
        try:
            slips = logins_issue(access=self.access, people=self.chosen(form))
        except ValidationError as error:
            form.add_error(None, error)
            return self.render_to_response(self.preview_context(form))
        if not slips:
            messages.info(request, _("Everybody chosen has a login already: nothing was created."))
            return redirect("logins:list")
        return slips_response(slips)


class _PersonAction(AccessRequiredMixin, View):
    """A POST on one person's login; another institute's person is not found (404)."""

    permission = PERMISSION
    http_method_names = ["post"]

    def get_person(self, pk):
        people = selectors.people_for_logins(self.access).select_related("user", "department", "branch")
        return get_object_or_404(people, pk=pk)

    def back(self):
        nxt = self.request.POST.get("next", "")
        return redirect(nxt if nxt.startswith(reverse("logins:list")) else "logins:list")


class LoginResetView(_PersonAction):
    def post(self, request, pk):
        person = self.get_person(pk)
        try:
            slip = login_reset_password(access=self.access, person=person)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return self.back()
        return slips_response([slip])


class LoginSetActiveView(_PersonAction):
    active = False

    def post(self, request, pk):
        person = self.get_person(pk)
        try:
            login_set_active(access=self.access, person=person, active=self.active)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            done = (
                _("The login of %(name)s is active again.")
                if self.active
                else _("The login of %(name)s is deactivated: it cannot sign in any more.")
            )
            messages.success(request, done % {"name": person.name})
        return self.back()
