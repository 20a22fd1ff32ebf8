"""``scrapy extract PATH…``: run the crawl's cleaning chain on saved pages, print JSON lines.

The users' debugging tool and the quality benchmark's view of the cleaner: the same chain the
crawl runs (extract, language, article verdict), one JSON object per page per line::

    scrapy extract page.html other.html.gz
    curl -s https://… | scrapy extract - --url https://…
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

#: Exit status when a page could not be read.
EXIT_UNREADABLE = 1


def _fetched_at(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        when = datetime.fromisoformat(value)
    except ValueError as exc:
        raise UsageError(
            f"--fetched-at: not an ISO 8601 time: {value!r}", print_help=False
        ) from exc
    return when if when.tzinfo else when.replace(tzinfo=UTC)


class Command(ScrapyCommand):
    """Clean saved pages with the crawl's chain and print one JSON object per page."""

    requires_project = False
    requires_crawler_process = False
    default_settings = {"LOG_LEVEL": "WARNING"}  # noqa: RUF012 (Scrapy declares it mutable)

    def syntax(self) -> str:
        return "[--url URL] [--fetched-at ISO] PATH..."

    def short_desc(self) -> str:
        return "Clean saved pages (.html, .html.gz, - for stdin) and print JSON lines"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument(
            "--url", help="the page's URL (one page only; default: its rel=canonical)"
        )
        parser.add_argument(
            "--fetched-at", help="fetch time, ISO 8601, for relative dates (default: now, UTC)"
        )

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if not args:
            raise UsageError("give at least one PATH (.html, .html.gz, or - for stdin)")
        if opts.url and len(args) > 1:
            raise UsageError("--url names one page; give a single PATH with it")
        # Imported here: every scrapy command loads this module, and the chain costs a few
        # tenths of a second to import.
        from pipelines.cleaning.records import extract_files

        fetched_at = _fetched_at(opts.fetched_at)
        for path in args:
            try:
                for record in extract_files([path], opts.url, fetched_at):
                    print(json.dumps(record, ensure_ascii=False), flush=True)
            except OSError as exc:
                print(f"newscrawl: cannot read {path}: {exc.strerror or exc}", file=sys.stderr)
                self.exitcode = EXIT_UNREADABLE
