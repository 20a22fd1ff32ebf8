"""Turn a cleaned article into an idempotent MongoDB upsert (the ``articles`` schema).

The document ``_id`` is :func:`article_id` of the canonical URL, so storing the same
article again (a re-crawl, a retry, a spool replay) updates one document instead of
adding a copy. docs/schema.md describes every field for downstream consumers; bump
:data:`SCHEMA_VERSION` when a field changes meaning.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, NamedTuple

SCHEMA_VERSION = 1

#: Article fields copied as they are (formats as in ``pipelines.cleaning.model.CleanArticle``).
TEXT_FIELDS = ("title", "published", "modified", "site_name", "section", "image", "description")
LIST_FIELDS = ("authors", "tags")
#: Fields that define the article's content: a change in one of them counts as "updated".
CONTENT_FIELDS = (
    "canonical_url",
    "title",
    "text",
    "published",
    "modified",
    "authors",
    "language",
    "tags",
    "site_name",
    "section",
    "image",
    "description",
)
#: Set by the dedup stage when present; omitted otherwise so their sparse indexes stay small
#: (and so a re-fetch that does not set them keeps the stored values).
OPTIONAL_FIELDS = ("fingerprint", "cluster_id", "duplicate_of", "similarity")


class DocumentError(ValueError):
    """The article lacks what every stored document needs (``url``, ``site``)."""


class Upsert(NamedTuple):
    """An ``update_one(filter, update, upsert=True)`` pair; unpacks as a tuple."""

    filter: dict[str, Any]
    update: dict[str, Any]


def article_id(canonical_url: str) -> str:
    """Stable document id: the SHA-1 hex digest of the canonical URL (40 characters).

    Only surrounding whitespace is ignored; making URLs canonical is the extract and dedup
    stages' job, so two spellings of one URL are two ids here.
    """
    return hashlib.sha1(canonical_url.strip().encode("utf-8")).hexdigest()


def to_utc(moment: datetime) -> datetime:
    """``moment`` in UTC, truncated to milliseconds (what BSON dates keep).

    Truncating here makes a stored date compare equal to the value that was written.
    Naive datetimes are refused: their time zone is unknowable.
    """
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"naive datetime {moment!r}: give a timezone-aware one")
    moment = moment.astimezone(UTC)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def parse_iso(value: str | None) -> datetime | None:
    """Parse an ISO 8601 date from the article into an aware UTC datetime, else ``None``.

    The cleaning chain gives dates with an offset; a value without one is taken as UTC
    (a date alone as midnight UTC). Unparseable values give ``None``, never an error:
    the original string is stored anyway.
    """
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if moment.tzinfo is None or moment.utcoffset() is None:
        moment = moment.replace(tzinfo=UTC)
    return to_utc(moment)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value)
    return text or None


def _strings(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if value else []
    if isinstance(value, Sequence):
        return [str(v) for v in value if v is not None and str(v)]
    return [str(value)]


def content_hash(doc: Mapping[str, Any]) -> str:
    """SHA-1 of the content fields of a document (see :data:`CONTENT_FIELDS`)."""
    payload = json.dumps(
        {name: doc.get(name) for name in CONTENT_FIELDS},
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha1(payload.encode("utf-8")).hexdigest()


def article_fields(fields: Mapping[str, Any]) -> dict[str, Any]:
    """The stored article fields (no bookkeeping fields) from an item or clean article."""
    url = _text(fields.get("url"))
    site = _text(fields.get("site"))
    if url is None:
        raise DocumentError("article without url cannot be stored")
    if site is None:
        raise DocumentError(f"article {url} has no site id")
    confidence = fields.get("language_confidence")
    doc: dict[str, Any] = {
        "url": url,
        "canonical_url": _text(fields.get("canonical_url")) or url,
        "site": site,
        "text": str(fields.get("text") or ""),
        "language": _text(fields.get("language")),
        "language_confidence": None if confidence is None else float(confidence),
        "language_mismatch": bool(fields.get("language_mismatch", False)),
    }
    for name in TEXT_FIELDS:
        doc[name] = _text(fields.get(name))
    for name in LIST_FIELDS:
        doc[name] = _strings(fields.get(name))
    doc["published_at"] = parse_iso(doc["published"])
    doc["modified_at"] = parse_iso(doc["modified"])
    for name in OPTIONAL_FIELDS:
        if fields.get(name) is not None:
            doc[name] = fields[name]
    return doc


def to_document(fields: Mapping[str, Any], now: datetime) -> Upsert:
    """Build the upsert that stores one article seen at ``now`` (timezone-aware).

    ``$set`` holds the article fields (the latest crawl wins), ``content_hash``,
    ``last_seen`` and ``schema_version``; ``$inc`` counts ``fetch_count``;
    ``$setOnInsert`` sets ``first_seen`` once. ``published``/``modified`` stay the ISO
    strings the page gave; ``published_at``/``modified_at`` are the same instants as UTC
    dates for range queries and sorting.

    Raises :class:`DocumentError` without ``url`` or ``site``, ``ValueError`` for a naive
    ``now``.
    """
    seen = to_utc(now)
    doc = article_fields(fields)
    doc["content_hash"] = content_hash(doc)
    doc["last_seen"] = seen
    doc["schema_version"] = SCHEMA_VERSION
    update = {
        "$set": doc,
        "$inc": {"fetch_count": 1},
        "$setOnInsert": {"first_seen": seen},
    }
    return Upsert({"_id": article_id(doc["canonical_url"])}, update)
