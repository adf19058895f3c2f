"""Reading a roster file: refuse what is not a small, readable workbook, then the data rows by
header. Reads only the file; nothing here touches the database."""

import datetime
import logging
import re
import zipfile
from pathlib import PurePath

from django.template.defaultfilters import filesizeformat

from formguard.forms import CONTROL_CHARACTERS, strip_invisible

from .columns import COLUMN, COLUMNS, HEADERS, MAX_ERRORS, RosterError, _file_error

logger = logging.getLogger("branches.roster")

MAX_FILE_SIZE = 5 * 1024 * 1024
MAX_ROWS = 10_000
# A zip bomb: a small upload that unpacks to gigabytes of XML (openpyxl reads the shared strings
# whole into memory). A genuine roster of MAX_ROWS rows unpacks to a few megabytes.
MAX_UNPACKED_SIZE = 50 * 1024 * 1024
# Rows read in all, blank ones included: millions of empty rows cost time even when skipped.
MAX_SHEET_ROWS = 2 * MAX_ROWS


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
    # Invisible direction and zero-width characters go, as from every form's text (formguard).
    text = value.isoformat() if isinstance(value, datetime.date) else strip_invisible(str(value)).strip()
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


def _formula(cell) -> str:
    """The formula of a cell (read with data_only=False), or "" for a value."""
    if getattr(cell, "data_type", None) != "f":
        return ""
    value = cell.value
    return str(getattr(value, "text", value) or "=")  # an array formula is an object with .text


def _values(cells) -> tuple:
    """The values of a row's cells (a formula cell's is its formula; it is refused, see _read_rows)."""
    return tuple(cell.value for cell in cells)


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
        # Formulas as written (data_only=False), so that a formula cell is seen and refused: its
        # value is only what the program that saved it computed, if anything (a file written by
        # a script holds none, and the cell would read as empty).
        return openpyxl.load_workbook(file, read_only=True, data_only=False)
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
        cells = sheet.iter_rows()
        positions, errors = {}, []
        for position, value in enumerate(_values(next(cells, None) or ())):
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
        for row_no, row_cells in enumerate(cells, start=2):
            if row_no > MAX_SHEET_ROWS:
                return [], [RosterError("too_many_rows", params={"max": MAX_ROWS})]
            values = _values(row_cells)
            if all(_text(value) == "" for value in values):
                continue
            if len(data) == MAX_ROWS:
                return [], [RosterError("too_many_rows", params={"max": MAX_ROWS})]
            row = {key: values[i] if i < len(values) else None for key, i in positions.items()}
            errors += [
                RosterError("formula", row_no, COLUMN[key].header, {"formula": _formula(row_cells[i])[:50]})
                for key, i in positions.items()
                if i < len(row_cells) and _formula(row_cells[i])
            ]
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
