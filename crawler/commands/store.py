"""``scrapy store status|replay|stop``: chores on the article store.

- ``status``: where the store is (masked URI), whether the embedded server runs, what waits
  in the spool.
- ``replay``: write spooled articles (kept while MongoDB was down) into the store, after
  creating the consumer indexes as a crawl does (a no-op when they exist).
- ``stop``: stop the embedded server that crawls leave running for consumers.
"""

from __future__ import annotations

import argparse

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from pipelines.storage.__main__ import ACTIONS, run_action


class Command(ScrapyCommand):
    """Report on, replay into, or stop the article store."""

    requires_project = True
    default_settings = {"LOG_ENABLED": False}  # noqa: RUF012 (Scrapy declares it mutable)

    def syntax(self) -> str:
        return "status|replay|stop"

    def short_desc(self) -> str:
        return "Store status, spool replay, or stop the embedded MongoDB server"

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1 or args[0] not in ACTIONS:
            raise UsageError(f"say one of: {', '.join(ACTIONS)}")
        assert self.settings is not None
        self.exitcode = run_action(args[0], self.settings)
