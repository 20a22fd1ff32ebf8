"""``scrapy crawl``, with a store check before any page is fetched and a closing summary.

Before the crawl starts, the MongoDB store is opened (the embedded server is started when
``NEWSCRAWL_MONGO_URI`` is empty) and the seeds are validated; a problem with either is one
clear line and a non-zero exit, not a traceback after pages were already downloaded.

With ``NEWSCRAWL_SPOOL_ON_START_FAILURE`` on, an *unreachable* store (refused, no answer,
host not found, embedded server not starting) is a warning line instead, and the crawl goes
on into the spool (see :mod:`pipelines.mongo`); authentication and URI errors still stop
it, and so does the setting itself when the spool is off.
"""

from __future__ import annotations

import argparse
import sys

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.crawler import Crawler
from scrapy.spiders import Spider

from crawler.seeds import SeedError, load_seeds
from crawler.summary import summarize
from pipelines.mongo import spool_on_start_failure
from pipelines.storage import SettingError, StoreConfig, StoreUnavailableError, preflight
from pipelines.storage.writer import is_unreachable

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
        if self.settings.getbool("NEWSCRAWL_MONGO_ENABLED", True) and not self._check_store():
            self.exitcode = EXIT_CONFIG
            return
        self.last_crawler = None
        super().run(args, opts)
        crawler = self.last_crawler
        if crawler is not None and crawler.stats is not None:
            print(summarize(crawler.stats.get_stats()))

    def _check_store(self) -> bool:
        """Pre-flight the store; False (after one line on stderr) when the crawl must not run."""
        assert self.settings is not None
        try:
            spool_on_start = spool_on_start_failure(self.settings)
        except SettingError as exc:
            print(f"newscrawl: invalid store setting: {exc}", file=sys.stderr)
            return False
        try:
            uri = preflight(self.settings)
        except StoreUnavailableError as exc:
            if not (spool_on_start and is_unreachable(exc)):
                print(f"newscrawl: {exc}", file=sys.stderr)
                return False
            spool_dir = StoreConfig.from_settings(self.settings).spool_dir
            print(
                f"newscrawl: warning: {exc}; crawling into the spool {spool_dir} "
                "(NEWSCRAWL_SPOOL_ON_START_FAILURE), written to MongoDB once it answers",
                file=sys.stderr,
            )
            return True
        print(f"newscrawl: storing into {uri}", file=sys.stderr)
        return True
