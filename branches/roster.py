"""Roster import and export (人员名册): the members and staff of one party committee as .xlsx.

Import is two steps. ``roster_import_create`` stores the upload as a :class:`RosterImport` and
checks the file as a whole: a dry run that writes nothing to people. ``roster_import_apply``
re-reads and re-checks the stored file (the earlier preview is never trusted) and applies it in
one transaction, through the membership services, so that every join, transfer and leave keeps
its history. ``roster_export`` writes the same columns, so an exported file re-imports with no
changes.

Choices made here:

- The first row holds the headers; columns are found by header name, in any order. The columns
  that are not ``required`` may be left out of the file: the field then stays as it is.
- People who are not in the file are left as they are: an import never deletes or ends anything
  it is not told to.
- An archived branch, party group or department is accepted only where nothing changes (the
  person is already there), so that an export of old data re-imports; nobody is moved into one.
- Joins, transfers and leaves take effect on the day the import is applied.
- Text that a spreadsheet could run as a formula (starting with = + - @) is exported behind a
  leading apostrophe, and one leading apostrophe is dropped on import, so the round trip holds.
"""

import datetime
import hashlib
import json
import logging
import re
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from formguard.forms import CONTROL_CHARACTERS

from .models import Branch, Department, Membership, PartyCommittee, PartyGroup, Person, RosterImport
from .services import member_join, member_leave, member_transfer

logger = logging.getLogger(__name__)

MAX_FILE_SIZE = 5 * 1024 * 1024
MAX_ROWS = 10_000
# A zip bomb: a small upload that unpacks to gigabytes of XML (openpyxl reads the shared strings
# whole into memory). A genuine roster of MAX_ROWS rows unpacks to a few megabytes.
MAX_UNPACKED_SIZE = 50 * 1024 * 1024
# Rows read in all, blank ones included: millions of empty rows cost time even when skipped.
MAX_SHEET_ROWS = 2 * MAX_ROWS
MAX_LISTED = 200  # entries of each kind kept for the preview page; the counts are always complete
MAX_ERRORS = 500
SHEET_TITLE = "人员名册"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # the file's own vocabulary: fixed, not translated
    description: str
    required: bool = True  # the header must be in the file
    max_length: int | None = None
    width: int = 12


COLUMNS = (
    Column(
        "employee_no",
        "工号",
        gettext_lazy("Employee number: finds the person; an import never changes it."),
        max_length=30,
    ),
    Column("name", "姓名", gettext_lazy("Name."), max_length=50, width=10),
    Column("gender", "性别", gettext_lazy("男 or 女; may be empty."), required=False, width=6),
    Column("birth_date", "出生日期", gettext_lazy("Date (YYYY-MM-DD); may be empty."), required=False),
    Column(
        "department",
        "部门",
        gettext_lazy("A department of the party committee; may be empty."),
        required=False,
        width=18,
    ),
    Column("status", "人员状态", gettext_lazy("在职, 离退休 or 离职."), width=10),
    Column(
        "post", "岗位", gettext_lazy("Job or post; may be empty."), required=False, max_length=100, width=16
    ),
    Column(
        "is_member",
        "是否党员",
        gettext_lazy("是 or 否. 否 for someone who is a member now records that the member leaves."),
        width=10,
    ),
    Column(
        "branch",
        "所在支部",
        gettext_lazy(
            "An active branch of the party committee; required for a party "
            "member, empty otherwise. Another branch records a transfer."
        ),
        width=18,
    ),
    Column(
        "party_group",
        "党小组",
        gettext_lazy("A party group of that branch; may be empty."),
        required=False,
        width=14,
    ),
    Column(
        "joined_party_on", "入党日期", gettext_lazy("Date of joining the party; required for a party member.")
    ),
)
COLUMN = {column.key: column for column in COLUMNS}
HEADERS = {column.header: column for column in COLUMNS}

