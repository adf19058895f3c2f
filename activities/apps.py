from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "activities"
    verbose_name = _("Activity record")

    def ready(self):
        from .summary import connect_signals

        connect_signals()
