"""The "already stored?" lookup against a real MongoDB-protocol server: batching, aliases, LRU."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pymongo import MongoClient, monitoring
from pymongo.database import Database

from pipelines.storage.documents import article_id
from pipelines.storage.known import (
    KnownUrls,
    RefetchPolicy,
    StoredArticle,
    alias_documents,
    write_aliases,
)

DB = Database[dict[str, Any]]
NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
BASE = "https://www.example.com/ar/news/2024/05/"


class FindCounter(monitoring.CommandListener):
    """Counts the ``find`` commands a client sends."""

    def __init__(self) -> None:
        self.finds: list[str] = []

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        if event.command_name == "find":
            self.finds.append(str(event.command["find"]))

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass


@pytest.fixture
def counted(mongo_uri: str, db_name: str) -> Any:
    listener = FindCounter()
    client: MongoClient[dict[str, Any]] = MongoClient(
        mongo_uri, tz_aware=True, event_listeners=[listener]
    )
    try:
        yield client[db_name], listener
    finally:
        client.close()


def _store(db: DB, n: int) -> list[str]:
    urls = [f"{BASE}story-{i}.html" for i in range(n)]
    db.articles.insert_many(
        [
            {"_id": article_id(u), "canonical_url": u, "first_seen": NOW, "fetch_count": 1 + i % 3}
            for i, u in enumerate(urls)
        ]
    )
    return urls


def test_one_batch_costs_one_query_whatever_its_size(counted: Any) -> None:
    db, listener = counted
    stored = _store(db, 30)
    new = [f"{BASE}new-{i}.html" for i in range(70)]
    known = KnownUrls(db.articles, db.url_aliases)
    found = known.lookup(stored + new)
    assert sorted(found) == sorted(stored)
    assert found[stored[4]] == StoredArticle(article_id(stored[4]), NOW, 2)
    # articles by _id, then url_aliases for the 70 unknown links (none are aliases).
    assert listener.finds == ["articles", "url_aliases"]
    assert known.queries == 2


def test_cached_answers_cost_no_query(counted: Any) -> None:
    db, listener = counted
    stored = _store(db, 5)
    known = KnownUrls(db.articles, db.url_aliases)
    known.lookup(stored)
    assert listener.finds == ["articles"]
    listener.finds.clear()
    assert sorted(known.lookup(stored)) == sorted(stored)
    assert listener.finds == []


def test_lru_keeps_at_most_cache_size_answers(counted: Any) -> None:
    db, listener = counted
    stored = _store(db, 10)
    known = KnownUrls(db.articles, db.url_aliases, cache_size=4)
    known.lookup(stored[:6])
    assert len(known) == 4
    listener.finds.clear()
    known.lookup(stored[2:6])  # the four most recent: cached
    assert listener.finds == []
    known.lookup(stored[2:6])
    known.lookup([stored[0]])  # evicted: asked again; evicts the least recently used
    assert listener.finds == ["articles"]
    assert len(known) == 4
    listener.finds.clear()
    known.lookup([stored[3], stored[4], stored[5], stored[0]])
    assert listener.finds == []


def test_aliases_lead_to_the_stored_article(counted: Any) -> None:
    db, listener = counted
    (stored,) = _store(db, 1)
    doc_id = article_id(stored)
    links = [
        "http://www.example.com/ar/news/2024/05/story-0.html",  # before the https redirect
        "https://www.example.com/ar/news/2024/05/story-0-old-slug.html?utm_source=x",
        stored + "?utm_medium=rss",  # canonicalizes to the stored URL: no alias needed
    ]
    updates = alias_documents(links, doc_id, stored, "redirect", NOW)
    assert len(updates) == 2
    write_aliases(db.url_aliases, updates)
    write_aliases(db.url_aliases, updates)  # idempotent
    assert db.url_aliases.count_documents({}) == 2
    known = KnownUrls(db.articles, db.url_aliases)
    asked = [
        "http://www.example.com/ar/news/2024/05/story-0.html",
        "https://www.example.com/ar/news/2024/05/story-0-old-slug.html",
        f"{BASE}unknown.html",
    ]
    found = known.lookup(asked)
    assert {url: s.article_id for url, s in found.items()} == {
        asked[0]: doc_id,
        asked[1]: doc_id,
    }
    assert listener.finds == ["articles", "url_aliases", "articles"]


def test_alias_to_a_missing_article_is_unknown(db: DB) -> None:
    write_aliases(db.url_aliases, alias_documents([f"{BASE}a.html"], "nope", "", "duplicate", NOW))
    assert KnownUrls(db.articles, db.url_aliases).lookup([f"{BASE}a.html"]) == {}


def test_refetch_policy_age_and_count() -> None:
    policy = RefetchPolicy(hours=48, max_times=2)
    young = NOW - timedelta(hours=47)
    old = NOW - timedelta(hours=49)
    assert policy.due(StoredArticle("a", young, 1), NOW)
    assert policy.due(StoredArticle("a", young, 2), NOW)
    assert not policy.due(StoredArticle("a", young, 3), NOW)  # fetched once + 2 re-fetches
    assert not policy.due(StoredArticle("a", old, 1), NOW)
    assert not policy.due(StoredArticle("a", None, 1), NOW)


def test_negative_cache_size_is_refused(db: DB) -> None:
    with pytest.raises(ValueError, match="cache_size"):
        KnownUrls(db.articles, db.url_aliases, cache_size=-1)
