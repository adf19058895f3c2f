"""The dashboard page (/reports/dashboard/): the figures of the user's current role as charts,
each with its table. Thin: the figures come from ``reports.dashboards``."""

from django.utils import timezone
from django.views.generic import TemplateView

from accounts.access import Role, get_access
from campaigns.selectors import pick_year
from core.mixins import AccessRequiredMixin

from . import dashboards


class DashboardView(AccessRequiredMixin, TemplateView):
    """One URL for every role, like the home page: ``?role=`` switches between the user's roles,
    ``?year=`` picks the campaign year.

    The office, the leading group and a secretary need ``dashboard.view`` (within its scope); a
    member sees the own pledge only, which needs what the own pledge needs (``pledges.write_own``).
    Staff have no dashboard (403)."""

    permission = dashboards.PERMISSION
    template_name = "reports/dashboard.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            access = get_access(request)
            self.role = dashboards.dashboard_role(access, request.GET.get("role"))
            self.kind = dashboards.KIND_OF_ROLE.get(self.role)
            if self.kind is not None:
                # The permission this role's dashboard needs; checked by AccessRequiredMixin.
                self.permission = dashboards.PERMISSION_OF_KIND[self.kind]
        return super().dispatch(request, *args, **kwargs)

    def get_today(self):
        return timezone.localdate()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = self.get_today()
        years = list(dashboards.dashboard_years(self.access, self.kind))
        year = pick_year(years, self.request.GET.get("year"), today)
        context.update(
            role=self.role,
            role_choices=[(r, Role(r).label) for r in self.access.roles if r in dashboards.KIND_OF_ROLE],
            campaign_year=year,
            campaign_years=years,
            multi_committee=len({y.campaign.committee_id for y in years}) > 1,
            today=today,
        )
        if year is None:
            context["dashboard"] = {"kind": self.kind}
        elif self.kind == dashboards.MEMBER:
            context["dashboard"] = dashboards.member_dashboard(access=self.access, campaign_year=year)
        else:
            context["dashboard"] = dashboards.branches_dashboard(
                access=self.access, campaign_year=year, kind=self.kind, today=today
            )
        return context
