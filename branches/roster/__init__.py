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

The package, by step: ``columns`` (the file's vocabulary, limits and messages), ``read`` (the
file), ``plan`` (the check and what each row changes, writing nothing), ``apply`` (storing and
applying an import, through the membership services) and ``export``.
"""

from .apply import roster_import_apply, roster_import_create
from .columns import (
    COLUMN,
    COLUMNS,
    HEADERS,
    MAX_LISTED,
    MESSAGES,
    XLSX_CONTENT_TYPE,
    RosterError,
    summary_errors,
)
from .export import roster_export
from .plan import PersonPlan, RosterCheck, roster_check, roster_import_check
from .read import MAX_FILE_SIZE, MAX_ROWS, roster_file_validate

__all__ = [
    "COLUMN",
    "COLUMNS",
    "HEADERS",
    "MAX_FILE_SIZE",
    "MAX_LISTED",
    "MAX_ROWS",
    "MESSAGES",
    "XLSX_CONTENT_TYPE",
    "PersonPlan",
    "RosterCheck",
    "RosterError",
    "roster_check",
    "roster_export",
    "roster_file_validate",
    "roster_import_apply",
    "roster_import_check",
    "roster_import_create",
    "summary_errors",
]
