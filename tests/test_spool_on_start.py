"""``NEWSCRAWL_SPOOL_ON_START_FAILURE``: a crawl that starts while MongoDB is unreachable.

The crawls are the real ``scrapy crawl news`` against the mock sites and real nx-27017
servers: a URI pointing at a closed port of 127.0.0.1, later served by a server started on
that very port. Every crawl test asserts the exact spool lines or stored documents (each
article once, none lost). The default (the crawl stops with exit status 2 before any
request) is covered by tests/test_store_faults.py and tests/test_crawl_e2e.py.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pymongo import MongoClient
from pymongo.database import Database
from pymongo.errors import OperationFailure
from scrapy.utils.test import get_crawler

from crawler.spiders.news import NewsSpider
from crawler.summary import summarize
from pipelines.mongo import MongoPipeline, spool_on_start_failure
from pipelines.storage.config import SettingError, StoreConfig
from pipelines.storage.connect import open_store, preflight, unavailable
from pipelines.storage.documents import article_id, to_document
from pipelines.storage.embedded import EmbeddedServer, free_port
from pipelines.storage.errors import EmbeddedServerError, StoreUnavailableError
from pipelines.storage.known import RetryGate
from pipelines.storage.spool import Spool, decode, replay
from pipelines.storage.writer import BatchWriter, is_unreachable
from settings import base as project_settings
from tests.conftest import CrawlRunner
from tests.helpers import CrawlResult, FaultSite, expected_articles, fault_crawl, store_replay
from tests.mocksite import MockSite

PASSWORD = "Hunter2Secret"
#: The mock site without rendering, cleaning inline, short store timeouts (the store is
#: tried at the pre-flight, when the pipeline opens, by the spider and the duplicate check).
FAST = {
    "NEWSCRAWL_RENDER_ENABLED": "False",
    "NEWSCRAWL_EXTRACT_WORKERS": "0",
    "NEWSCRAWL_MONGO_TIMEOUT_MS": "300",
}


def _spooled_ids(spool_dir: Path) -> list[str]:
    """The ``_id`` of every upsert in the spool files (with repeats, if any)."""
    ids = []
    for path in sorted(spool_dir.glob("spool-*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                ids.append(decode(line).filter["_id"])
    return sorted(ids)


def _documents(uri: str, database: str) -> tuple[list[str], list[dict[str, Any]]]:
    """Canonical URL of every stored article (with repeats, if any), and the crawl runs.

    Every article must have gone through the cleaning chain (a title, text, a language).
    """
    client: MongoClient[dict[str, Any]] = MongoClient(uri, tz_aware=True)
    try:
        articles = list(client[database].articles.find())
        runs = list(client[database].crawl_runs.find())
    finally:
        client.close()
    for doc in articles:
        assert doc["title"] and doc["text"] and doc["language"], doc["canonical_url"]
    return sorted(d["canonical_url"] for d in articles), runs


def _repeated(values: list[str]) -> dict[str, int]:
    return {value: n for value, n in Counter(values).items() if n > 1}


@pytest.fixture
def down_server(tmp_path: Path) -> Iterator[EmbeddedServer]:
    """An nx-27017 server on a free port, not started (the test starts it)."""
    server = EmbeddedServer(tmp_path / "mongo-server", port=free_port())
    try:
        yield server
    finally:
        server.stop()


# --- crawls ------------------------------------------------------------------------------


def test_crawl_into_the_spool_then_replay_stores_each_article_once(  # noqa: PLR0917 (fixtures)
    run_crawl: CrawlRunner,
    seeds: Path,
    mock_site: MockSite,
    down_server: EmbeddedServer,
    db_name: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    port = down_server.port
    uri = f"mongodb://crawler:{PASSWORD}@127.0.0.1:{port}/"
    monkeypatch.setenv("NEWSCRAWL_SPOOL_ON_START_FAILURE", "yes")  # read by settings/base.py
    started = time.monotonic()
    result = run_crawl(
        "-a", "site=mocknews", seeds=seeds, settings={**FAST, "NEWSCRAWL_MONGO_URI": uri}
    )
    crawl_seconds = time.monotonic() - started
    assert result.returncode == 0, result.stderr[-3000:]
    expected = expected_articles(mock_site)
    n = len(expected)

    # one warning line before the crawl, password masked everywhere
    lines = [line for line in result.stderr.splitlines() if line.startswith("newscrawl:")]
    assert len(lines) == 1, result.stderr[-3000:]
    assert lines[0].startswith(
        f"newscrawl: warning: MongoDB unreachable at mongodb://crawler:****@127.0.0.1:{port}/: "
        "connection refused"
    )
    assert "NEWSCRAWL_SPOOL_ON_START_FAILURE" in lines[0]
    assert PASSWORD not in result.stdout + result.stderr + json.dumps(result.stats)

    # every article fetched is in the spool, once
    spool_dir = tmp_path / "data" / "spool"
    assert _spooled_ids(spool_dir) == sorted(article_id(url) for url in expected)
    stats = result.newscrawl()
    assert stats["newscrawl/mongo/spooled"] == n
    assert stats["newscrawl/mongo/unreachable_at_start"] == 1
    for key in ("inserted", "updated", "unchanged", "errors", "replayed", "reconnected", "run_id"):
        assert f"newscrawl/mongo/{key}" not in stats, key
    assert result.stats["newscrawl/mongo/uri"] == f"mongodb://crawler:****@127.0.0.1:{port}/"
    assert stats["newscrawl/quality/passed"] == n
    # the spider asked the store once, then fetched every article link without asking
    assert stats["newscrawl/spider/known/errors"] == 1
    discovered = sum(
        v
        for k, v in stats.items()
        if k.startswith("newscrawl/spider/discovered/")
        and k != "newscrawl/spider/discovered/duplicate_url"
    )
    assert stats["newscrawl/spider/known/unasked"] == discovered
    assert result.stdout.startswith(f"newscrawl: {n} articles spooled (MongoDB unreachable); ")
    assert "is still unreachable" in result.stderr
    print(
        f"crawl into the spool: {crawl_seconds:.1f} s, {n} articles, "
        f"dedup errors {stats.get('newscrawl/dedup/errors', 0)}"
    )

    # MongoDB comes back on that port: `scrapy store replay` stores each article once
    down_server.start()
    live = f"mongodb://127.0.0.1:{port}/"
    replayed = store_replay(live, db_name, tmp_path / "data")
    assert replayed.returncode == 0, replayed.stdout + replayed.stderr
    assert replayed.stdout.startswith(f"replayed {n} articles ({n} new), skipped 0, damaged 0")
    urls, runs = _documents(live, db_name)
    assert _repeated(urls) == {}
    assert urls == sorted(expected)
    assert runs == []  # the crawl could not be recorded
    assert list(spool_dir.glob("spool-*")) == []


def test_store_back_when_the_crawl_ends_gets_the_spool_and_the_run(
    fault_site: FaultSite, down_server: EmbeddedServer, tmp_path: Path
) -> None:
    # The server starts before the last story is answered; the pipeline, spool-only since
    # the start, tries it once more when the crawl ends.
    fault_site.hooks[len(fault_site.paths) - 1] = down_server.start
    result = _spool_crawl(fault_site, down_server.uri, tmp_path / "data")
    assert result.returncode == 0, result.stderr[-3000:]
    n = len(fault_site.paths)
    stats = result.stats
    assert stats["newscrawl/mongo/unreachable_at_start"] == 1
    assert stats["newscrawl/mongo/spooled"] == n
    assert stats["newscrawl/mongo/reconnected"] == 1
    assert stats["newscrawl/mongo/replayed"] == n
    assert "newscrawl/mongo/inserted" not in stats
    urls, runs = _documents(down_server.uri, "spool")
    assert _repeated(urls) == {}
    assert urls == fault_site.expected()
    assert list((tmp_path / "data" / "spool").glob("spool-*")) == []
    # the run is recorded after all, from the crawl's start
    assert len(runs) == 1
    run = runs[0]
    assert run["_id"] == stats["newscrawl/mongo/run_id"]
    assert (run["status"], run["finish_reason"]) == ("finished", "finished")
    assert run["store"]["spooled"] == n
    assert run["stats"]["newscrawl/mongo/replayed"] == n
    assert run["started_at"] <= run["finished_at"]
    assert result.stdout.startswith(
        f"newscrawl: {n} articles spooled (MongoDB unreachable), {n} written from the spool; "
    )


def test_store_back_during_the_crawl_is_used_from_then_on(
    fault_site: FaultSite, down_server: EmbeddedServer, tmp_path: Path
) -> None:
    spool_dir = tmp_path / "data" / "spool"
    client: MongoClient[dict[str, Any]] = MongoClient(
        down_server.uri, serverSelectionTimeoutMS=5000
    )

    def start_once_spooling() -> None:
        _wait_for(lambda: bool(_spooled_ids(spool_dir)))
        down_server.start()

    def wait_for_the_pipeline() -> None:
        # the pipeline records the run when it takes the store back
        _wait_for(lambda: client.spool.crawl_runs.count_documents({}) == 1)

    fault_site.hooks[2] = start_once_spooling
    fault_site.hooks[3] = wait_for_the_pipeline
    try:
        result = _spool_crawl(
            fault_site,
            down_server.uri,
            tmp_path / "data",
            NEWSCRAWL_STORE_RETRY_SECONDS="0.2",  # instead of 30 s
        )
    finally:
        client.close()
    assert result.returncode == 0, result.stderr[-3000:]
    n = len(fault_site.paths)
    stats = result.stats
    assert stats["newscrawl/mongo/reconnected"] == 1
    spooled = stats["newscrawl/mongo/spooled"]
    assert 1 <= spooled < n
    # spooled before the store came back, replayed then; the rest written directly
    assert stats["newscrawl/mongo/replayed"] == spooled
    assert stats["newscrawl/mongo/inserted"] == n - spooled
    urls, runs = _documents(down_server.uri, "spool")
    assert _repeated(urls) == {}
    assert urls == fault_site.expected()
    assert [run["status"] for run in runs] == ["finished"]
    assert list(spool_dir.glob("spool-*")) == []


def test_setting_without_the_spool_is_a_configuration_error(
    run_crawl: CrawlRunner, seeds: Path, mock_site: MockSite
) -> None:
    before = len(mock_site.requested_paths())
    result = run_crawl(
        "-a",
        "site=mocknews",
        seeds=seeds,
        settings={
            **FAST,
            "NEWSCRAWL_MONGO_URI": f"mongodb://127.0.0.1:{free_port()}/",
            "NEWSCRAWL_SPOOL_ON_START_FAILURE": "True",
            "NEWSCRAWL_SPOOL_ENABLED": "False",
        },
    )
    assert result.returncode == 2, result.stderr[-3000:]
    lines = [line for line in result.stderr.splitlines() if line.startswith("newscrawl:")]
    assert len(lines) == 1, result.stderr[-3000:]
    assert "NEWSCRAWL_SPOOL_ON_START_FAILURE" in lines[0]
    assert "NEWSCRAWL_SPOOL_ENABLED" in lines[0]
    assert result.stats == {}  # the crawl never started
    assert len(mock_site.requested_paths()) == before


def _spool_crawl(fs: FaultSite, uri: str, data_dir: Path, **settings: str) -> CrawlResult:
    """``scrapy crawl news`` on the fault site into database ``spool``, the setting on."""
    options = {
        "NEWSCRAWL_SPOOL_ON_START_FAILURE": "True",
        "NEWSCRAWL_MONGO_TIMEOUT_MS": "250",
        **settings,
    }
    return fault_crawl(fs, uri, "spool", data_dir, settings=options)


def _wait_for(condition: Callable[[], bool], seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.05)


# --- pieces ------------------------------------------------------------------------------

NOW = datetime(2024, 6, 1, 10, 0, tzinfo=UTC)


def _upsert(n: int) -> Any:
    return to_document({"url": f"https://spool.example/{n}", "site": "spool"}, NOW)


def test_detached_writer_spools_every_batch_until_attached(
    db: Database[dict[str, Any]], tmp_path: Path
) -> None:
    spool = Spool(tmp_path / "spool")
    writer = BatchWriter(None, batch_size=2, spool=spool)
    assert not writer.attached
    down = [r for n in range(3) for r in writer.add(*_upsert(n))] + writer.flush()
    assert [(r.spooled, r.attempts, r.inserted) for r in down] == [(2, 0, 0), (1, 0, 0)]
    assert spool.pending() == 3
    with pytest.raises(ValueError, match="detached"):
        replay(tmp_path / "spool", writer)

    writer.attach(db.articles)
    back = [r for n in range(3, 5) for r in writer.add(*_upsert(n))]
    assert [(r.inserted, r.spooled) for r in back] == [(2, 0)]
    assert (writer.totals.spooled, writer.totals.inserted, writer.totals.batches) == (3, 2, 3)
    spool.close()
    result = replay(tmp_path / "spool", BatchWriter(db.articles))
    assert (result.inserted, result.done) == (3, 1)
    assert sorted(d["_id"] for d in db.articles.find()) == sorted(
        article_id(f"https://spool.example/{n}") for n in range(5)
    )
    with pytest.raises(ValueError, match="needs a spool"):
        BatchWriter(None)


def test_is_unreachable_tells_an_outage_from_a_configuration_error(tmp_path: Path) -> None:
    def opening(uri: str) -> StoreUnavailableError:
        with pytest.raises(StoreUnavailableError) as caught:
            open_store(uri, "x", data_dir=tmp_path, embedded_port=free_port(), timeout_ms=200)
        return caught.value

    assert is_unreachable(opening(f"mongodb://127.0.0.1:{free_port()}/"))
    assert not is_unreachable(opening("mongodb://u:pa:ss99@db/"))  # invalid URI
    # a DNS record that cannot be found counts as an outage, like a host name
    assert is_unreachable(opening("mongodb+srv://u:pw@cluster0.example.invalid/"))
    with pytest.raises(StoreUnavailableError) as invalid:
        preflight({"NEWSCRAWL_MONGO_BATCH_SIZE": "many"})
    assert not is_unreachable(invalid.value)
    with pytest.raises(StoreUnavailableError) as denied:  # as open_store raises it
        try:
            raise OperationFailure("Authentication failed.", code=18)
        except OperationFailure as exc:
            raise unavailable("mongodb://u:pw@db/", exc, 200) from None
    assert not is_unreachable(denied.value)
    assert is_unreachable(EmbeddedServerError("nx-27017 did not answer"))


def test_setting_is_off_by_default_and_needs_the_spool() -> None:
    assert spool_on_start_failure({}) is False
    assert spool_on_start_failure({"NEWSCRAWL_SPOOL_ON_START_FAILURE": "false"}) is False
    assert spool_on_start_failure({"NEWSCRAWL_SPOOL_ON_START_FAILURE": "1"}) is True
    with pytest.raises(SettingError) as error:
        spool_on_start_failure(
            {"NEWSCRAWL_SPOOL_ON_START_FAILURE": True, "NEWSCRAWL_SPOOL_ENABLED": "False"}
        )
    assert "NEWSCRAWL_SPOOL_ON_START_FAILURE" in str(error.value)
    assert "NEWSCRAWL_SPOOL_ENABLED" in str(error.value)


def test_retry_gate_waits_after_a_failure() -> None:
    now = [100.0]
    gate = RetryGate(30.0, clock=lambda: now[0])
    assert gate.ready()
    gate.failed()
    now[0] = 129.9
    assert not gate.ready()
    now[0] = 130.0
    assert gate.ready()
    gate.failed()
    gate.succeeded()
    assert gate.ready()


def test_store_retry_seconds_is_one_setting_for_the_pipeline_and_the_spider() -> None:
    project = {
        name: value
        for name, value in vars(project_settings).items()
        if name.startswith("NEWSCRAWL_")
    }
    assert project["NEWSCRAWL_STORE_RETRY_SECONDS"] == 30.0
    crawler = get_crawler(NewsSpider, {**project, "NEWSCRAWL_STORE_RETRY_SECONDS": "0.5"})
    assert MongoPipeline.from_crawler(crawler).config.retry_seconds == 0.5
    assert NewsSpider.from_crawler(crawler)._known_gate.seconds == 0.5
    crawler = get_crawler(NewsSpider, project)
    assert MongoPipeline.from_crawler(crawler).config.retry_seconds == 30.0
    assert NewsSpider.from_crawler(crawler)._known_gate.seconds == 30.0
    assert StoreConfig.from_settings({}).retry_seconds == 30.0
    with pytest.raises(SettingError, match="NEWSCRAWL_STORE_RETRY_SECONDS must be a number"):
        StoreConfig.from_settings({"NEWSCRAWL_STORE_RETRY_SECONDS": "soon"})
    with pytest.raises(SettingError, match="NEWSCRAWL_STORE_RETRY_SECONDS must be at least"):
        StoreConfig.from_settings({"NEWSCRAWL_STORE_RETRY_SECONDS": -1})


def test_summary_names_spooled_and_replayed_articles() -> None:
    base = {"newscrawl/spider/fetched": 4}
    assert summarize({**base, "newscrawl/mongo/spooled": 4}) == (
        "newscrawl: 4 articles spooled (MongoDB unreachable); fetched 4 article pages; "
        "dropped: none; failed requests: 0"
    )
    assert summarize(
        {**base, "newscrawl/mongo/inserted": 1, "newscrawl/mongo/spooled": 3}
    ).startswith("newscrawl: stored 1 new article, 3 spooled (MongoDB unreachable); ")
    assert summarize(
        {**base, "newscrawl/mongo/spooled": 1, "newscrawl/mongo/replayed": 1}
    ).startswith("newscrawl: 1 article spooled (MongoDB unreachable), 1 written from the spool; ")
