from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The bottom of the house: plumbing every app uses and that knows no app (task outbox,
    counts in one query, evidence files, backup, the audit log's reader, the permission mixin,
    the home page's section signal, small service and form helpers)."""

    name = "core"
    verbose_name = _("Shared services")
