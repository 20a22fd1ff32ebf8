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

When MongoDB is unreachable when the crawl starts, opening the spider fails and the crawl
stops before any page is fetched, unless ``NEWSCRAWL_SPOOL_ON_START_FAILURE`` is on (it
needs ``NEWSCRAWL_SPOOL_ENABLED``). Then the pipeline starts *spool-only*: every batch goes
to the spool (fsynced, as during an outage) without a connection attempt per batch; the
store is tried again every ``NEWSCRAWL_STORE_RETRY_SECONDS`` (30) and once more when the
crawl ends. When it answers, later batches are written to it, the spool is replayed, and
the run is recorded in ``crawl_runs`` (with the crawl's start time); if it never answers,
the run is not recorded and the next crawl (or ``scrapy store replay``) replays the spool.
Only an unreachable store is spooled through (refused, no answer, host not found, the
embedded server not starting); authentication and URI errors still stop the crawl.

Re-fetched articles follow the lifecycle of :mod:`pipelines.storage.lifecycle`: an edited
title or text keeps the previous version in ``article_versions`` and bumps ``version``.

Stats: ``newscrawl/mongo/inserted``, ``…/updated`` (of which ``…/versioned``: title or text
changed), ``…/unchanged``, ``…/errors``,
``…/spooled``, ``…/retries``, ``…/batches``, ``…/invalid`` (items without url/site),
``…/replayed`` and ``…/replay_skipped`` (spool replay), ``newscrawl/mongo/run_id`` and
``newscrawl/mongo/uri`` (masked, never a password); with a store unreachable at the start,
``…/unreachable_at_start`` (1) and ``…/reconnected`` (1 once it answered). Each crawl also
leaves a document in the ``crawl_runs`` collection (unless the store never answered).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Coroutine, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from itemadapter import ItemAdapter
from pymongo.errors import PyMongoError
from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.utils.asyncio import create_looping_call, run_in_thread
from scrapy.utils.defer import deferred_from_coro, maybe_deferred_to_future
from twisted.internet.defer import Deferred, DeferredLock

from pipelines.storage.config import SettingError, StoreConfig, setting_enabled
from pipelines.storage.connect import Store, open_store_from_config
from pipelines.storage.documents import DocumentError, Upsert, to_document
from pipelines.storage.embedded import EmbeddedServer
from pipelines.storage.errors import StoreUnavailableError
from pipelines.storage.runs import finish_run, start_run
from pipelines.storage.spool import ReplayResult, Spool, replay
from pipelines.storage.uri import mask_uri
from pipelines.storage.writer import BatchWriter, FlushResult, RetryPolicy, is_unreachable

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.utils.asyncio import AsyncioLoopingCall
    from twisted.internet.task import LoopingCall

logger = logging.getLogger(__name__)

PREFIX = "newscrawl/mongo"

SPOOL_ON_START_FAILURE = "NEWSCRAWL_SPOOL_ON_START_FAILURE"


def spool_on_start_failure(settings: Mapping[str, Any]) -> bool:
    """Whether a crawl may start into the spool while MongoDB is unreachable.

    Raises :class:`~pipelines.storage.config.SettingError` (naming both settings) when
    ``NEWSCRAWL_SPOOL_ON_START_FAILURE`` is on but the spool is off: the articles would
    have nowhere to go.
    """
    if not setting_enabled(settings, SPOOL_ON_START_FAILURE, False):
        return False
    if not setting_enabled(settings, "NEWSCRAWL_SPOOL_ENABLED", True):
        raise SettingError(
            f"{SPOOL_ON_START_FAILURE} needs the spool, but NEWSCRAWL_SPOOL_ENABLED is off: "
            f"set NEWSCRAWL_SPOOL_ENABLED = True, or turn {SPOOL_ON_START_FAILURE} off"
        )
    return True


def configured_uri(config: StoreConfig) -> str:
    """The masked URI the store would be opened at (the embedded server's when empty)."""
    if config.uri:
        return mask_uri(config.uri)
    return EmbeddedServer(config.data_dir, port=config.embedded_port).uri


class MongoPipeline:
    """Upsert every article item into the ``articles`` collection in batches.

    Opening the spider opens the store (starting the embedded server when no URI is
    set), creates the indexes, replays a spool left by an earlier crawl and records the
    run in ``crawl_runs``. A store that cannot be reached raises
    :class:`~pipelines.storage.errors.StoreUnavailableError`, which stops the crawl
    before any page is fetched; with ``spool_on_start`` the pipeline starts spool-only
    instead (see the module docstring).
    """

    def __init__(
        self, config: StoreConfig, crawler: Crawler, *, spool_on_start: bool = False
    ) -> None:
        assert crawler.stats is not None
        self.config = config
        self.crawler = crawler
        self.stats = crawler.stats
        self.spool_on_start = spool_on_start
        self.store: Store | None = None
        self.writer: BatchWriter | None = None
        self.spool: Spool | None = None
        self.run_id: str | None = None
        self.uri = configured_uri(config)
        self._started_at = datetime.now(UTC)
        self._lock = DeferredLock()
        self._timer: AsyncioLoopingCall | LoopingCall | None = None
        self._background: set[Deferred[None]] = set()
        self._reopening = False
        self._next_reopen = 0.0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> MongoPipeline:
        settings = crawler.settings
        if not setting_enabled(settings, "NEWSCRAWL_MONGO_ENABLED", True):
            raise NotConfigured("MongoDB storage is off: set NEWSCRAWL_MONGO_ENABLED = True")
        pipeline = cls(
            StoreConfig.from_settings(settings),
            crawler,
            spool_on_start=spool_on_start_failure(settings),
        )
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    # --- lifecycle ---------------------------------------------------------------------
    async def open_spider(self, spider: Any = None) -> None:
        self._started_at = datetime.now(UTC)
        self.spool = Spool(self.config.spool_dir) if self.config.spool_enabled else None
        self.stats.set_value(f"{PREFIX}/uri", self.uri)
        try:
            store = await run_in_thread(self._open_store)
        except StoreUnavailableError as exc:
            if not (self.spool_on_start and self.spool is not None and is_unreachable(exc)):
                raise
            self._start_spool_only(exc, self.spool)
        else:
            await self._use_store(store, replay_first=True)
        if self.config.flush_seconds > 0 or self.store is None:
            interval = self.config.flush_seconds / 2 if self.config.flush_seconds > 0 else 1.0
            self._timer = create_looping_call(self._on_timer)
            self._timer.start(max(interval, 0.05), now=False)

    def _start_spool_only(self, exc: StoreUnavailableError, spool: Spool) -> None:
        """MongoDB is unreachable and the crawl goes on: every batch goes to the spool."""
        self.writer = BatchWriter(
            None,
            self.config.batch_size,
            self.config.flush_seconds,
            retry=RetryPolicy(retries=self.config.retries),
            spool=spool,
        )
        self.stats.set_value(f"{PREFIX}/unreachable_at_start", 1)
        self._next_reopen = time.monotonic() + self.config.retry_seconds
        logger.warning(
            "%s. %s is on: the crawl goes on and every article goes to the spool in %s; "
            "they are written to MongoDB when it answers again (tried every %g s and when "
            "the crawl ends; else by the next crawl or `scrapy store replay`). Until then "
            "this crawl cannot be recorded in crawl_runs.",
            exc,
            SPOOL_ON_START_FAILURE,
            self.config.spool_dir,
            self.config.retry_seconds,
        )

    async def _use_store(self, store: Store, *, replay_first: bool) -> None:
        """Write to ``store`` from now on; replay the spool; record the run in crawl_runs.

        ``replay_first``: at the start, only a spool left by earlier crawls is replayed
        (before this crawl's first write); later, this crawl's own spool file is closed
        first so that the replay takes it too.
        """
        self.store = store
        self.uri = store.uri
        self.stats.set_value(f"{PREFIX}/uri", store.uri)
        if self.writer is None:
            self.writer = BatchWriter(
                store.articles,
                self.config.batch_size,
                self.config.flush_seconds,
                quirks=store.quirks,
                retry=RetryPolicy(retries=self.config.retries),
                spool=self.spool,
                versions=store.versions,
            )
        else:
            self.writer.attach(store.articles, versions=store.versions, quirks=store.quirks)
        logger.info(
            "Storing articles in %s, database %r%s",
            store.uri,
            self.config.database,
            " (embedded server)" if store.embedded else "",
        )
        if self.spool is not None:
            if not replay_first:
                self.spool.close()
            if self.spool.files():
                self._record_replay(await run_in_thread(self._replay))
        self.run_id = await run_in_thread(self._start_run)
        if self.run_id is not None:
            self.stats.set_value(f"{PREFIX}/run_id", self.run_id)

    def _open_store(self) -> Store:
        """Blocking part of opening (may start the embedded server); runs in a thread."""
        store = open_store_from_config(self.config)
        try:
            store.ensure_indexes()
        except BaseException:
            store.close()
            raise
        return store

    def _try_open_store(self) -> Store | None:
        """One more try while spool-only: the store, or ``None`` when it still fails."""
        try:
            return self._open_store()
        except PyMongoError as exc:  # StoreUnavailableError is one
            logger.info("MongoDB still unavailable: %s", exc)
            return None

    async def _reconnect(self) -> None:
        """Spool-only: try the store once; when it answers, write to it and replay."""
        self._reopening = True
        try:
            store = await run_in_thread(self._try_open_store)
        finally:
            self._reopening = False
            self._next_reopen = time.monotonic() + self.config.retry_seconds
        if store is None:
            return
        # No batch is written meanwhile: the next ones go to the store, after the spool.
        await maybe_deferred_to_future(self._lock.acquire())
        try:
            logger.warning("MongoDB answers again: writing to it and replaying the spool")
            self.stats.set_value(f"{PREFIX}/reconnected", 1)
            await self._use_store(store, replay_first=False)
        finally:
            self._lock.release()

    async def close_spider(self, spider: Any = None) -> None:
        if self._timer is not None and self._timer.running:
            self._timer.stop()
        if self.writer is None:
            return  # the store never opened
        for pending in list(self._background):
            await maybe_deferred_to_future(pending)
        while (batch := self.writer.take(force=True)) is not None:
            await self._write(batch)
        if self.spool is not None:
            self.spool.close()
        if self.store is None:
            await self._reconnect()  # one last try (it replays when the store answers)
        elif self.spool is not None and self.writer.totals.spooled:
            self._record_replay(await run_in_thread(self._replay))
        totals = self.writer.totals
        logger.info(
            "Stored %d new, %d updated, %d unchanged articles in %s (%d errors, %d spooled)",
            totals.inserted,
            totals.updated,
            totals.unchanged,
            self.uri,
            totals.errors,
            totals.spooled,
        )
        if self.store is None:
            logger.warning(
                "MongoDB at %s is still unreachable: %d articles of this crawl wait in the "
                "spool in %s for the next crawl or `scrapy store replay`; this crawl is not "
                "recorded in crawl_runs",
                self.uri,
                totals.spooled,
                self.config.spool_dir,
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
        """Write a batch that has waited ``flush_seconds`` (a slow trickle of articles);
        while spool-only, try the store again every ``NEWSCRAWL_STORE_RETRY_SECONDS``."""
        if self.writer is None:
            return
        if self.store is None and not self._reopening and time.monotonic() >= self._next_reopen:
            self._reopening = True  # until _reconnect has tried
            self._in_background(self._reconnect())
        batch = self.writer.take()
        if batch is not None:
            self._in_background(self._write(batch))

    def _in_background(self, work: Coroutine[Any, Any, None]) -> None:
        """Run ``work`` on the reactor without waiting; close_spider waits for it."""
        pending: Deferred[None] = deferred_from_coro(work)
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
                started_at=self._started_at,
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
