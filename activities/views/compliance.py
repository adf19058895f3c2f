"""Pages of compliance (是否按要求开展): the grid of branches by months, the list of what is
overdue or due, one branch's year, and the required frequencies the office sets. A general
branch's own records have a row of their own beside its branches, a page of their year, and
requirements of their own (issue 20)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import ListView, TemplateView

from branches.models import Branch, GeneralBranch
from campaigns.models import CampaignYear
from core.mixins import AccessRequiredMixin

from .. import selectors, services
from ..compliance import CSS, Status, compliance_table
from ..defaults import REQUIRABLE
from ..forms import FrequencyForm, OverdueFilterForm
from ..models import Unit
from .base import CampaignYearMixin


class ComplianceMixin(CampaignYearMixin):
    def table(self, branches=None, general_branches=None):
        """The table of ``branches`` and of the own records of ``general_branches`` (default:
        every one the reader reaches)."""
        year = self.get_campaign_year()
        if year is None:
            return None
        if branches is None:
            branches = self.restrict(Branch.objects.active(), branch="")
        if general_branches is None:
            general_branches = self.general_branches()
        return compliance_table(campaign_year=year, branches=branches, general_branches=general_branches)

    def general_branches(self):
        return selectors.general_branches_reached(self.access, self.permission)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            **self.year_context(),
            legend=[
                (s, s.label, CSS[s])
                for s in (Status.MET, Status.IN_PROGRESS, Status.DUE, Status.OVERDUE, Status.FUTURE)
            ],
            can_set_frequencies=self.access.has("compliance.change"),
            **kwargs,
        )


class ComplianceGridView(AccessRequiredMixin, ComplianceMixin, TemplateView):
    """Branches × months, coloured by the worst status of the monthly and quarterly kinds."""

    permission = "compliance.view"
    template_name = "activities/compliance_grid.html"
    # An institute of a group has hundreds of branches: a page of them at a time.
    paginate_by = 25

    def get_context_data(self, **kwargs):
        year = self.get_campaign_year()
        if year is None:
            return super().get_context_data(table=None, **kwargs)
        units = selectors.grid_units(
            self.restrict(Branch.objects.active(), branch=""), self.general_branches(), year
        )
        page = Paginator(units, self.paginate_by).get_page(self.request.GET.get("page"))
        table = self.table(
            branches=Branch.objects.filter(pk__in=[pk for unit, pk in page if unit == "branch"]),
            general_branches=GeneralBranch.objects.filter(
                pk__in=[pk for unit, pk in page if unit == "general_branch"]
            ),
        )
        return super().get_context_data(
            table=table, page_obj=page, is_paginated=page.has_other_pages(), **kwargs
        )


class OverdueListView(AccessRequiredMixin, ComplianceMixin, ListView):
    permission = "compliance.view"
    template_name = "activities/compliance_overdue.html"
    context_object_name = "items"
    paginate_by = 50

    def get_queryset(self):
        table = self.table()
        if table is None:
            return []
        # The items are computed, not rows of a table: a plain form filters them (django-filter
        # filters querysets).
        self.filter_form = OverdueFilterForm(self.request.GET or None)
        data = self.filter_form.cleaned_data if self.filter_form.is_valid() else {}
        return selectors.owing_items(table, status=data.get("status"), kind=data.get("kind"))

    def get_context_data(self, **kwargs):
        return super().get_context_data(filter_form=getattr(self, "filter_form", None), **kwargs)


class BranchOwesView(AccessRequiredMixin, ComplianceMixin, TemplateView):
    """One branch's year: what it still owes now, and every period of every required kind."""

    permission = "compliance.view"
    template_name = "activities/compliance_branch.html"

    def visible_years(self, permission: str):
        # Only the years of the branch's own institute.
        return super().visible_years(permission).filter(campaign__committee_id=self.branch.committee_id)

    def get_context_data(self, **kwargs):
        self.branch = branch = get_object_or_404(
            self.restrict(Branch.objects.all(), branch=""), pk=self.kwargs["pk"]
        )
        table = self.table(Branch.objects.filter(pk=branch.pk), GeneralBranch.objects.none())
        row = table.rows[0] if table is not None and table.rows else None
        by_kind = []
        if row is not None:
            for requirement in table.requirements:
                by_kind.append((requirement, row.items_of(requirement.kind)))
        return super().get_context_data(branch=branch, row=row, by_kind=by_kind, **kwargs)


class GeneralBranchOwesView(AccessRequiredMixin, ComplianceMixin, TemplateView):
    """One general branch's own year: what its own records still owe, against the general
    branches' requirements. Another general branch's is a 404."""

    permission = "compliance.view"
    template_name = "activities/compliance_branch.html"

    def visible_years(self, permission: str):
        return (
            super().visible_years(permission).filter(campaign__committee_id=self.general_branch.committee_id)
        )

    def get_context_data(self, **kwargs):
        self.general_branch = general_branch = get_object_or_404(
            self.general_branches(), pk=self.kwargs["pk"]
        )
        table = self.table(Branch.objects.none(), GeneralBranch.objects.filter(pk=general_branch.pk))
        row = table.rows[0] if table is not None and table.rows else None
        by_kind = []
        if row is not None:
            for requirement in table.general_branch_requirements:
                by_kind.append((requirement, row.items_of(requirement.kind)))
        return super().get_context_data(
            branch=general_branch, general_branch=general_branch, row=row, by_kind=by_kind, **kwargs
        )


class FrequencyUpdateView(AccessRequiredMixin, CampaignYearMixin, TemplateView):
    """The campaign office sets the required frequencies of one campaign year: of branches, or
    (``unit`` general branch, a page of its own) of general branches' own records."""

    permission = "compliance.change"
    template_name = "activities/frequencies_form.html"
    unit = Unit.BRANCH

    def get_year(self):
        return get_object_or_404(
            CampaignYear.objects.visible_to(self.access, self.permission), pk=self.kwargs["pk"]
        )

    def build(self, year):
        rows = selectors.required_frequencies_for(campaign_year=year, unit=self.unit)
        data = self.request.POST if self.request.method == "POST" else None
        return [
            (
                row,
                FrequencyForm(
                    data,
                    prefix=row.kind,
                    initial={"is_required": row.is_required, "period": row.period, "count": row.count},
                ),
            )
            for row in rows
        ]

    def get(self, request, *args, **kwargs):
        year = self.get_year()
        return self.render_to_response(self.get_context_data(campaign_year=year, rows=self.build(year)))

    def post(self, request, *args, **kwargs):
        year = self.get_year()
        rows = self.build(year)
        if all(form.is_valid() for _row, form in rows):
            values = {
                row.kind: (
                    form.cleaned_data["is_required"],
                    form.cleaned_data["period"],
                    form.cleaned_data["count"],
                )
                for row, form in rows
            }
            try:
                services.required_frequencies_update(
                    campaign_year=year, access=self.access, values=values, unit=self.unit
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(
                    request, _("The required frequencies of %(year)s have been saved.") % {"year": year.year}
                )
                return redirect(f"{reverse('activities:compliance')}?year={year.pk}")
        return self.render_to_response(self.get_context_data(campaign_year=year, rows=rows))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        year = context["campaign_year"]
        if self.access.has("history.view"):
            context["history"] = selectors.frequency_history(year, unit=self.unit)
        context["kinds"] = REQUIRABLE[self.unit]
        context["unit"] = self.unit
        context["general"] = self.unit == Unit.GENERAL_BRANCH
        return context
