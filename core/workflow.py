"""One idiom for every state machine and for who may act: the one place both are decided.

Each app with a status describes it in its own ``workflow.py`` as a ``Workflow``: a transition
table ((state, action) → new state), the actions that leave the state as it is (and the states
they are allowed in), which part each action needs (writer, approver…), and ``parts(access,
obj)``: which parts a person plays for one object. Views ask ``actions(access, obj)`` which
buttons to show; every write service calls ``authorize(access, obj, action)`` before it writes,
so a refused POST is refused the same way as a hidden button:

- ``PermissionDenied`` when the person plays no part the action needs (a view turns it into 403,
  a page that may not even show the object into 404);
- ``ValidationError`` (a message for the user) when the object's state does not allow it now.

A service then moves the object with ``advance(obj, action)``, which reads the table.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

ANY = None  # in ``steady``: an action allowed in every state


class _System:
    """The system acting where no person does (scheduled jobs, the demo loader, the group
    generator, test factories): no user (the history records none, as for a management
    command), no check. Passed explicitly as ``access=SYSTEM``, never a default, so that a
    forgotten ``access`` fails loudly instead of writing unchecked."""

    user = None
    person = None

    def __repr__(self):
        return "SYSTEM"


SYSTEM = _System()


class Workflow:
    #: (state, action) → new state: every change of state there is.
    transitions: Mapping[tuple[str, str], str] = {}
    #: action → the states it is allowed in (``ANY``: all), for actions that keep the state.
    steady: Mapping[str, frozenset | None] = {}
    #: action → the part a person must play for it.
    actors: Mapping[str, str] = {}
    #: action → its label (the button's text, and the name in messages).
    labels: Mapping = {}
    #: the model field that holds the state.
    state_field = "status"
    #: what the refusal says when the person plays no part.
    refused = gettext_lazy("You may not do this.")

    def parts(self, access, obj) -> set[str]:
        """Which parts ``access`` plays for ``obj`` (writer, approver…)."""
        raise NotImplementedError

    def state(self, obj) -> str:
        return getattr(obj, self.state_field)

    def state_allows(self, obj, action: str) -> bool:
        """Whether ``obj``'s state allows ``action`` now; an app may add conditions."""
        if action in self.steady:
            states = self.steady[action]
            return states is ANY or self.state(obj) in states
        return (self.state(obj), action) in self.transitions

    def refusal(self, obj, action: str) -> ValidationError:
        """The message when the state does not allow ``action``; an app may say more."""
        display = getattr(obj, f"get_{self.state_field}_display", None)
        return ValidationError(
            _("“%(action)s” is not possible while the state is “%(status)s”.")
            % {
                "action": self.labels.get(action, action),
                "status": display() if display else self.state(obj),
            },
            code="state",
        )

    def actions(self, access, obj) -> set[str]:
        """The actions ``access`` may take on ``obj`` now (for buttons and to authorise)."""
        parts = self.parts(access, obj)
        return {
            action for action, part in self.actors.items() if part in parts and self.state_allows(obj, action)
        }

    def authorize(self, access, obj, action: str) -> None:
        """Refuse ``action`` unless ``access`` may take it on ``obj`` now (see the module);
        ``SYSTEM`` may take every action its state allows."""
        if action not in self.actors:
            raise ValueError(action)
        if access is SYSTEM:
            if not self.state_allows(obj, action):
                raise self.refusal(obj, action)
            return
        if self.actors[action] not in self.parts(access, obj):
            raise PermissionDenied(str(self.refused))
        if not self.state_allows(obj, action):
            raise self.refusal(obj, action)

    def advance(self, obj, action: str):
        """Set ``obj``'s new state for ``action`` (after ``authorize``); the caller saves."""
        setattr(obj, self.state_field, self.transitions[(self.state(obj), action)])
        return obj
