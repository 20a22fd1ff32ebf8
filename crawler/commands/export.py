"""``scrapy export --since ISO``: stored articles as JSON Lines, for consumers and hand-offs.

Thin adapter over :mod:`pipelines.storage.export`: opens the configured store, streams the
articles whose ``first_seen`` is at or after ``--since`` (optionally of one site or one
language) to ``-o FILE`` or stdout, and says on stderr how many it wrote.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from scrapy.commands import ScrapyCommand

from pipelines.storage import StoreConfig, StoreUnavailableError, open_store_from_config
from pipelines.storage.export import iter_records, parse_since, write_jsonl

EXIT_CONFIG = 2


class Command(ScrapyCommand):
    """Write the articles stored since a time as JSON Lines."""

    requires_project = True
    default_settings = {"LOG_ENABLED": False}  # noqa: RUF012 (Scrapy declares it mutable)

    def syntax(self) -> str:
        return "--since ISO [--site ID] [--language CODE] [-o FILE]"

    def short_desc(self) -> str:
        return "Write the articles stored since a time as JSON Lines"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument(
            "--since",
            required=True,
            help="first_seen at or after this ISO 8601 time (UTC if no offset)",
        )
        parser.add_argument("--site", help="only this seed id")
        parser.add_argument("--language", help="only this language (ISO 639-1)")
        parser.add_argument("-o", "--output", help="write to FILE (default: stdout)")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        try:
            since = parse_since(opts.since)
            store = open_store_from_config(StoreConfig.from_settings(self.settings))
        except (StoreUnavailableError, ValueError) as exc:
            print(f"newscrawl: {exc}", file=sys.stderr)
            self.exitcode = EXIT_CONFIG
            return
        try:
            records = iter_records(store.articles, since, opts.site, opts.language)
            if opts.output:
                with Path(opts.output).open("w", encoding="utf-8") as out:
                    count = write_jsonl(records, out)
            else:
                count = write_jsonl(records, sys.stdout)
                sys.stdout.flush()
        finally:
            store.close()
        print(
            f"newscrawl: exported {count} article{'s' if count != 1 else ''} "
            f"stored since {since.isoformat()}",
            file=sys.stderr,
        )
