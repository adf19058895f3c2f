"""Who may issue, reset, deactivate and reactivate a person's login, and in which state: the
one place both are decided (``core.workflow``). The state is read off the person's login:

::

    none ──issue──▶ active ──deactivate──▶ inactive ──reactivate──▶ active
                     └─reset (a new one-time password, a new slip; stays active)

The campaign office of the person's institute (and the administrator) plays the part "office".
Logins of administrators are managed in the admin only (state "admin": no action here).
"""

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.workflow import Workflow

# The permission of the login pages. The office that keeps the roster of people (the roster
# import) is the office that gives them logins; accounts/access.py grants it to the campaign
# office of an institute and to the administrator (another part of the team keeps that file).
PERMISSION = "roster.import"

NONE, ACTIVE, INACTIVE, ADMIN = "none", "active", "inactive", "admin"
OFFICE = "office"


# takes_part() as a query condition (Person.Status.EMPLOYED; branches.models is not loaded yet).
TAKES_PART = Q(status="employed") | Q(branch__isnull=False)


def takes_part(person) -> bool:
    """Whether the person takes part in the campaign (a login is for them): employed staff
    (职工群众, who evaluate) and party members in a branch (retired members included)."""
    return person.branch_id is not None or person.status == type(person).Status.EMPLOYED


class LoginWorkflow(Workflow):
    transitions = {
        (NONE, "issue"): ACTIVE,
        (ACTIVE, "deactivate"): INACTIVE,
        (INACTIVE, "reactivate"): ACTIVE,
    }
    steady = {"reset": frozenset({ACTIVE})}
    actors = {"issue": OFFICE, "reset": OFFICE, "deactivate": OFFICE, "reactivate": OFFICE}
    labels = {
        "issue": gettext_lazy("Create login"),
        "reset": gettext_lazy("Reset password"),
        "deactivate": gettext_lazy("Deactivate login"),
        "reactivate": gettext_lazy("Reactivate login"),
    }

    def state(self, person) -> str:
        user = person.user
        if user is None:
            return NONE
        if user.is_superuser or user.is_staff:
            return ADMIN
        return ACTIVE if user.is_active else INACTIVE

    def state_allows(self, person, action: str) -> bool:
        if action in ("issue", "reactivate") and not takes_part(person):
            return False
        return super().state_allows(person, action)

    def refusal(self, person, action: str) -> ValidationError:
        state = self.state(person)
        if state == ADMIN:
            return ValidationError(_("An administrator's login is managed in the admin only."), code="admin")
        if action in ("issue", "reactivate") and not takes_part(person):
            return ValidationError(
                _("%(name)s neither works at the institute nor is a party member: no login is given.")
                % {"name": person.name},
                code="not_taking_part",
            )
        messages = {
            NONE: _("%(name)s has no login yet."),
            ACTIVE: _("%(name)s has an active login already."),
            INACTIVE: _("The login of %(name)s is deactivated."),
        }
        return ValidationError(messages[state] % {"name": person.name}, code="state")

    def parts(self, access, person) -> set[str]:
        return {OFFICE} if access.reaches_institute(PERMISSION, person.committee_id) else set()


login_workflow = LoginWorkflow()


def authorize(access, person, action: str) -> None:
    login_workflow.authorize(access, person, action)


def login_actions(access, person) -> set[str]:
    return login_workflow.actions(access, person)
