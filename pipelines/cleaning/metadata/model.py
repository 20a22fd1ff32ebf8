"""The :class:`Metadata` record that :func:`extract_metadata` returns."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Metadata:
    """Article metadata read from one page's markup.

    Field formats:

    - ``title``: the visible headline, whitespace collapsed, without a site-name prefix or
      suffix.
    - ``published`` / ``modified``: ISO 8601. Three precisions, always in this form:
      ``2024-03-14T23:20:00+02:00`` when the time and the UTC offset are known (seconds
      always present, no fractions, ``Z`` written as ``+00:00``); ``2024-03-14T23:20:00``
      when the page gives a local time but nothing tells its offset; ``2024-03-14`` when
      only the day is known (a date line without a time, a Hijri or Solar Hijri date,
      "منذ يومين", a date in the URL).
    - ``authors``: personal bylines in page order, without prefixes ("كتب", "By") and
      without agencies, desks or the site itself.
    - ``tags``: the article's keywords from the markup (``article:tag``, JSON-LD
      ``keywords``, ``<meta name="keywords">``), in order, without duplicates.
    - ``site_name``: the name the site gives itself.
    - ``section``: the section the article is filed under.
    - ``image``: the absolute URL of the lead image.
    - ``canonical_url``: ``rel=canonical``/``og:url`` made absolute when it is on the same
      site as the fetched URL, else the fetched URL.
    - ``description``: the page's summary from ``<meta name="description">`` and the like.
    """

    title: str | None = None
    published: str | None = None
    modified: str | None = None
    authors: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    site_name: str | None = None
    section: str | None = None
    image: str | None = None
    canonical_url: str | None = None
    description: str | None = None
