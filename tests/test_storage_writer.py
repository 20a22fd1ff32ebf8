"""BatchWriter against a real server: idempotent upserts, counts, batching, dates."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pymongo import DESCENDING, MongoClient
from pymongo.collection import Collection

from pipelines.storage.compat import NX_27017
from pipelines.storage.connect import Store, open_store
from pipelines.storage.documents import article_id, to_document
from pipelines.storage.writer import BatchWriter, FlushResult, RetryPolicy
from tests.mongo_server import free_port

T1 = datetime(2024, 3, 1, 8, 0, tzinfo=UTC)
T2 = datetime(2024, 3, 2, 9, 30, 15, 250000, tzinfo=UTC)


@pytest.fixture
def store(mongo_uri: str, db_name: str, tmp_path: Path) -> Iterator[Store]:
    opened = open_store(mongo_uri, db_name, data_dir=tmp_path, embedded_port=free_port())
    opened.ensure_indexes()
    try:
        yield opened
    finally:
        opened.close()


def article(n: int, **changes: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "url": f"https://news.example/ar/{n}",
        "canonical_url": f"https://news.example/ar/{n}",
        "site": "example_ar",
        "title": f"خبر رقم {n}",
        "text": f"نص الخبر {n}\nفقرة ثانية",
        "published": f"2024-02-{n % 28 + 1:02d}T10:00:00+03:00",
        "language": "ar",
        "language_confidence": 0.98,
        "authors": ["مراسل"],
        "tags": ["اقتصاد"],
    }
    fields.update(changes)
    return fields


def counts(result: FlushResult) -> tuple[int, int, int, int]:
    return result.inserted, result.updated, result.unchanged, result.errors


def write_all(writer: BatchWriter, items: list[dict[str, Any]], now: datetime) -> FlushResult:
    """Add every item, flush, and sum the batches."""
    total = FlushResult()
    results = [r for fields in items for r in writer.add(*to_document(fields, now))]
    results += writer.flush()
    for r in results:
        total.inserted += r.inserted
        total.updated += r.updated
        total.unchanged += r.unchanged
        total.errors += r.errors
    return total


def test_second_crawl_stores_no_new_documents(store: Store) -> None:
    writer = BatchWriter(store.articles, batch_size=10, flush_seconds=60)
    items = [article(n) for n in range(5)]
    assert counts(write_all(writer, items, T1)) == (5, 0, 0, 0)
    assert store.articles.count_documents({}) == 5

    # same pages again: no new document, nothing changed but last_seen and fetch_count
    assert counts(write_all(writer, items, T2)) == (0, 0, 5, 0)
    assert store.articles.count_documents({}) == 5
    doc = store.articles.find_one({"_id": article_id("https://news.example/ar/3")})
    assert doc is not None
    assert doc["fetch_count"] == 2
    assert doc["first_seen"] == T1
    assert doc["last_seen"] == T2
    assert doc["title"] == "خبر رقم 3"

    # one article edited by the site: updated, the rest unchanged
    items[2] = article(2, title="خبر رقم 2 (محدث)")
    assert counts(write_all(writer, items, T2)) == (0, 1, 4, 0)
    edited = store.articles.find_one({"_id": article_id("https://news.example/ar/2")})
    assert edited is not None
    assert edited["title"] == "خبر رقم 2 (محدث)"
    assert edited["fetch_count"] == 3
    assert writer.totals.inserted == 5
    assert writer.totals.updated == 1
    assert writer.totals.unchanged == 9
    assert writer.totals.batches == 3


def test_same_article_twice_in_one_batch(store: Store) -> None:
    writer = BatchWriter(store.articles, batch_size=10, flush_seconds=60)
    result = write_all(writer, [article(1), article(1)], T1)
    assert counts(result) == (1, 0, 1, 0)
    assert store.articles.count_documents({}) == 1


def test_batches_flush_by_count_and_at_close(store: Store) -> None:
    writer = BatchWriter(store.articles, batch_size=3, flush_seconds=3600)
    flushed_at = []
    for n in range(7):
        results = writer.add(*to_document(article(n), T1))
        if results:
            flushed_at.append(n)
            assert [r.inserted for r in results] == [3]
    assert flushed_at == [2, 5]
    assert store.articles.count_documents({}) == 6
    assert writer.pending == 1
    assert [r.inserted for r in writer.close()] == [1]
    assert writer.pending == 0
    assert store.articles.count_documents({}) == 7
    assert writer.totals.batches == 3
    assert writer.close() == []


def test_batches_flush_by_age(store: Store) -> None:
    now = [100.0]
    writer = BatchWriter(store.articles, batch_size=100, flush_seconds=5, clock=lambda: now[0])
    assert writer.add(*to_document(article(1), T1)) == []
    now[0] = 104.9
    assert writer.add(*to_document(article(2), T1)) == []
    assert not writer.due()
    now[0] = 105.0
    assert writer.due()
    assert writer.take() is not None  # what a timer does
    assert writer.pending == 0
    assert store.articles.count_documents({}) == 0  # take() only hands the batch out
    assert writer.add(*to_document(article(3), T1)) == []
    now[0] = 111.0
    assert [r.inserted for r in writer.add(*to_document(article(4), T1))] == [2]


def test_dates_round_trip_timezone_aware_also_after_updates(store: Store) -> None:
    writer = BatchWriter(store.articles, batch_size=10, flush_seconds=60)
    write_all(writer, [article(1, published="2024-02-29T23:30:00+03:00")], T1)
    write_all(writer, [article(1, published="2024-03-01T01:15:00+03:00")], T2)  # an update
    doc = store.articles.find_one({"_id": article_id("https://news.example/ar/1")})
    assert doc is not None
    for name, expected in [
        ("published_at", datetime(2024, 2, 29, 22, 15, tzinfo=UTC)),
        ("first_seen", T1),
        ("last_seen", T2),
    ]:
        value = doc[name]
        assert isinstance(value, datetime), (name, value)
        assert value == expected
        assert value.utcoffset() == timedelta(0)
    assert doc["published"] == "2024-03-01T01:15:00+03:00"


def test_range_query_and_sort_on_published_at(store: Store) -> None:
    writer = BatchWriter(store.articles, batch_size=10, flush_seconds=60)
    # offsets differ, so the ISO strings sort differently from the instants
    items = [
        article(1, published="2024-05-01T09:00:00+04:30"),  # 04:30 UTC
        article(2, published="2024-05-01T06:00:00+00:00"),  # 06:00 UTC
        article(3, published="2024-05-01T05:00:00-02:00"),  # 07:00 UTC
        article(4, published="2024-04-30T23:00:00+00:00"),
    ]
    write_all(writer, items, T1)
    write_all(writer, items, T2)  # updates too must keep real dates
    since = datetime(2024, 5, 1, 5, 0, tzinfo=UTC)
    found = store.articles.find(
        {"site": "example_ar", "published_at": {"$gte": since}}, {"url": 1}
    ).sort("published_at", DESCENDING)
    assert [d["url"] for d in found] == [
        "https://news.example/ar/3",
        "https://news.example/ar/2",
    ]


def test_a_refused_document_does_not_sink_the_batch(store: Store) -> None:
    bad_id = article_id("https://news.example/ar/2")
    store.articles.insert_one({"_id": bad_id, "fetch_count": "not a number"})
    writer = BatchWriter(store.articles, batch_size=10, flush_seconds=60)
    result = write_all(writer, [article(1), article(2), article(3)], T1)
    assert counts(result) == (2, 0, 0, 1)
    assert store.articles.count_documents({"site": "example_ar"}) == 2


def test_unreachable_server_is_retried_then_counted(tmp_path: Path) -> None:
    port = free_port()
    client: MongoClient[dict[str, Any]] = MongoClient(
        f"mongodb://127.0.0.1:{port}/", serverSelectionTimeoutMS=100, connectTimeoutMS=100
    )
    collection: Collection[dict[str, Any]] = client.news.articles
    slept: list[float] = []
    writer = BatchWriter(
        collection,
        batch_size=2,
        flush_seconds=60,
        quirks=NX_27017,
        retry=RetryPolicy(retries=2, base_delay=0.01, max_delay=0.02),
        sleep=slept.append,
    )
    try:
        results = writer.add(*to_document(article(1), T1)) + writer.add(
            *to_document(article(2), T1)
        )
    finally:
        client.close()
    assert [(r.errors, r.attempts) for r in results] == [(2, 3)]
    assert len(slept) == 2
    assert 0.01 <= slept[0] <= 0.0125
    assert 0.02 <= slept[1] <= 0.025
    assert writer.totals.retries == 2
    assert writer.totals.errors == 2
