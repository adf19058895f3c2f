from django.contrib.auth.mixins import LoginRequiredMixin
from django.utils import timezone
from django.views.generic import TemplateView

from accounts.access import Role
from campaigns.selectors import home_year, upcoming
from core.sections import assemble


class HomeView(LoginRequiredMixin, TemplateView):
    """Each role lands on its own page of things to do; a person with several roles can switch
    between them with ``?role=``. The page knows the campaign year; each app adds its own
    section (``core.sections``)."""

    def get(self, request, *args, **kwargs):
        self.access = request.access
        wanted = request.GET.get("role")
        self.role = wanted if wanted in self.access.roles else self.access.primary_role
        return super().get(request, *args, **kwargs)

    def get_template_names(self):
        return [f"home/home_{self.role}.html" if self.role else "home/home_none.html"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        campaign, year = home_year(self.access, today)
        context.update(
            role=self.role,
            role_choices=[(r, Role(r).label) for r in self.access.roles],
            campaign=campaign,
            campaign_year=year,
            upcoming=upcoming(year, today),
            current_phases=year.current_phases if year else [],
            today=today,
        )
        context.update(assemble(access=self.access, role=self.role, campaign_year=year, today=today))
        return context
