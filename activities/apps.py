from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "activities"
    verbose_name = _("Activity record")

    def ready(self):
        from core.sections import offer

        from .selectors import home_context

        offer(home_context, uid="activities")  # its home-page section

        from .summary import connect_signals

        connect_signals()
