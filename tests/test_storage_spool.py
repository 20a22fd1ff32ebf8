"""When MongoDB goes away: retries, the spool, its replay, and the crawl_runs collection."""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pymongo import MongoClient

from pipelines.storage.compat import NX_27017
from pipelines.storage.connect import Store, open_store
from pipelines.storage.documents import Upsert, article_id, to_document
from pipelines.storage.embedded import EmbeddedServer
from pipelines.storage.maintenance import replay_spool, store_status
from pipelines.storage.runs import clean_stats, finish_run, start_run
from pipelines.storage.spool import Spool, decode, encode, replay
from pipelines.storage.writer import BatchWriter, RetryPolicy
from tests.mongo_server import free_port

T1 = datetime(2024, 6, 1, 10, 0, tzinfo=UTC)
T2 = T1 + timedelta(hours=2)
NO_WAIT = RetryPolicy(retries=1, base_delay=0.0, max_delay=0.0)


def upsert(n: int, now: datetime = T1, **changes: Any) -> Upsert:
    fields = {"url": f"https://spool.example/{n}", "site": "spool", "title": f"t{n}"}
    fields.update(changes)
    return to_document(fields, now)


@pytest.fixture
def store(mongo_uri: str, db_name: str, tmp_path: Path) -> Iterator[Store]:
    opened = open_store(mongo_uri, db_name, data_dir=tmp_path, embedded_port=free_port())
    try:
        yield opened
    finally:
        opened.close()


