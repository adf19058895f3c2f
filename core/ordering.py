"""Names in the order people expect: 第一, 第二, 第三 … 第十一, not the code-point order of the
characters (第一, 第三, 第二, 第十一 …).

A unit's name is sorted by a key computed from it: every run of Chinese numerals (一 … 九, 十, 百,
千, 零, 〇, 两) or of digits becomes its value written with a fixed number of digits, so
"第十一党支部" sorts as "第000011党支部", after "第000002党支部". The key is stored in its own
column (``NameKeyField``), computed whenever the record is saved, so the database orders pages,
selects and reports by it with an index, the same in PostgreSQL and SQLite.

A small converter rather than a library (cn2an and the like): names need whole numbers up to a
few thousand, and nothing else.
"""

from __future__ import annotations

import re

from django.db import models

DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
UNITS = {"十": 10, "百": 100, "千": 1000}
NUMERAL = re.compile(f"[{''.join(DIGITS)}{''.join(UNITS)}]+|[0-9]+")
WIDTH = 6


def chinese_number(text: str) -> int:
    """The value of a run of Chinese numerals: 十一 → 11, 二十 → 20, 一百零五 → 105, 二〇一〇 → 2010
    (digits written one by one, as in years)."""
    if not any(c in UNITS for c in text):
        return int("".join(str(DIGITS[c]) for c in text))
    total, digit = 0, None
    for c in text:
        if c in DIGITS:
            digit = DIGITS[c]
        else:
            total += (1 if digit is None else digit) * UNITS[c]
            digit = None
    return total + (digit or 0)


def name_key(name: str) -> str:
    """The sort key of a name (see the module's docstring)."""

    def padded(match):
        run = match.group(0)
        value = int(run) if run.isdigit() else chinese_number(run)
        return str(value).zfill(WIDTH)

    return NUMERAL.sub(padded, name or "")


class NameKeyField(models.CharField):
    """A column holding ``name_key`` of another field (``source``), kept up to date on every save
    (``pre_save``, as ``auto_now`` does; ``bulk_create`` calls it too). Not edited in forms."""

    def __init__(self, *args, source: str = "name", **kwargs):
        self.source = source
        kwargs.setdefault("max_length", 200)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("db_index", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        value = name_key(getattr(model_instance, self.source))
        setattr(model_instance, self.attname, value)
        return value
