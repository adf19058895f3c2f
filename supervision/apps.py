from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = _("Supervision and semi-annual reviews")

    def ready(self):
        from core.sections import offer

        from .selectors import home_context

        offer(home_context, uid="supervision")  # its home-page section
