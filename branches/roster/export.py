"""Writing people as a roster workbook, in the import's columns, so that an export re-imports
with no changes."""

import tempfile

from django.db.models import F, Prefetch
from django.utils import timezone

from ..models import Person, Position
from .columns import COLUMNS, SHEET_TITLE, _display
from .positions import cell

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
        cell(p.title for p in person.branch_positions) or None,
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
    today = timezone.localdate()
    held = Position.objects.filter(branch__isnull=False).open_on(today).filter(branch=F("person__branch"))
    people = (
        people.select_related("branch", "party_group", "department")
        .prefetch_related(Prefetch("positions", queryset=held, to_attr="branch_positions"))
        .order_by("employee_no")
    )
    for person in people.iterator(chunk_size=2000):
        sheet.append(_export_row(person))
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{count + 1}"
    out = tempfile.TemporaryFile()
    workbook.save(out)
    out.seek(0)
    return out