def test_spool_lines_round_trip_exactly() -> None:
    original = upsert(1, published="2024-05-31T23:00:00-04:00")
    line = encode(original, "AutoReconnect: down", T2)
    assert "\n" not in line
    assert '"$date"' in line
    restored = decode(line)
    assert restored == original
    assert restored.update["$set"]["published_at"].tzinfo is not None
    with pytest.raises(ValueError, match="damaged spool line"):
        decode(line[: len(line) // 2])


def test_replay_is_idempotent_and_never_goes_back_in_time(store: Store, tmp_path: Path) -> None:
    spool = Spool(tmp_path / "spool")
    spool.append([upsert(1), upsert(2), upsert(3)], "test")
    spool.append([upsert(4)], "test")
    assert spool.path is not None
    assert spool.pending() == 4
    # article 2 was stored again later (a newer crawl): the spooled copy must not win
    newer_writer = BatchWriter(store.articles)
    newer_writer.append(*upsert(2, T2, title="newer"))
    assert [r.inserted for r in newer_writer.flush()] == [1]
    spool.close()
    # a crash mid-write leaves half a line at the end
    with spool.path.open("a") as fh:
        fh.write(encode(upsert(5), "test", T1)[:40])

    writer = BatchWriter(store.articles, batch_size=2, retry=NO_WAIT)
    result = replay(tmp_path / "spool", writer)
    assert (result.inserted, result.skipped, result.damaged, result.done, result.kept) == (
        3,
        1,
        1,
        1,
        0,
    )
    assert spool.files() == []
    assert store.articles.count_documents({}) == 4
    newer = store.articles.find_one({"_id": article_id("https://spool.example/2")})
    assert newer is not None
    assert newer["title"] == "newer"
    assert newer["fetch_count"] == 1
    assert replay(tmp_path / "spool", writer).written == 0


def test_a_replay_interrupted_half_way_does_not_count_twice(store: Store, tmp_path: Path) -> None:
    spool = Spool(tmp_path / "spool")
    spool.append([upsert(n) for n in range(6)], "test")
    spool.close()
    # the first half was already written by a replay that died before deleting the file
    first_half = BatchWriter(store.articles, batch_size=10)
    for n in range(3):
        first_half.append(*upsert(n))
    first_half.flush()
    result = replay(tmp_path / "spool", BatchWriter(store.articles, batch_size=4))
    assert (result.inserted, result.skipped) == (3, 3)
    assert {d["fetch_count"] for d in store.articles.find({}, {"fetch_count": 1})} == {1}


def test_a_file_in_use_is_left_alone(store: Store, tmp_path: Path) -> None:
    spool = Spool(tmp_path / "spool")
    spool.append([upsert(1)], "test")  # this "process" keeps its file locked
    result = replay(tmp_path / "spool", BatchWriter(store.articles))
    assert (result.written, result.kept) == (0, 1)
    spool.close()
    path = spool.files()[0]
    with path.open() as other:  # another process replaying right now
        fcntl.flock(other.fileno(), fcntl.LOCK_EX)
        assert replay(tmp_path / "spool", BatchWriter(store.articles)).kept == 1
    assert replay(tmp_path / "spool", BatchWriter(store.articles)).inserted == 1


def test_outage_spools_then_replay_restores_everything(tmp_path: Path) -> None:
    server = EmbeddedServer(tmp_path / "data", port=free_port())
    server.start()
    client: MongoClient[dict[str, Any]] = MongoClient(
        server.uri, tz_aware=True, serverSelectionTimeoutMS=200, connectTimeoutMS=200
    )
    try:
        now = [0.0]
        spool = Spool(tmp_path / "spool")
        writer = BatchWriter(
            client.news.articles,
            batch_size=2,
            quirks=NX_27017,
            retry=RetryPolicy(retries=2, base_delay=0.0, max_delay=0.0),
            spool=spool,
            cooldown=30,
            clock=lambda: now[0],
        )
        first = writer.add(*upsert(1)) + writer.add(*upsert(2))
        assert [r.inserted for r in first] == [2]

        server.stop()
        down = writer.add(*upsert(3)) + writer.add(*upsert(4))
        assert [(r.spooled, r.attempts, r.errors) for r in down] == [(2, 3, 0)]
        assert down[0].failed is not None
        # while cooling down, batches go straight to the spool without trying
        now[0] = 10.0
        cooling = writer.add(*upsert(5)) + writer.add(*upsert(6))
        assert [(r.spooled, r.attempts) for r in cooling] == [(2, 0)]
        assert spool.pending() == 4

        server.start()
        now[0] = 40.0  # cooldown over: the next batch is tried and written
        back = writer.add(*upsert(7)) + writer.add(*upsert(8))
        assert [r.inserted for r in back] == [2]
        spool.close()

        result = replay(tmp_path / "spool", BatchWriter(client.news.articles, quirks=NX_27017))
        assert (result.inserted, result.done) == (4, 1)
        assert client.news.articles.count_documents({}) == 8
        assert writer.totals.spooled == 4
    finally:
        client.close()
        server.stop()


def test_replay_spool_and_status_from_settings(
    mongo_uri: str, db_name: str, tmp_path: Path, store: Store
) -> None:
    settings = {
        "NEWSCRAWL_MONGO_URI": mongo_uri,
        "NEWSCRAWL_MONGO_DATABASE": db_name,
        "NEWSCRAWL_DATA_DIR": str(tmp_path),
    }
    spool = Spool(tmp_path / "spool")
    spool.append([upsert(1), upsert(2)], "test")
    spool.close()
    status = store_status(settings)
    assert (status.spool_files, status.spooled_articles, status.embedded) == (1, 2, False)
    assert replay_spool(settings).inserted == 2
    assert store.articles.count_documents({}) == 2
    assert store_status(settings).spool_files == 0


def test_crawl_runs_document(store: Store) -> None:
    run_id = start_run(
        store.crawl_runs, spider="news", started_at=T1, store_uri=store.uri, arguments={"site": "x"}
    )
    assert run_id.startswith("20240601T100000Z-")
    running = store.crawl_runs.find_one({"_id": run_id})
    assert running is not None
    assert (running["status"], running["finished_at"], running["arguments"]) == (
        "running",
        None,
        {"site": "x"},
    )
    finish_run(
        store.crawl_runs,
        run_id,
        finished_at=T2,
        reason="finished",
        store={"inserted": 3, "updated": 0, "unchanged": 1, "errors": 0, "spooled": 0},
        stats={
            "newscrawl/mongo/inserted": 3,
            "downloader/exception_type_count/twisted.internet.error.TimeoutError": 2,
            "start_time": T1,
        },
        quirks=store.quirks,
    )
    done = store.crawl_runs.find_one({"_id": run_id})
    assert done is not None
    assert done["status"] == "finished"
    assert done["finished_at"] == T2
    assert isinstance(done["finished_at"], datetime)
    assert done["finish_reason"] == "finished"
    assert done["store"]["inserted"] == 3
    assert done["stats"] == clean_stats(
        {
            "newscrawl/mongo/inserted": 3,
            "downloader/exception_type_count/twisted_internet_error_TimeoutError": 2,
            "start_time": T1,
        }
    )


def test_clean_stats_keeps_lists_of_names() -> None:
    cleaned = clean_stats(
        {
            "newscrawl/render/needs_js_suggested": ["a_site", "b_site"],
            "x.y": (1, 2),
            "$odd": {"k": 1},
        }
    )
    assert cleaned == {
        "newscrawl/render/needs_js_suggested": ["a_site", "b_site"],
        "x_y": "(1, 2)",
        "_odd": "{'k': 1}",
    }
