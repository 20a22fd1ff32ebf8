"""Scrapy item pipeline that stores articles in MongoDB (thin adapter over pipelines.storage).

Why writes run in a worker thread: pymongo is blocking, and one bulk write costs a
round trip (milliseconds on the embedded server, tens of milliseconds to a remote
MongoDB, seconds while a replica set fails over and the writer retries with backoff).
Scrapy runs everything else on one reactor thread, so each batch is written with
``run_in_thread`` while the reactor keeps downloading. Batches are written one at a
time, in order (a later version of an article never lands before an earlier one), and
the item that completes a batch waits for that write: when MongoDB is slow the pipeline
slows the crawl down instead of buffering without bound.

When MongoDB goes away during a crawl, batches go to the local spool
(``NEWSCRAWL_SPOOL_DIR``) after the retries; the spool is replayed when the crawl ends
if MongoDB is back, else at the start of the next crawl.

Re-fetched articles follow the lifecycle of :mod:`pipelines.storage.lifecycle`: an edited
title or text keeps the previous version in ``article_versions`` and bumps ``version``.

Stats: ``newscrawl/mongo/inserted``, ``…/updated`` (of which ``…/versioned``: title or text
changed), ``…/unchanged``, ``…/errors``,
``…/spooled``, ``…/retries``, ``…/batches``, ``…/invalid`` (items without url/site),
``…/replayed`` and ``…/replay_skipped`` (spool replay), ``newscrawl/mongo/run_id`` and
``newscrawl/mongo/uri`` (masked, never a password). Each crawl also leaves a document in
the ``crawl_runs`` collection.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from itemadapter import ItemAdapter
from pymongo.errors import PyMongoError
from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.utils.asyncio import create_looping_call, run_in_thread
from scrapy.utils.defer import deferred_from_coro, maybe_deferred_to_future
from twisted.internet.defer import Deferred, DeferredLock

from pipelines.storage.config import StoreConfig, setting_enabled
from pipelines.storage.connect import Store, open_store_from_config
from pipelines.storage.documents import DocumentError, Upsert, to_document
from pipelines.storage.runs import finish_run, start_run
from pipelines.storage.spool import ReplayResult, Spool, replay
from pipelines.storage.writer import BatchWriter, FlushResult, RetryPolicy

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.utils.asyncio import AsyncioLoopingCall
    from twisted.internet.task import LoopingCall

logger = logging.getLogger(__name__)

PREFIX = "newscrawl/mongo"


class MongoPipeline:
    """Upsert every article item into the ``articles`` collection in batches.

    Opening the spider opens the store (starting the embedded server when no URI is
    set), creates the indexes, replays a spool left by an earlier crawl and records the
    run in ``crawl_runs``. A store that cannot be reached raises
    :class:`~pipelines.storage.errors.StoreUnavailableError`, which stops the crawl
    before any page is fetched.
    """

    def __init__(self, config: StoreConfig, crawler: Crawler) -> None:
        assert crawler.stats is not None
        self.config = config
        self.crawler = crawler
        self.stats = crawler.stats
        self.store: Store | None = None
        self.writer: BatchWriter | None = None
        self.spool: Spool | None = None
        self.run_id: str | None = None
        self._lock = DeferredLock()
        self._timer: AsyncioLoopingCall | LoopingCall | None = None
        self._background: set[Deferred[None]] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> MongoPipeline:
        settings = crawler.settings
        if not setting_enabled(settings, "NEWSCRAWL_MONGO_ENABLED", True):
            raise NotConfigured("MongoDB storage is off: set NEWSCRAWL_MONGO_ENABLED = True")
        pipeline = cls(StoreConfig.from_settings(settings), crawler)
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    # --- lifecycle ---------------------------------------------------------------------
    async def open_spider(self, spider: Any = None) -> None:
        store = await run_in_thread(self._open_store)
        self.store = store
        self.spool = Spool(self.config.spool_dir) if self.config.spool_enabled else None
        self.writer = BatchWriter(
            store.articles,
            self.config.batch_size,
            self.config.flush_seconds,
            quirks=store.quirks,
            retry=RetryPolicy(retries=self.config.retries),
            spool=self.spool,
            versions=store.versions,
        )
        self.stats.set_value(f"{PREFIX}/uri", store.uri)
        logger.info(
            "Storing articles in %s, database %r%s",
            store.uri,
            self.config.database,
            " (embedded server)" if store.embedded else "",
        )
        if self.spool is not None and self.spool.files():
            self._record_replay(await run_in_thread(self._replay))
        self.run_id = await run_in_thread(self._start_run)
        if self.run_id is not None:
            self.stats.set_value(f"{PREFIX}/run_id", self.run_id)
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
        if self.spool is not None:
            self.spool.close()
            if self.writer.totals.spooled:
                self._record_replay(await run_in_thread(self._replay))
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

    async def spider_closed(self, spider: Any, reason: str) -> None:
        """Complete the ``crawl_runs`` document (final stats) and close the client."""
        store = self.store
        if store is None:
            return
        await run_in_thread(self._finish_run, reason)
        store.close()
        self.store = None

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
        for name in ("inserted", "updated", "versioned", "unchanged", "errors", "spooled"):
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

    # --- spool and crawl runs (worker thread) -------------------------------------------
    def _replay(self) -> ReplayResult:
        assert self.store is not None
        writer = BatchWriter(
            self.store.articles,
            self.config.batch_size,
            quirks=self.store.quirks,
            retry=RetryPolicy(retries=1),
            versions=self.store.versions,
        )
        return replay(self.config.spool_dir, writer)

    def _record_replay(self, result: ReplayResult) -> None:
        if result.written:
            self.stats.inc_value(f"{PREFIX}/replayed", result.written)
        if result.skipped:
            self.stats.inc_value(f"{PREFIX}/replay_skipped", result.skipped)
        if result.errors or result.damaged:
            self.stats.inc_value(f"{PREFIX}/errors", result.errors + result.damaged)

    def _start_run(self) -> str | None:
        assert self.store is not None
        spider = self.crawler.spider
        try:
            return start_run(
                self.store.crawl_runs,
                spider=getattr(spider, "name", "?"),
                started_at=datetime.now(UTC),
                store_uri=self.store.uri,
                arguments=_spider_arguments(spider),
            )
        except PyMongoError as exc:
            logger.warning("Could not record the crawl in crawl_runs: %s", exc)
            return None

    def _finish_run(self, reason: str) -> None:
        if self.store is None or self.run_id is None or self.writer is None:
            return
        totals = self.writer.totals
        try:
            finish_run(
                self.store.crawl_runs,
                self.run_id,
                finished_at=datetime.now(UTC),
                reason=reason,
                store={
                    "inserted": totals.inserted,
                    "updated": totals.updated,
                    "unchanged": totals.unchanged,
                    "errors": totals.errors,
                    "spooled": totals.spooled,
                },
                stats=self.stats.get_stats(),
                quirks=self.store.quirks,
            )
        except PyMongoError as exc:
            logger.warning("Could not complete crawl run %s in crawl_runs: %s", self.run_id, exc)


def _seen_at(fetched_at: Any) -> datetime:
    """When the page was fetched (an aware datetime), else now."""
    if isinstance(fetched_at, datetime) and fetched_at.utcoffset() is not None:
        return fetched_at
    return datetime.now(UTC)


def _spider_arguments(spider: Any) -> dict[str, str]:
    """The crawl's ``-a site=…``/``-a url=…`` arguments, as the spider kept them."""
    arguments = {}
    for name in ("site", "url"):
        value = getattr(spider, f"{name}_arg", None) or getattr(spider, name, None)
        if isinstance(value, list | tuple):
            value = ",".join(str(part) for part in value)
        if isinstance(value, str) and value:
            arguments[name] = value
    return arguments
