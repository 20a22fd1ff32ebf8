"""Article records of the demo news site, loaded from ``demo/articles/*.toml``.

Each TOML file describes one page under ``/<language>/news/YYYY/MM/<slug>.html``: its
text, metadata, page furniture (caption, related links, comments) and where the site lists
it (feed, sitemaps, section page, home page). The site builder renders pages and listings
from these records, so the expected answers in ``demo/manifest.json`` and the HTML come from
one source and cannot drift apart.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

#: The origin the static files are written for. ``demo.server`` rewrites it to the address
#: it actually listens on, so the same files serve the demo (port 8760) and the tests.
SITE_ORIGIN = "http://127.0.0.1:8760"
SITE_NAME = "موقع الديمو"

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LANGUAGES = ("ar", "en")
KINDS = ("article", "listing", "video")
DATE_STYLES = ("eg", "levant", "indic")
FEED_MODES = ("none", "plain", "tracking")
#: Query string the feed adds to the one article it lists under a tracking URL.
TRACKING_QUERY = "?utm_source=rss&utm_medium=feed"

SECTION_LABELS: dict[str, dict[str, str]] = {
    "ar": {
        "politics": "سياسة",
        "economy": "اقتصاد",
        "sports": "رياضة",
        "world": "العالم",
        "tech": "تكنولوجيا",
        "culture": "ثقافة وفنون",
    },
    "en": {
        "world": "World",
        "economy": "Economy",
        "sports": "Sports",
        "tech": "Tech",
    },
}

_KNOWN_KEYS = frozenset(
    {
        "slug",
        "language",
        "section",
        "kind",
        "published",
        "modified",
        "title",
        "teaser",
        "author",
        "credit",
        "image_caption",
        "photo_credit",
        "tags",
        "paragraphs",
        "read_also",
        "read_also_after",
        "related",
        "comments",
        "date_style",
        "jsonld",
        "encoding",
        "header_charset",
        "feed",
        "sitemap",
        "news_sitemap",
        "section_listing",
        "home",
        "items",
        "video_caption",
        "video_duration",
    }
)


class ArticleDataError(ValueError):
    """An article file is malformed; the message names the file and the fix."""


@dataclass(frozen=True)
class Comment:
    """One reader comment shown under an article."""

    name: str
    text: str
    when: str


@dataclass(frozen=True)
class Article:
    """One page of the demo site under the article URL pattern.

    ``kind`` is ``"article"`` for a news article, ``"listing"`` for a live-coverage index
    (headline links and teasers only) and ``"video"`` for a video-only page; the last two
    are not articles and must be rejected by the quality step.
    """

    slug: str
    language: str
    section: str
    kind: str
    published: datetime
    modified: datetime | None
    title: str
    teaser: str
    author: str | None
    credit: str | None
    image_caption: str
    photo_credit: str
    tags: tuple[str, ...]
    paragraphs: tuple[str, ...]
    read_also: str | None
    read_also_after: int
    related: tuple[str, ...]
    comments: tuple[Comment, ...]
    date_style: str
    jsonld: bool
    encoding: str
    header_charset: bool
    feed: str
    sitemap: bool
    news_sitemap: bool
    section_listing: bool
    home: bool
    items: tuple[str, ...] = ()
    video_caption: str = ""
    video_duration: str = ""
    source_file: str = field(default="", compare=False)

    @property
    def path(self) -> str:
        """The URL path, e.g. ``/ar/news/2024/03/central-bank-holds-interest-rates.html``."""
        return f"/{self.language}/news/{self.published:%Y}/{self.published:%m}/{self.slug}.html"

    @property
    def is_article(self) -> bool:
        """``True`` for news articles, ``False`` for listing and video pages."""
        return self.kind == "article"

    @property
    def section_path(self) -> str:
        """The path of the section page that lists this page."""
        return f"/{self.language}/section/{self.section}.html"

    @property
    def authors(self) -> tuple[str, ...]:
        """Personal bylines only (desk and agency credits are not authors)."""
        return (self.author,) if self.author else ()


def _require(data: dict[str, Any], key: str, kind: type, where: str) -> Any:
    if key not in data:
        raise ArticleDataError(f"{where}: missing key {key!r}")
    value = data[key]
    if not isinstance(value, kind):
        raise ArticleDataError(f"{where}: {key!r} must be a {kind.__name__}")
    return value


def _choice(value: str, allowed: tuple[str, ...], key: str, where: str) -> str:
    if value not in allowed:
        raise ArticleDataError(f"{where}: {key!r} is {value!r}; use one of {allowed}")
    return value


def _str_tuple(data: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ArticleDataError(f"{where}: {key!r} must be a list of strings")
    return tuple(value)


def _datetime(value: object, key: str, where: str) -> datetime:
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise ArticleDataError(f"{where}: {key!r} must be a TOML datetime with an offset")
    return value


def parse_article(data: dict[str, Any], where: str) -> Article:
    """Validate one decoded TOML table and build an :class:`Article`."""
    unknown = sorted(set(data) - _KNOWN_KEYS)
    if unknown:
        raise ArticleDataError(f"{where}: unknown keys {unknown}")
    language = _choice(_require(data, "language", str, where), LANGUAGES, "language", where)
    section = _require(data, "section", str, where)
    if section not in SECTION_LABELS[language]:
        raise ArticleDataError(f"{where}: no section {section!r} in language {language!r}")
    slug = _require(data, "slug", str, where)
    if not SLUG_RE.match(slug):
        raise ArticleDataError(f"{where}: slug {slug!r} must be lowercase ascii and dashes")
    modified = data.get("modified")
    comments = tuple(
        Comment(name=c["name"], text=c["text"], when=c["when"]) for c in data.get("comments", [])
    )
    return Article(
        slug=slug,
        language=language,
        section=section,
        kind=_choice(data.get("kind", "article"), KINDS, "kind", where),
        published=_datetime(data.get("published"), "published", where),
        modified=None if modified is None else _datetime(modified, "modified", where),
        title=_require(data, "title", str, where),
        teaser=_require(data, "teaser", str, where),
        author=data.get("author"),
        credit=data.get("credit"),
        image_caption=data.get("image_caption", ""),
        photo_credit=data.get("photo_credit", ""),
        tags=_str_tuple(data, "tags", where),
        paragraphs=_str_tuple(data, "paragraphs", where),
        read_also=data.get("read_also"),
        read_also_after=int(data.get("read_also_after", 2)),
        related=_str_tuple(data, "related", where),
        comments=comments,
        date_style=_choice(data.get("date_style", "eg"), DATE_STYLES, "date_style", where),
        jsonld=bool(data.get("jsonld", True)),
        encoding=data.get("encoding", "utf-8"),
        header_charset=bool(data.get("header_charset", True)),
        feed=_choice(data.get("feed", "none"), FEED_MODES, "feed", where),
        sitemap=bool(data.get("sitemap", True)),
        news_sitemap=bool(data.get("news_sitemap", False)),
        section_listing=bool(data.get("section_listing", True)),
        home=bool(data.get("home", False)),
        items=_str_tuple(data, "items", where),
        video_caption=data.get("video_caption", ""),
        video_duration=data.get("video_duration", ""),
        source_file=where,
    )


def load_article_file(path: Path) -> Article:
    """Load one article TOML file."""
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    return parse_article(data, path.name)


def load_articles(folder: Path) -> list[Article]:
    """Load every ``*.toml`` in ``folder``, sorted by URL path, checking paths are unique."""
    articles = sorted(
        (load_article_file(p) for p in sorted(folder.glob("*.toml"))), key=lambda a: a.path
    )
    seen: set[str] = set()
    for article in articles:
        if article.path in seen:
            raise ArticleDataError(f"{article.source_file}: duplicate path {article.path}")
        seen.add(article.path)
    return articles
