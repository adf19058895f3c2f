"""Writing many rows fast: PostgreSQL ``COPY … FROM STDIN`` through psycopg 3, with primary keys
handed out here so that rows can point at each other without reading anything back."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection


class Copier:
    """Hands out primary keys per model and copies rows in. ``finish`` moves every sequence past
    the keys used, so that the application's own inserts go on from there."""

    def __init__(self):
        self._next: dict[type, int] = {}
        self.counts: dict[str, int] = {}

    def ids(self, model, n: int) -> range:
        """``n`` fresh primary keys of ``model``."""
        if model not in self._next:
            with connection.cursor() as cursor:
                cursor.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{model._meta.db_table}"')
                self._next[model] = cursor.fetchone()[0] + 1
        start = self._next[model]
        self._next[model] = start + n
        return range(start, start + n)

    def copy(self, model, fields: list[str], rows: Iterable[tuple]) -> int:
        """COPY ``rows`` (tuples in the order of ``fields``, model field names) into ``model``.

        Fields left out that may not be NULL get their model default: Django keeps defaults in
        Python, not in the table, so a field added later (a reason, a flag) would otherwise
        break COPY with a NOT NULL violation."""
        named = {model._meta.get_field(f) for f in fields}
        defaults = [
            f
            for f in model._meta.concrete_fields
            if f not in named
            and not f.primary_key
            and not f.null
            and (f.has_default() or f.empty_strings_allowed)  # a text field's default is ""
        ]
        columns = ", ".join(f'"{f.column}"' for f in [*(model._meta.get_field(f) for f in fields), *defaults])
        tail = tuple(f.get_db_prep_save(f.get_default(), connection) for f in defaults)
        n = 0
        with connection.cursor() as cursor:
            with cursor.copy(f'COPY "{model._meta.db_table}" ({columns}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row(tuple(row) + tail)
                    n += 1
        label = model._meta.label
        self.counts[label] = self.counts.get(label, 0) + n
        return n

    def finish(self) -> None:
        with connection.cursor() as cursor:
            for model, next_id in self._next.items():
                table = model._meta.db_table
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, 'id'), GREATEST(%s, 1), %s)",
                    [f'"{table}"', next_id - 1, next_id > 1],
                )
