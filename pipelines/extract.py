"""Extract pipeline: raw page in, cleaned article fields out (the cleaning chain).

A thin adapter over :func:`pipelines.cleaning.chain.clean_page`. The chain also detects the
language and gives the article verdict; the language and quality pipelines act on those
fields (count, flag, drop). The raw HTML is dropped here so it never reaches the store.

The chain costs tens of milliseconds of CPU per page, so by default it runs in a pool of
worker processes (:mod:`pipelines.workers`), one per core, and the crawl awaits the result.
While the pool is full the engine stops starting downloads (back-pressure) and resumes as
soon as there is room. ``NEWSCRAWL_EXTRACT_WORKERS = 0`` cleans inline, in the crawl's
own process.

Settings (read once; defaults in parentheses):

- ``NEWSCRAWL_EXTRACT_WORKERS`` (cores): worker processes; 0 cleans inline.
- ``NEWSCRAWL_EXTRACT_QUEUE_SIZE`` (2 × workers): pages waiting in the pool beyond those
  the workers hold.
- ``NEWSCRAWL_EXTRACT_PREFETCH`` (2): pages handed to each worker at once.
- ``NEWSCRAWL_EXTRACT_TIMEOUT`` (120): seconds one page may take before its worker is killed.
- ``NEWSCRAWL_EXTRACT_MAX_TASKS_PER_WORKER`` (1000): replace a worker after this many
  pages, so its memory does not creep up over a long crawl (0: never).
- ``NEWSCRAWL_EXTRACT_START_METHOD`` ("forkserver"): or "spawn"; never "fork".
- ``NEWSCRAWL_EXTRACT_BACKPRESSURE`` (True): pause downloads while the pool is full.

Stats: ``newscrawl/extract/extracted``, ``skipped/no_body``, ``errors/<exception type>``,
``errors/worker_crashed``, ``errors/timeout``, ``retried/worker_crashed``,
``dropped/<reason>`` (``extraction_error``, ``worker_crashed``, ``timeout``, ``shutdown``),
``fallback/inline``, ``workers/restarted``, ``workers/recycled``. Figures that depend on
timing and on the machine go under ``extract/pool/`` (``workers``, ``pauses``,
``paused_seconds``, ``waiting_max``, ``cpu_seconds``, ``peak_rss_kib``), outside the
``newscrawl/`` outcome counts.
"""

from __future__ import annotations

import logging
import time
from dataclasses import asdict, dataclass
from typing import Any, TypeVar

from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem, NotConfigured
from scrapy.settings import BaseSettings

from pipelines.base import Component
from pipelines.cleaning.model import CleanArticle, PageInput, SiteHints
from pipelines.workers import (
    CleanerError,
    ExtractionError,
    ExtractPool,
    PoolBrokenError,
    PoolConfig,
    default_workers,
)

logger = logging.getLogger(__name__)

#: Fields the chain fills on the item (everything but the page URL it was given).
_ARTICLE_FIELDS = tuple(name for name in CleanArticle.__dataclass_fields__ if name != "url")
#: Pool events that are outcomes (counted under ``newscrawl/extract/``); others are figures.
_OUTCOME_EVENTS = ("errors/", "retried/", "workers/restarted", "workers/recycled")


def page_input(adapter: ItemAdapter, hints: SiteHints) -> PageInput:
    """The cleaning chain's input for an item as the spider made it."""
    return PageInput(
        body=adapter["body"],
        url=adapter["url"],
        fetched_at=adapter["fetched_at"],
        encoding=adapter.get("encoding"),
        hints=hints,
    )


def apply_article(adapter: ItemAdapter, article: CleanArticle) -> None:
    """Copy the cleaned article onto the item and drop the raw page."""
    values = asdict(article)
    for name in _ARTICLE_FIELDS:
        adapter[name] = values[name]
    if not adapter.get("canonical_url"):
        adapter["canonical_url"] = adapter["url"]
    adapter["body"] = None


@dataclass(frozen=True)
class ExtractConfig:
    """The extract pipeline's settings, parsed once."""

    #: Worker processes; ``None`` cleans inline.
    pool: PoolConfig | None
    backpressure: bool

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> ExtractConfig:
        try:
            workers = _number(settings, "NEWSCRAWL_EXTRACT_WORKERS", int, default_workers())
            if workers < 0:
                raise ValueError(f"NEWSCRAWL_EXTRACT_WORKERS is {workers}")
            backpressure = settings.getbool("NEWSCRAWL_EXTRACT_BACKPRESSURE", True)
            if workers == 0:
                return cls(pool=None, backpressure=backpressure)
            pool = PoolConfig(
                workers=workers,
                queue_size=_number(settings, "NEWSCRAWL_EXTRACT_QUEUE_SIZE", int, 2 * workers),
                prefetch=_number(settings, "NEWSCRAWL_EXTRACT_PREFETCH", int, 2),
                start_method=settings.get("NEWSCRAWL_EXTRACT_START_METHOD") or "forkserver",
                task_timeout=_number(settings, "NEWSCRAWL_EXTRACT_TIMEOUT", float, 120.0),
                max_tasks_per_worker=_number(
                    settings, "NEWSCRAWL_EXTRACT_MAX_TASKS_PER_WORKER", int, 1000
                ),
            )
        except ValueError as exc:
            raise NotConfigured(
                f"{exc} — set NEWSCRAWL_EXTRACT_WORKERS to a number of worker processes "
                "(0 cleans inline) and the other NEWSCRAWL_EXTRACT_* settings as documented "
                "in pipelines/extract.py"
            ) from exc
        return cls(pool=pool, backpressure=backpressure)


_N = TypeVar("_N", int, float)


