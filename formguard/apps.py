from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FormguardConfig(AppConfig):
    name = "formguard"
    verbose_name = _("Form safety")
