"""Counts that the sections of one page ask for, run together as one query.

A home page shows a dozen figures from as many tables (members, pledges by status, free texts
to review, open objections…); each section registers the querysets it wants counted and the
page runs them all as ``SELECT (SELECT COUNT(*) FROM (…)), (SELECT COUNT(*) FROM (…)), …``:
one round trip instead of one per figure, the same in PostgreSQL and SQLite."""

from __future__ import annotations

import functools
from collections.abc import Callable

from django.core.exceptions import EmptyResultSet
from django.db import connections


class Counts:
    def __init__(self):
        self._querysets: dict = {}
        self._then: list[Callable[[dict[str, int]], dict]] = []

    def add(self, name: str, queryset) -> None:
        """Count the rows of ``queryset``; the number lands in the page's context as ``name``."""
        self._querysets[name] = queryset

    def then(self, make_context: Callable[[dict[str, int]], dict]) -> None:
        """Derive more context from the numbers once they are known (totals, lists of labels)."""
        self._then.append(make_context)

    def run(self, using: str = "default") -> dict:
        numbers: dict[str, int] = {}
        parts, params = [], []
        for name, queryset in self._querysets.items():
            try:
                sql, query_params = queryset.order_by().values("pk").query.sql_with_params()
            except EmptyResultSet:  # e.g. a scope that reaches nothing: no rows, nothing to ask
                numbers[name] = 0
                continue
            parts.append((name, f"(SELECT COUNT(*) FROM ({sql}) counted)"))
            params.extend(query_params)
        if parts:
            with connections[using].cursor() as cursor:
                cursor.execute("SELECT " + ", ".join(sql for _name, sql in parts), params)
                numbers.update(zip([name for name, _sql in parts], cursor.fetchone(), strict=True))
        context = {name: numbers[name] for name in self._querysets}
        for make_context in self._then:
            context.update(make_context(numbers))
        return context


def counted(home_context):
    """For a section's ``home_context(*, counts, …)``: called without ``counts`` (alone, as tests
    and dashboards do), it runs its own counts and returns them in its context."""

    @functools.wraps(home_context)
    def wrapper(*, counts: Counts | None = None, **kwargs):
        if counts is not None:
            return home_context(counts=counts, **kwargs)
        counts = Counts()
        context = home_context(counts=counts, **kwargs)
        context.update(counts.run())
        return context

    return wrapper
