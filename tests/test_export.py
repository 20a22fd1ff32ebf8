"""``scrapy export`` and its read helper: articles since a time as JSON Lines."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from pymongo.database import Database

from pipelines.storage.export import iter_records, parse_since, to_record, write_jsonl

ROOT = Path(__file__).resolve().parent.parent
T0 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def _doc(n: int, site: str, language: str) -> dict[str, Any]:
    return {
        "_id": f"id{n}",
        "site": site,
        "language": language,
        "title": f"عنوان {n}",
        "first_seen": T0 + timedelta(hours=n),
        "published_at": T0 - timedelta(days=1),
        "published": "2024-04-30T15:00:00+03:00",
        "authors": [],
        "schema_version": 1,
    }


@pytest.fixture
def stored(db: Database[dict[str, Any]]) -> Database[dict[str, Any]]:
    db.articles.insert_many(
        [_doc(0, "a", "ar"), _doc(1, "b", "ar"), _doc(2, "a", "en"), _doc(3, "a", "ar")]
    )
    return db


def test_parse_since_accepts_iso_and_takes_naive_as_utc() -> None:
    assert parse_since("2024-05-01T12:00:00Z") == T0
    assert parse_since("2024-05-01T15:00:00+03:00") == T0
    assert parse_since("2024-05-01T12:00") == T0
    assert parse_since("2024-05-01") == datetime(2024, 5, 1, tzinfo=UTC)
    with pytest.raises(ValueError, match="not an ISO 8601 time"):
        parse_since("yesterday")


def test_record_renames_id_and_writes_dates_as_iso() -> None:
    moment = datetime(2024, 5, 1, 15, 0, tzinfo=timezone(timedelta(hours=3)))
    record = to_record({"_id": "x", "first_seen": moment, "nested": [{"at": moment}]})
    assert record == {
        "id": "x",
        "first_seen": "2024-05-01T12:00:00+00:00",
        "nested": [{"at": "2024-05-01T12:00:00+00:00"}],
    }


def test_export_since_with_site_and_language_filters(
    stored: Database[dict[str, Any]],
) -> None:
    since = T0 + timedelta(hours=1)
    assert [r["id"] for r in iter_records(stored.articles, since)] == ["id1", "id2", "id3"]
    assert [r["id"] for r in iter_records(stored.articles, since, site="a")] == ["id2", "id3"]
    only = list(iter_records(stored.articles, since, site="a", language="ar"))
    assert [r["id"] for r in only] == ["id3"]
    assert only[0]["first_seen"] == "2024-05-01T15:00:00+00:00"
    assert only[0]["published_at"] == "2024-04-30T12:00:00+00:00"
    out = io.StringIO()
    assert write_jsonl(iter_records(stored.articles, since, site="a"), out) == 2
    lines = out.getvalue().splitlines()
    assert [json.loads(line)["title"] for line in lines] == ["عنوان 2", "عنوان 3"]
    assert "عنوان" in lines[0]  # UTF-8 text, not \\u escapes


def test_export_command_writes_the_file(
    stored: Database[dict[str, Any]], mongo_uri: str, db_name: str, tmp_path: Path
) -> None:
    target = tmp_path / "out.jsonl"
    env = {
        **os.environ,
        "SCRAPY_PROJECT": "test",
        "NEWSCRAWL_MONGO_URI": mongo_uri,
        "NEWSCRAWL_MONGO_DATABASE": db_name,
    }
    command = [sys.executable, "-m", "scrapy", "export", "--since", "2024-05-01T15:00:00+02:00"]
    proc = subprocess.run(
        [*command, "--language", "ar", "-o", str(target)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    records = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in records] == ["id1", "id3"]
    assert "exported 2 articles" in proc.stderr
    bad = subprocess.run(
        [sys.executable, "-m", "scrapy", "export", "--since", "soon"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert bad.returncode == 2
    assert bad.stderr.strip().splitlines()[-1].startswith("newscrawl: --since 'soon'")