def _number(settings: BaseSettings, name: str, kind: type[_N], default: _N) -> _N:
    """A numeric setting; ``None`` or an empty value gives ``default``."""
    value = settings.get(name)
    if value is None or value == "":
        return default
    try:
        return kind(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number (got {value!r})") from None


def _wake(engine: Any) -> None:
    """Have the engine start scheduled downloads now (it has no public call for this).

    ``ExecutionEngine.unpause`` only clears a flag; the engine's loop runs again on its
    next event or on its 5-second heartbeat. Scheduling its loop call is what those events
    do. Without the private slot (another Scrapy version) the heartbeat still resumes.
    """
    slot = getattr(engine, "_slot", None)
    nextcall = getattr(slot, "nextcall", None)
    if nextcall is not None:
        nextcall.schedule()


class ExtractPipeline(Component):
    """Run the cleaning chain on every fetched page, in worker processes or inline."""

    name = "extract"

    def configure(self, settings: BaseSettings) -> None:
        self.config = ExtractConfig.from_settings(settings)
        self.pool: ExtractPool | None = None
        self._paused_at: float | None = None
        self._paused_seconds = 0.0
        self._warned_inline = False

    # --- life cycle -------------------------------------------------------------------

    def open_spider(self, spider: Any = None) -> None:
        if self.config.pool is None:
            logger.info("Cleaning pages inline (NEWSCRAWL_EXTRACT_WORKERS = 0)")
            return
        self.pool = ExtractPool(
            self.config.pool, on_event=self._on_pool_event, on_saturated=self._on_saturated
        )
        # In a thread: the fork server's first start would hold up the first requests.
        self.pool.start_in_background()
        self.stats.set_value("extract/pool/workers", self.config.pool.workers)

    async def close_spider(self, spider: Any = None) -> None:
        if self.pool is None:
            return
        self._on_saturated(False)
        report = await self.pool.close()
        self.stats.set_value("extract/pool/waiting_max", self.pool.max_waiting)
        self.stats.set_value("extract/pool/paused_seconds", round(self._paused_seconds, 3))
        self.stats.set_value("extract/pool/cpu_seconds", round(report.cpu_seconds, 3))
        self.stats.set_value("extract/pool/peak_rss_kib", report.peak_rss_kib)
        logger.info(
            "Extraction workers: %s started, %s pages, %.1f CPU s, peak %s MiB per worker",
            report.started,
            report.completed,
            report.cpu_seconds,
            report.peak_rss_kib // 1024,
        )

    # --- pool callbacks ---------------------------------------------------------------

    def _on_pool_event(self, event: str) -> None:
        if event.startswith(_OUTCOME_EVENTS):
            self.count(event)
        else:
            self.stats.inc_value(f"extract/pool/{event}")

    def _on_saturated(self, saturated: bool) -> None:
        """Pause the engine's downloads while pages wait for room in the pool.

        On resume the engine is woken at once: by itself it looks for new requests only
        when a download or a response's items finish, and while the earlier pages wait in
        the duplicate check's batch that can be a second away, with the workers idle.
        """
        if not self.config.backpressure:
            return
        try:
            engine = self.crawler.engine
        except RuntimeError:  # no crawl running (the pipeline used on its own)
            return
        if saturated and self._paused_at is None:
            engine.pause()
            self._paused_at = time.monotonic()
            self.stats.inc_value("extract/pool/pauses")
        elif not saturated and self._paused_at is not None:
            engine.unpause()
            _wake(engine)
            self._paused_seconds += time.monotonic() - self._paused_at
            self._paused_at = None

    # --- items ------------------------------------------------------------------------

    async def process_item(self, item: Any, spider: Any = None) -> Any:
        adapter = ItemAdapter(item)
        if adapter.get("body") is None:
            self.count("skipped/no_body")
            return item
        page = page_input(adapter, self.seed_attr(adapter["site"], "hints", SiteHints()))
        if self.pool is None:
            article = self._clean_inline(page)
        else:
            article = await self._clean_in_pool(page)
        apply_article(adapter, article)
        self.count("extracted")
        return item

    def _clean_inline(self, page: PageInput) -> CleanArticle:
        try:
            # Imported here: the crawl process needs the chain only when workers cannot
            # start, and importing it (trafilatura, lxml, langdetect) costs a few tenths
            # of a second and tens of MB that the workers' fork server pays instead.
            from pipelines.cleaning.chain import clean_page

            return clean_page(page)
        except Exception as exc:
            # A page that breaks the cleaner must not stop the crawl: count it and go on.
            logger.exception("Extraction failed for %s", page.url)
            self.count(f"errors/{type(exc).__name__}")
            self.count("dropped/extraction_error")
            raise DropItem(f"extraction failed: {exc}", log_level="WARNING") from exc

    async def _clean_in_pool(self, page: PageInput) -> CleanArticle:
        assert self.pool is not None
        try:
            article: CleanArticle = await self.pool.run(page)
        except CleanerError as exc:
            logger.warning("Extraction failed for %s: %s\n%s", page.url, exc, exc.remote_traceback)
            self.count(f"errors/{exc.type_name}")
            self.count("dropped/extraction_error")
            raise DropItem(f"extraction failed: {exc}", log_level="WARNING") from exc
        except PoolBrokenError:
            if not self._warned_inline:
                logger.warning("Extraction workers cannot start; cleaning pages inline")
                self._warned_inline = True
            self.count("fallback/inline")
            return self._clean_inline(page)
        except ExtractionError as exc:
            self.count(f"dropped/{exc.reason}")
            raise DropItem(
                f"extraction failed ({exc.reason}): {page.url}", log_level="WARNING"
            ) from exc
        return article
