"""The extraction worker pool: same results as inline, errors counted, nothing lost, shutdown.

The pool runs in real worker processes (fork server), as in a crawl. The small functions
below stand in for the cleaning chain where a test needs a page that fails, kills its
worker, hangs or takes a known time; workers import them from this module.
"""

from __future__ import annotations

import asyncio
import os
import textwrap
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import asdict, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import pytest
from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem, NotConfigured
from scrapy.utils.test import get_crawler

from bench.sitegen import generate_site
from crawler.items import ArticleItem
from pipelines.cleaning.chain import clean_page
from pipelines.cleaning.model import PageInput, SiteHints
from pipelines.extract import ExtractPipeline
from pipelines.workers import (
    CleanerError,
    ExtractPool,
    PoolBrokenError,
    PoolClosedError,
    PoolConfig,
    TaskTimeoutError,
    WorkerCrashedError,
)
from tests.helpers import run_python_json

T = TypeVar("T")
HERE = "tests.workerfuncs"

# --- helpers ------------------------------------------------------------------------------


def run(coro: Awaitable[T]) -> T:
    async def main() -> T:
        return await coro

    return asyncio.run(main())


def make_pool(events: Counter[str] | None = None, **overrides: Any) -> ExtractPool:
    config: dict[str, Any] = {
        "workers": 2,
        "queue_size": 2,
        "prefetch": 1,
        "function": f"{HERE}:echo",
        "preload": (),
    }
    config.update(overrides)
    counter = events if events is not None else Counter()
    return ExtractPool(PoolConfig(**config), on_event=lambda name: counter.update([name]))


async def with_pool(pool: ExtractPool, body: Callable[[ExtractPool], Awaitable[T]]) -> T:
    pool.start()
    try:
        return await body(pool)
    finally:
        await pool.close(timeout=10)


def gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    # A child that exited but was not reaped yet is a zombie: it is gone too.
    status = Path(f"/proc/{pid}/status")
    return not status.exists() or "\nState:\tZ" in status.read_text()


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> list[PageInput]:
    """Six generated news pages (Arabic and English, four templates)."""
    site = generate_site(tmp_path_factory.mktemp("site") / "site", n=6, seed=3)
    fetched_at = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
    return [
        PageInput(body=path.read_bytes(), url=url, fetched_at=fetched_at, hints=SiteHints())
        for path, url in site.article_files()
    ]


# --- results --------------------------------------------------------------------------------


def test_pool_results_equal_inline_results(pages: list[PageInput]) -> None:
    pool = make_pool(function="pipelines.cleaning.chain:clean_page")

    async def body(pool: ExtractPool) -> list[Any]:
        return list(await asyncio.gather(*(pool.run(page) for page in pages)))

    results = run(with_pool(pool, body))
    inline = [clean_page(page) for page in pages]
    assert [asdict(r) for r in results] == [asdict(r) for r in inline]
    assert all(r.is_article and len(r.text) > 500 for r in results)
    assert pool.report.completed == len(pages)


def test_pages_are_spread_over_every_worker() -> None:
    async def body(pool: ExtractPool) -> set[Any]:
        return set(await asyncio.gather(*(pool.run(("sleep", 0.05)) for _ in range(12))))

    pids = run(with_pool(make_pool(workers=3), body))
    assert len(pids) == 3


# --- errors -----------------------------------------------------------------------------


def test_an_exception_is_reported_and_the_worker_lives_on() -> None:
    events: Counter[str] = Counter()

    async def body(pool: ExtractPool) -> list[Any]:
        return list(
            await asyncio.gather(
                pool.run(1), pool.run(("fail", 9)), pool.run(2), return_exceptions=True
            )
        )

    one, error, two = run(with_pool(make_pool(events), body))
    assert (one, two) == (1, 2)
    assert isinstance(error, CleanerError)
    assert error.type_name == "ValueError"
    assert error.message == "bad page 9"
    assert "ValueError: bad page 9" in error.remote_traceback
    assert events == Counter({"workers/started": 2})


def test_an_unpicklable_result_is_an_error_not_a_dead_worker() -> None:
    events: Counter[str] = Counter()
    pool = make_pool(events, function=f"{HERE}:unpicklable")

    async def body(pool: ExtractPool) -> BaseException | None:
        try:
            await pool.run(1)
        except CleanerError as exc:
            return exc
        return None

    error = run(with_pool(pool, body))
    assert isinstance(error, CleanerError)
    assert "errors/worker_crashed" not in events


