"""Crawl-level fault tests: MongoDB down before and during a crawl, the crawler SIGKILLed.

Each test starts an nx-27017 server of its own on a free port (it stops and restarts it)
and a mock site of its own that serves a few demo stories under ``/faults/`` from one
section page, each answered after a short delay so that a crawl lasts long enough to be
interrupted at a known point (the ``fault_site`` fixture, see :mod:`tests.helpers`). Every
test asserts the exact stored documents: one per
story, counted by canonical URL (0 lost, 0 duplicated).
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pymongo import MongoClient

from pipelines.storage.embedded import EmbeddedServer, free_port
from tests.helpers import N_STORIES, ROOT, FaultSite, fault_crawl, fault_crawl_command


@pytest.fixture
def server(tmp_path: Path) -> Iterator[EmbeddedServer]:
    """An nx-27017 server of this test's own (stopped and restarted by the test)."""
    embedded = EmbeddedServer(tmp_path / "mongo-server", port=free_port())
    embedded.start()
    try:
        yield embedded
    finally:
        embedded.stop()


def _stored(uri: str, database: str) -> list[str]:
    """Canonical URL of every stored article (with repeats, if any)."""
    client: MongoClient[dict[str, Any]] = MongoClient(uri, serverSelectionTimeoutMS=5000)
    try:
        return sorted(d["canonical_url"] for d in client[database].articles.find())
    finally:
        client.close()


def _no_duplicates(urls: list[str]) -> None:
    repeated = {u: n for u, n in Counter(urls).items() if n > 1}
    assert not repeated, repeated


def test_stopped_server_named_by_uri_stops_before_fetching(
    server: EmbeddedServer, fault_site: FaultSite, tmp_path: Path
) -> None:
    server.stop()
    result = fault_crawl(fault_site, server.uri, "faults", tmp_path / "data")
    assert result.returncode == 2, result.stderr[-3000:]
    lines = [line for line in result.stderr.splitlines() if line.startswith("newscrawl:")]
    assert len(lines) == 1, result.stderr[-3000:]
    assert f"127.0.0.1:{server.port}" in lines[0]
    assert fault_site.site.requested_paths() == []
    assert not list((tmp_path / "data").glob("spool/*"))


def test_server_stopped_mid_crawl_and_restarted_loses_and_duplicates_nothing(
    server: EmbeddedServer, fault_site: FaultSite, tmp_path: Path
) -> None:
    # Down from the second story on; back (before the fourth is answered) once the
    # crawl has spooled something.
    spool = tmp_path / "data" / "spool"

    def restart_once_spooling() -> None:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not any(
            f.stat().st_size for f in spool.glob("*.jsonl")
        ):
            time.sleep(0.05)
        server.start()

    fault_site.hooks[1] = server.stop
    fault_site.hooks[3] = restart_once_spooling
    result = fault_crawl(fault_site, server.uri, "faults", tmp_path / "data")
    assert result.returncode == 0, result.stderr[-3000:]
    stats = result.stats
    assert stats["newscrawl/mongo/spooled"] >= 1, stats
    # written directly or replayed from the spool when the crawl ended, once each
    assert stats.get("newscrawl/mongo/inserted", 0) + stats["newscrawl/mongo/replayed"] == N_STORIES
    urls = _stored(server.uri, "faults")
    _no_duplicates(urls)
    assert urls == fault_site.expected()
    assert not [f for f in (tmp_path / "data" / "spool").glob("*") if f.stat().st_size]


def test_server_down_until_the_end_is_replayed_by_the_next_crawl(
    server: EmbeddedServer, fault_site: FaultSite, tmp_path: Path
) -> None:
    fault_site.hooks[2] = server.stop
    first = fault_crawl(fault_site, server.uri, "faults", tmp_path / "data")
    assert first.returncode == 0, first.stderr[-3000:]
    spooled = first.stats["newscrawl/mongo/spooled"]
    assert spooled >= 2, first.stats  # at least the stories fetched after the stop
    server.start()
    assert len(_stored(server.uri, "faults")) == N_STORIES - spooled
    second = fault_crawl(fault_site, server.uri, "faults", tmp_path / "data")
    assert second.returncode == 0, second.stderr[-3000:]
    assert second.stats["newscrawl/mongo/replayed"] == spooled, second.stats
    assert second.stats.get("newscrawl/spider/fetched", 0) == 0  # nothing left to fetch
    urls = _stored(server.uri, "faults")
    _no_duplicates(urls)
    assert urls == fault_site.expected()


def test_sigkilled_crawls_rerun_with_their_jobdir_store_each_story_once(
    server: EmbeddedServer, fault_site: FaultSite, tmp_path: Path
) -> None:
    rng = random.Random(20261129)
    for trial in range(10):
        database = f"kill{trial}"
        data_dir = tmp_path / f"trial{trial}"
        jobdir = data_dir / "job"
        command, env, _ = fault_crawl_command(fault_site, server.uri, database, data_dir, jobdir)
        proc = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        delay = rng.uniform(0.8, 3.0)
        try:
            proc.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
        rerun = fault_crawl(fault_site, server.uri, database, data_dir, jobdir)
        assert rerun.returncode == 0, (trial, delay, rerun.stderr[-3000:])
        urls = _stored(server.uri, database)
        _no_duplicates(urls)
        assert urls == fault_site.expected(), (trial, round(delay, 2), rerun.stats)
