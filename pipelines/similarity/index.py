"""A near-duplicate index in MongoDB that stays cheap at millions of articles.

Two collections (names configurable):

``neardup_sketches``
    one document per article: ``{_id: article_id, v: sketch version, p: parameters,
    n: word count, h: shingle hashes (packed uint32), w: word hashes (packed uint32, short
    texts only), nums: [numbers], b: [band keys]}``.
``neardup_bands``
    one document per LSH band key: ``{_id: band key (int64), ids: [article_id, …]}``.

A lookup is two queries on ``_id`` (band keys, then candidate sketches), each served by the
primary index on any MongoDB server and on nx-27017, whose secondary indexes do not serve
``$in`` or array lookups; its cost depends on the number of candidates, not the collection
size. Buckets keep at most ``max_bucket`` article ids (the newest), so a band shared by
thousands of near-empty or boilerplate texts cannot make lookups slow.

Everything is keyed on ``_id`` and idempotent, so several crawler processes can add to and
query one index at the same time; two copies added at the very same moment by two processes
may miss each other (each looks before the other has written).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from bson.int64 import Int64
from pymongo import UpdateOne
from pymongo.collection import Collection
from pymongo.database import Database
from pymongo.errors import BulkWriteError

from pipelines.similarity.sketch import (
    SKETCH_VERSION,
    Sketch,
    SketchParams,
    compare,
    make_sketch,
)

logger = logging.getLogger(__name__)

_DUPLICATE_KEY = 11000
#: Band documents written per bulk request.
_BATCH = 5000

Document = dict[str, Any]


@dataclass(frozen=True)
class Match:
    """A stored article that the looked-up text duplicates."""

    article_id: str
    #: Jaccard similarity of the shingle sets (long texts) or the share of words in common
    #: (short texts); see :func:`pipelines.similarity.sketch.compare`.
    similarity: float


def _pack(values: Sequence[int]) -> bytes:
    return np.asarray(values, dtype="<u4").tobytes()


def _unpack(data: bytes | None) -> tuple[int, ...]:
    if not data:
        return ()
    return tuple(int(v) for v in np.frombuffer(data, dtype="<u4"))


def params_tag(params: SketchParams) -> str:
    """A short string naming everything that makes two sketches comparable."""
    return (
        f"mh{params.num_perm}s{params.seed}b{params.bands}r{params.rows}k{params.shingle_size}"
        f"t{params.short_tokens}"
    )


class NearDupIndex:
    """Find and record near-duplicate articles (sketches and band keys in MongoDB)."""

    def __init__(
        self,
        db: Database[Document],
        *,
        params: SketchParams | None = None,
        sketches: str = "neardup_sketches",
        bands: str = "neardup_bands",
        max_candidates: int = 200,
        max_bucket: int = 500,
    ) -> None:
        self.params = params or SketchParams()
        self.sketches: Collection[Document] = db[sketches]
        self.bands: Collection[Document] = db[bands]
        self.max_candidates = max_candidates
        self.max_bucket = max_bucket
        self._tag = params_tag(self.params)

    def ensure_indexes(self) -> None:
        """Create both collections if missing.

        Lookups use only ``_id`` (band key, article id), which every collection indexes, so
        no secondary index is needed; creating the collections up front keeps the first
        concurrent writers from racing to create them.
        """
        existing = set(self.sketches.database.list_collection_names())
        for collection in (self.sketches, self.bands):
            if collection.name not in existing:
                self.sketches.database.create_collection(collection.name, check_exists=False)

    # --- sketches ------------------------------------------------------------------------
    def sketch(self, text: str) -> Sketch | None:
        """Sketch ``text`` with this index's parameters (``None`` when it has no words)."""
        return make_sketch(text, self.params)

    # --- lookups -------------------------------------------------------------------------
    def find(self, text: str, *, exclude: Iterable[str] = ()) -> list[Match]:
        """Stored articles that ``text`` duplicates, most similar first."""
        sketch = self.sketch(text)
        return [] if sketch is None else self.find_sketch(sketch, exclude=exclude)

    def find_sketch(self, sketch: Sketch, *, exclude: Iterable[str] = ()) -> list[Match]:
        """Like :meth:`find` for a sketch made with this index's parameters."""
        excluded = set(exclude)
        shared: Counter[str] = Counter()
        keys = [Int64(k) for k in sketch.band_keys]
        for bucket in self.bands.find({"_id": {"$in": keys}}):
            for article_id in set(bucket.get("ids", ())):
                if article_id not in excluded:
                    shared[article_id] += 1
        if not shared:
            return []
        candidates = [article_id for article_id, _ in shared.most_common(self.max_candidates)]
        matches = []
        for doc in self.sketches.find({"_id": {"$in": candidates}}, {"b": 0}):
            other = self._from_document(doc)
            if other is None:
                continue
            comparison = compare(sketch, other, self.params)
            if comparison.duplicate:
                matches.append(Match(doc["_id"], round(comparison.similarity, 4)))
        matches.sort(key=lambda m: (-m.similarity, m.article_id))
        return matches

    # --- writes --------------------------------------------------------------------------
    def add(self, article_id: str, text: str) -> Sketch | None:
        """Record ``text`` under ``article_id`` (replacing what was stored for it).

        Returns the sketch, or ``None`` (and stores nothing) when the text has no words.
        """
        sketch = self.sketch(text)
        if sketch is not None:
            self.add_sketch(article_id, sketch)
        return sketch

    def check_and_add(self, article_id: str, text: str) -> list[Match]:
        """Look ``text`` up (ignoring ``article_id`` itself), then record it; one sketch."""
        sketch = self.sketch(text)
        if sketch is None:
            return []
        matches = self.find_sketch(sketch, exclude=(article_id,))
        self.add_sketch(article_id, sketch)
        return matches

    def add_sketch(self, article_id: str, sketch: Sketch) -> None:
        """Record a sketch under ``article_id``, replacing an earlier one."""
        previous = self.sketches.find_one({"_id": article_id}, {"b": 1})
        old_keys = set(previous.get("b", ())) if previous else set()
        self.sketches.update_one({"_id": article_id}, self._update(sketch), upsert=True)
        new_keys = set(sketch.band_keys)
        self._remove_from_buckets(article_id, old_keys - new_keys)
        self._add_to_buckets([(article_id, k) for k in sorted(new_keys - old_keys)])

    def add_many(self, sketches: Iterable[tuple[str, Sketch]]) -> int:
        """Record many new articles at once (bulk loads); returns how many were written.

        Unlike :meth:`add_sketch` it does not look for an earlier sketch of the same
        article: use it for ids not yet in the index.
        """
        requests: list[UpdateOne] = []
        entries: list[tuple[str, int]] = []
        count = 0
        for article_id, sketch in sketches:
            requests.append(UpdateOne({"_id": article_id}, self._update(sketch), upsert=True))
            entries.extend((article_id, k) for k in sketch.band_keys)
            if len(entries) >= _BATCH:
                count += self._flush(requests, entries)
                requests, entries = [], []
        return count + (self._flush(requests, entries) if requests else 0)

    def remove(self, article_id: str) -> bool:
        """Forget an article; returns whether it was in the index."""
        previous = self.sketches.find_one({"_id": article_id}, {"b": 1})
        if previous is None:
            return False
        self._remove_from_buckets(article_id, set(previous.get("b", ())))
        self.sketches.delete_one({"_id": article_id})
        return True

    def count(self) -> int:
        """Number of articles in the index."""
        return self.sketches.estimated_document_count()

    # --- internals -----------------------------------------------------------------------
    def _flush(self, requests: list[UpdateOne], entries: list[tuple[str, int]]) -> int:
        self.sketches.bulk_write(requests, ordered=False)
        self._add_to_buckets(entries)
        return len(requests)

    def _add_to_buckets(self, entries: Sequence[tuple[str, int]]) -> None:
        """Append article ids to band buckets: insert new buckets, push onto existing ones."""
        if not entries:
            return
        grouped: dict[int, list[str]] = {}
        for article_id, key in entries:
            grouped.setdefault(key, []).append(article_id)
        docs = [{"_id": Int64(key), "ids": ids[-self.max_bucket :]} for key, ids in grouped.items()]
        existing: list[int] = []
        for start in range(0, len(docs), _BATCH):
            chunk = docs[start : start + _BATCH]
            try:
                self.bands.insert_many(chunk, ordered=False)
            except BulkWriteError as exc:
                for error in exc.details.get("writeErrors", ()):
                    if error.get("code") != _DUPLICATE_KEY:
                        raise
                    existing.append(int(chunk[error["index"]]["_id"]))
        if existing:
            pushes = [
                UpdateOne(
                    {"_id": Int64(key)},
                    {"$push": {"ids": {"$each": grouped[key], "$slice": -self.max_bucket}}},
                )
                for key in existing
            ]
            self.bands.bulk_write(pushes, ordered=False)

    def _remove_from_buckets(self, article_id: str, keys: set[int]) -> None:
        if keys:
            self.bands.update_many(
                {"_id": {"$in": [Int64(k) for k in keys]}}, {"$pull": {"ids": article_id}}
            )

    def _update(self, sketch: Sketch) -> Document:
        """The update that stores ``sketch``.

        ``$set`` rather than a replacement document: nx-27017 upserts a replacement under a
        new ObjectId and cannot replace a document holding binary fields.
        """
        fields: Document = {
            "v": SKETCH_VERSION,
            "p": self._tag,
            "n": sketch.n_tokens,
            "h": _pack(sketch.shingles),
            "nums": list(sketch.numbers),
            "b": [Int64(k) for k in sketch.band_keys],
        }
        if sketch.word_hashes:
            fields["w"] = _pack(sketch.word_hashes)
            return {"$set": fields}
        return {"$set": fields, "$unset": {"w": ""}}

    def _from_document(self, doc: Document) -> Sketch | None:
        if doc.get("v") != SKETCH_VERSION or doc.get("p") != self._tag:
            return None
        return Sketch(
            band_keys=tuple(int(k) for k in doc.get("b", ())),
            n_tokens=int(doc.get("n", 0)),
            shingles=_unpack(doc.get("h")),
            numbers=tuple(doc.get("nums", ())),
            word_hashes=_unpack(doc.get("w")),
        )
