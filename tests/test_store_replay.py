"""``scrapy store replay`` leaves the store with the consumer indexes, as a crawl does.

A store that only ever received a replayed spool (MongoDB was down for every crawl, the
spool was replayed by hand or by cron) must answer the documented queries with the
documented indexes (docs/schema.md). Index names and directions are not compared: the
embedded server keeps neither (DESIGN.md §3).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pymongo.database import Database

from pipelines.storage.documents import Upsert, article_id, to_document
from pipelines.storage.maintenance import replay_spool
from pipelines.storage.spool import Spool
from tests.helpers import store_replay

NOW = datetime(2024, 6, 1, 10, 0, tzinfo=UTC)

#: Key fields of the indexes docs/schema.md lists, per collection (``_id`` comes anyway).
DOCUMENTED: dict[str, set[tuple[str, ...]]] = {
    "articles": {
        ("_id",),
        ("site", "published_at"),
        ("language", "published_at"),
        ("first_seen",),
        ("fingerprint",),
        ("cluster_id",),
        ("duplicate_of",),
    },
    "crawl_runs": {("_id",), ("started_at",)},
    "article_versions": {("_id",), ("article_id", "version")},
}


def _upsert(n: int) -> Upsert:
    return to_document(
        {
            "url": f"https://replay.example/ar/news/{n}.html",
            "site": "replay",
            "language": "ar",
            "title": f"خبر {n}",
            "text": f"نص الخبر رقم {n}",
            "published": "2024-05-31T23:00:00+03:00",
        },
        NOW,
    )


def _spool(directory: Path, numbers: range) -> None:
    spool = Spool(directory)
    spool.append([_upsert(n) for n in numbers], "test")
    spool.close()


def _index_keys(db: Database[dict[str, Any]]) -> dict[str, set[tuple[str, ...]]]:
    """Key fields of every index of the documented collections."""

    def keys(info: Mapping[str, Any]) -> set[tuple[str, ...]]:
        return {tuple(name for name, _ in index["key"]) for index in info.values()}

    return {name: keys(db[name].index_information()) for name in DOCUMENTED}


def test_store_replay_command_creates_the_documented_indexes(
    mongo_uri: str, db_name: str, db: Database[dict[str, Any]], tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    _spool(data_dir / "spool", range(3))
    assert db_name not in db.client.list_database_names()  # a fresh database
    proc = store_replay(mongo_uri, db_name, data_dir)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.startswith("replayed 3 articles (3 new), skipped 0, damaged 0")
    assert sorted(d["_id"] for d in db.articles.find()) == sorted(
        article_id(f"https://replay.example/ar/news/{n}.html") for n in range(3)
    )
    found = _index_keys(db)
    for collection, documented in DOCUMENTED.items():
        assert documented <= found[collection], collection


def test_replaying_again_adds_no_index(
    mongo_uri: str, db_name: str, db: Database[dict[str, Any]], tmp_path: Path
) -> None:
    settings = {
        "NEWSCRAWL_MONGO_URI": mongo_uri,
        "NEWSCRAWL_MONGO_DATABASE": db_name,
        "NEWSCRAWL_DATA_DIR": str(tmp_path),
    }
    _spool(tmp_path / "spool", range(2))
    assert replay_spool(settings).inserted == 2
    first = {name: len(db[name].index_information()) for name in DOCUMENTED}
    _spool(tmp_path / "spool", range(2, 4))
    assert replay_spool(settings).inserted == 2
    assert {name: len(db[name].index_information()) for name in DOCUMENTED} == first
    assert all(DOCUMENTED[name] <= keys for name, keys in _index_keys(db).items())
    assert db.articles.count_documents({}) == 4
