"""Checking a roster against the organisation as it is, and planning what each row changes:
a dry run that writes nothing."""

import datetime
import hashlib
import json
import logging
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils import timezone

from ..models import Branch, Department, Membership, PartyCommittee, PartyGroup, Person, RosterImport
from .columns import (
    COLUMN,
    COLUMNS,
    GENDERS,
    MAX_ERRORS,
    MAX_LISTED,
    MEMBER_CHOICES,
    STATUSES,
    RosterError,
    _display,
)
from .positions import PositionPlanner, cell
from .read import _date, _read_rows, _text

logger = logging.getLogger("branches.roster")


@dataclass
class PersonPlan:
    """What one row does: create or update a person and maybe join, transfer or leave."""

    row: int
    employee_no: str
    values: dict  # field → new value, for the columns present in the file
    person: Person | None = None  # None: a new person
    changes: list = field(default_factory=list)  # (header, old, new), as text
    changed_fields: list = field(default_factory=list)
    membership: str = ""  # "", "join", "transfer" or "leave"
    branch: Branch | None = None
    party_group: PartyGroup | None = None
    was: str = ""  # the current branch · party group, as text
    position_ends: list = field(default_factory=list)  # open Positions the row ends (or its move does)
    position_starts: list = field(default_factory=list)  # titles started in ``branch``


def _unit(branch, group) -> str:
    return " · ".join(unit.name for unit in (branch, group) if unit is not None)


