"""Parse the documents that list article URLs: RSS/Atom feeds and (news) sitemaps.

Scrapy-free so it can be unit-tested on bytes. One parser serves feeds and sitemaps because
sites mix them up: a "sitemap" URL may serve RSS and a "feed" may be a sitemap. Entries carry
the date the listing gives (feed ``pubDate``/``updated``, sitemap ``lastmod``, news sitemap
``publication_date``) so a crawl can skip old archive entries.
"""

from __future__ import annotations

import gzip
import logging
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from enum import StrEnum

from lxml import etree

logger = logging.getLogger(__name__)

#: Upper bound for a decompressed sitemap (the sitemap protocol allows 50 MB).
MAX_LISTING_BYTES = 64 * 1024 * 1024


class ListingKind(StrEnum):
    """What a listing document turned out to be."""

    URLSET = "urlset"
    SITEMAP_INDEX = "sitemapindex"
    FEED = "feed"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Entry:
    """One URL listed by a feed or sitemap, with the date the listing gives (UTC) if any."""

    url: str
    date: datetime | None = None


@dataclass(frozen=True)
class Listing:
    """A parsed feed or sitemap."""

    kind: ListingKind
    entries: tuple[Entry, ...]


def _local(tag: object) -> str:
    if not isinstance(tag, str):
        return ""
    return tag.rpartition("}")[2].lower()


def _parse_date(value: str | None) -> datetime | None:
    """Parse W3C (ISO 8601) or RFC 822 dates; naive values are taken as UTC."""
    if not value:
        return None
    value = value.strip()
    parsed: datetime | None = None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            parsed = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def decompress(body: bytes) -> bytes:
    """Return ``body`` gunzipped when it is gzip data (``.xml.gz`` sitemaps), else as is."""
    if body[:2] != b"\x1f\x8b":
        return body
    decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        data = decompressor.decompress(body, MAX_LISTING_BYTES)
    except (zlib.error, gzip.BadGzipFile) as exc:
        raise ValueError(f"broken gzip data: {exc}") from exc
    if decompressor.unconsumed_tail:
        raise ValueError(f"decompressed listing larger than {MAX_LISTING_BYTES} bytes")
    return data


def _child_text(element: etree._Element, *names: str) -> str | None:
    """Text of the first descendant whose local name is one of ``names``."""
    for child in element.iter():
        if _local(child.tag) in names and child.text and child.text.strip():
            return str(child.text).strip()
    return None


def _sitemap_entries(root: etree._Element, item: str) -> list[Entry]:
    entries = []
    for element in root:
        if _local(element.tag) != item:
            continue
        loc = None
        for child in element:
            if _local(child.tag) == "loc" and child.text:
                loc = child.text.strip()
                break
        if not loc:
            continue
        date = _parse_date(_child_text(element, "publication_date")) or _parse_date(
            _child_text(element, "lastmod")
        )
        entries.append(Entry(loc, date))
    return entries


def _feed_entries(root: etree._Element) -> list[Entry]:
    entries = []
    for element in root.iter():
        name = _local(element.tag)
        if name == "item":  # RSS 2.0 and RSS 1.0
            link = _child_text(element, "link") or (
                element.get("{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about")
            )
            if not link:
                guid = _child_text(element, "guid")
                link = guid if guid and guid.startswith("http") else None
            date = _parse_date(_child_text(element, "pubdate", "date"))
        elif name == "entry":  # Atom
            link = None
            for child in element:
                if _local(child.tag) == "link" and child.get("rel", "alternate") == "alternate":
                    link = child.get("href")
                    break
            date = _parse_date(_child_text(element, "published", "updated"))
        else:
            continue
        if link:
            entries.append(Entry(link.strip(), date))
    return entries


def parse_listing(body: bytes) -> Listing:
    """Parse a feed or sitemap document (gzip allowed) into its entries.

    Raises ``ValueError`` for data that is not XML at all; a well-formed document of another
    kind gives ``ListingKind.UNKNOWN`` with no entries.
    """
    data = decompress(body)
    parser = etree.XMLParser(
        recover=True, resolve_entities=False, no_network=True, remove_comments=True, huge_tree=True
    )
    try:
        root = etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise ValueError(f"not XML: {exc}") from exc
    if root is None:
        raise ValueError("not XML: empty document")
    kind = _local(root.tag)
    if kind == "urlset":
        return Listing(ListingKind.URLSET, tuple(_sitemap_entries(root, "url")))
    if kind == "sitemapindex":
        return Listing(ListingKind.SITEMAP_INDEX, tuple(_sitemap_entries(root, "sitemap")))
    if kind in {"rss", "feed", "rdf"}:
        return Listing(ListingKind.FEED, tuple(_feed_entries(root)))
    return Listing(ListingKind.UNKNOWN, ())


def sitemaps_from_robots(text: str) -> list[str]:
    """The ``Sitemap:`` URLs a robots.txt lists, in order, without duplicates."""
    found: list[str] = []
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key.strip().lower() == "sitemap" and value.strip():
            url = value.strip()
            if url not in found:
                found.append(url)
    return found
