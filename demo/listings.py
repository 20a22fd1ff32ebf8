"""Machine-readable listings of the demo site: RSS feed, sitemaps, news sitemap, robots.txt.

Each function takes the pages it lists and returns the document text; the builder decides
which pages go where (see the ``feed``/``sitemap``/``news_sitemap`` flags of each article).
"""

from __future__ import annotations

from collections.abc import Sequence
from email.utils import format_datetime
from xml.sax.saxutils import escape

from demo.chrome import url
from demo.model import SITE_NAME, TRACKING_QUERY, Article

XML_DECL = '<?xml version="1.0" encoding="UTF-8"?>\n'


def feed_link(article: Article) -> str:
    """The path the feed lists for an article (with tracking parameters for one of them)."""
    return article.path + (TRACKING_QUERY if article.feed == "tracking" else "")


def rss_feed(entries: Sequence[Article]) -> str:
    """An RSS 2.0 feed of ``entries`` (newest first); ``lastBuildDate`` is the newest date."""
    ordered = sorted(entries, key=lambda a: a.published, reverse=True)
    items = []
    for article in ordered:
        link = escape(url(feed_link(article)))
        creator = article.author or article.credit or SITE_NAME
        categories = "".join(f"<category>{escape(tag)}</category>" for tag in article.tags)
        items.append(
            "<item>"
            f"<title>{escape(article.title)}</title>"
            f"<link>{link}</link>"
            f'<guid isPermaLink="true">{link}</guid>'
            f"<pubDate>{format_datetime(article.published)}</pubDate>"
            f"<dc:creator>{escape(creator)}</dc:creator>"
            f"{categories}"
            f"<description>{escape(article.teaser)}</description>"
            "</item>"
        )
    build_date = format_datetime(ordered[0].published)
    return (
        XML_DECL + '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/">\n<channel>\n'
        f"<title>{SITE_NAME}</title>\n<link>{url('/')}</link>\n"
        f"<description>آخر أخبار {SITE_NAME}</description>\n<language>ar</language>\n"
        f"<lastBuildDate>{build_date}</lastBuildDate>\n"
        f'<atom:link href="{url("/feed.xml")}" rel="self" type="application/rss+xml"/>\n'
        + "\n".join(items)
        + "\n</channel>\n</rss>\n"
    )


def sitemap_index(children: Sequence[tuple[str, str]]) -> str:
    """A sitemap index of ``(path, lastmod)`` children."""
    rows = "".join(
        f"<sitemap><loc>{escape(url(path))}</loc><lastmod>{lastmod}</lastmod></sitemap>\n"
        for path, lastmod in children
    )
    return (
        XML_DECL
        + '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        + rows
        + "</sitemapindex>\n"
    )


def lastmod(article: Article) -> str:
    """The sitemap ``lastmod`` of a page: its modification time, else its publication."""
    return (article.modified or article.published).isoformat()


def urlset(entries: Sequence[Article]) -> str:
    """A plain sitemap (urlset) with ``lastmod`` for each page."""
    rows = "".join(
        f"<url><loc>{escape(url(article.path))}</loc><lastmod>{lastmod(article)}</lastmod>"
        "<changefreq>never</changefreq></url>\n"
        for article in entries
    )
    return (
        XML_DECL
        + '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        + rows
        + "</urlset>\n"
    )


def news_sitemap(entries: Sequence[Article]) -> str:
    """A Google News sitemap: ``news:publication``, ``news:publication_date``, ``news:title``."""
    rows = []
    for article in sorted(entries, key=lambda a: a.published, reverse=True):
        rows.append(
            f"<url><loc>{escape(url(article.path))}</loc><news:news><news:publication>"
            f"<news:name>{SITE_NAME}</news:name>"
            f"<news:language>{article.language}</news:language></news:publication>"
            f"<news:publication_date>{article.published.isoformat()}</news:publication_date>"
            f"<news:title>{escape(article.title)}</news:title>"
            f"<news:keywords>{escape(', '.join(article.tags))}</news:keywords>"
            "</news:news></url>\n"
        )
    return (
        XML_DECL + '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">\n'
        + "".join(rows)
        + "</urlset>\n"
    )


def robots_txt() -> str:
    """robots.txt: everything but /private/ is allowed; both sitemaps are announced."""
    return (
        "# robots.txt for the demo news site\n"
        "User-agent: *\n"
        "Disallow: /private/\n"
        "\n"
        f"Sitemap: {url('/sitemap.xml')}\n"
        f"Sitemap: {url('/news-sitemap.xml')}\n"
    )


def svg_image(seed: str, label: str) -> str:
    """A small placeholder picture whose colours derive from ``seed`` (deterministic)."""
    value = sum((i + 1) * ord(ch) for i, ch in enumerate(seed))
    hue_a, hue_b = value % 360, (value * 7) % 360
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="800" height="450" '
        'viewBox="0 0 800 450">'
        f'<rect width="800" height="450" fill="hsl({hue_a},45%,55%)"/>'
        f'<circle cx="{200 + value % 400}" cy="225" r="120" fill="hsl({hue_b},50%,40%)"/>'
        f'<text x="400" y="420" font-size="28" text-anchor="middle" fill="#fff">'
        f"{escape(label)}</text></svg>\n"
    )
