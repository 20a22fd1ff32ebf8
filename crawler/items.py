"""The item that travels from the spider through the pipelines into MongoDB."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class ArticleItem:
    """One fetched article page, then the cleaned article.

    The spider fills the page fields; the extract pipeline fills the article fields and
    drops ``body`` so raw HTML never reaches the store.
    """

    #: The URL that was requested (before redirects).
    request_url: str
    #: The final URL after redirects.
    url: str
    #: The seed id (file name of the seed without ``.toml``).
    site: str
    #: When the page was fetched, timezone-aware UTC.
    fetched_at: datetime
    #: Raw page bytes; set to ``None`` by the extract pipeline.
    body: bytes | None = None
    #: Charset from the HTTP ``Content-Type`` header, or ``None``.
    encoding: str | None = None
    #: HTTP status of the final response.
    status: int = 200
    #: ``True`` when the page was rendered in Chromium.
    rendered: bool = False

    # Article fields, filled by the extract and language pipelines (formats as in
    # pipelines.cleaning.model.CleanArticle).
    canonical_url: str | None = None
    title: str | None = None
    text: str = ""
    published: str | None = None
    modified: str | None = None
    authors: list[str] = field(default_factory=list)
    language: str | None = None
    language_confidence: float | None = None
    #: ``True`` when the detected language differs from the seed's.
    language_mismatch: bool = False
    tags: list[str] = field(default_factory=list)
    site_name: str | None = None
    section: str | None = None
    image: str | None = None
    description: str | None = None
    is_article: bool = True
    reason: str | None = None
