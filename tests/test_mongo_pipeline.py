"""MongoPipeline inside real Scrapy runs (a subprocess each: the reactor cannot restart).

A small spider yields ArticleItems straight from ``start()`` (no network), so these tests
exercise only the store adapter: stats, idempotency across crawls, the timed flush, and
stopping before any page when MongoDB is unreachable.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pymongo.database import Database
from scrapy.exceptions import NotConfigured
from scrapy.utils.test import get_crawler

from pipelines.mongo import MongoPipeline
from pipelines.storage.documents import article_id, to_document
from pipelines.storage.spool import Spool
from pipelines.storage.uri import mask_uri
from tests.mongo_server import free_port

ROOT = Path(__file__).resolve().parent.parent

SPIDER = textwrap.dedent(
    '''
    """Yields ArticleItems without fetching anything."""
    import asyncio
    import os
    from datetime import UTC, datetime
    from pathlib import Path

    import scrapy
    from pymongo import MongoClient

    from crawler.items import ArticleItem


    class StoreSpider(scrapy.Spider):
        name = "store_test"
        custom_settings = {"ITEM_PIPELINES": {"pipelines.mongo.MongoPipeline": 900}}

        async def start(self):
            Path(os.environ["START_MARKER"]).write_text("started")
            pause_after = int(os.environ.get("PAUSE_AFTER", "-1"))
            for n in range(int(os.environ["ARTICLES"])):
                if n == pause_after:
                    await asyncio.sleep(float(os.environ["PAUSE_SECONDS"]))
                    with MongoClient(os.environ["NEWSCRAWL_MONGO_URI"]) as client:
                        db = client[os.environ["NEWSCRAWL_MONGO_DATABASE"]]
                        stored = db.articles.count_documents({})
                    Path(os.environ["COUNT_FILE"]).write_text(str(stored))
                yield ArticleItem(
                    request_url=f"https://news.example/ar/{n}?utm_source=rss",
                    url=f"https://news.example/ar/{n}",
                    site="example_ar",
                    fetched_at=datetime.now(UTC),
                    canonical_url=f"https://news.example/ar/{n}",
                    title=f"خبر {n}",
                    text=f"نص الخبر {n}",
                    published="2024-05-01T09:00:00+03:00",
                    language="ar",
                    language_confidence=0.99,
                )
    '''
)


@dataclass
class Run:
    returncode: int
    output: str
    stats: dict[str, Any]
    started: bool
    tmp: Path

    def mongo(self) -> dict[str, Any]:
        """The ``newscrawl/mongo/`` stats without the run id (it differs every run)."""
        return {
            k: v
            for k, v in self.stats.items()
            if k.startswith("newscrawl/mongo/") and k != "newscrawl/mongo/run_id"
        }


def run_spider(tmp: Path, uri: str, database: str, articles: int, **env: str) -> Run:
    tmp.mkdir(parents=True, exist_ok=True)
    spider = tmp / "store_spider.py"
    spider.write_text(SPIDER, encoding="utf-8")
    marker = tmp / "started"
    marker.unlink(missing_ok=True)
    stats_file = tmp / "stats.json"
    stats_file.unlink(missing_ok=True)
    environment = {
        **os.environ,
        "SCRAPY_PROJECT": "test",
        "NEWSCRAWL_MONGO_URI": uri,
        "NEWSCRAWL_MONGO_DATABASE": database,
        "NEWSCRAWL_DATA_DIR": str(tmp / "data"),
        "NEWSCRAWL_STATS_FILE": str(stats_file),
        "START_MARKER": str(marker),
        "COUNT_FILE": str(tmp / "count"),
        "ARTICLES": str(articles),
        **env,
    }
    settings = [f"-s{key}={value}" for key, value in env.items() if key.startswith("NEWSCRAWL_")]
    proc = subprocess.run(
        [sys.executable, "-m", "scrapy", "runspider", str(spider), *settings],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    stats = json.loads(stats_file.read_text()) if stats_file.exists() else {}
    return Run(proc.returncode, proc.stdout + proc.stderr, stats, marker.exists(), tmp)


def test_crawl_stores_articles_and_a_second_crawl_adds_none(
    mongo_uri: str, db_name: str, db: Database[dict[str, Any]], tmp_path: Path
) -> None:
    first = run_spider(tmp_path, mongo_uri, db_name, 25, NEWSCRAWL_MONGO_BATCH_SIZE="10")
    assert first.returncode == 0, first.output
    assert first.mongo() == {
        "newscrawl/mongo/uri": mask_uri(mongo_uri),
        "newscrawl/mongo/inserted": 25,
        "newscrawl/mongo/batches": 3,
    }
    assert db.articles.count_documents({}) == 25
    run = db.crawl_runs.find_one({"_id": first.stats["newscrawl/mongo/run_id"]})
    assert run is not None
    assert (run["spider"], run["status"], run["finish_reason"]) == (
        "store_test",
        "finished",
        "finished",
    )
    assert run["store"] == {"inserted": 25, "updated": 0, "unchanged": 0, "errors": 0, "spooled": 0}
    assert run["stats"]["newscrawl/mongo/inserted"] == 25
    assert run["finished_at"] >= run["started_at"]
    doc = db.articles.find_one({"_id": article_id("https://news.example/ar/7")})
    assert doc is not None
    assert doc["title"] == "خبر 7"
    assert doc["fetch_count"] == 1
    assert doc["first_seen"].utcoffset().total_seconds() == 0

    second = run_spider(tmp_path, mongo_uri, db_name, 25, NEWSCRAWL_MONGO_BATCH_SIZE="10")
    assert second.returncode == 0, second.output
    assert second.mongo() == {
        "newscrawl/mongo/uri": mask_uri(mongo_uri),
        "newscrawl/mongo/unchanged": 25,
        "newscrawl/mongo/batches": 3,
    }
    assert db.articles.count_documents({}) == 25
    again = db.articles.find_one({"_id": article_id("https://news.example/ar/7")})
    assert again is not None
    assert again["fetch_count"] == 2
    assert again["first_seen"] == doc["first_seen"]
    assert again["last_seen"] > doc["last_seen"]
    assert db.crawl_runs.count_documents({"status": "finished"}) == 2


def test_a_spool_left_by_an_earlier_crawl_is_replayed_at_the_start(
    mongo_uri: str, db_name: str, db: Database[dict[str, Any]], tmp_path: Path
) -> None:
    spool = Spool(tmp_path / "spool")
    earlier = datetime(2024, 5, 1, 6, 0, tzinfo=UTC)
    spool.append(
        [
            to_document({"url": f"https://old.example/{n}", "site": "old"}, earlier)
            for n in range(5)
        ],
        "AutoReconnect: connection refused",
    )
    spool.close()
    run = run_spider(tmp_path, mongo_uri, db_name, 3, NEWSCRAWL_SPOOL_DIR=str(tmp_path / "spool"))
    assert run.returncode == 0, run.output
    assert run.mongo() == {
        "newscrawl/mongo/uri": mask_uri(mongo_uri),
        "newscrawl/mongo/replayed": 5,
        "newscrawl/mongo/inserted": 3,
        "newscrawl/mongo/batches": 1,
    }
    assert spool.files() == []
    assert db.articles.count_documents({"site": "old"}) == 5
    assert db.articles.count_documents({}) == 8


def test_a_slow_trickle_is_written_after_flush_seconds(
    mongo_uri: str, db_name: str, db: Database[dict[str, Any]], tmp_path: Path
) -> None:
    run = run_spider(
        tmp_path,
        mongo_uri,
        db_name,
        4,
        NEWSCRAWL_MONGO_BATCH_SIZE="100",
        NEWSCRAWL_MONGO_FLUSH_SECONDS="0.4",
        PAUSE_AFTER="3",
        PAUSE_SECONDS="1.5",
    )
    assert run.returncode == 0, run.output
    # the first three articles were stored during the pause, long before the crawl ended
    assert (tmp_path / "count").read_text() == "3"
    assert run.mongo()["newscrawl/mongo/inserted"] == 4
    assert run.mongo()["newscrawl/mongo/batches"] == 2
    assert db.articles.count_documents({}) == 4


def test_unreachable_store_stops_the_crawl_before_it_starts(tmp_path: Path) -> None:
    port = free_port()
    uri = f"mongodb://crawler:Hunter2Secret@127.0.0.1:{port}/"
    run = run_spider(tmp_path, uri, "news", 3, NEWSCRAWL_MONGO_TIMEOUT_MS="300")
    assert not run.started
    assert run.returncode != 0
    assert (
        f"MongoDB unreachable at mongodb://crawler:****@127.0.0.1:{port}/: connection refused"
        in run.output
    )
    assert "Hunter2Secret" not in run.output


def test_switched_off_pipeline_is_not_configured() -> None:
    crawler = get_crawler(settings_dict={"NEWSCRAWL_MONGO_ENABLED": False})
    with pytest.raises(NotConfigured, match="NEWSCRAWL_MONGO_ENABLED"):
        MongoPipeline.from_crawler(crawler)
    crawler = get_crawler(settings_dict={"NEWSCRAWL_MONGO_BATCH_SIZE": "25"})
    pipeline = MongoPipeline.from_crawler(crawler)
    assert pipeline.config.batch_size == 25
    assert pipeline.config.uri == ""
