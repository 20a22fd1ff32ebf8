"""Helpers shared by the crawl tests: expected articles, the fault site, command runs.

- :func:`expected_articles`: the mock site's pages that a crawl must store.
- :class:`FaultSite` / :func:`start_fault_site`: a mock site of a test's own serving a few
  demo stories under ``/faults/``, each answered after a short delay and with hooks, so a
  crawl can be interrupted at a known point (the ``fault_site`` fixture in conftest.py).
- :func:`fault_crawl_command` / :func:`fault_crawl`: the real ``scrapy crawl news`` on that
  site, in a subprocess (Twisted's reactor cannot be restarted inside one process).
- :func:`store_replay`: the real ``scrapy store replay``.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crawler.urls import canonicalize
from demo.build_site import MANIFEST_PATH, SITE_DIR
from demo.server import Request, Response, Route, SiteServer
from tests.mocksite import MockSite, start_mock_site

ROOT = Path(__file__).resolve().parent.parent

#: Mock pages that must not become documents, and why.
UNSTORED_CASES = {
    "server_error",  # HTTP 500
    "not_found",  # HTTP 404
    "not_html",  # a PDF at an article URL
    "timeout",  # slower than DOWNLOAD_TIMEOUT
    "needs_js",  # an app shell without rendering (rendering has its own tests)
    "non_article_listing",
    "non_article_video",
}

STORY_PATTERN = r"/(ar|en)/news/\d{4}/\d{2}/(?!live-coverage-index|video-)[a-z0-9-]+\.html$"
#: Stories on the fault site, and how long each takes to be answered (seconds).
N_STORIES = 4
PAGE_DELAY = 0.25
#: Fault-site crawls: no rendering, inline cleaning, one page at a time, tiny batches.
FAULT_SETTINGS = {
    "NEWSCRAWL_RENDER_ENABLED": "False",
    "NEWSCRAWL_EXTRACT_WORKERS": "0",
    "NEWSCRAWL_MONGO_BATCH_SIZE": "1",
    "NEWSCRAWL_MONGO_FLUSH_SECONDS": "0.1",
    "NEWSCRAWL_MONGO_TIMEOUT_MS": "500",
    "NEWSCRAWL_MONGO_RETRIES": "0",
    "CONCURRENT_REQUESTS": "1",
    "LOG_LEVEL": "INFO",
}


def run_python_json(
    script: str, *args: str, timeout: float = 120, env: dict[str, str] | None = None
) -> Any:
    """Run ``python -c script args…`` in the project folder; the JSON its last line prints.

    For what must happen in a fresh interpreter (a fork server of its own, another
    process's view of the store, a reactor of its own). Fails with the script's stderr.
    """
    done = subprocess.run(
        [sys.executable, "-c", script, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def expected_articles(site: MockSite) -> dict[str, dict[str, Any]]:
    """Canonical URL -> manifest entry for every page that must be stored."""
    expected = {}
    for path, entry in site.manifest["articles"].items():
        if UNSTORED_CASES.isdisjoint(entry["cases"]):
            expected[canonicalize(site.url(path))] = entry
    return expected


@dataclass
class CrawlResult:
    """What one ``scrapy crawl news`` run did."""

    returncode: int
    stdout: str
    stderr: str
    stats: dict[str, Any] = field(default_factory=dict)

    def newscrawl(self) -> dict[str, Any]:
        """The ``newscrawl/`` slice of the stats, without values that vary between runs."""
        return {
            key: value
            for key, value in self.stats.items()
            if key.startswith("newscrawl/") and key != "newscrawl/mongo/uri"
        }


def run_crawl_process(
    command: list[str], env: dict[str, str], stats_file: Path, timeout: float
) -> CrawlResult:
    """Run a crawl command to its end; the stats come from ``NEWSCRAWL_STATS_FILE``."""
    proc = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    stats = json.loads(stats_file.read_text()) if stats_file.exists() else {}
    return CrawlResult(proc.returncode, proc.stdout, proc.stderr, stats)


# --- the fault site ----------------------------------------------------------------------


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


def start_fault_site(seeds: Path) -> FaultSite:
    """Serve the fault site and write its seed (id ``faults``) into ``seeds``.

    The caller stops it with ``.site.stop()``.
    """
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
    site.write_seed(
        seeds,
        id="faults",
        feeds=[],
        sections=[site.url("/faults/index.html")],
        article_url_pattern=r"/faults/a\d+\.html$",
    )
    holder["site"] = FaultSite(site, paths, seeds)
    return holder["site"]


def fault_crawl_command(  # noqa: PLR0917 (the crawl's parts)
    fs: FaultSite,
    uri: str,
    database: str,
    data_dir: Path,
    jobdir: Path | None = None,
    settings: dict[str, str] | None = None,
) -> tuple[list[str], dict[str, str], Path]:
    """``scrapy crawl news -a site=faults`` into ``database``: command, env, stats file.

    ``settings`` are added to (and override) :data:`FAULT_SETTINGS`.
    """
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
    options = {**FAULT_SETTINGS, **(settings or {})}
    if jobdir is not None:
        options["JOBDIR"] = str(jobdir)
    for key, value in options.items():
        command += ["-s", f"{key}={value}"]
    data_dir.mkdir(parents=True, exist_ok=True)
    return command, env, stats_file


def fault_crawl(  # noqa: PLR0917 (the crawl's parts)
    fs: FaultSite,
    uri: str,
    database: str,
    data_dir: Path,
    jobdir: Path | None = None,
    settings: dict[str, str] | None = None,
) -> CrawlResult:
    """Run :func:`fault_crawl_command` to its end (90 s at most)."""
    command, env, stats_file = fault_crawl_command(fs, uri, database, data_dir, jobdir, settings)
    return run_crawl_process(command, env, stats_file, timeout=90)


def store_replay(uri: str, database: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    """Run ``scrapy store replay`` against ``uri``/``database`` with ``data_dir``'s spool."""
    env = {
        **os.environ,
        "SCRAPY_PROJECT": "test",
        "NEWSCRAWL_MONGO_URI": uri,
        "NEWSCRAWL_MONGO_DATABASE": database,
        "NEWSCRAWL_DATA_DIR": str(data_dir),
    }
    return subprocess.run(
        [sys.executable, "-m", "scrapy", "store", "replay"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
