"""Small helpers every app's services use: save with the actor in the history, re-read a row
under a lock."""

from __future__ import annotations

from collections.abc import Iterable


def save_as(obj, actor, **kwargs):
    """Save ``obj`` with ``actor`` (a User, or None for the system) as the author of its history
    row, also outside a request (tasks, tests, management commands)."""
    obj._history_user = actor
    obj.save(**kwargs)
    return obj


def lock(obj, *, refresh: Iterable[str] = ("status",), select_related: Iterable[str] = ()):
    """Re-read ``obj``'s row under a row lock and copy the fields in ``refresh`` onto ``obj``,
    so that two clicks (or two workers) cannot both move it: the second waits for the first to
    commit and then sees the state it left. Returns ``obj``."""
    model = type(obj)
    queryset = model._default_manager.select_for_update(of=("self",))
    if select_related:
        queryset = queryset.select_related(*select_related)
    locked = queryset.get(pk=obj.pk)
    for name in refresh:
        setattr(obj, name, getattr(locked, name))
    for name in select_related:  # the related rows as read under the lock
        if "__" not in name:
            setattr(obj, name, getattr(locked, name))
    return obj
