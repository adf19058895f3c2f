"""The rule for login names of logins the office issues (README "Logins and sign-in").

The full pinyin of the person's name, lower-case, without tones or separators (张三 → zhangsan),
with 2, 3 … appended for the second, third … person of that name (zhangsan2). A name once given
is never given again: logins are never deleted (deactivated instead), so every name in the table
is taken, that of a deactivated login included. pypinyin reads the name with its phrase
dictionary; letters and digits already in the name are kept as they are."""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from pypinyin import Style, lazy_pinyin

from core.services import save_as

_NOT_NAME = re.compile(r"[^a-z0-9]")


def pinyin(name: str) -> str:
    """The name as one lower-case pinyin word: "张三" → "zhangsan" ("" if nothing is left)."""
    return _NOT_NAME.sub("", "".join(lazy_pinyin(name or "", style=Style.NORMAL)).lower())


def base_name(name: str) -> str:
    # Django's username allows 150 characters; the digits of a duplicate need room.
    return (pinyin(name) or "user")[:140]


def next_free_names(names: Iterable[str]) -> list[str]:
    """A new login name for each of ``names`` (people's names, in order), none of them taken
    and none twice: one query for all of them."""
    from .models import User

    names = list(names)
    bases = [base_name(n) for n in names]
    if not bases:
        return []
    # The names taken that the rule could give: each base, with or without a number after it.
    pattern = r"^(" + "|".join(sorted({re.escape(b) for b in bases})) + r")[0-9]*$"
    taken = set(User.objects.filter(username__regex=pattern).values_list("username", flat=True))
    result = []
    for base in bases:
        candidate, n = base, 1
        while candidate in taken:
            n += 1
            candidate = f"{base}{n}"
        taken.add(candidate)
        result.append(candidate)
    return result


def save_under_free_name(user, name: str, actor, *, attempts: int = 10):
    """Save the new ``user`` (``user.username`` from ``next_free_names``) with ``actor`` as the
    author of its history; when another transaction took that login name in the meantime, under
    the next free one. Two offices giving logins to two 张伟 at the same moment both find
    ``zhangwei`` free: the unique index makes the second insert wait for the first transaction
    and fail once it has committed, and the second then takes ``zhangwei2`` instead of failing
    with an error page."""
    for attempt in range(attempts):
        try:
            with transaction.atomic():  # a savepoint: the caller's transaction goes on
                return save_as(user, actor)
        except IntegrityError:
            from .models import User

            if attempt == attempts - 1 or not User.objects.filter(username=user.username).exists():
                raise  # not the name (or never free): nothing to retry
            user.username = next_free_names([name])[0]
