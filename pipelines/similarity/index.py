"""A near-duplicate index in MongoDB that stays cheap at millions of articles.

Two collections (names configurable):

``neardup_sketches``
    one document per article: ``{_id: article_id, v: sketch version, p: parameters,
    n: word count, h: shingle hashes (packed uint32), w: word hashes (packed uint32, short
    texts only), nums: [numbers], b: [band keys], f: exact text fingerprint (optional)}``.
``neardup_bands``
    one document per LSH band key: ``{_id: band key (int64), ids: [article_id, …]}``. The
    exact fingerprint of an article, when given, is one more key
    (:func:`fingerprint_key`), so exact copies are found by the same query. With the
    embedded store the crawl keeps these buckets in a SQLite file beside it instead
    (:class:`~pipelines.similarity.bands.LocalBands`): same keys, same ids, some 15 µs a
    posting instead of 90; :meth:`NearDupIndex.ensure_indexes` refills that file from the
    sketches.

A lookup is two queries on ``_id`` (band keys, then candidate sketches), each served by the
primary index on any MongoDB server and on nx-27017, whose secondary indexes do not serve
``$in`` or array lookups; its cost depends on the number of candidates, not the collection
size. :meth:`NearDupIndex.find_many` and :meth:`NearDupIndex.record` serve a whole batch of
articles with those same two queries (and at most five writes), which is what a crawl
uses: one article at a time costs about a dozen round trips per article. Buckets keep at
most ``max_bucket`` article ids (the newest), so a band shared by thousands of near-empty or
boilerplate texts cannot make lookups slow.

Everything is keyed on ``_id`` and idempotent, so several crawler processes can add to and
query one index at the same time; two copies added at the very same moment by two processes
may miss each other (each looks before the other has written).
"""

from __future__ import annotations

import logging
from collections import Counter, OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import numpy.typing as npt
from bson.int64 import Int64
from pymongo import UpdateOne
from pymongo.collection import Collection
from pymongo.database import Database

from pipelines.similarity.bands import BandStore, StoreBands, create_collection_if_missing
from pipelines.similarity.sketch import (
    SKETCH_VERSION,
    Sketch,
    SketchParams,
    compare,
    make_sketch,
)
from pipelines.storage.inlists import in_lists

logger = logging.getLogger(__name__)

#: Band postings gathered by :meth:`NearDupIndex.add_many` before a write.
_ADD_MANY_POSTINGS = 5000
#: Sketches read per bulk request when the band buckets are rebuilt from them.
_REBUILD_READS = 2000
#: Band postings gathered by :meth:`NearDupIndex.rebuild_bands` before a write.
_REBUILD_POSTINGS = 50_000
#: Sketches read per query: about 3 KB each, so one reply stays near 1.5 MB however many
#: candidates a batch has (the server builds each reply whole in memory, and so does pymongo).
#: Every ``$in`` list goes through :func:`~pipelines.storage.inlists.in_lists`.
_SKETCH_READS = 512

Document = dict[str, Any]


@dataclass(frozen=True)
class Match:
    """A stored article that the looked-up text duplicates."""

    article_id: str
    #: Jaccard similarity of the shingle sets (long texts) or the share of words in common
    #: (short texts); see :func:`pipelines.similarity.sketch.compare`. 1.0 for an exact copy.
    similarity: float
    #: The stored article has the same exact fingerprint.
    exact: bool = False


@dataclass(frozen=True)
class Query:
    """One article to look up: its sketch and/or fingerprint, and its own id to ignore."""

    sketch: Sketch | None
    fingerprint: str | None = None
    exclude: str | None = None


@dataclass(frozen=True)
class Lookup:
    """What the index holds for one query: its matches, and whether its own id is recorded
    under one of its keys (it was recorded before, with this text or a similar one)."""

    matches: list[Match]
    recorded: bool


@dataclass(frozen=True)
class Entry:
    """One article to record: its id, sketch and (optional) exact fingerprint."""

    article_id: str
    sketch: Sketch
    fingerprint: str | None = None