def test_a_crashing_page_is_retried_once_then_failed_and_others_are_kept() -> None:
    events: Counter[str] = Counter()

    async def body(pool: ExtractPool) -> list[Any]:
        jobs = [pool.run(n) for n in range(6)] + [pool.run(("crash", 0))]
        jobs += [pool.run(n) for n in range(6, 12)]
        return list(await asyncio.gather(*jobs, return_exceptions=True))

    results = run(with_pool(make_pool(events, prefetch=2), body))
    crashed = [r for r in results if isinstance(r, BaseException)]
    assert len(crashed) == 1
    assert isinstance(crashed[0], WorkerCrashedError)
    assert [r for r in results if not isinstance(r, BaseException)] == list(range(12))
    assert events["errors/worker_crashed"] == 2
    assert events["retried/worker_crashed"] == 1
    assert events["workers/restarted"] == 2
    assert events["workers/started"] == 4


def test_a_page_that_crashed_once_succeeds_on_the_retry(tmp_path: Path) -> None:
    events: Counter[str] = Counter()
    marker = tmp_path / "crashed-once"

    async def body(pool: ExtractPool) -> Any:
        return await pool.run(("crash_once", str(marker)))

    assert run(with_pool(make_pool(events), body)) == "survived"
    assert marker.read_text() == "crashed"
    assert events["errors/worker_crashed"] == 1
    assert events["retried/worker_crashed"] == 1


def test_a_hanging_page_times_out_and_the_pool_goes_on() -> None:
    events: Counter[str] = Counter()
    pool = make_pool(events, task_timeout=0.5)

    async def body(pool: ExtractPool) -> tuple[BaseException | None, list[Any], float]:
        started = time.monotonic()
        hang = asyncio.ensure_future(pool.run(("hang", 0)))
        others = await asyncio.gather(*(pool.run(n) for n in range(5)))
        try:
            await hang
        except TaskTimeoutError as exc:
            return exc, list(others), time.monotonic() - started
        return None, list(others), time.monotonic() - started

    error, others, elapsed = run(with_pool(pool, body))
    assert isinstance(error, TaskTimeoutError)
    assert others == [0, 1, 2, 3, 4]
    assert elapsed < 10
    assert events["errors/timeout"] == 1
    assert events["workers/restarted"] == 1


def test_workers_are_replaced_after_their_page_quota() -> None:
    events: Counter[str] = Counter()
    pool = make_pool(events, workers=1, prefetch=1, max_tasks_per_worker=3)

    async def body(pool: ExtractPool) -> list[Any]:
        return list(await asyncio.gather(*(pool.run(("sleep", 0.01)) for _ in range(7))))

    pids = run(with_pool(pool, body))
    assert len(pids) == 7
    assert len(set(pids)) == 3  # pages 1-3, 4-6 and 7 each in a fresh worker
    assert events["workers/recycled"] == 2
    assert events["workers/started"] == 3
    assert "errors/worker_crashed" not in events
    assert pool.report.reported == 3


def test_workers_that_cannot_start_break_the_pool() -> None:
    events: Counter[str] = Counter()
    pool = make_pool(events, function="tests.no_such_module:clean", workers=1)

    async def body(pool: ExtractPool) -> BaseException | None:
        try:
            await pool.run(1)
        except PoolBrokenError as exc:
            return exc
        return None

    assert isinstance(run(with_pool(pool, body)), PoolBrokenError)
    assert pool.broken
    assert events["errors/pool_broken"] == 1
    assert events["errors/worker_crashed"] == 3


def test_a_pool_started_in_the_background_serves_pages_once_ready() -> None:
    pool = make_pool(workers=2)

    async def body() -> set[Any]:
        pool.start_in_background()  # returns before the workers exist
        try:
            return set(await asyncio.gather(*(pool.run(("sleep", 0.05)) for _ in range(8))))
        finally:
            await pool.close(timeout=10)

    pids = run(body())
    assert len(pids) == 2
    assert pool.report.completed == 8


def test_a_background_start_that_fails_breaks_the_pool(monkeypatch: pytest.MonkeyPatch) -> None:
    pool = make_pool(workers=1)

    def cannot_fork() -> None:
        raise OSError("no more processes")

    monkeypatch.setattr(pool, "_spawn", cannot_fork)

    async def body() -> BaseException | None:
        pool.start_in_background()
        try:
            await pool.run(1)
        except PoolBrokenError as exc:
            return exc
        finally:
            await pool.close(timeout=10)
        return None

    assert isinstance(run(body()), PoolBrokenError)
    assert pool.broken


# --- back-pressure and shutdown --------------------------------------------------------------


