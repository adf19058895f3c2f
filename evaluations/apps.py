from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationsConfig(AppConfig):
    name = "evaluations"
    verbose_name = _("Mass evaluation and democratic appraisal")

    def ready(self):
        from core.sections import offer

        from .selectors import home_context

        offer(home_context, uid="evaluations", counts=True)  # its home-page section
