"""Data types shared by the Scrapy-free cleaning chain.

The cleaning chain turns raw page bytes into a :class:`CleanArticle`. It never imports
Scrapy, so it runs the same way in the crawl, in ``scrapy extract``, in tests and in
benchmarks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class SiteHints:
    """Site-specific hints from a seed, applied on top of the general rules.

    ``noise_css``: CSS selectors of elements to delete before extraction.
    ``body_css``: optional CSS selector of the article body when the general rules fail.
    ``language``: the language the seed expects (ISO 639-1), or ``None``.
    ``site_name``: the seed's name, used when the page does not state one.
    """

    noise_css: tuple[str, ...] = ()
    body_css: str | None = None
    language: str | None = None
    site_name: str | None = None


@dataclass
class CleanArticle:
    """What the cleaning chain makes of one page.

    Field formats (the same names are used by ``scrapy extract`` and in MongoDB):

    - ``is_article``: ``False`` for pages that are not a news article (section index,
      video-only page, gallery, tag page, error page); ``reason`` then says why.
    - ``title``: the visible headline without a site-name suffix.
    - ``text``: the body paragraphs in order, joined by ``"\\n"``; ``""`` when no article.
    - ``published`` / ``modified``: ISO 8601 with a UTC offset (``2024-01-30T14:05:00+00:00``),
      or ``None``.
    - ``authors``: personal bylines only, without prefixes ("كتب", "By") or agencies.
    - ``language``: ISO 639-1 code detected on the clean text; ``language_confidence`` 0..1.
    - ``tags``: the article's own tag list.
    - ``canonical_url``: the page's ``rel=canonical``/``og:url`` when on the same site,
      else the fetched URL.
    """

    url: str
    is_article: bool = True
    reason: str | None = None
    title: str | None = None
    text: str = ""
    published: str | None = None
    modified: str | None = None
    authors: list[str] = field(default_factory=list)
    language: str | None = None
    language_confidence: float | None = None
    tags: list[str] = field(default_factory=list)
    site_name: str | None = None
    section: str | None = None
    image: str | None = None
    canonical_url: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class PageInput:
    """One fetched page as the cleaning chain receives it.

    ``body`` is the raw bytes; ``encoding`` is the charset from the HTTP header when there
    was one (the chain also reads ``<meta charset>`` and falls back to detection).
    ``fetched_at`` is timezone-aware; relative dates ("منذ 3 ساعات") resolve against it.
    """

    body: bytes
    url: str
    fetched_at: datetime
    encoding: str | None = None
    hints: SiteHints = SiteHints()
