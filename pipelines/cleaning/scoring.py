"""Scoring cleaned text against gold, as the shared corpus README defines it.

Text and gold are compared as bags of 4-token shingles: per-document precision and recall,
averaged over the corpus, then the F1 of the two averages. Tokens come from Unicode NFKC text
with zero-width characters and tatweel removed; Arabic letters and diacritics are kept. An
empty output scores recall 0 (precision is then not counted) and is reported separately.

Also here: corpus loading (pages and gold in the shared layout) and the per-page checks the
quality benchmark and the quality-gate test share (noise leaks, verdicts, metadata matches).
"""

from __future__ import annotations

import gzip
import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SHINGLE_SIZE = 4
_ZERO_WIDTH_TATWEEL = re.compile(
    "[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u0640]"
)
#: A word: letters and digits with their combining marks (Arabic harakat and tanween, Hebrew
#: points, Indic vowel signs); Python's ``\w`` alone would split "عَرَبِيّ" at every mark.
_TOKEN = re.compile(
    "(?:\\w|[\u0300-\u036f\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0670"
    "\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed\u0900-\u0903\u093a-\u094f"
    "\u0981-\u0983\u09bc-\u09cd\u0e31\u0e34-\u0e3a\u0e47-\u0e4e])+"
)
_SPACE = re.compile(r"\s+")


def tokens(text: str) -> list[str]:
    """Lower-cased word tokens of ``text`` after NFKC, without zero-width chars or tatweel."""
    text = _ZERO_WIDTH_TATWEEL.sub("", unicodedata.normalize("NFKC", text))
    return _TOKEN.findall(text.lower())


def shingles(text: str, size: int = SHINGLE_SIZE) -> Counter[tuple[str, ...]]:
    """The bag of ``size``-token shingles of ``text`` (a short text is one shingle)."""
    words = tokens(text)
    if not words:
        return Counter()
    if len(words) < size:
        return Counter([tuple(words)])
    return Counter(tuple(words[i : i + size]) for i in range(len(words) - size + 1))


def precision_recall(output: str, gold: str) -> tuple[float, float]:
    """Shingle precision and recall of ``output`` against ``gold`` (bags, with multiplicity)."""
    got, want = shingles(output), shingles(gold)
    if not got or not want:
        return (0.0 if got else 1.0), (0.0 if want else 1.0)
    common = sum((got & want).values())
    return common / sum(got.values()), common / sum(want.values())


def f1(precision: float, recall: float) -> float:
    """The harmonic mean of precision and recall (0 when both are 0)."""
    return 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)


@dataclass
class ShingleScore:
    """Averaged shingle scores over the article pages of a corpus."""

    precision: float
    recall: float
    f1: float
    documents: int
    empty: int


def score_texts(pairs: Iterable[tuple[str, str]]) -> ShingleScore:
    """Score ``(output, gold)`` pairs: an empty output counts as recall 0, precision skipped."""
    precisions: list[float] = []
    recalls: list[float] = []
    empty = 0
    for output, gold in pairs:
        if not tokens(output):
            empty += 1
            recalls.append(0.0)
            continue
        p, r = precision_recall(output, gold)
        precisions.append(p)
        recalls.append(r)
    p_avg = sum(precisions) / len(precisions) if precisions else 0.0
    r_avg = sum(recalls) / len(recalls) if recalls else 0.0
    return ShingleScore(p_avg, r_avg, f1(p_avg, r_avg), len(recalls), empty)


def collapse(text: str) -> str:
    """Runs of whitespace collapsed to one space (how gold strings are compared)."""
    return _SPACE.sub(" ", text).strip()


def leaks(text: str, must_not_contain: Iterable[str]) -> list[str]:
    """The ``must_not_contain`` strings found in ``text`` (after collapsing whitespace)."""
    flat = collapse(text)
    return [s for s in must_not_contain if collapse(s) and collapse(s) in flat]


@dataclass
class GoldPage:
    """One corpus page: its raw bytes and its gold answer."""

    name: str
    path: Path
    gold: dict[str, Any] = field(repr=False)

    def body(self) -> bytes:
        """The page bytes, un-gzipped when stored as ``.html.gz``."""
        data = self.path.read_bytes()
        return gzip.decompress(data) if self.path.suffix == ".gz" else data


def load_corpus(corpus_dir: Path) -> list[GoldPage]:
    """Every page of a corpus in the shared layout (``pages/`` and ``gold/``), by name."""
    pages: list[GoldPage] = []
    for gold_path in sorted((corpus_dir / "gold").glob("*.json")):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        page_path = corpus_dir / "pages" / gold["file"]
        pages.append(GoldPage(gold_path.stem, page_path, gold))
    return pages


def iter_bodies(pages: Iterable[GoldPage]) -> Iterator[tuple[GoldPage, bytes]]:
    """``(page, bytes)`` for each page."""
    for page in pages:
        yield page, page.body()


def same_day(a: str | None, b: str | None) -> bool:
    """``True`` when two ISO 8601 timestamps name the same calendar day (as written)."""
    return bool(a) and bool(b) and str(a)[:10] == str(b)[:10]


def same_title(a: str | None, b: str | None) -> bool:
    """``True`` when two titles are equal after collapsing whitespace."""
    return collapse(a or "") == collapse(b or "")


def same_authors(a: Iterable[str] | None, b: Iterable[str] | None) -> bool:
    """``True`` when two author lists hold the same names (order ignored)."""
    return sorted(collapse(x) for x in a or []) == sorted(collapse(x) for x in b or [])
