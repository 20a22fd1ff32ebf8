"""Functions the extraction pool tests run in worker processes.

Kept in a module of their own that imports almost nothing, so a test's workers start in
milliseconds (workers import the module of the function they run).
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path
from typing import Any


def echo(payload: Any) -> Any:
    """Return the payload; ``("fail", …)`` raises, ``("crash", …)`` kills the worker."""
    if isinstance(payload, tuple) and payload[0] == "fail":
        raise ValueError(f"bad page {payload[1]}")
    if isinstance(payload, tuple) and payload[0] == "crash":
        os._exit(7)
    if isinstance(payload, tuple) and payload[0] == "crash_once":
        marker = Path(payload[1])
        if not marker.exists():
            marker.write_text("crashed")
            os._exit(7)
        return "survived"
    if isinstance(payload, tuple) and payload[0] == "hang":
        time.sleep(60)
    if isinstance(payload, tuple) and payload[0] == "sleep":
        time.sleep(payload[1])
        return os.getpid()
    return payload


def unpicklable(payload: Any) -> Any:
    """A result that cannot travel back to the crawl."""
    return lambda: payload


def always_dies(payload: Any) -> Any:
    """A cleaner whose worker is killed on every page (as the out-of-memory killer does)."""
    os.kill(os.getpid(), signal.SIGKILL)


def always_fails(payload: Any) -> Any:
    """A cleaner that cannot clean anything."""
    raise ValueError("cannot clean this page")


def slow_clean(page: Any) -> Any:
    """Stand-in for the cleaning chain that takes 50 ms a page."""
    from pipelines.cleaning.model import CleanArticle

    time.sleep(0.05)
    return CleanArticle(url=page.url, title="t", text="cleaned")


def warm_state(payload: Any) -> dict[str, int]:
    """How much of the cleaning chain's per-process state a worker has before its first page."""
    import gc

    from pipelines.cleaning.language import _factory
    from pipelines.cleaning.metadata.urls import _extractor
    from pipelines.cleaning.phrases import phrase_book

    return {
        "profiles": _factory.cache_info().currsize,
        "phrase_book": phrase_book.cache_info().currsize,
        "suffix_list": _extractor.cache_info().currsize,
        "frozen": gc.get_freeze_count(),
    }
