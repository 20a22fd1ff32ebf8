"""Noise phrases by category, loaded from one TOML file per language in this folder.

Every file maps a category (``read_also``, ``related``, ``tags_label``, ``share_follow``,
``newsletter``, ``ad_label``, ``caption_credit``, ``comments``, ``most_read``,
``aggregator_disclaimer``, ``next_article``, ``skip_marker``, ``byline``, ``dateline``) to a
list of phrases. Phrases and page text are both folded with
:func:`pipelines.cleaning.normalize.fold`, so one spelling covers the hamza, alef, ya,
tanween, diacritic and tatweel variants; a trailing colon or dash never matters.

Three ways to match, from strict to loose:

- :meth:`PhraseBook.label`: the whole text *is* a phrase ("إقرأ أيضاً:", "Advertisement",
  "التعليقات (3)").
- :meth:`PhraseBook.prefix`: the text *starts* with a phrase, at a word boundary. One-word
  phrases ("شاهد", "Watch") only count when a delimiter (``:`` ``|`` ``-``) follows them,
  because as plain words they open ordinary sentences.
- :meth:`PhraseBook.contains`: the phrase occurs anywhere, at word boundaries (for
  disclaimers, which are sentences rather than labels).

Adding a language is adding a ``<code>.toml`` file; adding a phrase is one line.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path

from pipelines.cleaning.normalize import fold

PHRASE_DIR = Path(__file__).resolve().parent

#: Delimiters that may close a label: "اقرأ أيضاً:", "شاهد |", "Read more »", "Watch -".
_DELIM = re.compile(r"[:：|»>–—]|(?<=\s)-(?=\s)")
#: A character :data:`_DELIM` may replace ("-" only between spaces): most texts hold none.
_DELIM_CHAR = re.compile(r"[:：|»>–—-]")
#: Characters that become a space: all but word characters, ":" and whitespace (whitespace
#: needs no replacing, the final split collapses it; leaving it alone makes far fewer, so
#: cheaper, substitutions than replacing every run of non-word characters).
_PUNCTUATION = re.compile(r"[^\w:\s]")
_TRAILING_COUNT = re.compile(r"(?: \d+)+$")


#: Folded keys kept per process. Most element texts occur on one page only; what repeats is
#: the site chrome of every page, which a small LRU keeps. 65,536 entries grew a cleaning
#: worker by about 50 MiB over 1,000 pages for no speed; 4,096 keep it flat.
_KEY_CACHE = 4096


@lru_cache(maxsize=_KEY_CACHE)
def key(text: str) -> str:
    """``text`` folded for phrase matching: delimiters become `` : ``, other punctuation a space.

    The delimiter substitution (slow: a lookbehind tried at every character) runs only
    when a quick search finds a delimiter character; most texts have none.
    """
    folded = fold(text)
    if _DELIM_CHAR.search(folded):
        folded = _DELIM.sub(" : ", folded)
    return " ".join(_PUNCTUATION.sub(" ", folded).split())


@lru_cache(maxsize=_KEY_CACHE)
def label_key(text: str) -> str:
    """:func:`key` without delimiters and trailing counts ("التعليقات (3)" → "التعليقات")."""
    bare = " ".join(key(text).replace(":", " ").split())
    # A trailing count ends in a digit (``\d`` is any Unicode decimal digit, as isdecimal()).
    return _TRAILING_COUNT.sub("", bare) if bare[-1:].isdecimal() else bare


#: Characters of a text's start that prefix matching looks at (longer than any phrase).
PREFIX_WINDOW = 80


@dataclass
class PhraseBook:
    """All phrases of all languages, indexed for the three kinds of matching."""

    labels: dict[str, frozenset[str]] = field(default_factory=dict)
    prefixes: dict[str, re.Pattern[str]] = field(default_factory=dict)
    containers: dict[str, re.Pattern[str]] = field(default_factory=dict)

    @classmethod
    def from_phrases(cls, phrases: Mapping[str, Iterable[str]]) -> PhraseBook:
        """Build the indexes from ``{category: phrases}`` (phrases in any spelling)."""
        book = cls()
        by_label: dict[str, set[str]] = {}
        for category, items in phrases.items():
            folded = sorted({label_key(p) for p in items} - {""}, key=len, reverse=True)
            for phrase in folded:
                by_label.setdefault(phrase, set()).add(category)
            multi = [re.escape(p) for p in folded if " " in p]
            single = [re.escape(p) for p in folded if " " not in p]
            parts = []
            if multi:
                parts.append(f"(?:{'|'.join(multi)})(?= |$)")
            if single:
                parts.append(f"(?:{'|'.join(single)}) :")
            if parts:
                book.prefixes[category] = re.compile(f"^(?:{'|'.join(parts)})")
            if folded:
                alternatives = "|".join(re.escape(p) for p in folded)
                book.containers[category] = re.compile(rf"(?<![\w])(?:{alternatives})(?![\w])")
        book.labels = {label: frozenset(cats) for label, cats in by_label.items()}
        return book

    def label(self, text: str, categories: Iterable[str] | None = None) -> str | None:
        """The category of ``text`` when the whole text is one phrase, else ``None``."""
        found = self.labels.get(label_key(text))
        if not found:
            return None
        if categories is None:
            return min(found)
        for category in categories:
            if category in found:
                return category
        return None

    def prefix(self, text: str, categories: Iterable[str]) -> str | None:
        """The category of the phrase ``text`` starts with, else ``None``."""
        folded = key(text[:PREFIX_WINDOW]).lstrip(": ")
        for category in categories:
            pattern = self.prefixes.get(category)
            if pattern is not None and pattern.match(folded):
                return category
        return None

    def contains(self, text: str, categories: Iterable[str]) -> str | None:
        """The category of a phrase found anywhere in ``text``, else ``None``."""
        folded = label_key(text)
        for category in categories:
            pattern = self.containers.get(category)
            if pattern is not None and pattern.search(folded):
                return category
        return None


def load_phrases(directory: Path = PHRASE_DIR) -> dict[str, list[str]]:
    """Merge the phrase lists of every ``*.toml`` file in ``directory`` by category."""
    merged: dict[str, list[str]] = {}
    for path in sorted(directory.glob("*.toml")):
        with path.open("rb") as handle:
            data = tomllib.load(handle)
        for category, items in data.items():
            if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
                msg = f"{path.name}: category {category!r} must be a list of strings"
                raise ValueError(msg)
            merged.setdefault(category, []).extend(items)
    return merged


@cache
def phrase_book() -> PhraseBook:
    """The phrase book of the shipped phrase files, built once per process."""
    return PhraseBook.from_phrases(load_phrases())
