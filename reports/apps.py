from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports and dashboards")

    def ready(self):
        from core.sections import offer

        from .selectors import home_context

        offer(home_context, uid="reports", counts=True)  # its home-page section

        # The services queue the tasks by name (core.queue), so nothing else imports them; a
        # process that sends them eagerly (tests, no broker) must have them registered.
        from . import tasks  # noqa: F401
