"""Dedup pipeline: each canonical URL once per run; exact and near-duplicate copies linked.

Three checks, in order:

1. **Canonical URL within the run**: two discovery paths can reach one article under URLs
   that only the page reveals as one (``rel=canonical``); the second copy is dropped.
2. **Already stored** (a re-fetch): the article keeps its stored ``cluster_id`` and
   ``duplicate_of``; its sketch is refreshed when the text changed (the store then keeps
   the previous version, see :mod:`pipelines.storage.lifecycle`).
3. **Copies of another story**: the same text fingerprint, else a near-duplicate, in
   :class:`~pipelines.similarity.index.NearDupIndex`, which lives in the same database, so
   copies are found across runs and crawler processes (see
   :mod:`pipelines.similarity.deduplicator`).

``NEWSCRAWL_DUPLICATES = "link"`` (default) stores a copy with ``duplicate_of`` = the first
article's ``_id`` and that article's ``cluster_id``; every first article has
``cluster_id`` = its own ``_id``, so the original carries the cluster id from the start and
never needs a second write (it may still sit in the store's write buffer when its copy
arrives). ``"drop"`` drops the copy and records its URL in ``url_aliases`` so the next crawl
does not download it again.

Why batches: the checks of one article cost about a dozen round trips to the store. Items
are handed to a :class:`~pipelines.batching.MicroBatcher`, which sends the items that
arrived while the previous batch was in the store, or within
``NEWSCRAWL_DEDUP_LINGER_SECONDS`` (0.5) of the first, as one batch (at most
``NEWSCRAWL_DEDUP_BATCH_SIZE``, 64) to a worker thread: a fixed number of round trips per
batch (four to six), and the reactor never blocks on pymongo. On the benchmark crawl that
is about 100 batches for 2,000 articles instead of 1,600 without the wait. Batches run one
at a time, and each article is also compared with the earlier ones of its batch, so two
copies arriving together are never both taken for originals. Fingerprints and sketches
are computed in the thread too.

Where the index keeps its band buckets (``NEWSCRAWL_NEARDUP_BANDS``): ``"auto"`` (default)
keeps them in a SQLite file beside the embedded store
(``<NEWSCRAWL_DATA_DIR>/neardup/<db>.sqlite3``,
:class:`~pipelines.similarity.bands.LocalBands`), where they cost a fraction of what the
embedded server spends on them, and in the store itself with a MongoDB URI; ``"store"``
keeps them in the store always.

When the store fails (a pymongo error, or the local band file), the batch's items pass
unchecked (counted as ``errors``) and, for ``NEWSCRAWL_DEDUP_RETRY_SECONDS`` (30), further
items pass without asking (``unchecked``), so an unreachable store does not cost a
server-selection timeout per item; the store pipeline spools them.

Stats (``newscrawl/dedup/``): ``unique``, ``refetched``, ``duplicate/exact``,
``duplicate/near``, ``linked``, ``dropped/duplicate_url``, ``dropped/exact_duplicate``,
``dropped/near_duplicate``, ``errors`` (the store failed: the item passes unchecked),
``unchecked`` (passed without a check while the store is down). ``dedup/batches`` and
``dedup/largest_batch`` (timing-dependent) sit outside the ``newscrawl/`` counts.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from itemadapter import ItemAdapter
from pymongo import UpdateOne
from pymongo.errors import PyMongoError
from scrapy.exceptions import DropItem
from scrapy.settings import BaseSettings

from crawler.urls import canonicalize
from pipelines.base import Component
from pipelines.batching import MicroBatcher
from pipelines.similarity.bands import BandStore, BandStoreError, LocalBands
from pipelines.similarity.deduplicator import (
    DUPLICATE,
    REFETCHED,
    UNIQUE,
    Article,
    Decision,
    Deduplicator,
    fingerprint_of,
)
from pipelines.similarity.index import NearDupIndex
from pipelines.storage.config import StoreConfig, setting_enabled
from pipelines.storage.connect import Store, open_store_from_config
from pipelines.storage.documents import article_id
from pipelines.storage.known import RetryGate, alias_documents, write_aliases

logger = logging.getLogger(__name__)

LINK = "link"
DROP = "drop"
POLICIES = (LINK, DROP)
#: ``NEWSCRAWL_NEARDUP_BANDS``: a local file with the embedded store, else the store.
BANDS_AUTO = "auto"
#: ``NEWSCRAWL_NEARDUP_BANDS``: always in the store.
BANDS_STORE = "store"
BANDS_CHOICES = (BANDS_AUTO, BANDS_STORE)

__all__ = [
    "DROP",
    "DUPLICATE",
    "LINK",
    "POLICIES",
    "REFETCHED",
    "UNIQUE",
    "Decision",
    "DedupPipeline",
    "Deduplicator",
]


@dataclass(frozen=True)
class _Job:
    """One item for the worker thread: check it, or only record the aliases of a copy."""

    canonical: str
    fields: Mapping[str, Any]
    article: Article | None  # None: a second copy of a canonical URL (aliases only)


class DedupPipeline(Component):
    """Drop a second copy of a canonical URL; link or drop copies of stored stories.

    Without the store (``NEWSCRAWL_MONGO_ENABLED = False``) only the canonical-URL check
    runs and the fingerprint is set.
    """

    name = "dedup"

    def configure(self, settings: BaseSettings) -> None:
        self.seen: set[str] = set()
        self.policy = _choice(settings, "NEWSCRAWL_DUPLICATES", POLICIES)
        self.bands = _choice(settings, "NEWSCRAWL_NEARDUP_BANDS", BANDS_CHOICES)
        self.use_store = setting_enabled(settings, "NEWSCRAWL_MONGO_ENABLED", True)
        self.store_config = StoreConfig.from_settings(settings) if self.use_store else None
        #: Not asked for ``NEWSCRAWL_DEDUP_RETRY_SECONDS`` after a store error.
        self.gate = RetryGate(max(0.0, settings.getfloat("NEWSCRAWL_DEDUP_RETRY_SECONDS", 30.0)))
        self.store: Store | None = None
        self.index: NearDupIndex | None = None
        self.dedup: Deduplicator | None = None
        self.batcher: MicroBatcher[_Job, Decision | Exception | None] = MicroBatcher(
            self._run_batch,
            max(1, settings.getint("NEWSCRAWL_DEDUP_BATCH_SIZE", 64)),
            linger=max(0.0, settings.getfloat("NEWSCRAWL_DEDUP_LINGER_SECONDS", 0.0)),
        )

    async def close_spider(self, spider: Any = None) -> None:
        self.stats.set_value("dedup/batches", self.batcher.batches)
        self.stats.set_value("dedup/largest_batch", self.batcher.largest)
        if self.index is not None:
            self.index.close()
            self.index = None
        if self.store is not None:
            self.store.close()
            self.store = None

    async def process_item(self, item: Any, spider: Any = None) -> Any:
        adapter = ItemAdapter(item)
        canonical = canonicalize(adapter["url"], page_canonical=adapter.get("canonical_url"))
        adapter["canonical_url"] = canonical
        if canonical in self.seen:
            self.count("dropped/duplicate_url")
            if self.store_config is not None and self.gate.ready():
                await self.batcher.submit(_Job(canonical, _link_fields(adapter), None))
            raise DropItem(f"duplicate of {canonical}: {adapter['url']}", log_level="INFO")
        self.seen.add(canonical)
        text = str(adapter.get("text") or "")
        if self.store_config is None or not self.gate.ready():
            adapter["fingerprint"] = fingerprint_of(text)
            self.count("unique" if self.store_config is None else "unchecked")
            return item
        article = Article(article_id(canonical), text)
        decision = await self.batcher.submit(_Job(canonical, _link_fields(adapter), article))
        if not isinstance(decision, Decision):
            logger.warning("Duplicate check failed for %s: %s", adapter["url"], decision)
            adapter["fingerprint"] = fingerprint_of(text)
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
    def _open(self) -> Deduplicator:
        """Open the store on first use (after the store pipeline started the server)."""
        if self.dedup is None:
            assert self.store_config is not None
            # A failed start (store or band file) is retried at a later batch, reusing what
            # did open rather than leaving a client behind at each attempt.
            if self.store is None:
                self.store = open_store_from_config(self.store_config)
            if self.index is None:
                self.index = NearDupIndex(self.store.db, band_store=self._band_store(self.store))
            self.index.ensure_indexes()
            self.dedup = Deduplicator(self.store.articles, self.index)
        return self.dedup

    def _band_store(self, store: Store) -> BandStore | None:
        """The local band file for the embedded store (``auto``); ``None``: in the store."""
        if self.bands != BANDS_AUTO or not store.embedded or self.store_config is None:
            return None
        path = self.store_config.data_dir / "neardup" / f"{store.db.name}.sqlite3"
        return LocalBands(path)

    def _run_batch(self, jobs: list[_Job]) -> list[Decision | Exception | None]:
        """Check a batch and record its sketches and aliases; a store error fails them all."""
        try:
            return self._check_batch(jobs)
        except (PyMongoError, BandStoreError) as exc:
            self.gate.failed()
            return [exc] * len(jobs)

    def _check_batch(self, jobs: list[_Job]) -> list[Decision | Exception | None]:
        dedup = self._open()
        checked = [job for job in jobs if job.article is not None]
        decisions = iter(
            dedup.decide([job.article for job in checked if job.article], link=self.policy == LINK)
        )
        now = datetime.now(UTC)
        aliases: list[UpdateOne] = []
        results: list[Decision | Exception | None] = []
        for job in jobs:
            if job.article is None:  # a second copy of a canonical URL
                target = article_id(job.canonical)
                aliases += alias_documents(
                    _links(job.fields), target, job.canonical, "duplicate", now
                )
                results.append(None)
                continue
            decision = next(decisions)
            if decision.outcome == DUPLICATE and self.policy == DROP:
                assert decision.duplicate_of is not None
                links = _links(job.fields, job.canonical)
                aliases += alias_documents(links, decision.duplicate_of, "", "duplicate", now)
            else:
                doc_id = job.article.doc_id
                links = _links(job.fields)
                aliases += alias_documents(links, doc_id, job.canonical, "redirect", now)
            results.append(decision)
        assert self.store is not None
        write_aliases(self.store.url_aliases, aliases)
        return results


def _choice(settings: BaseSettings, name: str, choices: tuple[str, ...]) -> str:
    """The setting ``name``, one of ``choices`` (case-insensitive; empty: the first)."""
    value = str(settings.get(name) or choices[0]).strip().lower()
    if value not in choices:
        raise ValueError(f"{name} is {value!r}: set it to one of {', '.join(choices)}")
    return value


def _link_fields(adapter: ItemAdapter) -> dict[str, Any]:
    """The fields :func:`_links` reads (not a copy of the whole item and its text)."""
    return {"request_url": adapter.get("request_url"), "url": adapter.get("url")}


def _links(fields: Mapping[str, Any], *more: str) -> list[str]:
    """The URLs an article was reached under: the requested one, the final one, ``more``."""
    links = [fields.get("request_url"), fields.get("url"), *more]
    return [str(link) for link in links if link]