GENDERS = {"男": Person.Gender.MALE, "女": Person.Gender.FEMALE}
STATUSES = {"在职": Person.Status.EMPLOYED, "离退休": Person.Status.RETIRED, "离职": Person.Status.LEFT}
MEMBER_CHOICES = {"是": True, "否": False}
# Person fields an import writes directly; the membership fields go through the services.
PLAIN_FIELDS = ("name", "gender", "birth_date", "department", "status", "post", "joined_party_on")

MESSAGES = {
    # The file as a whole.
    "bad_extension": gettext_lazy("Only Excel workbooks (.xlsx) can be imported."),
    "too_large": gettext_lazy("The file is %(size)s; the limit is %(max)s."),
    "bad_file": gettext_lazy(
        "The file cannot be read as an Excel workbook (.xlsx). Save it in Excel as “Excel Workbook” and upload it again."
    ),
    "empty": gettext_lazy("The file has no rows under the header row."),
    "too_many_rows": gettext_lazy("The file has more than %(max)s rows; split it into several files."),
    "missing_header": gettext_lazy("Row %(row)s: the column “%(column)s” is missing."),
    "duplicate_header": gettext_lazy("Row %(row)s: the column “%(column)s” appears more than once."),
    # One cell.
    "required": gettext_lazy("Row %(row)s, “%(column)s”: cannot be empty."),
    "member_required": gettext_lazy("Row %(row)s, “%(column)s”: cannot be empty for a party member."),
    "control_characters": gettext_lazy(
        "Row %(row)s, “%(column)s”: the cell contains invisible control characters; remove them."
    ),
    "too_long": gettext_lazy("Row %(row)s, “%(column)s”: at most %(max)s characters (this has %(length)s)."),
    "bad_choice": gettext_lazy(
        "Row %(row)s, “%(column)s”: “%(value)s” is not allowed; write one of %(choices)s."
    ),
    "bad_date": gettext_lazy("Row %(row)s, “%(column)s”: “%(value)s” is not a date; write it as YYYY-MM-DD."),
    "future_date": gettext_lazy("Row %(row)s, “%(column)s”: %(value)s is in the future."),
    "joined_before_birth": gettext_lazy("Row %(row)s, “%(column)s”: %(value)s is before the date of birth."),
    "duplicate": gettext_lazy("Row %(row)s, “%(column)s”: %(value)s is already in row %(first)s."),
    "foreign_person": gettext_lazy(
        "Row %(row)s, “%(column)s”: %(value)s is a person of another party committee."
    ),
    "unknown_department": gettext_lazy(
        "Row %(row)s, “%(column)s”: %(committee)s has no department “%(value)s”."
    ),
    "inactive_department": gettext_lazy("Row %(row)s, “%(column)s”: the department “%(value)s” is archived."),
    "unknown_branch": gettext_lazy("Row %(row)s, “%(column)s”: %(committee)s has no branch “%(value)s”."),
    "inactive_branch": gettext_lazy("Row %(row)s, “%(column)s”: the branch “%(value)s” is archived."),
    "unknown_group": gettext_lazy(
        "Row %(row)s, “%(column)s”: the branch “%(branch)s” has no party group “%(value)s”."
    ),
    "inactive_group": gettext_lazy("Row %(row)s, “%(column)s”: the party group “%(value)s” is archived."),
    "not_member": gettext_lazy(
        "Row %(row)s, “%(column)s”: only a party member has a branch or party group; leave it empty or write 是 in “是否党员”."
    ),
    "membership_too_recent": gettext_lazy(
        "Row %(row)s, “%(column)s”: the current membership of %(name)s began on %(date)s; it cannot be changed today."
    ),
    # Applying.
    "already_applied": gettext_lazy("This roster has already been applied."),
    "invalid": gettext_lazy(
        "This roster has errors and cannot be applied; correct the file and upload it again."
    ),
    "plan_changed": gettext_lazy(
        "The people or the organisation changed since the preview; check the new preview and confirm again."
    ),
}


