"""Shared fixtures: a MongoDB-protocol server, the local mock news site, and crawl runs.

Storage tests use ``NEWSCRAWL_MONGO_URI`` when it is set (a real MongoDB in a user's CI) and
otherwise start the embedded nx-27017 server on a free port for the session. Every test gets
its own database. Crawls run the real ``scrapy crawl news`` in a subprocess (Twisted's reactor
cannot be restarted inside one process) with the test settings, and report the final stats.
The fault site (a few slow stories with hooks, see :mod:`tests.helpers`) is per test.
"""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pymongo import MongoClient
from pymongo.database import Database

from tests.helpers import CrawlResult, FaultSite, run_crawl_process, start_fault_site
from tests.mocksite import MockSite, start_mock_site
from tests.mongo_server import start_test_server

__all__ = ["CrawlResult", "CrawlRunner"]


@pytest.fixture(scope="session")
def mongo_uri(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """URI of a MongoDB-protocol server for the whole session."""
    external = os.environ.get("NEWSCRAWL_MONGO_URI")
    if external:
        yield external
        return
    uri, stop = start_test_server(tmp_path_factory.mktemp("mongo"))
    try:
        yield uri
    finally:
        stop()


@pytest.fixture(scope="session")
def mongo_client(mongo_uri: str) -> Iterator[MongoClient[dict[str, Any]]]:
    client: MongoClient[dict[str, Any]] = MongoClient(mongo_uri, tz_aware=True)
    try:
        yield client
    finally:
        client.close()


@pytest.fixture
def db_name(mongo_client: MongoClient[dict[str, Any]]) -> Iterator[str]:
    """A database name of this test's own, dropped afterwards."""
    name = f"nctest_{uuid.uuid4().hex[:12]}"
    yield name
    mongo_client.drop_database(name)


@pytest.fixture
def db(mongo_client: MongoClient[dict[str, Any]], db_name: str) -> Database[dict[str, Any]]:
    return mongo_client[db_name]


@pytest.fixture(scope="session")
def mock_site() -> Iterator[MockSite]:
    """The local mock news site on 127.0.0.1 (demo content plus broken pages)."""
    site = start_mock_site()
    try:
        yield site
    finally:
        site.stop()


CrawlRunner = Callable[..., CrawlResult]


@pytest.fixture
def run_crawl(tmp_path: Path, mongo_uri: str, db_name: str) -> CrawlRunner:
    """Run ``scrapy crawl news ARGS…`` with test settings into this test's database."""
    counter = iter(range(1000))

    def run(
        *args: str, seeds: Path, settings: dict[str, str] | None = None, timeout: float = 120
    ) -> CrawlResult:
        stats_file = tmp_path / f"stats-{next(counter)}.json"
        env = {
            **os.environ,
            "SCRAPY_PROJECT": "test",
            "NEWSCRAWL_SEEDS": str(seeds),
            "NEWSCRAWL_MONGO_URI": mongo_uri,
            "NEWSCRAWL_MONGO_DATABASE": db_name,
            "NEWSCRAWL_STATS_FILE": str(stats_file),
            "NEWSCRAWL_DATA_DIR": str(tmp_path / "data"),
        }
        command = [sys.executable, "-m", "scrapy", "crawl", "news", *args]
        for key, value in (settings or {}).items():
            command += ["-s", f"{key}={value}"]
        return run_crawl_process(command, env, stats_file, timeout)

    return run


@pytest.fixture
def seeds(tmp_path: Path, mock_site: MockSite) -> Path:
    """A seed folder with the mock site's seed (id ``mocknews``)."""
    folder = tmp_path / "seeds"
    mock_site.write_seed(folder)
    return folder


@pytest.fixture
def fault_site(tmp_path: Path) -> Iterator[FaultSite]:
    """The fault site of this test, its seed in ``tmp_path / "fault-seeds"``."""
    site = start_fault_site(tmp_path / "fault-seeds")
    try:
        yield site
    finally:
        site.site.stop()
