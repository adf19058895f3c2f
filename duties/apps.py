from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DutiesConfig(AppConfig):
    name = "duties"
    verbose_name = _("Duty reports")

    def ready(self):
        from core.sections import offer

        from .selectors import home_context

        offer(home_context, uid="duties", counts=True)  # its home-page section