@dataclass(frozen=True)
class RosterError:
    """One problem of a file: ``row`` is the spreadsheet's row number, ``column`` its header."""

    code: str
    row: int | None = None
    column: str = ""
    params: dict = field(default_factory=dict)

    @property
    def message(self) -> str:
        return MESSAGES[self.code] % {"row": self.row, "column": self.column, **self.params}

    def as_dict(self) -> dict:
        return {"code": self.code, "row": self.row, "column": self.column, "params": self.params}


def summary_errors(summary: dict) -> list[RosterError]:
    """The errors stored in a RosterImport summary; their messages follow the current language."""
    return [RosterError(**error) for error in summary.get("errors", [])]


def _file_error(code: str, **params) -> ValidationError:
    return ValidationError(MESSAGES[code], code=code, params=params or None)


# Reading ---------------------------------------------------------------------------------------


def _text(value) -> str:
    """A cell as text: numbers without a trailing .0, one leading apostrophe dropped (see export)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime):
        value = value.date() if value.time() == datetime.time() else value
    text = value.isoformat() if isinstance(value, datetime.date) else str(value).strip()
    return text[1:] if text.startswith("'") else text


_DATE_TEXT = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]0?0:00(?::00)?)?")


def _date(value) -> datetime.date | None:
    """A real date cell, or text YYYY-MM-DD / YYYY/MM/DD; ValueError for anything else."""
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        text = _text(value)
        if not text:
            return None
        if match := _DATE_TEXT.fullmatch(text):
            return datetime.date(*map(int, match.groups()))  # ValueError for 2024-02-30
    raise ValueError(value)  # a bare number is a date only to a person reading the cell format


def _open_workbook(file):
    file.seek(0)
    if not zipfile.is_zipfile(file):
        raise _file_error("bad_file")
    file.seek(0)
    try:
        # The sizes in the zip directory bound what zipfile unpacks (it stops at the declared size).
        with zipfile.ZipFile(file) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise _file_error("bad_file") from error
    if unpacked > MAX_UNPACKED_SIZE:
        raise _file_error("too_large", size=filesizeformat(unpacked), max=filesizeformat(MAX_UNPACKED_SIZE))
    file.seek(0)
    import openpyxl  # here, not at the top: every process loads this module, few read workbooks

    try:
        return openpyxl.load_workbook(file, read_only=True, data_only=True)
    except Exception as error:  # an uploaded file can break openpyxl in many ways; all mean "unreadable"
        logger.info("Roster file not readable: %r", error)
        raise _file_error("bad_file") from error


def roster_file_validate(file) -> None:
    """Refuse what is not a small, readable .xlsx workbook (ValidationError with a code)."""
    if PurePath(getattr(file, "name", "") or "").suffix.lower() != ".xlsx":
        raise _file_error("bad_extension")
    if file.size > MAX_FILE_SIZE:
        raise _file_error("too_large", size=filesizeformat(file.size), max=filesizeformat(MAX_FILE_SIZE))
    _open_workbook(file).close()
    file.seek(0)


def _read_rows(file) -> tuple[list[tuple[int, dict]], list[RosterError]]:
    """The data rows as (row number, {column key: raw cell value}) for the columns present."""
    workbook = _open_workbook(file)
    try:
        if not workbook.worksheets:
            return [], [RosterError("empty")]
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # files from other programs often declare wrong dimensions
        rows = sheet.iter_rows(values_only=True)
        positions, errors = {}, []
        for position, value in enumerate(next(rows, None) or ()):
            column = HEADERS.get(_text(value))
            if column is not None and column.key in positions:
                errors.append(RosterError("duplicate_header", 1, column.header))
            elif column is not None:
                positions[column.key] = position
        errors += [
            RosterError("missing_header", 1, c.header)
            for c in COLUMNS
            if c.required and c.key not in positions
        ]
        if errors:
            return [], errors
        data = []
        for row_no, values in enumerate(rows, start=2):
            if row_no > MAX_SHEET_ROWS:
                return [], [RosterError("too_many_rows", params={"max": MAX_ROWS})]
            if all(_text(value) == "" for value in values):
                continue
            if len(data) == MAX_ROWS:
                return [], [RosterError("too_many_rows", params={"max": MAX_ROWS})]
            row = {key: values[i] if i < len(values) else None for key, i in positions.items()}
            errors += [
                RosterError("control_characters", row_no, COLUMN[key].header)
                for key, value in row.items()
                if isinstance(value, str) and CONTROL_CHARACTERS.search(value)
            ]
            data.append((row_no, row))
        if errors:  # a NUL byte cannot even be looked up in PostgreSQL: refuse before checking
            return [], errors[:MAX_ERRORS]
        return data, ([] if data else [RosterError("empty")])
    except Exception as error:  # a broken sheet part shows up only while reading the rows
        logger.info("Roster file not readable: %r", error)
        return [], [RosterError("bad_file")]
    finally:
        workbook.close()


# Checking --------------------------------------------------------------------------------------


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


def _unit(branch, group) -> str:
    return " · ".join(unit.name for unit in (branch, group) if unit is not None)


def _display(key: str, value) -> str:
    if value is None or value == "":
        return ""
    if key == "gender":
        return {v: k for k, v in GENDERS.items()}[value]
    if key == "status":
        return {v: k for k, v in STATUSES.items()}[value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    return getattr(value, "name", str(value))


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
        lists = {"new": [], "changed": [], "joins": [], "transfers": [], "leaves": []}
        unchanged = 0
        for plan in self.plans:
            entry = {"row": plan.row, "employee_no": plan.employee_no, "name": plan.values["name"]}
            if plan.person is None:
                lists["new"].append({**entry, "to": _unit(plan.branch, plan.party_group)})
                continue
            if plan.changes:
                lists["changed"].append({**entry, "changes": [list(change) for change in plan.changes]})
            if plan.membership == "join":
                lists["joins"].append({**entry, "to": _unit(plan.branch, plan.party_group)})
            elif plan.membership == "transfer":
                lists["transfers"].append(
                    {**entry, "from": plan.was, "to": _unit(plan.branch, plan.party_group)}
                )
            elif plan.membership == "leave":
                lists["leaves"].append({**entry, "from": plan.was})
            elif not plan.changes:
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


# Writing ---------------------------------------------------------------------------------------


@transaction.atomic
def roster_import_create(
    *, committee: PartyCommittee, file, actor, today: datetime.date | None = None
) -> RosterImport:
    """Store an uploaded roster and check it: PREVIEWED when valid, INVALID otherwise."""
    roster_file_validate(file)
    roster_import = RosterImport(committee=committee, original_name=file.name[:255], uploaded_by=actor)
    roster_import.file.save(PurePath(file.name).name, file, save=False)
    check = roster_check(committee=committee, file=file, today=today)
    roster_import.status = RosterImport.Status.PREVIEWED if check.is_valid else RosterImport.Status.INVALID
    roster_import.summary = check.summary()
    roster_import._history_user = actor
    roster_import.save()
    return roster_import


@transaction.atomic
def roster_import_apply(
    *,
    roster_import: RosterImport,
    actor,
    expected_digest: str | None = None,
    today: datetime.date | None = None,
) -> RosterImport:
    """Apply a previewed roster, all or nothing.

    The stored file is checked again; if it now has errors the import is marked INVALID and
    nothing else is written. ``expected_digest`` is the digest of the preview the user confirmed:
    if the plan is no longer the same, nothing is applied (ValidationError ``plan_changed``)."""
    roster_import = (
        RosterImport.objects.select_for_update().select_related("committee").get(pk=roster_import.pk)
    )
    if roster_import.status == RosterImport.Status.APPLIED:
        raise ValidationError(MESSAGES["already_applied"], code="already_applied")
    if roster_import.status == RosterImport.Status.INVALID:
        raise ValidationError(MESSAGES["invalid"], code="invalid")
    today = today or timezone.localdate()
    check = roster_import_check(roster_import=roster_import, today=today)
    summary = check.summary()
    roster_import._history_user = actor
    if not check.is_valid:
        roster_import.status, roster_import.summary = RosterImport.Status.INVALID, summary
        roster_import.save(update_fields=["status", "summary"])
        return roster_import
    if expected_digest is not None and expected_digest != summary["digest"]:
        raise ValidationError(MESSAGES["plan_changed"], code="plan_changed")
    note = (_("Roster import “%(file)s”") % {"file": roster_import.original_name})[:100]
    _apply(check, committee=roster_import.committee, actor=actor, today=today, note=note)
    roster_import.status, roster_import.summary = RosterImport.Status.APPLIED, summary
    roster_import.applied_at = timezone.now()
    roster_import.save(update_fields=["status", "summary", "applied_at"])
    return roster_import


def _apply(check: RosterCheck, *, committee, actor, today, note):
    # Order matters for the database constraints: a leaver may have the join date cleared only
    # after leaving, and a joiner must exist (and have the join date) before joining.
    for plan in check.plans:
        if plan.membership == "leave":
            member_leave(person=plan.person, on=today, note=note, actor=actor)
            plan.person.branch = plan.person.party_group = None  # keep the history snapshot true
    new = [plan for plan in check.plans if plan.person is None]
    created = bulk_create_with_history(
        [Person(committee=committee, employee_no=plan.employee_no, **plan.values) for plan in new],
        Person,
        batch_size=1000,
        default_user=actor,
        default_change_reason=note,
    )
    for plan, person in zip(new, created, strict=True):
        plan.person = person
    changed = [plan for plan in check.plans if plan.changed_fields]
    for plan in changed:
        for key in plan.changed_fields:
            setattr(plan.person, key, plan.values[key])
    if changed:
        fields = sorted({key for plan in changed for key in plan.changed_fields})
        bulk_update_with_history(
            [plan.person for plan in changed],
            Person,
            fields,
            batch_size=1000,
            default_user=actor,
            default_change_reason=note,
        )
    for plan in check.plans:
        if plan.membership == "join":
            member_join(
                person=plan.person,
                branch=plan.branch,
                party_group=plan.party_group,
                started_on=today,
                joined_party_on=plan.values["joined_party_on"],
                note=note,
                actor=actor,
            )
        elif plan.membership == "transfer":
            member_transfer(
                person=plan.person,
                branch=plan.branch,
                party_group=plan.party_group,
                on=today,
                note=note,
                actor=actor,
            )


# Export ----------------------------------------------------------------------------------------

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "'")


def _safe(text: str) -> str | None:
    """Text a spreadsheet will not run as a formula (CSV/formula injection); import reverses it."""
    if not text:
        return None
    return "'" + text if text.startswith(_FORMULA_START) else text


def _export_row(person: Person) -> list:
    return [
        _safe(person.employee_no),
        _safe(person.name),
        _display("gender", person.gender) or None,
        person.birth_date,
        _safe(person.department.name) if person.department else None,
        _display("status", person.status),
        _safe(person.post),
        "是" if person.branch_id else "否",
        _safe(person.branch.name) if person.branch else None,
        _safe(person.party_group.name) if person.party_group else None,
        person.joined_party_on,
    ]


def roster_export(*, people):
    """Write ``people`` as a roster workbook; returns an open file at position 0.

    Streams rows (write-only workbook, a database iterator) so memory and queries stay fixed."""
    # Imported here: openpyxl with lxml and Pillow is ~13 MB in every web and worker process.
    import openpyxl
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET_TITLE)
    sheet.freeze_panes = "A2"
    for position, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(position)].width = column.width
    bold = Font(bold=True)
    header = []
    for column in COLUMNS:
        cell = WriteOnlyCell(sheet, value=column.header)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    count = 0
    people = people.select_related("branch", "party_group", "department").order_by("employee_no")
    for person in people.iterator(chunk_size=2000):
        sheet.append(_export_row(person))
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{count + 1}"
    out = tempfile.TemporaryFile()
    workbook.save(out)
    out.seek(0)
    return out