@dataclass
class RosterCheck:
    errors: list[RosterError]
    plans: list[PersonPlan] = field(default_factory=list)
    rows: int = 0

    @property
    def is_valid(self) -> bool:
        return not self.errors

    def summary(self) -> dict:
        """The preview as plain data (kept on the RosterImport); ``digest`` fingerprints the full plan."""
        lists = {"new": [], "changed": [], "joins": [], "transfers": [], "leaves": [], "positions": []}
        unchanged = 0
        for plan in self.plans:
            entry = {"row": plan.row, "employee_no": plan.employee_no, "name": plan.values["name"]}
            ends = cell(p.title for p in plan.position_ends)
            if plan.position_ends or plan.position_starts:
                lists["positions"].append(
                    {
                        **entry,
                        "ends": ends,
                        "from": plan.was,
                        "starts": cell(plan.position_starts),
                        "to": _unit(plan.branch, plan.party_group),
                    }
                )
            if plan.person is None:
                lists["new"].append({**entry, "to": _unit(plan.branch, plan.party_group)})
                continue
            if plan.changes:
                lists["changed"].append({**entry, "changes": [list(change) for change in plan.changes]})
            if plan.membership == "join":
                lists["joins"].append({**entry, "to": _unit(plan.branch, plan.party_group)})
            elif plan.membership == "transfer":
                lists["transfers"].append(
                    {**entry, "from": plan.was, "to": _unit(plan.branch, plan.party_group), "ends": ends}
                )
            elif plan.membership == "leave":
                lists["leaves"].append({**entry, "from": plan.was, "ends": ends})
            elif not plan.changes and not plan.position_starts and not plan.position_ends:
                unchanged += 1
        digest = hashlib.sha256(json.dumps(lists, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
        counts = {key: len(entries) for key, entries in lists.items()}
        counts.update(rows=self.rows, unchanged=unchanged, errors=len(self.errors))
        return {
            "counts": counts,
            "errors": [error.as_dict() for error in self.errors[:MAX_ERRORS]],
            "digest": digest,
            **{key: entries[:MAX_LISTED] for key, entries in lists.items()},
        }


class _Checker:
    """Checks all rows against the committee's organisation, loaded in a fixed number of queries."""

    def __init__(self, committee: PartyCommittee, today: datetime.date, rows):
        self.committee, self.today, self.errors = committee, today, []
        self.branches = {b.name: b for b in Branch.objects.filter(committee=committee)}
        self.groups = {
            (g.branch_id, g.name): g for g in PartyGroup.objects.filter(branch__committee=committee)
        }
        self.departments = {d.name: d for d in Department.objects.filter(committee=committee)}
        numbers = {_text(raw["employee_no"]) for _, raw in rows} - {""}
        people = Person.objects.filter(employee_no__in=numbers).select_related(
            "branch", "party_group", "department"
        )
        self.people = {person.employee_no: person for person in people}
        self.member_since = dict(
            Membership.objects.filter(
                person__in=[p.pk for p in self.people.values()], ended_on__isnull=True
            ).values_list("person_id", "started_on")
        )
        self.first_row: dict[str, int] = {}
        self.positions = PositionPlanner(committee, today)

    def error(self, code: str, row: int, key: str, **params):
        self.errors.append(RosterError(code, row, COLUMN[key].header, params))

    def text(self, row: int, raw: dict, key: str, *, required=False) -> str:
        value = _text(raw.get(key))
        max_length = COLUMN[key].max_length
        if required and not value:
            self.error("required", row, key)
        elif max_length and len(value) > max_length:
            self.error("too_long", row, key, max=max_length, length=len(value))
        return value

    def choice(self, row: int, raw: dict, key: str, choices: dict, *, blank=False):
        value = _text(raw.get(key))
        if not value and not blank:
            self.error("required", row, key)
        elif value and value not in choices:
            self.error("bad_choice", row, key, value=value, choices="、".join(choices))
        return choices.get(value, "")

    def date(self, row: int, raw: dict, key: str) -> datetime.date | None:
        try:
            value = _date(raw.get(key))
        except ValueError:
            self.error("bad_date", row, key, value=_text(raw.get(key)))
            return None
        if value is not None and value > self.today:
            self.error("future_date", row, key, value=value.isoformat())
        return value

    def check(self, rows) -> RosterCheck:
        plans = [self.row(row, raw) for row, raw in rows]
        self.positions.finish(self)
        order = {column.header: position for position, column in enumerate(COLUMNS)}
        errors = sorted(self.errors, key=lambda error: (error.row, order[error.column]))
        return RosterCheck(errors=errors, plans=[plan for plan in plans if plan], rows=len(rows))

    def row(self, row: int, raw: dict) -> PersonPlan | None:
        errors_before = len(self.errors)
        employee_no = self.text(row, raw, "employee_no", required=True)
        values = {"name": self.text(row, raw, "name", required=True)}
        if "gender" in raw:
            values["gender"] = self.choice(row, raw, "gender", GENDERS, blank=True)
        if "birth_date" in raw:
            values["birth_date"] = self.date(row, raw, "birth_date")
        values["status"] = self.choice(row, raw, "status", STATUSES)
        if "post" in raw:
            values["post"] = self.text(row, raw, "post")
        is_member = self.choice(row, raw, "is_member", MEMBER_CHOICES)
        joined = values["joined_party_on"] = self.date(row, raw, "joined_party_on")

        person = None
        if employee_no in self.first_row:
            self.error("duplicate", row, "employee_no", value=employee_no, first=self.first_row[employee_no])
        elif employee_no:
            self.first_row[employee_no] = row
            person = self.people.get(employee_no)
            if person is not None and person.committee_id != self.committee.pk:
                self.error("foreign_person", row, "employee_no", value=employee_no)
                person = None

        if "department" in raw and (name := _text(raw["department"])):
            department = values["department"] = self.departments.get(name)
            if department is None:
                self.error("unknown_department", row, "department", value=name, committee=self.committee.name)
            elif not department.is_active and not (person and person.department_id == department.pk):
                self.error("inactive_department", row, "department", value=name)
        elif "department" in raw:
            values["department"] = None

        branch = group = None
        branch_name, group_name = _text(raw["branch"]), _text(raw.get("party_group"))
        if is_member is True:
            branch = self.branches.get(branch_name)
            if not branch_name:
                self.error("member_required", row, "branch")
            elif branch is None:
                self.error("unknown_branch", row, "branch", value=branch_name, committee=self.committee.name)
            elif not branch.is_active and not (person and person.branch_id == branch.pk):
                self.error("inactive_branch", row, "branch", value=branch_name)
            if branch is not None and group_name:
                group = self.groups.get((branch.pk, group_name))
                if group is None:
                    self.error("unknown_group", row, "party_group", value=group_name, branch=branch.name)
                elif not group.is_active and not (person and person.party_group_id == group.pk):
                    self.error("inactive_group", row, "party_group", value=group_name)
            elif branch is not None and "party_group" not in raw and person and person.branch_id == branch.pk:
                group = person.party_group  # the column is left out: the group stays
            if joined is None and _text(raw["joined_party_on"]) == "":
                self.error("member_required", row, "joined_party_on")
        elif is_member is False:
            for key, name in (("branch", branch_name), ("party_group", group_name)):
                if name:
                    self.error("not_member", row, key)
        if joined and values.get("birth_date") and joined < values["birth_date"]:
            self.error("joined_before_birth", row, "joined_party_on", value=joined.isoformat())

        if len(self.errors) > errors_before:
            return None
        plan = PersonPlan(
            row=row, employee_no=employee_no, values=values, person=person, branch=branch, party_group=group
        )
        if person is None:
            plan.membership = "join" if branch else ""
            self.positions.plan(self, row, raw, plan, is_member)
            return plan
        for key, value in values.items():
            old = getattr(person, key)
            if (old.pk if isinstance(old, Department) else old) != (
                value.pk if isinstance(value, Department) else value
            ):
                plan.changed_fields.append(key)
                plan.changes.append((COLUMN[key].header, _display(key, old), _display(key, value)))
        current = (person.branch_id, person.party_group_id) if person.branch_id else None
        target = (branch.pk, group.pk if group else None) if branch else None
        plan.was = _unit(person.branch, person.party_group)
        if current != target:
            plan.membership = "join" if current is None else "leave" if target is None else "transfer"
        # member_transfer needs a date after the current stay began; member_leave one not before it.
        since = self.member_since.get(person.pk)
        too_recent = since is not None and (
            (plan.membership == "transfer" and since >= self.today)
            or (plan.membership == "leave" and since > self.today)
        )
        if too_recent:
            self.error("membership_too_recent", row, "branch", name=person.name, date=since.isoformat())
            return None
        self.positions.plan(self, row, raw, plan, is_member)
        return plan


def roster_check(*, committee: PartyCommittee, file, today: datetime.date | None = None) -> RosterCheck:
    """Check a whole roster file and plan what it would change. Reads only; writes nothing."""
    today = today or timezone.localdate()
    try:
        rows, errors = _read_rows(file)
    except ValidationError as error:
        return RosterCheck(errors=[RosterError(error.code)])
    if errors:
        return RosterCheck(errors=errors, rows=len(rows))
    return _Checker(committee, today, rows).check(rows)


def roster_import_check(*, roster_import: RosterImport, today: datetime.date | None = None) -> RosterCheck:
    """Check the stored file of ``roster_import`` again, against the data as it is now."""
    try:
        with roster_import.file.open("rb") as file:
            return roster_check(committee=roster_import.committee, file=file, today=today)
    except OSError:
        logger.warning("Roster import %s: stored file missing", roster_import.pk)
        return RosterCheck(errors=[RosterError("bad_file")])
