from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo institute that ``scripts/run`` loads: it writes through every app, so it sits at
    the top of the house."""

    name = "demo"
    verbose_name = _("Demo institute")
