"""The benchmark's flow summary: what share of the crawl the workers lacked pages, and why."""

from __future__ import annotations

from typing import Any

from bench.flow import summarize


def _sample(t: float, **fields: Any) -> dict[str, Any]:
    base = {
        "t": t,
        "scheduled": 10,
        "downloading": 4,
        "paused": False,
        "memory_backout": False,
        "in_pipelines": 8,
        "pool_waiting": 0,
        "pool_in_flight": 4,
        "dedup_waiting": 0,
        "fetched": 0,
        "cleaned": 0,
    }
    return {**base, **fields}


def test_summary_counts_only_the_time_pages_flow() -> None:
    samples = [
        _sample(0.25),  # start-up: nothing fetched yet, left out
        _sample(0.5, fetched=4, pool_in_flight=1, dedup_waiting=3),  # short of pages
        _sample(0.75, fetched=8, cleaned=4, paused=True, dedup_waiting=7),
        _sample(1.0, fetched=12, cleaned=8, memory_backout=True),
        _sample(1.25, fetched=12, cleaned=10, pool_in_flight=0, paused=True),  # short
        _sample(1.5, fetched=12, cleaned=12, dedup_waiting=50),  # all cleaned: left out
    ]
    line = summarize(samples, workers=2)
    assert line == (
        "flow: first page fetched at 0.5 s, last cleaned by 1.5 s; in between, workers "
        "short of pages 50% of the time, downloads paused by the full pool 50%, held back "
        "by the pipelines' memory limit 25%; at most 7 items waited for the duplicate check"
    )


def test_summary_without_samples_or_pages() -> None:
    assert summarize([], workers=2) == "flow: no samples"
    assert summarize([_sample(0.25)], workers=2) == "flow: no page was fetched"
