from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "notices"
    verbose_name = _("Notices")

    def ready(self):
        from core.sections import offer

        from .selectors import home_context

        offer(home_context, uid="notices", counts=True)  # its home-page section
