"""Dedup pipeline: each canonical URL once per run; exact and near-duplicate copies linked.

Three checks, in order:

1. **Canonical URL within the run**: two discovery paths can reach one article under URLs
   that only the page reveals as one (``rel=canonical``); the second copy is dropped.
2. **Already stored** (a re-fetch): the article keeps its stored ``cluster_id`` and
   ``duplicate_of``; its sketch is refreshed when the text changed (the store then keeps
   the previous version, see :mod:`pipelines.storage.lifecycle`).
3. **Copies of another story**: the same text fingerprint (:func:`text_fingerprint`), else a
   near-duplicate in :class:`~pipelines.similarity.index.NearDupIndex`, which lives in the
   same database, so copies are found across runs and crawler processes.

``NEWSCRAWL_DUPLICATES = "link"`` (default) stores a copy with ``duplicate_of`` = the first
article's ``_id`` and that article's ``cluster_id``; every first article has
``cluster_id`` = its own ``_id``, so the original carries the cluster id from the start and
never needs a second write (it may still sit in the store's write buffer when its copy
arrives). ``"drop"`` drops the copy and records its URL in ``url_aliases`` so the next crawl
does not download it again.

Why the lookups run in a worker thread, one item at a time: each item costs a handful of
``_id`` queries and writes (a few milliseconds on the embedded server, more on a remote
MongoDB), and Scrapy runs everything else on one reactor thread. One item at a time (a
``DeferredLock``) also means two copies arriving together are compared with each other
rather than both taken for originals. Sketching (~1.3 ms per article) runs in the same
thread call.

Stats (``newscrawl/dedup/``): ``unique``, ``refetched``, ``duplicate/exact``,
``duplicate/near``, ``linked``, ``dropped/duplicate_url``, ``dropped/exact_duplicate``,
``dropped/near_duplicate``, ``errors`` (the store failed: the item passes unchecked).
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from itemadapter import ItemAdapter
from pymongo.collection import Collection
from pymongo.errors import PyMongoError
from scrapy.exceptions import DropItem
from scrapy.settings import BaseSettings
from scrapy.utils.asyncio import run_in_thread
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.defer import DeferredLock

from crawler.urls import canonicalize
from pipelines.base import Component
from pipelines.similarity.fingerprint import EMPTY_FINGERPRINT, text_fingerprint
from pipelines.similarity.index import NearDupIndex
from pipelines.similarity.sketch import Sketch
from pipelines.storage.config import StoreConfig, setting_enabled
from pipelines.storage.connect import Store, open_store_from_config
from pipelines.storage.documents import article_id
from pipelines.storage.known import alias_documents, write_aliases

logger = logging.getLogger(__name__)

LINK = "link"
DROP = "drop"
POLICIES = (LINK, DROP)

UNIQUE = "unique"
REFETCHED = "refetched"
DUPLICATE = "duplicate"

Document = dict[str, Any]


@dataclass(frozen=True)
class Decision:
    """What the dedup check found for one article.

    ``outcome``: :data:`UNIQUE`, :data:`REFETCHED` or :data:`DUPLICATE`. For a duplicate,
    ``duplicate_of`` is the first article of the story, ``cluster_id`` its cluster,
    ``similarity`` the match score and ``match`` ``"exact"`` or ``"near"``. A unique
    article is its own cluster; a re-fetch leaves both fields ``None`` (kept as stored).
    """

    outcome: str
    fingerprint: str | None
    cluster_id: str | None = None
    duplicate_of: str | None = None
    similarity: float | None = None
    match: str | None = None
    #: For a re-fetch: whether the text's fingerprint differs from the stored one.
    changed: bool = False
    sketch: Sketch | None = field(default=None, repr=False, compare=False)


class Deduplicator:
    """Find copies of an article in the store (Scrapy-free; blocking pymongo calls).

    ``articles``: the article collection; ``index``: the near-duplicate index in the same
    database; ``recent_size``: decisions of this process remembered in memory, so a copy
    of an article that still waits in the store's write buffer finds its cluster.
    """

    def __init__(
        self, articles: Collection[Document], index: NearDupIndex, *, recent_size: int = 10_000
    ) -> None:
        self.articles = articles
        self.index = index
        self.recent_size = recent_size
        self._clusters: OrderedDict[str, tuple[str, str | None]] = OrderedDict()
        self._fingerprints: OrderedDict[str, str] = OrderedDict()

    def check(self, doc_id: str, text: str) -> Decision:
        """Classify the article ``doc_id`` with ``text``; writes nothing."""
        fingerprint = text_fingerprint(text)
        fingerprint_or_none = None if fingerprint == EMPTY_FINGERPRINT else fingerprint
        stored = self.articles.find_one({"_id": doc_id}, {"fingerprint": 1})
        if stored is not None:
            changed = stored.get("fingerprint") != fingerprint_or_none
            return Decision(REFETCHED, fingerprint_or_none, changed=changed)
        sketch = self.index.sketch(text)
        original, similarity, match = self._exact(doc_id, fingerprint_or_none), 1.0, "exact"
        if original is None and sketch is not None:
            matches = self.index.find_sketch(sketch, exclude=(doc_id,))
            if matches:
                original, similarity, match = matches[0].article_id, matches[0].similarity, "near"
        if original is None:
            return Decision(UNIQUE, fingerprint_or_none, cluster_id=doc_id, sketch=sketch)
        cluster_id, first = self._cluster_of(original)
        return Decision(
            DUPLICATE,
            fingerprint_or_none,
            cluster_id=cluster_id,
            duplicate_of=first,
            similarity=similarity,
            match=match,
            sketch=sketch,
        )

    def commit(self, doc_id: str, text: str, decision: Decision) -> None:
        """Record a stored article: its sketch in the index, its cluster in memory."""
        if decision.outcome == REFETCHED:
            if decision.changed and decision.fingerprint is not None:
                self.index.add(doc_id, text)  # replaces the sketch of an edited text
            return
        if decision.sketch is not None:
            self.index.add_sketch(doc_id, decision.sketch)
        if decision.cluster_id is not None:
            self._remember(self._clusters, doc_id, (decision.cluster_id, decision.duplicate_of))
        if decision.fingerprint is not None and decision.outcome == UNIQUE:
            self._remember(self._fingerprints, decision.fingerprint, doc_id)

    def _exact(self, doc_id: str, fingerprint: str | None) -> str | None:
        if fingerprint is None:
            return None
        known = self._fingerprints.get(fingerprint)
        if known is not None and known != doc_id:
            return known
        doc = self.articles.find_one(
            {"fingerprint": fingerprint, "_id": {"$ne": doc_id}}, {"_id": 1}
        )
        return None if doc is None else str(doc["_id"])

    def _cluster_of(self, original: str) -> tuple[str, str]:
        """``(cluster_id, first article id)`` of the story ``original`` belongs to."""
        remembered = self._clusters.get(original)
        if remembered is not None:
            cluster_id, first = remembered
            return cluster_id, first or original
        doc = self.articles.find_one({"_id": original}, {"cluster_id": 1, "duplicate_of": 1})
        if doc is None:  # still in another process's write buffer: take it as the first
            return original, original
        first = doc.get("duplicate_of") or original
        return str(doc.get("cluster_id") or first), str(first)

    def _remember(self, cache: OrderedDict[str, Any], key: str, value: Any) -> None:
        cache[key] = value
        cache.move_to_end(key)
        while len(cache) > self.recent_size:
            cache.popitem(last=False)


class DedupPipeline(Component):
    """Drop a second copy of a canonical URL; link or drop copies of stored stories.

    Without the store (``NEWSCRAWL_MONGO_ENABLED = False``) only the canonical-URL check
    runs and the fingerprint is set.
    """

    name = "dedup"

    def configure(self, settings: BaseSettings) -> None:
        self.seen: set[str] = set()
        policy = str(settings.get("NEWSCRAWL_DUPLICATES") or LINK).strip().lower()
        if policy not in POLICIES:
            raise ValueError(
                f"NEWSCRAWL_DUPLICATES is {policy!r}: set it to one of {', '.join(POLICIES)}"
            )
        self.policy = policy
        self.use_store = setting_enabled(settings, "NEWSCRAWL_MONGO_ENABLED", True)
        self.store_config = StoreConfig.from_settings(settings) if self.use_store else None
        self.store: Store | None = None
        self.dedup: Deduplicator | None = None
        self._lock = DeferredLock()

    async def close_spider(self, spider: Any = None) -> None:
        if self.store is not None:
            self.store.close()
            self.store = None

    async def process_item(self, item: Any, spider: Any = None) -> Any:
        adapter = ItemAdapter(item)
        canonical = canonicalize(adapter["url"], page_canonical=adapter.get("canonical_url"))
        adapter["canonical_url"] = canonical
        if canonical in self.seen:
            self.count("dropped/duplicate_url")
            if self.store_config is not None:
                await self._locked(self._alias, adapter.asdict(), canonical, "duplicate")
            raise DropItem(f"duplicate of {canonical}: {adapter['url']}", log_level="INFO")
        self.seen.add(canonical)
        text = str(adapter.get("text") or "")
        if self.store_config is None:
            fingerprint = text_fingerprint(text)
            adapter["fingerprint"] = None if fingerprint == EMPTY_FINGERPRINT else fingerprint
            self.count("unique")
            return item
        try:
            decision = await self._locked(self._check, canonical, text, adapter.asdict())
        except PyMongoError as exc:
            logger.warning("Duplicate check failed for %s: %s", adapter["url"], exc)
            self.count("errors")
            return item
        adapter["fingerprint"] = decision.fingerprint
        if decision.outcome != DUPLICATE:
            self.count(decision.outcome)
            if decision.outcome == UNIQUE:
                adapter["cluster_id"] = decision.cluster_id
            return item
        self.count(f"duplicate/{decision.match}")
        if self.policy == DROP:
            self.count(f"dropped/{decision.match}_duplicate")
            raise DropItem(
                f"{decision.match} duplicate of {decision.duplicate_of}: {adapter['url']}",
                log_level="INFO",
            )
        self.count("linked")
        adapter["cluster_id"] = decision.cluster_id
        adapter["duplicate_of"] = decision.duplicate_of
        adapter["similarity"] = decision.similarity
        return item

    # --- worker thread -------------------------------------------------------------------
    async def _locked(self, function: Any, *args: Any) -> Any:
        await maybe_deferred_to_future(self._lock.acquire())
        try:
            return await run_in_thread(function, *args)
        finally:
            self._lock.release()

    def _open(self) -> Deduplicator:
        """Open the store on first use (after the store pipeline started the server)."""
        if self.dedup is None:
            assert self.store_config is not None
            self.store = open_store_from_config(self.store_config)
            index = NearDupIndex(self.store.db)
            index.ensure_indexes()
            self.dedup = Deduplicator(self.store.articles, index)
        return self.dedup

    def _check(self, canonical: str, text: str, fields: Mapping[str, Any]) -> Decision:
        dedup = self._open()
        doc_id = article_id(canonical)
        decision = dedup.check(doc_id, text)
        if decision.outcome == DUPLICATE and self.policy == DROP:
            assert decision.duplicate_of is not None
            self._write_aliases(_links(fields, canonical), decision.duplicate_of, "duplicate")
        else:
            dedup.commit(doc_id, text, decision)
            self._write_aliases(_links(fields), doc_id, "redirect", target_url=canonical)
        return decision

    def _alias(self, fields: Mapping[str, Any], canonical: str, reason: str) -> None:
        """Record the links of a copy dropped for its canonical URL."""
        try:
            self._open()
            self._write_aliases(_links(fields), article_id(canonical), reason, target_url=canonical)
        except PyMongoError as exc:
            logger.warning("Could not record the aliases of %s: %s", canonical, exc)
            self.count("errors")

    def _write_aliases(
        self, links: Iterable[str], target_id: str, reason: str, *, target_url: str = ""
    ) -> None:
        assert self.store is not None
        updates = alias_documents(links, target_id, target_url, reason, datetime.now(UTC))
        write_aliases(self.store.url_aliases, updates)


def _links(fields: Mapping[str, Any], *more: str) -> list[str]:
    """The URLs an article was reached under: the requested one, the final one, ``more``."""
    links = [fields.get("request_url"), fields.get("url"), *more]
    return [str(link) for link in links if link]
