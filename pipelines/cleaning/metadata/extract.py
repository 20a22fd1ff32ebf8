"""``extract_metadata``: every metadata field of one article page, from its parsed tree.

The tree is only read, never changed, so the text side of the cleaning chain can use
the same tree before or after this runs.
"""

from __future__ import annotations

import logging
from datetime import datetime

import lxml.html

from pipelines.cleaning.metadata.authors import choose_authors
from pipelines.cleaning.metadata.fields import (
    choose_description,
    choose_section,
    choose_site_name,
    choose_tags,
    site_name_candidates,
)
from pipelines.cleaning.metadata.layout import header_zone
from pipelines.cleaning.metadata.model import Metadata
from pipelines.cleaning.metadata.pagedates import visible_dates
from pipelines.cleaning.metadata.published import choose_dates
from pipelines.cleaning.metadata.sources import collect_sources
from pipelines.cleaning.metadata.titles import choose_title
from pipelines.cleaning.metadata.urls import base_url, choose_canonical, choose_image, site_label

logger = logging.getLogger(__name__)


def extract_metadata(
    tree: lxml.html.HtmlElement,
    url: str,
    fetched_at: datetime,
    *,
    site_name_hint: str | None = None,
) -> Metadata:
    """Read title, dates, authors, tags, site name, section, image, canonical URL and description.

    ``url`` is the fetched URL (relative links resolve against it); ``fetched_at`` is the
    timezone-aware fetch time that relative dates ("منذ 3 ساعات") count back from;
    ``site_name_hint`` is the seed's name for the site, used when the page gives none
    and to recognise the site's name in titles and bylines.
    """
    sources = collect_sources(tree)
    names = site_name_candidates(sources, site_name_hint)
    site_name = choose_site_name(names)
    label = site_label(url)
    matching_names = [*names, label] if label else names
    title, headline = choose_title(tree, sources, matching_names)
    zone = header_zone(tree, headline)
    dates = choose_dates(sources, visible_dates(zone, fetched_at), url)
    base = base_url(tree, url)
    metadata = Metadata(
        title=title,
        published=dates.published.iso() if dates.published else None,
        modified=dates.modified.iso() if dates.modified else None,
        authors=choose_authors(zone, sources, matching_names),
        tags=choose_tags(sources, matching_names),
        site_name=site_name,
        section=choose_section(zone, sources, title),
        image=choose_image(sources, base),
        canonical_url=choose_canonical(sources, url, base),
        description=choose_description(sources),
    )
    if dates.distrusted:
        logger.debug("dates of %s disagree with the page: %s", url, sorted(dates.distrusted))
    return metadata
