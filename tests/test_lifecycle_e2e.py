"""End to end: repeated crawls of the mock site store each story once and download nothing twice;
an edited article becomes version 2; syndicated copies are linked (or dropped).

The first test crawls the shared mock site three times (its section page with the broken
pages and the non-article pages are left out of the seed: they are never stored, so every
run would fetch them again). The others serve their own pages from a mock site of their own
(``extra_routes``): a page that changes between crawls and two copies of one story.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from pymongo import MongoClient
from pymongo.database import Database

from crawler.urls import canonicalize
from demo.build_site import MANIFEST_PATH, SITE_DIR
from demo.model import SITE_ORIGIN
from demo.server import Request, Response, Route, SiteServer
from pipelines.similarity.index import fingerprint_key
from pipelines.storage import article_id
from pipelines.storage.embedded import EmbeddedServer, free_port
from tests.conftest import CrawlRunner
from tests.helpers import CrawlResult, run_crawl_process
from tests.mocksite import MockSite, start_mock_site

DB = Database[dict[str, Any]]
#: The demo articles without the two non-article pages.
STORY_PATTERN = r"/(ar|en)/news/\d{4}/\d{2}/(?!live-coverage-index|video-)[a-z0-9-]+\.html$"
#: No rendering, and cleaning inline: three pages do not pay for starting worker processes.
FAST = {"NEWSCRAWL_RENDER_ENABLED": "False", "NEWSCRAWL_EXTRACT_WORKERS": "0"}


def _demo_articles() -> dict[str, dict[str, Any]]:
    manifest: dict[str, Any] = json.loads(MANIFEST_PATH.read_text(encoding="utf-8"))
    articles: dict[str, dict[str, Any]] = manifest["articles"]
    return articles


def test_three_crawls_store_each_story_once_and_download_nothing_twice(
    run_crawl: CrawlRunner, mock_site: MockSite, tmp_path: Path, db: DB
) -> None:
    seeds = tmp_path / "seeds"
    mock_site.write_seed(seeds, sections=[mock_site.url("/")], article_url_pattern=STORY_PATTERN)
    expected = {
        canonicalize(mock_site.url(path))
        for path, entry in _demo_articles().items()
        if not {"non_article_listing", "non_article_video"} & set(entry["cases"])
    }
    first = run_crawl("-a", "site=mocknews", seeds=seeds, settings=FAST)
    assert first.returncode == 0, first.stderr[-3000:]
    stats = first.newscrawl()
    assert sorted(d["canonical_url"] for d in db.articles.find()) == sorted(expected)
    assert stats["newscrawl/spider/fetched"] == len(expected)
    assert stats["newscrawl/mongo/inserted"] == len(expected)
    assert "newscrawl/spider/skipped/already_stored" not in stats
    assert stats["newscrawl/dedup/unique"] == len(expected)

    for run in (2, 3):
        again = run_crawl("-a", "site=mocknews", seeds=seeds, settings=FAST)
        assert again.returncode == 0, again.stderr[-3000:]
        stats = again.newscrawl()
        assert stats.get("newscrawl/spider/fetched", 0) == 0, run
        assert stats["newscrawl/spider/skipped/already_stored"] == len(expected), run
        assert "newscrawl/mongo/inserted" not in stats, run
        assert db.articles.count_documents({}) == len(expected), run

    for doc in db.articles.find():
        assert doc["fetch_count"] == 1
        assert doc["version"] == 1
        assert doc["cluster_id"] == doc["_id"]
        assert "duplicate_of" not in doc
        assert len(doc["fingerprint"]) == 32


# --- pages of our own: an edited article, two copies of one story ------------------------

EDITED_SOURCE = "/ar/news/2024/03/parliament-approves-2024-budget.html"
COPIED_SOURCE = "/ar/news/2024/03/central-bank-holds-interest-rates.html"
EDITED = "/lifecycle/budget.html"
COPY_1 = "/lifecycle/rates-wire.html"
COPY_2 = "/lifecycle/rates-copy.html"
PATTERN = r"/lifecycle/[a-z0-9-]+\.html$"


@dataclass
class OwnPages:
    """The pages the own-site routes serve; ``bodies`` may change between crawls."""

    bodies: dict[str, bytes] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def route(self, path: str) -> Route:
        def serve(request: Request, server: SiteServer) -> Response:
            with self.lock:
                return Response(body=self.bodies[path])

        return serve


def _page(source: str, path: str) -> bytes:
    """A demo article served under ``path`` (its canonical link pointing there too)."""
    body = (SITE_DIR / source.lstrip("/")).read_bytes()
    return body.replace(source.encode(), path.encode())


def _first_paragraph(source: str) -> str:
    return str(_demo_articles()[source]["text"]).split("\n")[0]


def _feed(base: str) -> bytes:
    items = "".join(
        f"<item><title>{p}</title><link>{base}{p}</link></item>" for p in (EDITED, COPY_1, COPY_2)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>'
        f"{items}</channel></rss>"
    ).encode()


@dataclass
class OwnSite:
    site: MockSite
    pages: OwnPages
    seeds: Path

    def edit(self, old: str, new: str) -> None:
        with self.pages.lock:
            body = self.pages.bodies[EDITED]
            assert old.encode() in body
            self.pages.bodies[EDITED] = body.replace(old.encode(), new.encode())


@pytest.fixture
def own_site(tmp_path: Path) -> Iterator[OwnSite]:
    pages = OwnPages()
    pages.bodies[EDITED] = _page(EDITED_SOURCE, EDITED)
    pages.bodies[COPY_1] = _page(COPIED_SOURCE, COPY_1)
    lead = _first_paragraph(COPIED_SOURCE)
    copy = _page(COPIED_SOURCE, COPY_2)
    assert lead.encode() in copy
    # another site's copy: a dateline and an agency credit around the wire text
    pages.bodies[COPY_2] = copy.replace(lead.encode(), ("القاهرة - " + lead + " (وكالات)").encode())
    routes: dict[str, Route] = {path: pages.route(path) for path in pages.bodies}
    holder: dict[str, str] = {}

    def feed(request: Request, server: SiteServer) -> Response:
        return Response(body=_feed(holder["base"]), content_type="application/rss+xml")

    routes["/lifecycle/feed.xml"] = feed
    site = start_mock_site(extra_routes=routes)
    holder["base"] = site.base_url
    seeds = tmp_path / "own-seeds"
    site.write_seed(
        seeds,
        id="lifecycle",
        feeds=[site.url("/lifecycle/feed.xml")],
        sections=[],
        article_url_pattern=PATTERN,
    )
    try:
        yield OwnSite(site, pages, seeds)
    finally:
        site.stop()


def _ids(site: MockSite, *paths: str) -> list[str]:
    return [article_id(canonicalize(site.url(p))) for p in paths]


def test_edited_article_becomes_version_two_and_copies_are_linked(
    run_crawl: CrawlRunner, own_site: OwnSite, db: DB
) -> None:
    assert SITE_ORIGIN not in own_site.site.base_url
    first = run_crawl("-a", "site=lifecycle", seeds=own_site.seeds, settings=FAST)
    assert first.returncode == 0, first.stderr[-3000:]
    stats = first.newscrawl()
    assert stats["newscrawl/mongo/inserted"] == 3
    assert stats["newscrawl/dedup/unique"] == 2
    assert stats["newscrawl/dedup/linked"] == 1
    edited_id, copy_1, copy_2 = _ids(own_site.site, EDITED, COPY_1, COPY_2)
    copies = {d["_id"]: d for d in db.articles.find({"_id": {"$in": [copy_1, copy_2]}})}
    assert copies[copy_1]["cluster_id"] == copies[copy_2]["cluster_id"]
    first_copy = copies[copy_1]["cluster_id"]  # whichever was stored first
    other = copy_2 if first_copy == copy_1 else copy_1
    assert "duplicate_of" not in copies[first_copy]
    assert copies[other]["duplicate_of"] == first_copy
    assert 0.5 < copies[other]["similarity"] <= 1.0
    assert db.articles.count_documents({"cluster_id": first_copy}) == 2

    old_paragraph = _first_paragraph(EDITED_SOURCE)
    own_site.edit(old_paragraph, old_paragraph + " وصوت 95 نائبا لصالح القانون.")
    second = run_crawl(
        "-a",
        "site=lifecycle",
        seeds=own_site.seeds,
        settings={**FAST, "NEWSCRAWL_REFETCH_ENABLED": "True"},
    )
    assert second.returncode == 0, second.stderr[-3000:]
    stats = second.newscrawl()
    assert stats["newscrawl/spider/refetch/requested"] == 3
    assert stats["newscrawl/spider/fetched"] == 3
    assert stats["newscrawl/dedup/refetched"] == 3
    assert stats["newscrawl/mongo/versioned"] == 1
    assert stats["newscrawl/mongo/unchanged"] == 2
    assert db.articles.count_documents({}) == 3

    doc = db.articles.find_one({"_id": edited_id})
    assert doc is not None
    assert doc["version"] == 2
    assert "وصوت 95 نائبا" in doc["text"]
    assert doc["fetch_count"] == 2
    versions = list(db.article_versions.find({"article_id": edited_id}))
    assert [(v["_id"], v["version"]) for v in versions] == [(f"{edited_id}:1", 1)]
    assert old_paragraph in versions[0]["text"] and "وصوت 95 نائبا" not in versions[0]["text"]
    # the copies kept their links through the re-fetch
    relinked = {d["_id"]: d for d in db.articles.find({"_id": {"$in": [copy_1, copy_2]}})}
    assert relinked[other]["duplicate_of"] == first_copy
    assert relinked[first_copy]["cluster_id"] == relinked[other]["cluster_id"] == first_copy


def test_drop_policy_stores_one_copy_and_never_downloads_the_other_again(
    run_crawl: CrawlRunner, own_site: OwnSite, db: DB
) -> None:
    settings = {**FAST, "NEWSCRAWL_DUPLICATES": "drop"}
    first = run_crawl("-a", "site=lifecycle", seeds=own_site.seeds, settings=settings)
    assert first.returncode == 0, first.stderr[-3000:]
    stats = first.newscrawl()
    dropped = {k: v for k, v in stats.items() if k.startswith("newscrawl/dedup/dropped/")}
    assert sum(dropped.values()) == 1, dropped
    assert stats["newscrawl/mongo/inserted"] == 2
    copy_ids = _ids(own_site.site, COPY_1, COPY_2)
    assert db.articles.count_documents({"_id": {"$in": copy_ids}}) == 1

    second = run_crawl("-a", "site=lifecycle", seeds=own_site.seeds, settings=settings)
    assert second.returncode == 0, second.stderr[-3000:]
    stats = second.newscrawl()
    assert stats.get("newscrawl/spider/fetched", 0) == 0
    assert stats["newscrawl/spider/skipped/already_stored"] == 3
    assert db.articles.count_documents({}) == 2


# --- the default set-up: the embedded store and its local band file ----------------------


def _embedded_crawl(
    own_site: OwnSite, data: Path, port: int, tmp_path: Path, **settings: str
) -> CrawlResult:
    """``scrapy crawl`` with no URI: the embedded store in ``data`` on ``port``."""
    stats_file = tmp_path / f"stats-{uuid.uuid4().hex[:6]}.json"
    env = {k: v for k, v in os.environ.items() if k != "NEWSCRAWL_MONGO_URI"}
    env.update(
        SCRAPY_PROJECT="test",
        NEWSCRAWL_SEEDS=str(own_site.seeds),
        NEWSCRAWL_MONGO_DATABASE="lifecycle",
        NEWSCRAWL_STATS_FILE=str(stats_file),
        NEWSCRAWL_DATA_DIR=str(data),
        NEWSCRAWL_EMBEDDED_PORT=str(port),
    )
    command = [sys.executable, "-m", "scrapy", "crawl", "news", "-a", "site=lifecycle"]
    for key, value in {**FAST, **settings}.items():
        command += ["-s", f"{key}={value}"]
    return run_crawl_process(command, env, stats_file, timeout=120)


def test_embedded_store_keeps_band_buckets_in_a_local_file_and_links_copies(
    own_site: OwnSite, tmp_path: Path
) -> None:
    data, port = tmp_path / "data", free_port()
    server = EmbeddedServer(data, port=port)
    try:
        done = _embedded_crawl(own_site, data, port, tmp_path)
        assert done.returncode == 0, done.stderr[-3000:]
        stats = done.newscrawl()
        assert stats["newscrawl/mongo/inserted"] == 3
        assert stats["newscrawl/dedup/unique"] == 2
        assert stats["newscrawl/dedup/linked"] == 1
        client: MongoClient[dict[str, Any]] = MongoClient(server.uri)
        with client:
            db = client["lifecycle"]
            assert "neardup_bands" not in db.list_collection_names()
            keys: set[int] = set()
            for sketch in db.neardup_sketches.find():
                keys |= {int(k) for k in sketch["b"]} | {fingerprint_key(sketch["f"])}
            copy_1, copy_2 = _ids(own_site.site, COPY_1, COPY_2)
            linked = db.articles.find_one({"duplicate_of": {"$exists": True}})
            assert linked is not None and linked["_id"] in {copy_1, copy_2}
        with sqlite3.connect(data / "neardup" / "lifecycle.sqlite3") as bands:
            assert {k for (k,) in bands.execute("SELECT key FROM neardup_bands")} == keys

        # the band file breaks: re-fetched articles are still stored, each check counted
        # as failed, and the log says which file
        (data / "neardup" / "lifecycle.sqlite3").unlink()
        (data / "neardup" / "lifecycle.sqlite3").mkdir()
        own_site.edit(_first_paragraph(EDITED_SOURCE), "فقرة جديدة تماما عن الموازنة.")
        again = _embedded_crawl(own_site, data, port, tmp_path, NEWSCRAWL_REFETCH_ENABLED="True")
        assert again.returncode == 0, again.stderr[-3000:]
        stats = again.newscrawl()
        assert stats["newscrawl/spider/fetched"] == 3
        assert stats["newscrawl/dedup/errors"] == 3
        assert stats["newscrawl/mongo/versioned"] == 1
        assert "near-duplicate band file" in again.stderr
        assert str(data / "neardup" / "lifecycle.sqlite3") in again.stderr
    finally:
        server.stop()
