"""Measure article writes into the store: buffered bulk upserts against one upsert per article.

Usage::

    python bench/store_write.py [-n 2000] [--batch-size 100] [--uri mongodb://…]

Without ``--uri`` it starts its own embedded nx-27017 server (temporary folder, free port)
and stops it afterwards. Both ways write the same synthetic Arabic articles (about 3 KB of
text each) into fresh databases of the same server in the same run, twice: a first crawl
(every article new) and a re-crawl (every article already stored). It prints articles per
second (wall clock) and the round trips per 100 articles, counted by a pymongo command
listener (the driver's own monitoring pings are not commands and are not counted).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pymongo import MongoClient, monitoring
from pymongo.collection import Collection

from pipelines.storage.compat import detect_quirks
from pipelines.storage.documents import Upsert, to_document
from pipelines.storage.embedded import EmbeddedServer, free_port
from pipelines.storage.writer import BatchWriter

PARAGRAPH = (
    "قال مسؤولون إن المحادثات بين الجانبين استمرت حتى ساعة متأخرة من الليل، "
    "وتناولت ملفات الاقتصاد والطاقة والتجارة الإقليمية، "
    "وسط توقعات بإعلان اتفاق إطاري خلال الأيام المقبلة. "
)


class CommandCounter(monitoring.CommandListener):
    """Counts the commands (round trips) a client sends, by name."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        self.counts[event.command_name] += 1

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass

    def total(self) -> int:
        return sum(self.counts.values())


def make_articles(count: int, now: datetime) -> list[Upsert]:
    articles = []
    for n in range(count):
        fields = {
            "url": f"https://bench.example/ar/news/{n}",
            "site": "bench_ar",
            "title": f"عنوان الخبر رقم {n}",
            "text": "\n".join(PARAGRAPH for _ in range(12)),
            "published": (now - timedelta(minutes=n)).isoformat(),
            "authors": ["مراسل"],
            "language": "ar",
            "language_confidence": 0.99,
            "tags": ["سياسة", "اقتصاد"],
        }
        articles.append(to_document(fields, now))
    return articles


def write_bulk(collection: Collection[dict[str, Any]], articles: list[Upsert], batch: int) -> None:
    writer = BatchWriter(collection, batch_size=batch, flush_seconds=3600)
    for flt, update in articles:
        writer.add(flt, update)
    writer.close()
    if writer.totals.errors:
        raise SystemExit(f"{writer.totals.errors} write errors")


def write_one_by_one(collection: Collection[dict[str, Any]], articles: list[Upsert]) -> None:
    quirks = detect_quirks(collection.database.client)
    for flt, update in articles:
        collection.update_one(flt, quirks.adapt_update(update), upsert=True)


def measure(
    client: MongoClient[dict[str, Any]],
    counter: CommandCounter,
    name: str,
    write: Callable[[Collection[dict[str, Any]], list[Upsert]], None],
    count: int,
) -> list[tuple[str, float, float]]:
    database = f"bench_{name}_{uuid.uuid4().hex[:8]}"
    collection = client[database].articles
    rows = []
    try:
        for label, now in (
            ("first crawl", datetime.now(UTC)),
            ("re-crawl", datetime.now(UTC) + timedelta(hours=1)),
        ):
            articles = make_articles(count, now)
            counter.counts.clear()
            started = time.perf_counter()
            write(collection, articles)
            seconds = time.perf_counter() - started
            rows.append((label, count / seconds, counter.total() * 100 / count))
        stored = collection.count_documents({})
        if stored != count:
            raise SystemExit(f"{name}: {stored} documents stored, expected {count}")
    finally:
        client.drop_database(database)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--articles", type=int, default=2000)
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument("--uri", default="", help="a MongoDB to use instead of nx-27017")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="store-bench-") as tmp:
        server = None
        uri = args.uri
        if not uri:
            server = EmbeddedServer(Path(tmp), port=free_port())
            server.start()
            uri = server.uri
        counter = CommandCounter()
        client: MongoClient[dict[str, Any]] = MongoClient(
            uri, tz_aware=True, event_listeners=[counter]
        )
        try:
            results = {
                f"bulk ({args.batch_size}/batch)": measure(
                    client,
                    counter,
                    "bulk",
                    lambda c, a: write_bulk(c, a, args.batch_size),
                    args.articles,
                ),
                "one by one": measure(client, counter, "single", write_one_by_one, args.articles),
            }
        finally:
            client.close()
            if server is not None:
                server.stop()

    where = "embedded nx-27017" if not args.uri else "the given MongoDB"
    text_kb = len("\n".join(PARAGRAPH for _ in range(12)).encode("utf-8")) / 1024
    print(f"{args.articles} articles ({text_kb:.1f} KB of UTF-8 text each) into {where}")
    print(f"{'method':<22}{'pass':<13}{'articles/s':>12}{'round trips/100':>18}")
    for method, rows in results.items():
        for label, rate, trips in rows:
            print(f"{method:<22}{label:<13}{rate:>12.0f}{trips:>18.1f}")
    bulk_first = next(iter(results.values()))[0][1]
    single_first = results["one by one"][0][1]
    print(f"bulk / one-by-one speed-up on the first crawl: {bulk_first / single_first:.1f}x")


if __name__ == "__main__":
    main()
