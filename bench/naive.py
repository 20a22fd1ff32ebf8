"""The naive crawl the benchmark compares against: extraction in the callback, one insert each.

This is how a crawler is often first written: Scrapy's ``SitemapSpider`` finds the
articles through robots.txt, the callback runs trafilatura on the page (in the reactor
thread, so nothing else happens meanwhile) and inserts the result into MongoDB with one
blocking ``insert_one`` per article. Run by the benchmark as
``SCRAPY_SETTINGS_MODULE=bench.naive_settings scrapy crawl naive -a origins=URL,URL``.
Not part of the crawler.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any, ClassVar

import trafilatura
from pymongo import MongoClient
from pymongo.collection import Collection
from scrapy.http import Response
from scrapy.spiders import SitemapSpider


class NaiveSpider(SitemapSpider):
    """Sitemaps from robots.txt, trafilatura in the callback, ``insert_one`` per article."""

    name = "naive"
    sitemap_rules: ClassVar[list[tuple[str, str]]] = [(r"/news/", "parse_article")]  # type: ignore[misc]

    def __init__(self, *args: Any, origins: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sitemap_urls = [f"{o.rstrip('/')}/robots.txt" for o in origins.split(",") if o]
        self.client: MongoClient[dict[str, Any]] | None = None

    def _collection(self) -> Collection[dict[str, Any]]:
        # Connected on first use, after the crawl's extensions (the benchmark's probe) exist.
        if self.client is None:
            self.client = MongoClient(os.environ["NEWSCRAWL_MONGO_URI"], tz_aware=True)
        database = os.environ.get("NEWSCRAWL_MONGO_DATABASE", "naive")
        return self.client[database]["articles"]

    def parse_article(self, response: Response) -> Iterator[dict[str, Any]]:
        text = trafilatura.extract(response.body, url=response.url)
        document = {"url": response.url, "text": text or "", "fetched_at": datetime.now(UTC)}
        self._collection().insert_one(document)
        yield {"url": response.url}

    def closed(self, reason: str) -> None:
        if self.client is not None:
            self.client.close()
