"""Scrapy item pipeline that stores articles in MongoDB (thin adapter over pipelines.storage).

Why writes run in a worker thread: pymongo is blocking, and one bulk write costs a
round trip (milliseconds on the embedded server, tens of milliseconds to a remote
MongoDB, seconds while a replica set fails over and the writer retries with backoff).
Scrapy runs everything else on one reactor thread, so each batch is written with
``run_in_thread`` while the reactor keeps downloading. Batches are written one at a
time, in order (a later version of an article never lands before an earlier one), and
the item that completes a batch waits for that write: when MongoDB is slow the pipeline
slows the crawl down instead of buffering without bound.

Stats: ``newscrawl/mongo/inserted``, ``…/updated``, ``…/unchanged``, ``…/errors``,
``…/spooled``, ``…/retries``, ``…/batches``, ``…/invalid`` (items without url/site) and
``newscrawl/mongo/uri`` (masked, never a password).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from itemadapter import ItemAdapter
from scrapy.exceptions import NotConfigured
from scrapy.utils.asyncio import create_looping_call, run_in_thread
from scrapy.utils.defer import deferred_from_coro, maybe_deferred_to_future
from twisted.internet.defer import Deferred, DeferredLock

from pipelines.storage.config import StoreConfig, setting_enabled
from pipelines.storage.connect import Store, open_store_from_config
from pipelines.storage.documents import DocumentError, Upsert, to_document
from pipelines.storage.writer import BatchWriter, FlushResult, RetryPolicy

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector
    from scrapy.utils.asyncio import AsyncioLoopingCall
    from twisted.internet.task import LoopingCall

logger = logging.getLogger(__name__)

PREFIX = "newscrawl/mongo"


class MongoPipeline:
    """Upsert every article item into the ``articles`` collection in batches.

    Opening the spider opens the store (starting the embedded server when no URI is
    set) and creates the indexes; a store that cannot be reached raises
    :class:`~pipelines.storage.errors.StoreUnavailableError`, which stops the crawl
    before any page is fetched.
    """

    def __init__(self, config: StoreConfig, stats: StatsCollector) -> None:
        self.config = config
        self.stats = stats
        self.store: Store | None = None
        self.writer: BatchWriter | None = None
        self._lock = DeferredLock()
        self._timer: AsyncioLoopingCall | LoopingCall | None = None
        self._background: set[Deferred[None]] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> MongoPipeline:
        settings = crawler.settings
        if not setting_enabled(settings, "NEWSCRAWL_MONGO_ENABLED", True):
            raise NotConfigured("MongoDB storage is off: set NEWSCRAWL_MONGO_ENABLED = True")
        assert crawler.stats is not None
        return cls(StoreConfig.from_settings(settings), crawler.stats)

    # --- lifecycle ---------------------------------------------------------------------
    async def open_spider(self, spider: Any = None) -> None:
        store = await run_in_thread(self._open_store)
        self.store = store
        self.writer = BatchWriter(
            store.articles,
            self.config.batch_size,
            self.config.flush_seconds,
            quirks=store.quirks,
            retry=RetryPolicy(retries=self.config.retries),
        )
        self.stats.set_value(f"{PREFIX}/uri", store.uri)
        logger.info(
            "Storing articles in %s, database %r%s",
            store.uri,
            self.config.database,
            " (embedded server)" if store.embedded else "",
        )
        if self.config.flush_seconds > 0:
            self._timer = create_looping_call(self._on_timer)
            self._timer.start(max(self.config.flush_seconds / 2, 0.05), now=False)

    def _open_store(self) -> Store:
        """Blocking part of opening (may start the embedded server); runs in a thread."""
        store = open_store_from_config(self.config)
        try:
            store.ensure_indexes()
        except BaseException:
            store.close()
            raise
        return store

    async def close_spider(self, spider: Any = None) -> None:
        if self._timer is not None and self._timer.running:
            self._timer.stop()
        if self.writer is None or self.store is None:
            return  # the store never opened
        for pending in list(self._background):
            await maybe_deferred_to_future(pending)
        while (batch := self.writer.take(force=True)) is not None:
            await self._write(batch)
        totals = self.writer.totals
        logger.info(
            "Stored %d new, %d updated, %d unchanged articles in %s (%d errors, %d spooled)",
            totals.inserted,
            totals.updated,
            totals.unchanged,
            self.store.uri,
            totals.errors,
            totals.spooled,
        )
        self.store.close()

    # --- items -------------------------------------------------------------------------
    async def process_item(self, item: Any, spider: Any = None) -> Any:
        assert self.writer is not None, "open_spider() was not called"
        fields = ItemAdapter(item).asdict()
        try:
            upsert = to_document(fields, _seen_at(fields.get("fetched_at")))
        except DocumentError as exc:
            self.stats.inc_value(f"{PREFIX}/invalid")
            logger.warning("Not storing an article: %s", exc)
            return item
        self.writer.append(*upsert)
        batch = self.writer.take()
        if batch is not None:
            await self._write(batch)
        return item

    # --- writing -----------------------------------------------------------------------
    async def _write(self, batch: list[Upsert]) -> None:
        writer = self.writer
        assert writer is not None
        await maybe_deferred_to_future(self._lock.acquire())
        try:
            result = await run_in_thread(writer.write, batch)
        finally:
            self._lock.release()
        self._record(result)

    def _record(self, result: FlushResult) -> None:
        self.stats.inc_value(f"{PREFIX}/batches")
        for name in ("inserted", "updated", "unchanged", "errors", "spooled"):
            count = getattr(result, name)
            if count:
                self.stats.inc_value(f"{PREFIX}/{name}", count)
        if result.attempts > 1:
            self.stats.inc_value(f"{PREFIX}/retries", result.attempts - 1)

    def _on_timer(self) -> None:
        """Write a batch that has waited ``flush_seconds`` (a slow trickle of articles)."""
        if self.writer is None:
            return
        batch = self.writer.take()
        if batch is None:
            return
        pending: Deferred[None] = deferred_from_coro(self._write(batch))
        self._background.add(pending)

        def forget(result: Any) -> Any:
            self._background.discard(pending)
            return result

        pending.addBoth(forget)


def _seen_at(fetched_at: Any) -> datetime:
    """When the page was fetched (an aware datetime), else now."""
    if isinstance(fetched_at, datetime) and fetched_at.utcoffset() is not None:
        return fetched_at
    return datetime.now(UTC)
