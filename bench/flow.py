"""Where a crawl's pages are, four times a second: the benchmark's view of idle time.

A crawl's CPU per page says how fast two cores *could* go; how fast it goes also depends on
the pages flowing: the workers wait when no cleaned-page slot is filled, and downloads stop
when the pool is full (back-pressure) or when Scrapy holds too many response bytes whose
items are still in the pipelines (``SCRAPER_SLOT_MAX_ACTIVE_SIZE``). :func:`sample` reads
those states (and the crawl process's resident memory, to see when it grows) from the
running engine; :func:`summarize` turns the samples into one line for the benchmark's
output. Everything read here is Scrapy's or the pipelines' internal
state, so a missing attribute reads as -1 rather than failing the crawl.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

#: Seconds between samples.
INTERVAL = 0.25
_PAGE_KIB = os.sysconf("SC_PAGE_SIZE") // 1024


def _rss_kib() -> int:
    """The crawl process's resident memory now (Linux; 0 elsewhere)."""
    try:
        return int(Path("/proc/self/statm").read_text().split()[1]) * _PAGE_KIB
    except OSError:
        return 0


def _pipeline(crawler: Any, name: str) -> Any:
    for component in getattr(crawler.engine.scraper.itemproc, "middlewares", ()):
        if type(component).__name__ == name:
            return component
    return None


def sample(crawler: Any, elapsed: float) -> dict[str, Any]:
    """The engine's state now: scheduled, downloading, in the pipelines, in the pool."""
    engine = crawler.engine
    slot = getattr(engine, "_slot", None)
    scraper = engine.scraper.slot
    extract = _pipeline(crawler, "ExtractPipeline")
    pool = getattr(extract, "pool", None)
    dedup = _pipeline(crawler, "DedupPipeline")
    batcher = getattr(dedup, "batcher", None)
    stats = crawler.stats
    return {
        "t": round(elapsed, 2),
        "scheduled": len(slot.scheduler) if slot is not None else -1,
        "downloading": len(engine.downloader.active),
        "paused": bool(engine.paused),
        "memory_backout": bool(scraper is not None and scraper.needs_backout()),
        "in_pipelines": len(scraper.active) if scraper is not None else -1,
        "pool_waiting": pool.waiting if pool is not None else -1,
        "pool_in_flight": pool.in_flight if pool is not None else -1,
        "dedup_waiting": batcher.waiting if batcher is not None else -1,
        "fetched": stats.get_value("newscrawl/spider/fetched", 0),
        "cleaned": stats.get_value("newscrawl/extract/extracted", 0),
        "rss_kib": _rss_kib(),
    }


def summarize(samples: Sequence[dict[str, Any]], workers: int) -> str:
    """One line: how often the workers were short of pages, and why downloads stopped.

    Counted from the first sample with a fetched page to the last before every page was
    cleaned, so the crawl's start-up and its store flush at the end are left out (they are
    in the wall time, and are said separately).
    """
    if not samples or workers <= 0:
        return "flow: no samples"
    flowing = [s for s in samples if s["fetched"] > 0]
    if not flowing:
        return "flow: no page was fetched"
    last = max(s["cleaned"] for s in samples)
    middle = [s for s in flowing if s["cleaned"] < last] or flowing
    n = len(middle)
    short = sum(1 for s in middle if 0 <= s["pool_in_flight"] < workers)
    paused = sum(1 for s in middle if s["paused"])
    memory = sum(1 for s in middle if s["memory_backout"])
    start = flowing[0]["t"]
    end = middle[-1]["t"]
    return (
        f"flow: first page fetched at {start:.1f} s, last cleaned by {end + INTERVAL:.1f} s; "
        f"in between, workers short of pages {short / n:.0%} of the time, downloads paused "
        f"by the full pool {paused / n:.0%}, held back by the pipelines' memory limit "
        f"{memory / n:.0%}; at most {max(s['dedup_waiting'] for s in middle)} items waited "
        f"for the duplicate check"
    )
