"""The word lists of the metadata extractor, loaded once from the files beside this module.

The lists live in plain text and TOML files so that a new agency, byline prefix or month
spelling is a one-line change that needs no code. Everything is folded with
:func:`pipelines.cleaning.normalize.fold` when loaded, so the files can use the page's
own spelling.
"""

from __future__ import annotations

import functools
import re
import tomllib
from importlib import resources

from pipelines.cleaning.normalize import fold

#: Calendars known to the date parser, as named in ``months.toml``.
CALENDARS = ("gregorian", "hijri", "solar_hijri")

_DATA = resources.files("pipelines.cleaning.metadata")


def _read_lines(name: str) -> list[str]:
    text = (_DATA / name).read_text(encoding="utf-8")
    lines = (line.strip() for line in text.splitlines())
    return [line for line in lines if line and not line.startswith("#")]


@functools.lru_cache(maxsize=4096)
def squash(text: str) -> str:
    """Fold ``text`` and drop spaces, dots and hyphens, for comparing names loosely.

    "بی‌بی‌سی", "بي بي سي" and "B.B.C" all squash to the same key.
    """
    return re.sub(r"[\s.\-_·'’]+", "", fold(text))


#: What may stand between a byline prefix and the name ("كتب- ", "By: ", "نویسنده، ").
PREFIX_SEPARATOR = r"[\s:：،,\-–—|]*"


@functools.cache
def author_prefix_pattern() -> re.Pattern[str]:
    """Matches a byline prefix ("كتب", "بقلم", "by", "نويسنده"...) at the start of folded text."""
    folded = {fold(line) for line in _read_lines("author_prefixes.txt")}
    alternatives = sorted((re.escape(p) for p in folded if p), key=len, reverse=True)
    return re.compile(r"(?:" + "|".join(alternatives) + r")(?!\w)" + PREFIX_SEPARATOR)


@functools.cache
def non_person_pattern() -> re.Pattern[str]:
    """A pattern that finds an agency, desk or staff credit as whole words in folded text."""
    terms = {fold(line) for line in _read_lines("author_non_persons.txt")}
    alternatives = sorted((re.escape(term) for term in terms if term), key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)")


@functools.cache
def non_person_keys() -> frozenset[str]:
    """Squashed agency and desk names, to catch spellings with other spacing."""
    return frozenset(squash(line) for line in _read_lines("author_non_persons.txt"))


@functools.cache
def author_role_pattern() -> re.Pattern[str]:
    """Matches a label of a line that describes rather than names the author ("صفة المؤلف")."""
    folded = {fold(line) for line in _read_lines("author_roles.txt")}
    alternatives = sorted((re.escape(r) for r in folded if r), key=len, reverse=True)
    return re.compile(r"(?:" + "|".join(alternatives) + r")(?!\w)")


@functools.cache
def author_trailing_words() -> frozenset[str]:
    """Folded words that may follow a byline's names before a date: weekdays, "published"
    labels and Gregorian month names."""
    words = {fold(line) for line in _read_lines("author_trailing_words.txt")}
    words.update(name for name in month_names()["gregorian"] if " " not in name)
    return frozenset(words)


@functools.cache
def author_wa_names() -> frozenset[str]:
    """Folded given names that begin with "و" ("وليد", "وائل"...)."""
    return frozenset(fold(line) for line in _read_lines("author_wa_names.txt"))


@functools.cache
def month_names() -> dict[str, dict[str, int]]:
    """For each calendar, folded month spelling -> month number (1-12)."""
    raw = tomllib.loads((_DATA / "months.toml").read_text(encoding="utf-8"))
    table: dict[str, dict[str, int]] = {}
    for calendar in CALENDARS:
        names: dict[str, int] = {}
        for number, spellings in raw[calendar].items():
            for spelling in spellings:
                names[fold(spelling)] = int(number)
        table[calendar] = names
    return table
