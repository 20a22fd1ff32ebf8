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

    # Dedup fields, filled by the dedup pipeline (see docs/schema.md).
    #: Exact-text fingerprint: 32 hex characters (BLAKE2b-128 of the normalized text).
    fingerprint: str | None = None
    #: ``_id`` of the first article of this story (the article's own ``_id`` when it is the
    #: first); ``None`` on a re-fetch, which keeps the stored value.
    cluster_id: str | None = None
    #: ``_id`` of the first article of the story when this one is a copy of it, else ``None``.
    duplicate_of: str | None = None
    #: Similarity to that article, 0 to 1 (1.0 for the same fingerprint), else ``None``.
    similarity: float | None = None
