"""Dedup pipeline: each canonical URL once per run.

Two discovery paths can reach the same article under different URLs that only the page
itself reveals as one (``rel=canonical``); the second copy is dropped here and counted.
"""

from __future__ import annotations

from typing import Any

from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem
from scrapy.settings import BaseSettings

from crawler.urls import canonicalize
from pipelines.base import Component


class DedupPipeline(Component):
    """Drop a second article with a canonical URL already seen in this run."""

    name = "dedup"

    def configure(self, settings: BaseSettings) -> None:
        self.seen: set[str] = set()

    def process_item(self, item: Any, spider: Any = None) -> Any:
        adapter = ItemAdapter(item)
        canonical = canonicalize(adapter["url"], page_canonical=adapter.get("canonical_url"))
        adapter["canonical_url"] = canonical
        if canonical in self.seen:
            self.count("dropped/duplicate_url")
            raise DropItem(f"duplicate of {canonical}: {adapter['url']}", log_level="INFO")
        self.seen.add(canonical)
        self.count("unique")
        return item