def test_the_queue_is_bounded_and_saturation_is_reported() -> None:
    flips: list[bool] = []
    pool = ExtractPool(
        PoolConfig(workers=2, queue_size=3, prefetch=2, function=f"{HERE}:echo", preload=()),
        on_saturated=flips.append,
    )
    most = 0

    async def body(pool: ExtractPool) -> None:
        nonlocal most

        async def one(n: int) -> None:
            nonlocal most
            await pool.run(("sleep", 0.02))
            most = max(most, pool.in_flight)

        await asyncio.gather(*(one(n) for n in range(40)))

    run(with_pool(pool, body))
    assert most <= pool.config.capacity == 7
    assert pool.max_waiting == 40 - 7
    assert flips == [True, False]


def test_close_stops_every_worker_and_reports_usage() -> None:
    pool = make_pool(workers=2)

    async def body(pool: ExtractPool) -> list[int]:
        await asyncio.gather(*(pool.run(("sleep", 0.01)) for _ in range(4)))
        return pool.worker_pids()

    pids = run(with_pool(pool, body))
    assert len(pids) == 2
    assert all(gone(pid) for pid in pids)
    assert pool.report.reported == 2
    assert pool.report.peak_rss_kib > 1000
    assert pool.report.completed == 4

    async def after() -> None:
        await pool.run(1)

    with pytest.raises(PoolClosedError):
        run(after())


def test_close_fails_pages_still_queued_when_the_time_is_up() -> None:
    pool = make_pool(workers=1, queue_size=4)

    async def body(pool: ExtractPool) -> list[Any]:
        jobs = [asyncio.ensure_future(pool.run(("sleep", 0.3))) for _ in range(4)]
        await asyncio.sleep(0.1)
        await pool.close(timeout=0.05)
        return list(await asyncio.gather(*jobs, return_exceptions=True))

    pool.start()
    results = run(body(pool))
    assert all(isinstance(r, PoolClosedError) for r in results)


# --- the pipeline -----------------------------------------------------------------------------


def _item(page: PageInput) -> ArticleItem:
    return ArticleItem(
        request_url=page.url, url=page.url, site="bench_ar", fetched_at=page.fetched_at,
        body=page.body,
    )  # fmt: skip


def _pipeline(workers: int, function: str | None = None, **settings: Any) -> ExtractPipeline:
    crawler = get_crawler(
        settings_dict={"NEWSCRAWL_EXTRACT_WORKERS": workers, "NEWSCRAWL_EXTRACT_PREFETCH": 1}
        | settings
    )
    pipeline = ExtractPipeline.from_crawler(crawler)
    if function is not None:
        assert pipeline.config.pool is not None
        pool = replace(pipeline.config.pool, function=function, preload=())
        pipeline.config = replace(pipeline.config, pool=pool)
    return pipeline


async def _process(pipeline: ExtractPipeline, items: list[ArticleItem]) -> list[Any]:
    pipeline.open_spider()
    try:
        return list(
            await asyncio.gather(
                *(pipeline.process_item(item) for item in items), return_exceptions=True
            )
        )
    finally:
        await pipeline.close_spider()


def test_pipeline_in_workers_fills_items_like_inline(pages: list[PageInput]) -> None:
    pooled = _pipeline(2)
    inline = _pipeline(0)
    assert pooled.config.pool is not None and inline.config.pool is None
    a = run(_process(pooled, [_item(p) for p in pages]))
    b = run(_process(inline, [_item(p) for p in pages]))
    assert [ItemAdapter(x).asdict() for x in a] == [ItemAdapter(x).asdict() for x in b]
    assert all(ItemAdapter(x)["body"] is None and ItemAdapter(x)["text"] for x in a)
    stats = pooled.stats.get_stats()
    assert stats["newscrawl/extract/extracted"] == len(pages)
    assert stats["extract/pool/workers"] == 2
    assert stats["extract/pool/cpu_seconds"] > 0


def test_pipeline_drops_a_failing_page_with_a_counted_reason(pages: list[PageInput]) -> None:
    pipeline = _pipeline(1, function=f"{HERE}:always_fails")
    results = run(_process(pipeline, [_item(pages[0]), _item(pages[1])]))
    assert all(isinstance(r, DropItem) for r in results)
    stats = pipeline.stats.get_stats()
    assert stats["newscrawl/extract/dropped/extraction_error"] == 2
    assert stats["newscrawl/extract/errors/ValueError"] == 2
    assert "newscrawl/extract/extracted" not in stats


