"""The rule for login names of logins the office issues (README "Logins and sign-in").

The full pinyin of the person's name, lower-case, without tones or separators (张三 → zhangsan),
with 2, 3 … appended for the second, third … person of that name (zhangsan2). A name once given
is never given again: logins are never deleted (deactivated instead), so every name in the table
is taken, that of a deactivated login included. pypinyin reads the name with its phrase
dictionary; letters and digits already in the name are kept as they are."""

from __future__ import annotations

import re
from collections.abc import Iterable

from pypinyin import Style, lazy_pinyin

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
