from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "activities"
    verbose_name = _("Activity record")

    def ready(self):
        from campaigns.signals import campaign_year_created
        from core.sections import offer

        from .defaults import on_campaign_year_created
        from .selectors import home_context

        offer(home_context, uid="activities", counts=True)  # its home-page section

        from .summary import connect_signals

        connect_signals()
        # A new year gets its default required frequencies at once: the pages only read them.
        campaign_year_created.connect(on_campaign_year_created, dispatch_uid="activities.year_defaults")
