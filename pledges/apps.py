from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PledgesConfig(AppConfig):
    name = "pledges"
    verbose_name = _("Public pledges")

    def ready(self):
        from core.sections import offer

        from .selectors import home_context

        offer(home_context, uid="pledges", counts=True)  # its home-page section
