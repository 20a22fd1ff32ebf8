"""Sketches of article text for near-duplicate matching, and the matching decision.

A text becomes its words after :func:`normalize_for_fingerprint` (leading flash markers such
as "عاجل" or "BREAKING" dropped), the words become the set of their 3-word shingles, and each
shingle a 32-bit hash. Two things are derived from that set:

- **band keys** for finding candidates cheaply: a MinHash signature (datasketch, ``affine32``)
  cut into ``bands`` bands of ``rows`` values, each band hashed to one signed 64-bit key. Two
  texts whose shingle sets have Jaccard similarity *J* share at least one key with
  probability ``1 - (1 - J**rows) ** bands``; with the defaults (42 bands of 3) that is 0.95
  at *J* = 0.4, 0.996 at 0.5 and 0.000005 at 0.005, the similarity of unrelated articles
  that share a few stock phrases.
- the **shingle hashes** themselves, for verifying a candidate exactly (no estimate).

A candidate is accepted when:

- **long texts** (the shorter has at least ``short_tokens`` words): at least
  ``containment`` of the shorter text's shingles occur in the longer one (a copy with a lead
  added, a paragraph dropped, paragraphs reordered or words changed here and there), the
  Jaccard similarity is at least ``min_jaccard`` (a brief is not a copy of the long feature it
  quotes), and the two texts do not state mostly different numbers (daily price reports
  built from one template are different stories);
- **short texts** (flashes of one or two sentences, where one changed word is a different
  story): aligning the two word sequences needs no substitution, only words added or
  dropped (an agency tag, a dateline, an attribution clause), the words in common are at
  least ``short_overlap`` of the longer text, and both state the same numbers.

Sketches are deterministic (fixed hash and seed), so sketches stored by one process compare
with those made by another, in this run or a later one, as long as :data:`SKETCH_VERSION` and
the parameters agree.
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import re
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any

import numpy as np
import numpy.typing as npt

from pipelines.similarity.fingerprint import normalize_for_fingerprint

#: Bump when tokenizing, shingling, hashing or the MinHash scheme change: stored sketches of
#: another version are not comparable and lookups ignore them.
SKETCH_VERSION = 1

#: Leading phrases that mark breaking news rather than carry the story, in normalized form
#: (so "عاجل" covers "عاجل:" and "عاجل |", "فوري" covers Persian "فوری"). Dropped from the
#: start of every text, repeatedly, but never down to nothing.
FLASH_MARKERS: tuple[tuple[str, ...], ...] = (
    ("خبر", "عاجل"),
    ("خبر", "فوري"),
    ("breaking", "news"),
    ("just", "in"),
    ("عاجل",),
    ("فوري",),
    ("breaking",),
    ("urgent",),
)

#: Trailing agency and source tags, in normalized form ("(أ ف ب)" becomes "ا ف ب"). Dropped
#: from the end of every text, repeatedly, but never down to nothing.
SOURCE_TAGS: tuple[tuple[str, ...], ...] = (
    ("رويترز",),
    ("ا", "ف", "ب"),
    ("ا", "ش", "ا"),
    ("د", "ب", "ا"),
    ("واس",),
    ("وام",),
    ("قنا",),
    ("كونا",),
    ("بترا",),
    ("سانا",),
    ("وكالات",),
    ("ايرنا",),
    ("ايسنا",),
    ("reuters",),
    ("afp",),
    ("ap",),
)

#: Most numbers kept per text for the numbers rules.
_MAX_NUMBERS = 200
_NUMBER = re.compile(r"\d")


@dataclass(frozen=True)
class SketchParams:
    """How texts are sketched and when two sketches count as one story.

    ``bands * rows`` must not exceed ``num_perm``; ``short_overlap`` must be at least 0.5
    (short texts keep their word sequence only up to twice ``short_tokens`` words).
    """

    num_perm: int = 128
    bands: int = 42
    rows: int = 3
    seed: int = 1
    #: Words per shingle.
    shingle_size: int = 3
    #: Long texts: share of the shorter text's shingles that must occur in the longer one.
    containment: float = 0.6
    #: Long texts: least Jaccard similarity of the two shingle sets.
    min_jaccard: float = 0.25
    #: Long texts with at least this many distinct numbers each must share at least
    #: ``numbers_overlap`` of the smaller set of numbers.
    numbers_min: int = 3
    numbers_overlap: float = 0.5
    #: Below this many words (in the shorter text) the short-text rules apply.
    short_tokens: int = 50
    #: Short texts: words in common, as a share of the longer text's words.
    short_overlap: float = 0.6

    def __post_init__(self) -> None:
        if self.bands * self.rows > self.num_perm:
            raise ValueError(
                f"bands * rows ({self.bands} * {self.rows}) exceeds num_perm ({self.num_perm})"
            )
        if not 1 <= self.bands <= 255 or self.rows < 1 or self.shingle_size < 1:
            raise ValueError("bands must be 1..255; rows and shingle_size at least 1")
        if not 0.5 <= self.short_overlap <= 1:
            raise ValueError("short_overlap must be between 0.5 and 1")


@dataclass(frozen=True)
class Sketch:
    """What is kept of one text for near-duplicate matching."""

    #: LSH band keys (signed 64-bit integers, as BSON stores them), one per band.
    band_keys: tuple[int, ...]
    #: Words in the text (after normalization and flash markers).
    n_tokens: int
    #: 32-bit hashes of the distinct shingles: a sorted, read-only ``uint32`` array (a view
    #: on the stored bytes when read back), so a comparison is one ``intersect1d``.
    shingles: npt.NDArray[np.uint32] = field(compare=False)
    #: Distinct numbers the text states, sorted (at most 200).
    numbers: tuple[str, ...]
    #: For texts under twice ``short_tokens`` words: the 32-bit hash of each word, in order;
    #: empty for longer texts.
    word_hashes: tuple[int, ...] = ()


@dataclass(frozen=True)
class Comparison:
    """How two sketches compare; ``duplicate`` is the decision."""

    duplicate: bool
    #: Jaccard similarity of the shingle sets (long texts) or words in common over the longer
    #: text's words (short texts).
    similarity: float
    #: Why not, when ``duplicate`` is false (``"containment"``, ``"jaccard"``, ``"numbers"``,
    #: ``"substitution"``, ``"overlap"``, ``"length"``); empty otherwise.
    reason: str = ""


def tokens(text: str, *, normalized: str | None = None) -> list[str]:
    """The words of ``text`` after normalization, without flash markers and source tags.

    ``normalized``: :func:`normalize_for_fingerprint` of ``text`` when the caller already
    has it (the fingerprint is made from the same string).
    """
    words = (normalize_for_fingerprint(text) if normalized is None else normalized).split()
    start, end = 0, len(words)
    progress = True
    while progress:
        progress = False
        for phrase in FLASH_MARKERS:
            if tuple(words[start : start + len(phrase)]) == phrase and start + len(phrase) < end:
                start += len(phrase)
                progress = True
        for phrase in SOURCE_TAGS:
            if tuple(words[end - len(phrase) : end]) == phrase and end - len(phrase) > start:
                end -= len(phrase)
                progress = True
    return words[start:end]


def _hash32(data: bytes) -> int:
    """A stable 32-bit hash (CRC-32: fast; MinHash's ``affine32`` scheme mixes it further)."""
    return zlib.crc32(data)


def shingle_hashes(words: Sequence[str], size: int) -> set[int]:
    """32-bit hashes of the word ``size``-grams of ``words``; a shorter text is one shingle."""
    if not words:
        return set()
    if len(words) <= size:
        return {_hash32(" ".join(words).encode("utf-8"))}
    return {
        _hash32(" ".join(words[i : i + size]).encode("utf-8")) for i in range(len(words) - size + 1)
    }


def _identity(value: int) -> int:
    return value


def _minhash_class() -> Any:
    """datasketch's ``MinHash`` (datasketch ships no type information, so it is typed Any)."""
    return importlib.import_module("datasketch").MinHash


@functools.cache
def _permutations(num_perm: int, seed: int) -> Any:
    """datasketch's MinHash permutations for ``(num_perm, seed)``, made once (they are costly)."""
    return _minhash_class()(num_perm=num_perm, seed=seed, scheme="affine32").permutations


def minhash_signature(hashes: Iterable[int], params: SketchParams) -> Any:
    """MinHash signature (``num_perm`` uint32 values) of a set of 32-bit hashes."""
    minhash = _minhash_class()(
        num_perm=params.num_perm,
        seed=params.seed,
        hashfunc=_identity,
        permutations=_permutations(params.num_perm, params.seed),
        scheme="affine32",
    )
    minhash.update_batch(list(hashes))
    return np.asarray(minhash.hashvalues, dtype=np.uint32)


def band_keys(signature: Any, params: SketchParams) -> tuple[int, ...]:
    """One signed 64-bit key per band: BLAKE2b of the band index and the band's values."""
    keys = []
    for band in range(params.bands):
        chunk = signature[band * params.rows : (band + 1) * params.rows]
        digest = hashlib.blake2b(bytes([band]) + chunk.tobytes(), digest_size=8).digest()
        keys.append(int.from_bytes(digest, "little", signed=True))
    return tuple(keys)


def make_sketch(text: str, params: SketchParams, *, normalized: str | None = None) -> Sketch | None:
    """Sketch ``text``, or ``None`` when it has no words (``normalized`` as in :func:`tokens`)."""
    words = tokens(text, normalized=normalized)
    if not words:
        return None
    hashes = shingle_hashes(words, params.shingle_size)
    numbers = sorted({w for w in words if _NUMBER.search(w)})[:_MAX_NUMBERS]
    keep_words = len(words) < params.short_tokens * 2
    return Sketch(
        band_keys=band_keys(minhash_signature(hashes, params), params),
        n_tokens=len(words),
        shingles=shingle_array(hashes),
        numbers=tuple(numbers),
        word_hashes=tuple(_hash32(w.encode("utf-8")) for w in words) if keep_words else (),
    )


def shingle_array(hashes: Iterable[int]) -> npt.NDArray[np.uint32]:
    """Distinct 32-bit hashes as a sorted, read-only ``uint32`` array."""
    array = np.unique(np.fromiter(hashes, dtype=np.uint32))
    array.setflags(write=False)
    return array


def is_candidate(a: Sketch, b: Sketch) -> bool:
    """``True`` when the two sketches share a band key (what an index lookup finds)."""
    return not set(a.band_keys).isdisjoint(b.band_keys)


def compare(a: Sketch, b: Sketch, params: SketchParams) -> Comparison:
    """Decide whether two sketches are copies of one story (rules in the module docstring)."""
    if min(a.n_tokens, b.n_tokens) < params.short_tokens:
        return _compare_short(a, b, params)
    return _compare_long(a, b, params)


def _compare_long(a: Sketch, b: Sketch, params: SketchParams) -> Comparison:
    size_a, size_b = len(a.shingles), len(b.shingles)
    if not size_a or not size_b:
        return Comparison(False, 0.0, "containment")
    common = int(np.intersect1d(a.shingles, b.shingles, assume_unique=True).size)
    jaccard = common / (size_a + size_b - common)
    if common / min(size_a, size_b) < params.containment:
        return Comparison(False, jaccard, "containment")
    if jaccard < params.min_jaccard:
        return Comparison(False, jaccard, "jaccard")
    nums_a, nums_b = set(a.numbers), set(b.numbers)
    smaller = min(len(nums_a), len(nums_b))
    if smaller >= params.numbers_min and len(nums_a & nums_b) / smaller < params.numbers_overlap:
        return Comparison(False, jaccard, "numbers")
    return Comparison(True, jaccard)


def _compare_short(a: Sketch, b: Sketch, params: SketchParams) -> Comparison:
    if not a.word_hashes or not b.word_hashes:
        # One side is over twice the short limit: too long to be a copy of the other.
        return Comparison(False, 0.0, "length")
    matcher = SequenceMatcher(None, a.word_hashes, b.word_hashes, autojunk=False)
    opcodes = matcher.get_opcodes()
    matched = sum(i2 - i1 for tag, i1, i2, _, _ in opcodes if tag == "equal")
    overlap = matched / max(len(a.word_hashes), len(b.word_hashes))
    if any(tag == "replace" for tag, *_ in opcodes):
        return Comparison(False, overlap, "substitution")
    if a.numbers != b.numbers:
        return Comparison(False, overlap, "numbers")
    if overlap < params.short_overlap:
        return Comparison(False, overlap, "overlap")
    return Comparison(True, overlap)


def is_near_duplicate(text_a: str, text_b: str, params: SketchParams | None = None) -> bool:
    """The index's decision for two texts, without a database: a candidate, and verified."""
    params = params or SketchParams()
    a, b = make_sketch(text_a, params), make_sketch(text_b, params)
    if a is None or b is None:
        return False
    return is_candidate(a, b) and compare(a, b, params).duplicate
