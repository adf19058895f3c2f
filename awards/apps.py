from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AwardsConfig(AppConfig):
    name = "awards"
    verbose_name = _("Scoring and awards")

    def ready(self):
        from campaigns.signals import campaign_year_created
        from core.sections import offer

        from .defaults import on_campaign_year_created
        from .selectors import home_context

        offer(home_context, uid="awards", counts=True)  # its home-page section
        # A new year gets its default rubrics and weights at once: the pages only read them.
        campaign_year_created.connect(on_campaign_year_created, dispatch_uid="awards.year_defaults")
