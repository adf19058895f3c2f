from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts and roles")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from core.sections import offer

        from .sections import home_context

        offer(home_context, uid="accounts", counts=True)  # the organisation on the home page

        from . import role_cache

        role_cache.connect()  # roles cached for requests, read again when their records change

        # Django saves the user on each login (last_login); done as an UPDATE instead, so that a
        # login is not recorded as a change of the login in the audit history.
        user_logged_in.disconnect(dispatch_uid="update_last_login")
        user_logged_in.connect(_update_last_login, dispatch_uid="update_last_login")
        user_logged_in.connect(_mark_must_change, dispatch_uid="must_change_password")


def _update_last_login(sender, user, **kwargs):
    from django.utils import timezone

    user.last_login = timezone.now()
    type(user)._default_manager.filter(pk=user.pk).update(last_login=user.last_login)


def _mark_must_change(sender, request, user, **kwargs):
    """A login signed in with a one-time password (a slip) is sent to the change form first
    (accounts.middleware); one signed in with the directory's password is not."""
    if request is not None and getattr(user, "must_change_password", False):
        if not getattr(user, "backend", "").endswith("LDAPBackend"):
            from .middleware import MUST_CHANGE

            request.session[MUST_CHANGE] = True
