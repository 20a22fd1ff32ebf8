"""``scrapy crawl``, with a store check before any page is fetched and a closing summary.

Before the crawl starts, the MongoDB store is opened (the embedded server is started when
``NEWSCRAWL_MONGO_URI`` is empty) and the seeds are validated; a problem with either is one
clear line and a non-zero exit, not a traceback after pages were already downloaded.
"""

from __future__ import annotations

import argparse
import sys

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.crawler import Crawler
from scrapy.spiders import Spider

from crawler.seeds import SeedError, load_seeds
from crawler.summary import summarize
from pipelines.storage import StoreUnavailableError, preflight

#: Exit status for configuration problems found before crawling (store, seeds).
EXIT_CONFIG = 2


class Command(ScrapyCrawlCommand):
    """Run a spider of the project, after checking the store and the seeds."""

    last_crawler: Crawler | None = None

    def short_desc(self) -> str:
        return "Run a spider (checks the MongoDB store and the seeds first)"

    def _create_crawler(self, spidercls: type[Spider] | str) -> Crawler:
        crawler = super()._create_crawler(spidercls)
        self.last_crawler = crawler
        return crawler

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        try:
            load_seeds(self.settings.get("NEWSCRAWL_SEEDS"))
        except SeedError as exc:
            print(f"newscrawl: bad seed: {exc}", file=sys.stderr)
            self.exitcode = EXIT_CONFIG
            return
        if self.settings.getbool("NEWSCRAWL_MONGO_ENABLED", True):
            try:
                uri = preflight(self.settings)
            except StoreUnavailableError as exc:
                print(f"newscrawl: {exc}", file=sys.stderr)
                self.exitcode = EXIT_CONFIG
                return
            print(f"newscrawl: storing into {uri}", file=sys.stderr)
        self.last_crawler = None
        super().run(args, opts)
        crawler = self.last_crawler
        if crawler is not None and crawler.stats is not None:
            print(summarize(crawler.stats.get_stats()))
