"""Crawl-level extensions: the closing summary line and the optional stats file.

``NEWSCRAWL_STATS_FILE``: when set, the crawl's final stats are written there as JSON, so
cron jobs, monitoring and tests can read what a run did without parsing logs.
"""

from __future__ import annotations

import json
import logging
from datetime import date, datetime
from pathlib import Path
from typing import Any, Self

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.spiders import Spider

from crawler.summary import summarize

logger = logging.getLogger(__name__)


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


class CrawlSummary:
    """Log the one-line summary and write the stats file when the spider closes."""

    def __init__(self, crawler: Crawler, stats_file: str | None) -> None:
        self.crawler = crawler
        self.stats_file = Path(stats_file) if stats_file else None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.getbool("NEWSCRAWL_SUMMARY_ENABLED", True):
            raise NotConfigured("NEWSCRAWL_SUMMARY_ENABLED = False")
        extension = cls(crawler, crawler.settings.get("NEWSCRAWL_STATS_FILE"))
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_closed(self, spider: Spider, reason: str) -> None:
        assert self.crawler.stats is not None
        stats = self.crawler.stats.get_stats()
        logger.info("%s (finish reason: %s)", summarize(stats), reason)
        if self.stats_file is not None:
            self.stats_file.parent.mkdir(parents=True, exist_ok=True)
            data = {key: _jsonable(value) for key, value in sorted(stats.items())}
            data["finish_reason"] = reason
            self.stats_file.write_text(json.dumps(data, ensure_ascii=False, indent=1))
