"""Crawl-level fault tests: MongoDB down before and during a crawl, the crawler SIGKILLed.

Each test starts an nx-27017 server of its own on a free port (it stops and restarts it)
and a mock site of its own that serves a few demo stories under ``/faults/`` from one
section page, each answered after a short delay so that a crawl lasts long enough to be
interrupted at a known point. Every test asserts the exact stored documents: one per
story, counted by canonical URL (0 lost, 0 duplicated).
"""

from __future__ import annotations

import json
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from pymongo import MongoClient

from crawler.urls import canonicalize
from demo.build_site import MANIFEST_PATH, SITE_DIR
from demo.server import Request, Response, Route, SiteServer
from pipelines.storage.embedded import EmbeddedServer, free_port
from tests.mocksite import MockSite, start_mock_site

ROOT = Path(__file__).resolve().parent.parent
STORY_PATTERN = r"/(ar|en)/news/\d{4}/\d{2}/(?!live-coverage-index|video-)[a-z0-9-]+\.html$"
N_STORIES = 4
PAGE_DELAY = 0.25
#: Fast and small: no rendering, inline cleaning, one page at a time, tiny batches.
SETTINGS = {
    "NEWSCRAWL_RENDER_ENABLED": "False",
    "NEWSCRAWL_EXTRACT_WORKERS": "0",
    "NEWSCRAWL_MONGO_BATCH_SIZE": "1",
    "NEWSCRAWL_MONGO_FLUSH_SECONDS": "0.1",
    "NEWSCRAWL_MONGO_TIMEOUT_MS": "500",
    "NEWSCRAWL_MONGO_RETRIES": "0",
    "CONCURRENT_REQUESTS": "1",
    "LOG_LEVEL": "INFO",
}


def _stories() -> list[str]:
    """Paths of the first few Arabic demo stories (distinct texts, no copies)."""
    manifest: dict[str, Any] = json.loads(MANIFEST_PATH.read_text(encoding="utf-8"))
    paths = sorted(p for p in manifest["articles"] if re.search(STORY_PATTERN, p))
    return [p for p in paths if p.startswith("/ar/")][:N_STORIES]


@dataclass
class FaultSite:
    """The own mock site; ``hooks[n]`` runs before the ``n``-th story request is answered."""

    site: MockSite
    paths: list[str]
    seeds: Path
    hooks: dict[int, Callable[[], object]] = field(default_factory=dict)

    def expected(self) -> list[str]:
        return sorted(canonicalize(self.site.url(p)) for p in self.paths)


@pytest.fixture
def fault_site(tmp_path: Path) -> Iterator[FaultSite]:
    sources = _stories()
    assert len(sources) == N_STORIES
    paths = [f"/faults/a{i}.html" for i in range(N_STORIES)]
    bodies = {
        path: (SITE_DIR / src.lstrip("/")).read_bytes().replace(src.encode(), path.encode())
        for path, src in zip(paths, sources, strict=True)
    }
    holder: dict[str, FaultSite] = {}
    lock = threading.Lock()
    served = [0]

    def article(path: str) -> Route:
        def serve(request: Request, server: SiteServer) -> Response:
            with lock:
                hook = holder["site"].hooks.pop(served[0], None)
                served[0] += 1
            if hook is not None:
                hook()
            time.sleep(PAGE_DELAY)
            return Response(body=bodies[path])

        return serve

    def section(request: Request, server: SiteServer) -> Response:
        links = "".join(f'<li><a href="{p}">story {p}</a></li>' for p in paths)
        return Response(body=f"<html><body><ul>{links}</ul></body></html>".encode())

    routes: dict[str, Route] = {p: article(p) for p in paths}
    routes["/faults/index.html"] = section
    site = start_mock_site(extra_routes=routes)
    seeds = tmp_path / "seeds"
    site.write_seed(
        seeds,
        id="faults",
        feeds=[],
        sections=[site.url("/faults/index.html")],
        article_url_pattern=r"/faults/a\d+\.html$",
    )
    holder["site"] = FaultSite(site, paths, seeds)
    try:
        yield holder["site"]
    finally:
        site.stop()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[EmbeddedServer]:
    """An nx-27017 server of this test's own (stopped and restarted by the test)."""
    embedded = EmbeddedServer(tmp_path / "mongo-server", port=free_port())
    embedded.start()
    try:
        yield embedded
    finally:
        embedded.stop()


def _crawl_command(
    fs: FaultSite, uri: str, database: str, data_dir: Path, jobdir: Path | None = None
) -> tuple[list[str], dict[str, str], Path]:
    stats_file = data_dir / f"stats-{uuid.uuid4().hex[:8]}.json"
    env = {
        **os.environ,
        "SCRAPY_PROJECT": "test",
        "NEWSCRAWL_SEEDS": str(fs.seeds),
        "NEWSCRAWL_MONGO_URI": uri,
        "NEWSCRAWL_MONGO_DATABASE": database,
        "NEWSCRAWL_STATS_FILE": str(stats_file),
        "NEWSCRAWL_DATA_DIR": str(data_dir),
    }
    command = [sys.executable, "-m", "scrapy", "crawl", "news", "-a", "site=faults"]
    settings = dict(SETTINGS)
    if jobdir is not None:
        settings["JOBDIR"] = str(jobdir)
    for key, value in settings.items():
        command += ["-s", f"{key}={value}"]
    data_dir.mkdir(parents=True, exist_ok=True)
    return command, env, stats_file


@dataclass
class Finished:
    returncode: int
    stderr: str
    stats: dict[str, Any]


def _crawl(
    fs: FaultSite, uri: str, database: str, data_dir: Path, jobdir: Path | None = None
) -> Finished:
    command, env, stats_file = _crawl_command(fs, uri, database, data_dir, jobdir)
    proc = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=90, check=False
    )
    stats = json.loads(stats_file.read_text()) if stats_file.exists() else {}
    return Finished(proc.returncode, proc.stderr, stats)


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
    result = _crawl(fault_site, server.uri, "faults", tmp_path / "data")
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
    result = _crawl(fault_site, server.uri, "faults", tmp_path / "data")
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
    first = _crawl(fault_site, server.uri, "faults", tmp_path / "data")
    assert first.returncode == 0, first.stderr[-3000:]
    spooled = first.stats["newscrawl/mongo/spooled"]
    assert spooled >= 2, first.stats  # at least the stories fetched after the stop
    server.start()
    assert len(_stored(server.uri, "faults")) == N_STORIES - spooled
    second = _crawl(fault_site, server.uri, "faults", tmp_path / "data")
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
        command, env, _ = _crawl_command(fault_site, server.uri, database, data_dir, jobdir)
        proc = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        delay = rng.uniform(0.8, 3.0)
        try:
            proc.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
        rerun = _crawl(fault_site, server.uri, database, data_dir, jobdir)
        assert rerun.returncode == 0, (trial, delay, rerun.stderr[-3000:])
        urls = _stored(server.uri, database)
        _no_duplicates(urls)
        assert urls == fault_site.expected(), (trial, round(delay, 2), rerun.stats)
