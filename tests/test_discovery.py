"""Feeds, sitemaps, sitemap indexes, news sitemaps and robots.txt parsing."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime

import pytest

from crawler.discovery import ListingKind, parse_listing, sitemaps_from_robots

RSS = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>x</title>
<item><title>a</title><link>https://www.youm7.com/story/2024/3/14/%D8%A7/6512345</link>
<pubDate>Thu, 14 Mar 2024 09:20:00 +0200</pubDate></item>
<item><title>b</title><guid>https://www.youm7.com/story/2024/3/14/b/6512346</guid></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>x</title>
<entry><link rel="alternate" href="https://www.bbc.com/arabic/articles/c1"/>
<link rel="enclosure" href="https://img/x.jpg"/><updated>2024-10-12T08:00:00Z</updated></entry>
</feed>"""

NEWS_SITEMAP = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
 xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>https://www.aljazeera.net/news/2024/1/30/x</loc>
<news:news><news:publication><news:name>x</news:name><news:language>ar</news:language>
</news:publication><news:publication_date>2024-01-30T14:05:00+03:00</news:publication_date>
<news:title>t</news:title></news:news></url>
<url><loc> https://www.aljazeera.net/news/2024/1/30/y </loc><lastmod>2024-01-29</lastmod></url>
</urlset>"""

INDEX = b"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>https://example.com/sitemap-1.xml.gz</loc><lastmod>2024-02-01T00:00:00Z</lastmod></sitemap>
<sitemap><loc>https://example.com/sitemap-2.xml</loc></sitemap>
</sitemapindex>"""


def test_rss_links_guids_and_dates() -> None:
    listing = parse_listing(RSS)
    assert listing.kind is ListingKind.FEED
    assert [e.url for e in listing.entries] == [
        "https://www.youm7.com/story/2024/3/14/%D8%A7/6512345",
        "https://www.youm7.com/story/2024/3/14/b/6512346",
    ]
    assert listing.entries[0].date == datetime(2024, 3, 14, 7, 20, tzinfo=UTC)
    assert listing.entries[1].date is None


def test_atom_alternate_link_only() -> None:
    listing = parse_listing(ATOM)
    assert listing.kind is ListingKind.FEED
    assert [(e.url, e.date) for e in listing.entries] == [
        ("https://www.bbc.com/arabic/articles/c1", datetime(2024, 10, 12, 8, tzinfo=UTC))
    ]


def test_news_sitemap_prefers_publication_date() -> None:
    listing = parse_listing(NEWS_SITEMAP)
    assert listing.kind is ListingKind.URLSET
    assert [(e.url, e.date) for e in listing.entries] == [
        ("https://www.aljazeera.net/news/2024/1/30/x", datetime(2024, 1, 30, 11, 5, tzinfo=UTC)),
        ("https://www.aljazeera.net/news/2024/1/30/y", datetime(2024, 1, 29, tzinfo=UTC)),
    ]


def test_gzipped_sitemap_index() -> None:
    listing = parse_listing(gzip.compress(INDEX))
    assert listing.kind is ListingKind.SITEMAP_INDEX
    assert [e.url for e in listing.entries] == [
        "https://example.com/sitemap-1.xml.gz",
        "https://example.com/sitemap-2.xml",
    ]


def test_html_is_unknown_and_garbage_is_an_error() -> None:
    assert parse_listing(b"<html><body><p>hi</p></body></html>").kind is ListingKind.UNKNOWN
    with pytest.raises(ValueError, match="not XML"):
        parse_listing(b"\x00\x01 not xml at all")
    with pytest.raises(ValueError, match="gzip"):
        parse_listing(b"\x1f\x8b\x08broken")


def test_robots_sitemaps() -> None:
    robots = (
        "User-agent: *\nDisallow: /private/\n"
        "Sitemap: https://www.hespress.com/sitemap.xml\n"
        "sitemap:https://www.hespress.com/news-sitemap.xml\n"
        "Sitemap: https://www.hespress.com/sitemap.xml\n"
    )
    assert sitemaps_from_robots(robots) == [
        "https://www.hespress.com/sitemap.xml",
        "https://www.hespress.com/news-sitemap.xml",
    ]
