"""Article versions through the batch writer, against a real MongoDB-protocol server."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo.database import Database

from pipelines.storage.documents import article_id, to_document
from pipelines.storage.lifecycle import NEW, UNCHANGED, UPDATED, VERSIONED, plan_lifecycle
from pipelines.storage.writer import BatchWriter

DB = Database[dict[str, Any]]
T1 = datetime(2024, 5, 1, 8, 0, tzinfo=UTC)
T2 = T1 + timedelta(hours=2)
T3 = T1 + timedelta(hours=5)
URL = "https://www.example.com/ar/news/2024/05/budget.html"
ID = article_id(URL)
TEXT = "أقر البرلمان الموازنة العامة.\nوبلغ حجم الإنفاق 12 مليار دينار."


def _article(**overrides: Any) -> dict[str, Any]:
    fields = {"url": URL, "site": "example_ar", "title": "البرلمان يقر الموازنة", "text": TEXT}
    fields.update(overrides)
    return fields


def _write(db: DB, fields: dict[str, Any], at: datetime) -> Any:
    writer = BatchWriter(db.articles, batch_size=10)
    writer.add(*to_document(fields, at))
    (result,) = writer.flush()
    return result


def test_edited_text_keeps_version_one_and_stores_version_two(db: DB) -> None:
    assert _write(db, _article(fingerprint="f1"), T1).inserted == 1
    doc = db.articles.find_one({"_id": ID})
    assert doc is not None and doc["version"] == 1 and doc["modified"] is None

    edited = TEXT.replace("12 مليار", "12.5 مليار")
    result = _write(db, _article(text=edited, fingerprint="f2"), T2)
    assert (result.updated, result.versioned, result.unchanged) == (1, 1, 0)

    doc = db.articles.find_one({"_id": ID})
    assert doc is not None
    assert doc["version"] == 2
    assert doc["text"] == edited
    assert doc["fingerprint"] == "f2"
    assert doc["modified"] == T2.isoformat()  # the page gave none: the fetch time
    assert doc["modified_at"] == T2 and isinstance(doc["modified_at"], datetime)
    assert isinstance(doc["last_seen"], datetime)  # not a string (nx-27017 quirk handled)
    assert doc["fetch_count"] == 2
    assert doc["first_seen"] == T1

    versions = list(db.article_versions.find({"article_id": ID}).sort("version", 1))
    assert versions == [
        {
            "_id": f"{ID}:1",
            "article_id": ID,
            "version": 1,
            "title": "البرلمان يقر الموازنة",
            "text": TEXT,
            "fingerprint": "f1",
            "fetched_at": T1,
            "archived_at": T2,
        }
    ]


def test_unchanged_refetch_only_moves_last_seen_and_fetch_count(db: DB) -> None:
    _write(db, _article(), T1)
    before = db.articles.find_one({"_id": ID})
    result = _write(db, _article(language_confidence=0.5), T2)
    assert (result.unchanged, result.updated, result.versioned) == (1, 0, 0)
    after = db.articles.find_one({"_id": ID})
    assert before is not None and after is not None
    changed = {k for k in after if after[k] != before.get(k)}
    assert changed == {"last_seen", "fetch_count"}
    assert after["last_seen"] == T2 and isinstance(after["last_seen"], datetime)
    assert db.article_versions.count_documents({}) == 0


def test_page_modified_time_wins_and_versions_count_up(db: DB) -> None:
    _write(db, _article(), T1)
    _write(db, _article(title="البرلمان يقر موازنة 2024"), T2)
    page_modified = "2024-05-01T15:30:00+03:00"
    _write(
        db, _article(title="البرلمان يقر موازنة 2024", text="نص جديد", modified=page_modified), T3
    )
    doc = db.articles.find_one({"_id": ID})
    assert doc is not None
    assert doc["version"] == 3
    assert doc["modified"] == page_modified
    assert [
        v["title"] for v in db.article_versions.find({"article_id": ID}).sort("version", 1)
    ] == [
        "البرلمان يقر الموازنة",
        "البرلمان يقر موازنة 2024",
    ]
    # a later fetch without a modification time keeps the stored one
    _write(db, _article(title="البرلمان يقر موازنة 2024", text="نص جديد", tags=["اقتصاد"]), T3)
    doc = db.articles.find_one({"_id": ID})
    assert doc is not None and doc["modified"] == page_modified and doc["version"] == 3


def test_a_retried_batch_archives_each_version_once(db: DB) -> None:
    _write(db, _article(), T1)
    batch = [to_document(_article(text="نص معدل"), T2)]
    writer = BatchWriter(db.articles)
    existing = {ID: {**db.articles.find_one({"_id": ID}), "text": TEXT}}  # type: ignore[dict-item]
    writer._archive(plan_lifecycle(batch, existing).archive)  # a first attempt that failed
    result = writer.write(batch)
    assert result.versioned == 1
    assert db.article_versions.count_documents({}) == 1


def test_plan_kinds_for_a_batch() -> None:
    a = to_document(_article(), T1)
    same = to_document(_article(), T2)
    tagged = to_document(_article(tags=["x"]), T2)
    edited = to_document(_article(text="آخر"), T2)
    plan = plan_lifecycle([a, same, tagged, edited], {})
    assert plan.kinds == [NEW, UNCHANGED, UPDATED, VERSIONED]
    assert plan.upserts[0].update["$setOnInsert"] == {"first_seen": T1, "version": 1}
    assert plan.upserts[1].update == {"$set": {"last_seen": T2}, "$inc": {"fetch_count": 1}}
    assert plan.upserts[3].update["$set"]["version"] == 2
    assert [v["_id"] for v in plan.archive] == [f"{ID}:1"]
