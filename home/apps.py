from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    """Each role's home page: assembled from the sections the apps offer (core.sections)."""

    name = "home"
    verbose_name = _("Home page")
