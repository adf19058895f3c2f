"""The Excel form of a report: a real worksheet written row by row.

openpyxl's write-only mode keeps only the current row in memory, so 100,000 rows cost about as
much memory as 100. Numbers are numbers, dates are dates (with a date format), percentages
are fractions with a % format; the header row is frozen and filtered; text that a spreadsheet
would run as a formula is neutralised (CSV/formula injection)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from ..table import Section, Table, Type

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
ILLEGAL = {c for c in range(32) if c not in (9, 10, 13)}
NUMBER_FORMATS = {Type.INT: "0", Type.DECIMAL: "0.00", Type.PERCENT: "0.0%", Type.DATE: "yyyy-mm-dd"}


def safe_text(value) -> str:
    """Text shown as typed, never evaluated: a leading quote before = + - @ and control
    characters dropped (Excel refuses them)."""
    text = str(value)
    if any(ord(c) in ILLEGAL for c in text):
        text = "".join(c for c in text if ord(c) not in ILLEGAL)
    return "'" + text if text.startswith(FORMULA_START) else text


def _typed(column_type: str, value):
    if value is None or value == "":
        return None
    if column_type == Type.TEXT:
        return safe_text(value)
    if column_type == Type.DATE:
        return value if isinstance(value, datetime.date) else None
    if column_type == Type.PERCENT:
        return Decimal(str(value)) / 100
    if column_type == Type.INT:
        return int(value)
    return Decimal(str(value))


def write_xlsx(table: Table, path) -> int:
    """Write ``table`` to ``path``; returns the number of data rows."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(safe_text(table.sheet_name).replace("/", "-").lstrip("'")[:31])
    ncols = len(table.columns)
    last = get_column_letter(ncols)
    header_row = 2 + len(table.subtitle)
    sheet.freeze_panes = f"A{header_row + 1}"
    for i, column in enumerate(table.columns, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = column.width

    def cell(value, **style):
        c = WriteOnlyCell(sheet, value=value)
        for k, v in style.items():
            setattr(c, k, v)
        return c

    sheet.append([cell(safe_text(table.title), font=Font(bold=True, size=14))])
    for line in table.subtitle:
        sheet.append([safe_text(line)])
    bold = Font(bold=True)
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
    sheet.append([cell(safe_text(c.header), font=bold, alignment=centre) for c in table.columns])

    formats = [NUMBER_FORMATS.get(c.type) for c in table.columns]
    types = [c.type for c in table.columns]
    rows = 0
    for row in table.rows:
        if isinstance(row[0], Section):
            sheet.append([cell(safe_text(row[0].title), font=bold)])
        else:
            values = []
            for column_type, number_format, value in zip(types, formats, row, strict=True):
                value = _typed(column_type, value)
                if number_format and value is not None:
                    values.append(cell(value, number_format=number_format))
                else:
                    values.append(value)
            sheet.append(values)
        rows += 1
    sheet.auto_filter.ref = f"A{header_row}:{last}{header_row + max(rows, 1)}"
    workbook.save(path)
    return rows
