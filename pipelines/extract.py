"""Extract pipeline: raw page in, cleaned article fields out (the cleaning chain).

A thin adapter over :func:`pipelines.cleaning.chain.clean_page`. The chain also detects the
language and gives the article verdict; the language and quality pipelines act on those
fields (count, flag, drop). The raw HTML is dropped here so it never reaches the store.
"""

from __future__ import annotations

import logging
from dataclasses import asdict
from typing import Any

from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem

from pipelines.base import Component
from pipelines.cleaning.chain import clean_page
from pipelines.cleaning.model import CleanArticle, PageInput, SiteHints

logger = logging.getLogger(__name__)

#: Fields the chain fills on the item (everything but the page URL it was given).
_ARTICLE_FIELDS = tuple(name for name in CleanArticle.__dataclass_fields__ if name != "url")


def page_input(adapter: ItemAdapter, hints: SiteHints) -> PageInput:
    """The cleaning chain's input for an item as the spider made it."""
    return PageInput(
        body=adapter["body"],
        url=adapter["url"],
        fetched_at=adapter["fetched_at"],
        encoding=adapter.get("encoding"),
        hints=hints,
    )


def apply_article(adapter: ItemAdapter, article: CleanArticle) -> None:
    """Copy the cleaned article onto the item and drop the raw page."""
    values = asdict(article)
    for name in _ARTICLE_FIELDS:
        adapter[name] = values[name]
    if not adapter.get("canonical_url"):
        adapter["canonical_url"] = adapter["url"]
    adapter["body"] = None


class ExtractPipeline(Component):
    """Run the cleaning chain on every fetched page."""

    name = "extract"

    def process_item(self, item: Any, spider: Any = None) -> Any:
        adapter = ItemAdapter(item)
        if adapter.get("body") is None:
            self.count("skipped/no_body")
            return item
        hints = self.seed_attr(adapter["site"], "hints", SiteHints())
        try:
            article = clean_page(page_input(adapter, hints))
        except Exception as exc:
            # A page that breaks the cleaner must not stop the crawl: count it and go on.
            logger.exception("Extraction failed for %s", adapter["url"])
            self.count(f"errors/{type(exc).__name__}")
            raise DropItem(f"extraction failed: {exc}", log_level="WARNING") from exc
        apply_article(adapter, article)
        self.count("extracted")
        return item
