"""``scrapy articles``: what the store holds, as a short table, and how to query it.

The end of ``make demo``, and a quick look for operators: newest first, one line per article
with site, language, title and text length.
"""

from __future__ import annotations

import argparse
import sys
import unicodedata
from typing import Any

from scrapy.commands import ScrapyCommand

from pipelines.storage import StoreConfig, StoreUnavailableError, open_store_from_config

EXIT_CONFIG = 2


def _width(text: str) -> int:
    """Display width: combining marks take no column."""
    return sum(0 if unicodedata.combining(ch) else 1 for ch in text)


def _fit(text: str, width: int) -> str:
    text = " ".join(text.split())
    if _width(text) > width:
        text = text[: width - 1] + "…"
    return text + " " * max(0, width - _width(text))


def format_table(rows: list[dict[str, Any]], title_width: int = 60) -> str:
    """A plain-text table of stored articles (site, language, text length, title)."""
    site_width = max([4, *(len(str(r.get("site", ""))) for r in rows)])
    lines = [f"{'site':<{site_width}}  lang  {'chars':>6}  title"]
    for row in rows:
        lines.append(
            f"{row.get('site', ''):<{site_width}}  {row.get('language') or '?':<4}  "
            f"{len(row.get('text') or ''):>6}  {_fit(row.get('title') or '', title_width)}"
        )
    return "\n".join(lines)


class Command(ScrapyCommand):
    """Print the stored articles and a pymongo example for reading them."""

    requires_project = True
    default_settings = {"LOG_ENABLED": False}  # noqa: RUF012 (Scrapy declares it mutable)

    def syntax(self) -> str:
        return "[--site ID] [--language CODE] [--limit N]"

    def short_desc(self) -> str:
        return "List the articles in the store and show how to query them"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--site", help="only this seed id")
        parser.add_argument("--language", help="only this language (ISO 639-1)")
        parser.add_argument("--limit", type=int, default=50, help="at most N rows (default 50)")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        try:
            store = open_store_from_config(StoreConfig.from_settings(self.settings))
        except (StoreUnavailableError, ValueError) as exc:
            print(f"newscrawl: {exc}", file=sys.stderr)
            self.exitcode = EXIT_CONFIG
            return
        query: dict[str, Any] = {}
        if opts.site:
            query["site"] = opts.site
        if opts.language:
            query["language"] = opts.language
        try:
            total = store.articles.count_documents(query)
            rows = list(
                store.articles.find(
                    query, {"site": 1, "language": 1, "title": 1, "text": 1, "first_seen": 1}
                )
                .sort([("first_seen", -1), ("_id", 1)])
                .limit(max(1, opts.limit))
            )
        finally:
            store.close()
        print(format_table(rows))
        shown = f"{len(rows)} of {total}" if total > len(rows) else str(total)
        print(
            f"\n{shown} article{'s' if total != 1 else ''} in {store.uri} "
            f"(database {store.db.name!r}, collection 'articles')"
        )
        print(
            "\nQuery them with pymongo:\n"
            f"  from pymongo import MongoClient\n"
            f"  articles = MongoClient({store.uri!r})[{store.db.name!r}]['articles']\n"
            f"  for a in articles.find({{'language': 'ar'}}).sort('published_at', -1).limit(10):\n"
            f"      print(a['published'], a['title'], a['url'])"
        )
