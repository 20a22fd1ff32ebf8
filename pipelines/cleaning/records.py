"""Saved pages in, JSON records out: the Scrapy-free core of ``scrapy extract``.

A page comes from a ``.html`` file, a gzipped ``.html.gz`` file, or standard input (``-``).
Its URL is the one given, else the page's ``<link rel="canonical">`` or ``og:url``, else the
file's ``file://`` URL. Each record carries the fields users and the quality benchmark read, under
the names the store uses.
"""

from __future__ import annotations

import gzip
import re
import sys
from collections.abc import Iterable
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from pipelines.cleaning.chain import clean_page
from pipelines.cleaning.decode import decode_page
from pipelines.cleaning.model import CleanArticle, PageInput, SiteHints

#: Record keys, in output order; ``reason`` only appears for non-articles.
RECORD_FIELDS = (
    "file",
    "url",
    "is_article",
    "reason",
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
    "canonical_url",
)
_TAG = re.compile(r"<(?:link|meta)\b[^>]*>", re.IGNORECASE)
_ATTRIBUTE = re.compile(r"([\w:-]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>]+))")
_GZIP_MAGIC = b"\x1f\x8b"


def read_page(path: str, stdin: BinaryIO | None = None) -> bytes:
    """The bytes of a page file (un-gzipped when compressed), or of stdin for ``-``."""
    data = (stdin or sys.stdin.buffer).read() if path == "-" else Path(path).read_bytes()
    return gzip.decompress(data) if data[:2] == _GZIP_MAGIC else data


def _attributes(tag: str) -> dict[str, str]:
    return {
        m.group(1).lower(): next(g for g in m.groups()[1:] if g is not None)
        for m in _ATTRIBUTE.finditer(tag)
    }


def canonical_link(body: bytes) -> str | None:
    """The page's ``<link rel="canonical">`` URL, else its ``og:url``, if it states one."""
    text, _ = decode_page(body[:65536])
    og_url = None
    for match in _TAG.finditer(text):
        attributes = _attributes(match.group(0))
        if "canonical" in attributes.get("rel", "").lower().split() and attributes.get("href"):
            return attributes["href"].strip()
        if attributes.get("property", attributes.get("name", "")).lower() == "og:url":
            og_url = og_url or attributes.get("content", "").strip() or None
    return og_url


def page_url(path: str, body: bytes, url: str | None = None) -> str:
    """The URL to clean a page under: given, canonical, or the file's own URL."""
    if url:
        return url
    found = canonical_link(body)
    if found:
        return found
    if path == "-":
        return "file:///dev/stdin"
    return Path(path).resolve().as_uri()


def to_record(file: str, article: CleanArticle) -> dict[str, Any]:
    """The JSON record of one cleaned page."""
    values = asdict(article)
    values["file"] = file
    record = {name: values.get(name) for name in RECORD_FIELDS}
    if article.is_article:
        record.pop("reason")
    return record


def extract_files(
    paths: Iterable[str],
    url: str | None = None,
    fetched_at: datetime | None = None,
    hints: SiteHints | None = None,
    stdin: BinaryIO | None = None,
) -> Iterable[dict[str, Any]]:
    """Clean each page and yield its record (``OSError`` propagates for unreadable files)."""
    when = fetched_at or datetime.now(UTC)
    for path in paths:
        body = read_page(path, stdin)
        page = PageInput(
            body=body, url=page_url(path, body, url), fetched_at=when, hints=hints or SiteHints()
        )
        yield to_record(path, clean_page(page))
