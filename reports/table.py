"""One list of rows, two renderers: every report is a ``Table`` that the Excel writer and the
PDF writer both read, so the two forms of a report can never disagree."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field


class Type:
    TEXT = "text"
    INT = "int"
    DECIMAL = "decimal"  # two places
    PERCENT = "percent"  # a number 0–100, written to Excel as a fraction with a % format
    DATE = "date"


@dataclass(frozen=True)
class Column:
    header: str
    type: str = Type.TEXT
    width: int = 12  # Excel characters; the PDF shares the page in the same proportions


@dataclass
class Table:
    """A report's data: a title, optional lines under it, typed columns and the rows.

    ``rows`` may be a generator (streamed once); ``count`` says how many rows it will yield so
    that progress can be shown while writing. ``sections`` optionally groups rows under headings
    in the PDF (a row whose first item is a ``Section`` starts a new one)."""

    title: str
    columns: list[Column]
    rows: Iterable[tuple]
    count: int
    subtitle: list[str] = field(default_factory=list)
    sheet_name: str = ""
    landscape: bool = False

    def __post_init__(self):
        self.sheet_name = (self.sheet_name or self.title)[:31]


@dataclass(frozen=True)
class Section:
    """A heading row: the PDF starts a new group, the Excel sheet writes it as a bold row."""

    title: str


def with_progress(rows: Iterable, report: Callable[[int], None], every: int = 1000) -> Iterator:
    """Yield ``rows`` unchanged, calling ``report(n)`` after every ``every`` rows and at the end."""
    n = 0
    for row in rows:
        yield row
        n += 1
        if n % every == 0:
            report(n)
    report(n)