def test_pipeline_drops_a_page_that_kills_its_worker_twice(pages: list[PageInput]) -> None:
    pipeline = _pipeline(1, function=f"{HERE}:always_dies")
    results = run(_process(pipeline, [_item(pages[0])]))
    assert isinstance(results[0], DropItem)
    stats = pipeline.stats.get_stats()
    assert stats["newscrawl/extract/dropped/worker_crashed"] == 1
    assert stats["newscrawl/extract/errors/worker_crashed"] == 2
    assert stats["newscrawl/extract/retried/worker_crashed"] == 1


def test_pipeline_cleans_inline_when_workers_cannot_start(pages: list[PageInput]) -> None:
    pipeline = _pipeline(1, function="tests.no_such_module:clean")
    results = run(_process(pipeline, [_item(pages[0]), _item(pages[1])]))
    assert all(ItemAdapter(r)["text"] for r in results)
    stats = pipeline.stats.get_stats()
    assert stats["newscrawl/extract/fallback/inline"] == 2
    assert stats["newscrawl/extract/extracted"] == 2
    assert stats["newscrawl/extract/errors/pool_broken"] == 1


class StubNextCall:
    """Stands for the engine's loop call: records that it was scheduled."""

    def __init__(self, calls: list[str]) -> None:
        self.calls = calls

    def schedule(self) -> None:
        self.calls.append("wake")


class StubSlot:
    def __init__(self, calls: list[str]) -> None:
        self.nextcall = StubNextCall(calls)


class StubEngine:
    """Records what the pipeline asks of the engine."""

    def __init__(self) -> None:
        self.calls: list[str] = []
        self._slot = StubSlot(self.calls)

    def pause(self) -> None:
        self.calls.append("pause")

    def unpause(self) -> None:
        self.calls.append("unpause")


def test_pipeline_pauses_downloads_while_the_pool_is_full(pages: list[PageInput]) -> None:
    pipeline = _pipeline(1, function=f"{HERE}:slow_clean", NEWSCRAWL_EXTRACT_QUEUE_SIZE=0)
    engine = StubEngine()
    pipeline.crawler.engine = engine  # type: ignore[assignment]
    results = run(_process(pipeline, [_item(pages[0]) for _ in range(6)]))
    assert [ItemAdapter(r)["text"] for r in results] == ["cleaned"] * 6
    # Resuming wakes the engine's loop, which otherwise waits for its next event.
    assert engine.calls == ["pause", "unpause", "wake"]
    stats = pipeline.stats.get_stats()
    assert stats["extract/pool/pauses"] == 1
    assert stats["extract/pool/waiting_max"] == 5
    assert stats["extract/pool/paused_seconds"] >= 0.2


def test_unset_settings_take_their_defaults() -> None:
    pipeline = _pipeline(3, NEWSCRAWL_EXTRACT_QUEUE_SIZE=None, NEWSCRAWL_EXTRACT_TIMEOUT="")
    assert pipeline.config.pool == PoolConfig(
        workers=3, queue_size=6, prefetch=1, max_tasks_per_worker=1000
    )
    default = ExtractPipeline.from_crawler(get_crawler(settings_dict={}))
    assert default.config.pool is not None
    assert default.config.pool.workers == len(os.sched_getaffinity(0))


def test_bad_settings_say_how_to_fix_them() -> None:
    with pytest.raises(NotConfigured, match="NEWSCRAWL_EXTRACT_WORKERS is -1"):
        _pipeline(-1)
    with pytest.raises(NotConfigured, match="NEWSCRAWL_EXTRACT_TIMEOUT must be a number"):
        _pipeline(1, NEWSCRAWL_EXTRACT_TIMEOUT="soon")
    with pytest.raises(NotConfigured, match="not safe with the asyncio reactor"):
        _pipeline(1, NEWSCRAWL_EXTRACT_START_METHOD="fork")


def test_workers_start_with_the_chains_caches_built() -> None:
    """The fork server warms the chain up once (pipelines.cleaning.warmup): a new worker has
    langdetect's profiles, the phrase book and the suffix list before its first page, and
    they sit in the collector's frozen generation. In a process of its own: the fork server
    is started once per process, with the preload list of the first pool."""
    script = textwrap.dedent(
        f"""
        import asyncio, json
        from pipelines.workers import ExtractPool, PoolConfig
        async def main():
            pool = ExtractPool(PoolConfig(workers=1, queue_size=1, function="{HERE}:warm_state"))
            pool.start()
            try:
                print(json.dumps(await pool.run(None)))
            finally:
                await pool.close(timeout=10)
        asyncio.run(main())
        """
    )
    state = run_python_json(script)
    assert state["profiles"] == state["phrase_book"] == state["suffix_list"] == 1
    assert state["frozen"] > 100_000
