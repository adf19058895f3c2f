"""Who may change the organisation's people: the one place it is decided (``core.workflow``).

Memberships have no status of their own, so both workflows below have only steady actions,
allowed in every state; what they decide is the part a person plays:

- ``MEMBERSHIPS`` (the object is a Branch: the one a member joins, leaves, or leaves from and
  arrives at): the person who moves members is whoever reaches the branch with
  ``people.transfer`` (the transfer page) or ``roster.import`` (a roster applies joins,
  transfers and leaves through the same services).
- ``ROSTER`` (the object is a PartyCommittee): importing a roster needs ``roster.import`` over
  the whole institute, as the import page offers it.
"""

from django.utils.translation import gettext_lazy

from core.workflow import ANY, Workflow

MOVER, IMPORTER = "mover", "importer"


class MembershipWorkflow(Workflow):
    steady = {"join": ANY, "transfer": ANY, "leave": ANY}
    actors = {"join": MOVER, "transfer": MOVER, "leave": MOVER}
    labels = {
        "join": gettext_lazy("Join"),
        "transfer": gettext_lazy("Transfer"),
        "leave": gettext_lazy("Leave"),
    }
    refused = gettext_lazy("You may not change the members of this branch.")

    def parts(self, access, branch) -> set[str]:
        if access.reaches_branch("people.transfer", branch) or access.reaches_branch("roster.import", branch):
            return {MOVER}
        return set()


class RosterWorkflow(Workflow):
    steady = {"import": ANY}
    actors = {"import": IMPORTER}
    labels = {"import": gettext_lazy("Import the roster")}
    refused = gettext_lazy("You may not import the roster of this party committee.")

    def parts(self, access, committee) -> set[str]:
        return {IMPORTER} if access.reaches_institute("roster.import", committee.pk) else set()


MEMBERSHIPS = MembershipWorkflow()
ROSTER = RosterWorkflow()
