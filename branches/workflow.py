"""Who may change the organisation's people: the one place it is decided (``core.workflow``).

Memberships have no status of their own, so both workflows below have only steady actions,
allowed in every state; what they decide is the part a person plays:

- ``MEMBERSHIPS`` (the object is a Branch: the one a member joins, leaves, or leaves from and
  arrives at): the person who moves members is whoever reaches the branch with
  ``people.transfer`` (the transfer page) or ``roster.import`` (a roster applies joins,
  transfers and leaves through the same services).
- ``ROSTER`` (the object is a PartyCommittee): importing a roster needs ``roster.import`` over
  the whole institute, as the import page offers it.
- ``POSITIONS`` (the object is a Branch or GeneralBranch): the campaign office (``positions.change``)
  appoints and ends every position and records elections (换届); a branch secretary
  (``positions.change_committee``) appoints and ends the own branch's 委员 and 党小组长 only: in
  the plan's practice the 支委会 divides its work and names the 党小组长 itself, while the
  书记 and 副书记 come from an election approved by the higher committee, which the office
  records. A general branch's positions are the office's.
"""

from django.utils.translation import gettext_lazy

from core.workflow import ANY, Workflow

MOVER, IMPORTER = "mover", "importer"
APPOINTER, COMMITTEE_APPOINTER = "appointer", "committee_appointer"


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


class PositionWorkflow(Workflow):
    steady = {"appoint": ANY, "appoint_committee": ANY, "elect": ANY}
    actors = {"appoint": APPOINTER, "appoint_committee": COMMITTEE_APPOINTER, "elect": APPOINTER}
    labels = {
        "appoint": gettext_lazy("Appoint or end a position"),
        "appoint_committee": gettext_lazy("Appoint or end a committee member or party group leader"),
        "elect": gettext_lazy("Record an election"),
    }
    refused = gettext_lazy("You may not change the positions of this unit.")
    state_field = "is_active"

    def parts(self, access, unit) -> set[str]:
        from .models import Branch

        if isinstance(unit, Branch):
            if access.reaches_branch("positions.change", unit):
                return {APPOINTER, COMMITTEE_APPOINTER}
            return (
                {COMMITTEE_APPOINTER} if access.reaches_branch("positions.change_committee", unit) else set()
            )
        if access.reaches_institute("positions.change", unit.committee_id):
            return {APPOINTER, COMMITTEE_APPOINTER}
        return set()

    @staticmethod
    def action_for(title: str) -> str:
        """The action that appointing or ending a position with ``title`` needs."""
        return "appoint_committee" if title in SECRETARY_MAY_APPOINT else "appoint"

    def may_appoint(self, access, unit, title: str) -> bool:
        return self.action_for(title) in self.actions(access, unit)


# The titles a secretary may record in the own branch (see the module).
SECRETARY_MAY_APPOINT = ("organisation", "propaganda", "discipline", "committee_member", "group_leader")


class DepartureWorkflow(Workflow):
    """Leaving the institute (离职, 退休, 死亡, 出党): the object is the PartyCommittee; the office
    that moves the institute's members (``people.transfer`` over the institute) records it."""

    steady = {"leave_institute": ANY}
    actors = {"leave_institute": MOVER}
    labels = {"leave_institute": gettext_lazy("Record leaving")}
    refused = gettext_lazy("You may not record that people of this party committee leave.")

    def parts(self, access, committee) -> set[str]:
        return {MOVER} if access.reaches_institute("people.transfer", committee.pk) else set()


MEMBERSHIPS = MembershipWorkflow()
DEPARTURES = DepartureWorkflow()
POSITIONS = PositionWorkflow()
ROSTER = RosterWorkflow()
