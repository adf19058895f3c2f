"""Sign-in with the institute directory's password (django-auth-ldap), on when ``LDAP_URL`` is
set (config/settings.py). The directory entry found for the name typed is matched to the person
by employee number (``LDAP_EMPLOYEE_NUMBER_ATTR``), never by name:

- a person with an active login signs in as that login;
- a person who takes part (employed, or a party member) but has no login yet gets one at the
  first sign-in, named by the login-name rule, with no local password (the directory's is the
  password; README "Logins and sign-in");
- a directory entry with no employee number or no person, a person who no longer takes part,
  or a deactivated login: refused, with a message saying which (``LoginForm`` shows it).

django-axes stays in front (it is the first backend): failures here count as failed logins."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from django_auth_ldap.backend import LDAPBackend as _LDAPBackend

from core.services import save_as

from .backends import ModelBackend
from .loginnames import next_free_names, save_under_free_name
from .security import REFUSAL
from .workflow import takes_part


class LDAPBackend(_LDAPBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        self._request = request
        return super().authenticate(request, username=username, password=password, **kwargs)

    def _refuse(self, message: str):
        if self._request is not None:
            setattr(self._request, REFUSAL, message)
        # Stops Django from trying the next backend (a local password) for this directory user.
        raise PermissionDenied(message)

    def get_or_build_user(self, username, ldap_user):
        from branches.models import Person

        values = (ldap_user.attrs or {}).get(settings.LDAP_EMPLOYEE_NUMBER_ATTR) or []
        employee_no = values[0].strip() if values else ""
        person = (
            Person.objects.select_related("user").filter(employee_no=employee_no).first()
            if employee_no
            else None
        )
        if person is None:
            self._refuse(
                _(
                    "Your directory account matches nobody in this system's roster. "
                    "Please ask the campaign office."
                )
            )
        user = person.user
        if user is None:
            if not takes_part(person):
                self._refuse(_("You no longer take part in the campaign: no login is given."))
            with transaction.atomic():
                user = self.get_user_model()(username=next_free_names([person.name])[0])
                user.set_unusable_password()  # the directory's password is the password
                save_under_free_name(user, person.name, None)
                person.user = user
                save_as(person, None, update_fields=["user"])
        elif not user.is_active:
            self._refuse(_("Your login has been deactivated. Please ask the campaign office."))
        return user, False

    def get_user(self, user_id):
        # The session's user, loaded as every other login is (with its person and inbox count).
        return ModelBackend().get_user(user_id)
