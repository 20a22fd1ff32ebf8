"""Articles stored since a time, as JSON Lines: the read helper behind ``scrapy export``.

Consumers who do not want to query MongoDB themselves (an hourly job feeding a search index,
a data hand-off) take a file: one JSON object per article, oldest ``first_seen`` first.
The cursor is streamed, so an export of millions of articles needs no more memory than one.
Dates become ISO 8601 strings in UTC and ``_id`` is written as ``id``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import IO, Any

from pymongo.collection import Collection

from pipelines.storage.documents import parse_iso

#: Documents fetched per round trip while streaming.
BATCH_SIZE = 500


def parse_since(value: str) -> datetime:
    """``--since`` as an aware UTC datetime; a time without an offset is taken as UTC.

    Raises ``ValueError`` with a one-line message for anything but ISO 8601.
    """
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        parsed = parse_iso(value)
        if parsed is None:
            raise ValueError(
                f"--since {value!r} is not an ISO 8601 time (e.g. 2024-05-01T00:00:00Z)"
            ) from None
        moment = parsed
    if moment.utcoffset() is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def export_query(
    since: datetime, site: str | None = None, language: str | None = None
) -> dict[str, Any]:
    """The filter of an export: ``first_seen >= since`` (index ``first_seen``), site, language."""
    query: dict[str, Any] = {"first_seen": {"$gte": since}}
    if site:
        query["site"] = site
    if language:
        query["language"] = language
    return query


def _plain(value: Any) -> Any:
    """A JSON-ready value: datetimes as ISO strings in UTC, containers converted inside."""
    if isinstance(value, datetime):
        if value.utcoffset() is None:
            value = value.replace(tzinfo=UTC)  # BSON dates are UTC
        return value.astimezone(UTC).isoformat()
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def to_record(doc: Mapping[str, Any]) -> dict[str, Any]:
    """One exported article: ``_id`` renamed to ``id`` (first), every date an ISO string."""
    record: dict[str, Any] = {"id": doc.get("_id")}
    record.update((k, _plain(v)) for k, v in doc.items() if k != "_id")
    return record


def iter_records(
    articles: Collection[Any],
    since: datetime,
    site: str | None = None,
    language: str | None = None,
) -> Iterator[dict[str, Any]]:
    """Stream the matching articles, oldest ``first_seen`` first (ties by ``_id``)."""
    cursor = (
        articles.find(export_query(since, site, language))
        .sort([("first_seen", 1), ("_id", 1)])
        .batch_size(BATCH_SIZE)
    )
    try:
        for doc in cursor:
            yield to_record(doc)
    finally:
        cursor.close()


def write_jsonl(records: Iterator[Mapping[str, Any]], out: IO[str]) -> int:
    """Write one JSON object per line (UTF-8 text, not escaped); return how many."""
    count = 0
    for record in records:
        out.write(json.dumps(record, ensure_ascii=False, sort_keys=False))
        out.write("\n")
        count += 1
    return count
