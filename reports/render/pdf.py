"""The PDF form of a report, drawn by WeasyPrint from an HTML template.

Chinese needs a real CJK font (Debian's fonts-noto-cjk): the stylesheet names it for the page
and for the page-number boxes, which do not inherit the body's font. Font subsetting is fast
only with libharfbuzz-subset0 installed (otherwise ~10 s per file)."""

from __future__ import annotations

import math
import re

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from ..table import Section, Type


def page_counter_css() -> str:
    """The footer "第 N 页 共 M 页" as a CSS ``content`` value, from one translatable string."""
    parts = re.split(r"(\{page\}|\{pages\})", _("Page {page} of {pages}"))
    out = []
    for part in parts:
        if part == "{page}":
            out.append("counter(page)")
        elif part == "{pages}":
            out.append("counter(pages)")
        elif part:
            out.append('"' + part.replace("\\", "\\\\").replace('"', '\\"') + '"')
    return " ".join(out)


def write_pdf(template: str, context: dict, path) -> None:
    from weasyprint import HTML  # imported here: loading Pango takes a moment, only the worker needs it

    context = {**context, "page_counter": page_counter_css()}
    html = render_to_string(template, context)
    HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(path)


def _cell(column_type: str, value) -> dict:
    if value is None or value == "":
        return {"text": "", "number": False}
    if column_type == Type.DATE:
        return {"text": value.isoformat(), "number": False}
    if column_type == Type.PERCENT:
        return {"text": f"{float(value):.1f}%", "number": True}
    if column_type == Type.DECIMAL:
        return {"text": f"{float(value):.2f}", "number": True}
    if column_type == Type.INT:
        return {"text": str(value), "number": True}
    return {"text": str(value), "number": False}


def header_width(header: str) -> float:
    """The least width (in the columns' units, about one Latin letter) at which ``header`` takes
    at most two lines: a CJK character is about 2.4 units, the cell's padding three more. Narrow
    numeric columns under long Chinese headers otherwise wrap one character per line."""
    units = sum(2.4 if ord(ch) > 0x2E80 else 1.2 for ch in str(header))
    return math.ceil(units / 2) + 3


def table_context(table, progress=None) -> dict:
    """The generic table template's context: every cell already formatted as text."""
    widths = [max(c.width, header_width(c.header)) for c in table.columns]
    total_width = sum(widths) or 1
    columns = [
        {"header": c.header, "share": round(100 * w / total_width, 1)}
        for c, w in zip(table.columns, widths, strict=True)
    ]
    types = [c.type for c in table.columns]
    rows = []
    for n, row in enumerate(table.rows, start=1):
        if isinstance(row[0], Section):
            rows.append({"section": row[0].title})
        else:
            rows.append({"cells": [_cell(t, v) for t, v in zip(types, row, strict=True)]})
        if progress and n % 500 == 0:
            progress(n)
    return {
        "title": table.title,
        "subtitle": table.subtitle,
        "columns": columns,
        "rows": rows,
        "landscape": table.landscape,
        "empty_text": _("Nothing to list."),
    }
