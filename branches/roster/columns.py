"""The roster's columns, limits and messages: the file's vocabulary, shared by reading,
checking, applying and export."""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy

from ..models import Person

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
    Column("status", "人员状态", gettext_lazy("在职, 离退休, 离职 or 去世."), width=10),
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
    Column(
        "positions",
        "职务",
        gettext_lazy(
            "Positions in the branch of the row, separated by 、: 书记, 副书记, 组织委员, 宣传委员, 纪检委员, "
            "委员, 党小组长 (of the row's party group); may be empty. A position left out ends; a transfer "
            "ends every position in the old branch."
        ),
        required=False,
        width=16,
    ),
)
COLUMN = {column.key: column for column in COLUMNS}
HEADERS = {column.header: column for column in COLUMNS}

GENDERS = {"男": Person.Gender.MALE, "女": Person.Gender.FEMALE}
STATUSES = {
    "在职": Person.Status.EMPLOYED,
    "离退休": Person.Status.RETIRED,
    "离职": Person.Status.LEFT,
    "去世": Person.Status.DECEASED,
}
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
    "formula": gettext_lazy(
        "Row %(row)s, “%(column)s”: the cell holds a formula (%(formula)s), not a value; "
        "type the value itself (or paste it as values)."
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
    "positions_not_member": gettext_lazy(
        "Row %(row)s, “%(column)s”: only a party member of a branch holds positions; leave it empty."
    ),
    "group_leader_needs_group": gettext_lazy(
        "Row %(row)s, “%(column)s”: a 党小组长 needs the party group in “党小组”."
    ),
    "position_taken": gettext_lazy(
        "Row %(row)s, “%(column)s”: someone else holds the post of %(title)s and the file does not end it; "
        "remove it from that person's row first."
    ),
    "position_twice": gettext_lazy("Row %(row)s, “%(column)s”: %(title)s is already given in row %(first)s."),
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
