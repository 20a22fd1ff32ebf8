"""The articles document: ids, upsert shape, dates (no server needed)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from itemadapter import ItemAdapter

from crawler.items import ArticleItem
from pipelines.storage.config import SettingError, StoreConfig
from pipelines.storage.documents import (
    SCHEMA_VERSION,
    DocumentError,
    article_id,
    content_hash,
    parse_iso,
    to_document,
)

NOW = datetime(2024, 3, 1, 12, 0, 0, 123456, tzinfo=UTC)
NOW_MS = datetime(2024, 3, 1, 12, 0, 0, 123000, tzinfo=UTC)


def _item(**changes: object) -> dict[str, object]:
    item = ArticleItem(
        request_url="https://www.example.com/ar/news/1?utm_source=rss",
        url="https://www.example.com/ar/news/1",
        site="example_ar",
        fetched_at=NOW,
        body=None,
        canonical_url="https://www.example.com/ar/news/1",
        title="عنوان الخبر",
        text="الفقرة الأولى\nالفقرة الثانية",
        published="2024-02-29T23:30:00+03:00",
        modified=None,
        authors=["أحمد علي"],
        language="ar",
        language_confidence=0.99,
        tags=["سياسة", "اقتصاد"],
        site_name="مثال",
        section="أخبار",
        image="https://www.example.com/img.jpg",
        description="وصف",
    )
    fields = ItemAdapter(item).asdict()
    fields.update(changes)
    return fields


def test_article_id_is_sha1_of_the_canonical_url() -> None:
    assert article_id("https://a.example/x") == "df10a3e0737a3e91a58e960aaadb39020916e52b"
    assert article_id(" https://a.example/x\n") == article_id("https://a.example/x")
    assert article_id("https://a.example/y") != article_id("https://a.example/x")


def test_to_document_builds_an_idempotent_upsert() -> None:
    flt, update = to_document(_item(), NOW)
    assert flt == {"_id": article_id("https://www.example.com/ar/news/1")}
    assert set(update) == {"$set", "$inc", "$setOnInsert"}
    assert update["$inc"] == {"fetch_count": 1}
    assert update["$setOnInsert"] == {"first_seen": NOW_MS}
    doc = update["$set"]
    assert doc == {
        "url": "https://www.example.com/ar/news/1",
        "canonical_url": "https://www.example.com/ar/news/1",
        "site": "example_ar",
        "title": "عنوان الخبر",
        "text": "الفقرة الأولى\nالفقرة الثانية",
        "published": "2024-02-29T23:30:00+03:00",
        "published_at": datetime(2024, 2, 29, 20, 30, tzinfo=UTC),
        "modified": None,
        "modified_at": None,
        "authors": ["أحمد علي"],
        "language": "ar",
        "language_confidence": 0.99,
        "language_mismatch": False,
        "tags": ["سياسة", "اقتصاد"],
        "site_name": "مثال",
        "section": "أخبار",
        "image": "https://www.example.com/img.jpg",
        "description": "وصف",
        "content_hash": content_hash(doc),
        "last_seen": NOW_MS,
        "schema_version": SCHEMA_VERSION,
    }
    # no raw page, no request URL, no pipeline flags in the store
    assert not {"body", "request_url", "encoding", "status", "is_article"} & set(doc)
    # nothing is both $set and $setOnInsert (MongoDB refuses conflicting paths)
    assert not set(doc) & set(update["$setOnInsert"])


def test_canonical_url_falls_back_to_url_and_optional_fields_only_when_present() -> None:
    flt, update = to_document(_item(canonical_url=None, fingerprint="abc", cluster_id=None), NOW)
    assert flt == {"_id": article_id("https://www.example.com/ar/news/1")}
    assert update["$set"]["fingerprint"] == "abc"
    assert "cluster_id" not in update["$set"]


def test_content_hash_ignores_bookkeeping_but_not_content() -> None:
    first = to_document(_item(), NOW).update["$set"]["content_hash"]
    later = to_document(_item(url="https://www.example.com/ar/news/1?amp"), NOW + timedelta(1))
    assert later.update["$set"]["content_hash"] == first
    edited = to_document(_item(title="عنوان معدل"), NOW)
    assert edited.update["$set"]["content_hash"] != first


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-01-30T14:05:00+00:00", datetime(2024, 1, 30, 14, 5, tzinfo=UTC)),
        ("2024-01-30T14:05:00Z", datetime(2024, 1, 30, 14, 5, tzinfo=UTC)),
        ("2024-01-30T17:35:00+03:30", datetime(2024, 1, 30, 14, 5, tzinfo=UTC)),
        ("2024-01-30T14:05:00.123987-01:00", datetime(2024, 1, 30, 15, 5, 0, 123000, tzinfo=UTC)),
        ("2024-01-30T14:05:00", datetime(2024, 1, 30, 14, 5, tzinfo=UTC)),  # naive: UTC
        ("2024-01-30", datetime(2024, 1, 30, tzinfo=UTC)),
        ("yesterday", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_iso(value: str | None, expected: datetime | None) -> None:
    parsed = parse_iso(value)
    assert parsed == expected
    if parsed is not None:
        assert parsed.utcoffset() == timedelta(0)


def test_bad_input_is_refused() -> None:
    with pytest.raises(DocumentError, match="without url"):
        to_document(_item(url=None), NOW)
    with pytest.raises(DocumentError, match="no site"):
        to_document(_item(site=""), NOW)
    with pytest.raises(ValueError, match="naive"):
        to_document(_item(), datetime(2024, 1, 1))


def test_last_seen_is_converted_to_utc() -> None:
    tehran = timezone(timedelta(hours=3, minutes=30))
    _, update = to_document(_item(), datetime(2024, 3, 1, 15, 30, tzinfo=tehran))
    assert update["$set"]["last_seen"] == datetime(2024, 3, 1, 12, 0, tzinfo=UTC)
    assert update["$set"]["last_seen"].tzinfo is UTC


def test_store_config_reads_strings_and_names_bad_settings() -> None:
    config = StoreConfig.from_settings(
        {
            "NEWSCRAWL_MONGO_URI": " mongodb://db/ ",
            "NEWSCRAWL_DATA_DIR": "/srv/nc",
            "NEWSCRAWL_MONGO_BATCH_SIZE": "50",
            "NEWSCRAWL_MONGO_FLUSH_SECONDS": "2.5",
            "NEWSCRAWL_MONGO_WRITE_CONCERN": "majority",
        }
    )
    assert config.uri == "mongodb://db/"
    assert config.batch_size == 50
    assert config.flush_seconds == 2.5
    assert config.write_concern == "majority"
    assert str(config.spool_dir) == "/srv/nc/spool"
    assert config.database == "newscrawl"
    assert config.embedded_port == 27117
    with pytest.raises(SettingError, match="NEWSCRAWL_MONGO_BATCH_SIZE must be a whole number"):
        StoreConfig.from_settings({"NEWSCRAWL_MONGO_BATCH_SIZE": "many"})
    with pytest.raises(SettingError, match="NEWSCRAWL_MONGO_BATCH_SIZE must be at least 1"):
        StoreConfig.from_settings({"NEWSCRAWL_MONGO_BATCH_SIZE": 0})
    with pytest.raises(SettingError, match="must acknowledge writes"):
        StoreConfig.from_settings({"NEWSCRAWL_MONGO_WRITE_CONCERN": "0"})
