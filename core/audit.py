"""The audit log: every recorded change of every domain record, across all models; and the
audit trail of one record (``object_history``), the one every record page shows.

django-simple-history keeps one history table per model; this module reads them together
(a UNION of the tables, newest first), narrowed to the institutes the reader may see, and
filtered by date, user and kind of record. Read-only: nothing here writes.

Queries per page: one to count, one for the page, then two per kind of record shown on the page
(its rows with the previous version's id, and those previous versions) and one per kind of record
the changes point at (to name people, branches… rather than show ids) — so a page costs the same
however much history there is.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from functools import cache

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models import CharField, OuterRef, Subquery, Value
from django.utils import formats, timezone
from django.utils.translation import gettext as _

# The fields shown to name a record, first one present wins; otherwise "#id".
LABEL_FIELDS = ("name", "title", "subject", "theme", "username")
MAX_PATH = 6


@dataclass(frozen=True)
class Audited:
    label: str  # "app_label.ModelName" of the audited model
    model: type  # the audited model
    history: type  # its historical model
    committee_path: str | None  # lookup from the historical row to its institute's id


def _committee_path(model) -> str | None:
    """The shortest chain of required (NOT NULL) foreign keys from ``model`` to its institute
    (branches.PartyCommittee), as a lookup; None when there is none (the administrator's only)."""
    committee = apps.get_model("branches", "PartyCommittee")
    if model is committee:
        return "id"
    frontier, seen = [(model, "")], {model}
    for _depth in range(MAX_PATH):
        following = []
        for current, prefix in frontier:
            for field in current._meta.get_fields():
                if not (field.many_to_one or field.one_to_one) or not field.concrete or field.null:
                    continue
                related = field.related_model
                if related is committee:
                    return f"{prefix}{field.name}_id"
                if related not in seen and related._meta.app_label != "accounts":
                    seen.add(related)
                    following.append((related, f"{prefix}{field.name}__"))
        frontier = following
    return None


@cache
def audited_models() -> tuple[Audited, ...]:
    """The models that keep history (django-simple-history), in app order."""
    result = []
    for model in apps.get_models():
        attr = getattr(model._meta, "simple_history_manager_attribute", None)
        if attr is None:
            continue
        history = getattr(model, attr).model
        result.append(Audited(model._meta.label_lower, model, history, _committee_path(model)))
    return tuple(result)


def audited_by_label() -> dict[str, Audited]:
    return {a.label: a for a in audited_models()}


@dataclass
class Entry:
    label: str
    kind: str  # the model's verbose name
    record: object  # the historical row
    name: str
    changes: list[str]  # the changed fields' names
    details: list[tuple] = dataclass_field(default_factory=list)  # (field, old, new) in words


def history_union(
    *,
    committees: list[int] | None,
    model: str = "",
    users: list[int] | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
):
    """A queryset of (history_date, history_id, label) over every audited model the filters
    admit, newest first. ``committees`` None means every institute."""
    parts = []
    tz = timezone.get_current_timezone()
    for audited in audited_models():
        if model and audited.label != model:
            continue
        # No ordering inside the parts: SQLite refuses ORDER BY in a compound statement's parts
        # (history models order by date by default); the union is ordered as a whole below.
        qs = audited.history.objects.order_by()
        if committees is not None:
            if audited.committee_path is None:
                continue  # not tied to an institute: the administrator's only
            qs = qs.filter(**{f"{audited.committee_path}__in": committees})
        if users is not None:
            qs = qs.filter(history_user_id__in=users)
        if date_from:
            qs = qs.filter(history_date__gte=datetime.datetime.combine(date_from, datetime.time(), tz))
        if date_to:
            end = datetime.datetime.combine(date_to + datetime.timedelta(days=1), datetime.time(), tz)
            qs = qs.filter(history_date__lt=end)
        parts.append(
            qs.annotate(label=Value(audited.label, output_field=CharField())).values_list(
                "history_date", "history_id", "label"
            )
        )
    if not parts:
        return None
    first, *rest = parts
    union = first.union(*rest, all=True) if rest else first
    return union.order_by("-history_date", "-history_id", "label")


def entries(page_rows) -> list[Entry]:
    """The page's historical rows with who, what and the changed fields; two queries per kind."""
    by_label: dict[str, list[int]] = {}
    for _date, history_id, label in page_rows:
        by_label.setdefault(label, []).append(history_id)
    audited = audited_by_label()
    loaded: dict[tuple[str, int], Entry] = {}
    for label, ids in by_label.items():
        a = audited[label]
        H = a.history
        previous = H.objects.filter(id=OuterRef("id"), history_id__lt=OuterRef("history_id")).order_by(
            "-history_id"
        )
        rows = list(
            H.objects.filter(history_id__in=ids)
            .select_related("history_user__person")
            .annotate(history_previous_id=Subquery(previous.values("history_id")[:1]))
        )
        previous_rows = {
            r.history_id: r
            for r in H.objects.filter(
                history_id__in=[r.history_previous_id for r in rows if r.history_previous_id]
            )
        }
        # Editable fields only: a computed column (a sort key) is no change anybody made.
        tracked = [f.name for f in H.tracked_fields if f.editable]
        name_field = next((f for f in LABEL_FIELDS if f in tracked), None)
        for row in rows:
            changes = []
            older = previous_rows.get(row.history_previous_id)
            if row.history_type == "~" and older is not None:
                delta = row.diff_against(older, included_fields=tracked, foreign_keys_are_objs=False)
                changes = [(a.model._meta.get_field(c.field), c.old, c.new) for c in delta.changes]
            name = getattr(row, name_field, "") if name_field else ""
            loaded[(label, row.history_id)] = Entry(
                label=label,
                kind=str(a.model._meta.verbose_name),
                record=row,
                name=str(name or f"#{row.id}"),
                changes=changes,
            )
    # The values in words: one query per model the page's changes point at.
    namer = Namer([e.changes for e in loaded.values()])
    for entry in loaded.values():
        entry.details = [namer.change(*c) for c in entry.changes]
        entry.changes = [label for label, _old, _new in entry.details]
    return [
        loaded[(label, history_id)] for _date, history_id, label in page_rows if (label, history_id) in loaded
    ]


def object_history(obj, limit: int = 50) -> list[dict]:
    """The audit trail of ``obj``, newest first, for ``includes/history.html``: each row is
    ``{"record": the historical row, "changes": [(label, old, new), …]}``, the changes in words —
    a person's name rather than an id, a choice's label rather than its code, the members of a
    team by name, 是/否, dates as dates are written in the reader's language.

    Queries: one for the history (with the users and their people), then one per model the
    changes point at, however long the history is."""
    records = list(
        obj.history.select_related("history_user__person").order_by("-history_date", "-history_id")[
            : limit + 1
        ]
    )
    raw = []
    for newer, older in zip(records, records[1:] + [None], strict=False):
        if len(raw) == limit:
            break
        changes = []
        if older is not None and newer.history_type == "~":
            changes = [
                (obj._meta.get_field(c.field), c.old, c.new)
                for c in newer.diff_against(older, foreign_keys_are_objs=False).changes
            ]
        raw.append((newer, changes))
    words = Namer([changes for _record, changes in raw])
    return [
        {"record": record, "changes": [words.change(*change) for change in changes]}
        for record, changes in raw
    ]


def changes_along(records) -> list[tuple]:
    """``(record, changes)`` for each historical row of ``records`` (one record's history, newest
    first) against the row after it: the (field, old, new) of what it changed, values as stored
    (ids, not objects) for a ``Namer`` to put into words. The editable fields (a computed column,
    a sort key, is no change anybody made) and the tracked many-to-many fields (a branch's
    departments), these read in one query per field for all the rows rather than two per row as
    django-simple-history's ``diff_against`` does."""
    if len(records) < 2:
        return [(record, []) for record in records]
    first = records[0]
    model = first.instance_type
    m2m = list(first._history_m2m_fields)
    plain = [f.name for f in first.tracked_fields if f.editable and f.name not in {m.name for m in m2m}]
    rows = {}
    for field in m2m:
        through = getattr(first, field.name).model
        names = [
            f.name
            for f in through._meta.fields
            if f.editable and f.name not in ("id", "m2m_history_id", "history")
        ]
        found = defaultdict(list)
        reverse = field.m2m_reverse_field_name()
        for row in (
            through.objects.filter(history_id__in=[r.history_id for r in records])
            .order_by(reverse)
            .values("history_id", *names)
        ):
            found[row.pop("history_id")].append(row)
        rows[field.name] = found
    result = []
    for newer, older in zip(records, records[1:], strict=False):
        delta = newer.diff_against(older, included_fields=plain, foreign_keys_are_objs=False)
        changes = [(model._meta.get_field(c.field), c.old, c.new) for c in delta.changes]
        for field in m2m:
            old, new = rows[field.name][older.history_id], rows[field.name][newer.history_id]
            if old != new:
                changes.append((model._meta.get_field(field.name), old, new))
        result.append((newer, changes))
    return result + [(records[-1], [])]


class Namer:
    """Puts the raw changes of many history rows into words: it gathers every id the changes point
    at and loads each related model once (one query per model, however many rows)."""

    def __init__(self, change_lists):
        wanted = defaultdict(set)
        for changes in change_lists:
            for field, old, new in changes:
                if field.many_to_many:
                    key = field.m2m_reverse_field_name()
                    for value in (old or []) + (new or []):
                        wanted[field.related_model].add(value[key])
                elif field.is_relation:
                    wanted[field.related_model].update(v for v in (old, new) if v is not None)
        user_model = get_user_model()
        self.names = {}
        for model, ids in wanted.items():
            found = model._default_manager.filter(pk__in=ids)
            if model is user_model:
                found = found.select_related("person")
            self.names[model] = {
                o.pk: (o.display_name() if model is user_model else getattr(o, "name", None) or str(o))
                for o in found
            }

    def word(self, field, value):
        if value in (None, "", []):
            return None
        if field.many_to_many:
            key = field.m2m_reverse_field_name()
            return "、".join(str(self._name(field.related_model, v[key])) for v in value)
        if field.is_relation:
            return self._name(field.related_model, value)
        if field.choices:
            return str(dict(field.flatchoices).get(value, value))
        if isinstance(value, bool):
            return str(_("yes") if value else _("no"))
        if isinstance(value, datetime.datetime):
            return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")
        if isinstance(value, datetime.date):
            return formats.date_format(value, "DATE_FORMAT")
        return value

    def _name(self, model, pk):
        # A record deleted since keeps no name: say so rather than show its id.
        return self.names.get(model, {}).get(pk) or str(_("(removed)"))

    def change(self, field, old, new):
        return (str(field.verbose_name), self.word(field, old), self.word(field, new))