def fingerprint_key(fingerprint: str) -> int:
    """The bucket key of an exact fingerprint (its first 64 bits, signed, as BSON stores it).

    Band keys are 64-bit hashes too; a collision only adds a candidate that the comparison
    then rejects.
    """
    return int.from_bytes(bytes.fromhex(fingerprint[:16]), "big", signed=True)


def _bucket_keys(sketch: Sketch | None, fingerprint: str | None) -> set[int]:
    keys = set(sketch.band_keys) if sketch is not None else set()
    if fingerprint:
        keys.add(fingerprint_key(fingerprint))
    return keys


def _pack(values: Sequence[int] | npt.NDArray[np.uint32]) -> bytes:
    return np.asarray(values, dtype="<u4").tobytes()


def _unpack(data: bytes | None) -> tuple[int, ...]:
    if not data:
        return ()
    return tuple(int(v) for v in np.frombuffer(data, dtype="<u4"))


def _unpack_array(data: bytes | None) -> npt.NDArray[np.uint32]:
    """Stored shingle hashes as a read-only array on the stored bytes (no copy)."""
    return np.frombuffer(data or b"", dtype="<u4")


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
        cache_size: int = 2000,
        band_store: BandStore | None = None,
    ) -> None:
        self.params = params or SketchParams()
        #: Sketches recorded or read by this process, newest last (read-through cache: a
        #: crawl compares each article with up to ``max_candidates`` stored ones, mostly
        #: its own recent articles, which then need no transfer). About 3 KB each for a
        #: 600-word article, so the default 2,000 cost some 6 MiB.
        self.cache_size = cache_size
        self._cache: OrderedDict[str, tuple[Sketch | None, str | None]] = OrderedDict()
        self.sketches: Collection[Document] = db[sketches]
        #: Where the band buckets live: the collection ``bands`` of the store, keeping at
        #: most ``max_bucket`` ids per bucket, unless ``band_store`` (which has its own
        #: bound) is given.
        self.bands: BandStore = band_store or StoreBands(db[bands], max_bucket)
        self.max_candidates = max_candidates
        self._tag = params_tag(self.params)

    def ensure_indexes(self) -> None:
        """Create the sketch collection and the band buckets if missing.

        Lookups use only ``_id`` (band key, article id), which every collection indexes, so
        no secondary index is needed; creating the collections up front keeps the first
        concurrent writers from racing to create them. Band buckets kept outside the store
        (:attr:`BandStore.derived`) are refilled from the stored sketches when empty, and
        emptied when the store holds no sketch (it was reset or replaced).
        """
        create_collection_if_missing(self.sketches)
        self.bands.ensure()
        if not self.bands.derived:
            return
        has_sketches = self.sketches.find_one({}, {"_id": 1}) is not None
        if self.bands.is_empty():
            if has_sketches:
                self.rebuild_bands()
        elif not has_sketches:
            logger.info("No sketch in the store: emptying the near-duplicate band buckets")
            self.bands.clear()

    def rebuild_bands(self) -> int:
        """Refill the band buckets from the stored sketches; returns how many articles.

        Each sketch document keeps its band keys and fingerprint, so nothing is lost when
        buckets kept outside the store go missing. Sketches come in the store's natural order
        (the order they were first written, on nx-27017), which decides which ids a bucket
        over ``max_bucket`` keeps.
        """
        self.bands.clear()
        articles = 0
        entries: list[tuple[str, int]] = []
        for doc in self.sketches.find({}, {"b": 1, "f": 1}, batch_size=_REBUILD_READS):
            keys = {int(k) for k in doc.get("b", ())}
            if isinstance(doc.get("f"), str):
                keys.add(fingerprint_key(doc["f"]))
            entries.extend((doc["_id"], key) for key in sorted(keys))
            articles += 1
            if len(entries) >= _REBUILD_POSTINGS:
                self.bands.add(entries)
                entries = []
        self.bands.add(entries)
        logger.info("Rebuilt the near-duplicate band buckets of %d articles", articles)
        return articles

    def close(self) -> None:
        """Release the band buckets' own resources (the store client is its owner's)."""
        self.bands.close()

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
        return self._find_all([Query(sketch)], [excluded])[0].matches

    def find_many(self, queries: Sequence[Query]) -> list[list[Match]]:
        """Matches of each query, most similar first (exact copies first of all).

        Two queries for the whole batch, whatever its size: the buckets of all their keys,
        then the sketches of all candidates (those not cached).
        """
        return [found.matches for found in self.lookup(queries)]

    def lookup(self, queries: Sequence[Query]) -> list[Lookup]:
        """Like :meth:`find_many`, also telling whether each query's own id is recorded."""
        return self._find_all(queries, [{q.exclude} if q.exclude else set() for q in queries])

    def _find_all(self, queries: Sequence[Query], excluded: Sequence[set[str]]) -> list[Lookup]:
        keys_of = [_bucket_keys(q.sketch, q.fingerprint) for q in queries]
        buckets = self._buckets(set().union(*keys_of)) if keys_of else {}
        candidates_of: list[list[str]] = []
        recorded: list[bool] = []
        for keys, skip in zip(keys_of, excluded, strict=True):
            shared: Counter[str] = Counter()
            seen_self = False
            for key in keys:
                for article_id in buckets.get(key, ()):
                    if article_id not in skip:
                        shared[article_id] += 1
                    else:
                        seen_self = True
            candidates_of.append([aid for aid, _ in shared.most_common(self.max_candidates)])
            recorded.append(seen_self)
        stored = self._load({aid for candidates in candidates_of for aid in candidates})
        results: list[Lookup] = []
        for query, candidates, seen_self in zip(queries, candidates_of, recorded, strict=True):
            matches = []
            for article_id in candidates:
                found = stored.get(article_id)
                if found is None:
                    continue
                other, other_fingerprint = found
                if query.fingerprint and other_fingerprint == query.fingerprint:
                    matches.append(Match(article_id, 1.0, exact=True))
                    continue
                if query.sketch is None or other is None:
                    continue
                comparison = compare(query.sketch, other, self.params)
                if comparison.duplicate:
                    matches.append(Match(article_id, round(comparison.similarity, 4)))
            matches.sort(key=lambda m: (not m.exact, -m.similarity, m.article_id))
            results.append(Lookup(matches, seen_self))
        return results

    def _buckets(self, keys: set[int]) -> dict[int, set[str]]:
        """The article ids of each bucket in ``keys``."""
        return self.bands.buckets(keys)

    def _load(self, article_ids: set[str]) -> dict[str, tuple[Sketch | None, str | None]]:
        """The stored sketch (``None`` for another version) and fingerprint of each id.

        From the cache when there, else one query per 512 ids (:data:`_SKETCH_READS`).
        """
        found: dict[str, tuple[Sketch | None, str | None]] = {}
        missing = []
        for article_id in sorted(article_ids):
            cached = self._cache.get(article_id)
            if cached is None:
                missing.append(article_id)
            else:
                found[article_id] = cached
                self._cache.move_to_end(article_id)
        for chunk in in_lists(missing, _SKETCH_READS):
            for doc in self.sketches.find({"_id": {"$in": chunk}}, {"b": 0}):
                fingerprint = doc.get("f")
                found[doc["_id"]] = (
                    self._from_document(doc),
                    fingerprint if isinstance(fingerprint, str) else None,
                )
                self._remember(doc["_id"], found[doc["_id"]])
        return found

    def _remember(self, article_id: str, value: tuple[Sketch | None, str | None]) -> None:
        if self.cache_size <= 0:
            return
        self._cache[article_id] = value
        self._cache.move_to_end(article_id)
        while len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)

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

    def add_sketch(
        self, article_id: str, sketch: Sketch, *, fingerprint: str | None = None
    ) -> None:
        """Record a sketch under ``article_id``, replacing an earlier one."""
        self.record([Entry(article_id, sketch, fingerprint)])

    def record(self, entries: Sequence[Entry], *, fresh: Iterable[str] = ()) -> None:
        """Record many articles, each replacing what was stored under its id.

        At most five round trips for the whole batch: the earlier keys of these ids, the
        sketches, the buckets to leave (an edited text), new buckets, and pushes onto
        existing ones. The last entry of an id wins. ``fresh``: ids a lookup just found
        unrecorded, whose earlier keys need not be asked for (should one have been
        recorded with an entirely different text, its old buckets keep a stale id, which
        only adds a candidate that the comparison rejects).
        """
        latest = {entry.article_id: entry for entry in entries}
        if not latest:
            return
        previous: dict[str, set[int]] = {}
        asked = sorted(set(latest) - set(fresh))
        for chunk in in_lists(asked):
            for doc in self.sketches.find({"_id": {"$in": chunk}}, {"b": 1, "f": 1}):
                fingerprint = doc.get("f")
                keys = {int(k) for k in doc.get("b", ())}
                if isinstance(fingerprint, str):
                    keys.add(fingerprint_key(fingerprint))
                previous[doc["_id"]] = keys
        self.sketches.bulk_write(
            [
                UpdateOne({"_id": aid}, self._update(e.sketch, e.fingerprint), upsert=True)
                for aid, e in latest.items()
            ],
            ordered=False,
        )
        leaving: dict[str, set[int]] = {}
        joining: list[tuple[str, int]] = []
        for aid, entry in latest.items():
            old_keys = previous.get(aid, set())
            new_keys = _bucket_keys(entry.sketch, entry.fingerprint)
            if old_keys - new_keys:
                leaving[aid] = old_keys - new_keys
            joining.extend((aid, k) for k in sorted(new_keys - old_keys))
        if leaving:
            self.bands.leave(leaving)
        self.bands.add(joining)
        for aid, entry in latest.items():
            # comparisons need no band keys (a tuple of 42 ints, a third of the entry)
            self._remember(aid, (replace(entry.sketch, band_keys=()), entry.fingerprint))

    def add_many(self, sketches: Iterable[tuple[str, Sketch]]) -> int:
        """Record many new articles at once (bulk loads); returns how many were written.

        Unlike :meth:`add_sketch` it does not look for an earlier sketch of the same
        article: use it for ids not yet in the index.
        """
        requests: list[UpdateOne] = []
        entries: list[tuple[str, int]] = []
        count = 0
        for article_id, sketch in sketches:
            self._cache.pop(article_id, None)
            requests.append(UpdateOne({"_id": article_id}, self._update(sketch), upsert=True))
            entries.extend((article_id, k) for k in sketch.band_keys)
            if len(entries) >= _ADD_MANY_POSTINGS:
                count += self._flush(requests, entries)
                requests, entries = [], []
        return count + (self._flush(requests, entries) if requests else 0)

    def remove(self, article_id: str) -> bool:
        """Forget an article; returns whether it was in the index."""
        self._cache.pop(article_id, None)
        previous = self.sketches.find_one({"_id": article_id}, {"b": 1, "f": 1})
        if previous is None:
            return False
        keys = {int(k) for k in previous.get("b", ())}
        if isinstance(previous.get("f"), str):
            keys.add(fingerprint_key(previous["f"]))
        self.bands.leave({article_id: keys})
        self.sketches.delete_one({"_id": article_id})
        return True

    def count(self) -> int:
        """Number of articles in the index."""
        return self.sketches.estimated_document_count()

    # --- internals -----------------------------------------------------------------------
    def _flush(self, requests: list[UpdateOne], entries: list[tuple[str, int]]) -> int:
        self.sketches.bulk_write(requests, ordered=False)
        self.bands.add(entries)
        return len(requests)

    def _update(self, sketch: Sketch, fingerprint: str | None = None) -> Document:
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
        unset: Document = {}
        if fingerprint:
            fields["f"] = fingerprint
        else:
            unset["f"] = ""
        if sketch.word_hashes:
            fields["w"] = _pack(sketch.word_hashes)
        else:
            unset["w"] = ""
        return {"$set": fields, "$unset": unset} if unset else {"$set": fields}

    def _from_document(self, doc: Document) -> Sketch | None:
        if doc.get("v") != SKETCH_VERSION or doc.get("p") != self._tag:
            return None
        return Sketch(
            band_keys=tuple(int(k) for k in doc.get("b", ())),
            n_tokens=int(doc.get("n", 0)),
            shingles=_unpack_array(doc.get("h")),
            numbers=tuple(doc.get("nums", ())),
            word_hashes=_unpack(doc.get("w")),
        )
