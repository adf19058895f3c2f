from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AwardsConfig(AppConfig):
    name = "awards"
    verbose_name = _("Scoring and awards")

    def ready(self):
        from core.sections import offer

        from .selectors import home_context

        offer(home_context, uid="awards", counts=True)  # its home-page section
