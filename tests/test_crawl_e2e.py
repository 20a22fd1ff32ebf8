"""End to end: the real ``scrapy crawl news`` against the local mock news site into MongoDB.

Asserts the exact stored documents (one per article, cleaned text equal to the site's own
paragraphs, metadata) and the exact ``newscrawl/`` stats; a second crawl stores nothing new.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pymongo.database import Database

from pipelines.storage import article_id
from tests.conftest import CrawlRunner
from tests.helpers import FaultSite, expected_articles
from tests.mocksite import MockSite

CRAWL_SETTINGS = {"NEWSCRAWL_RENDER_ENABLED": "False"}


def test_crawl_stores_exactly_the_articles(
    run_crawl: CrawlRunner, seeds: Path, mock_site: MockSite, db: Database[dict[str, Any]]
) -> None:
    result = run_crawl("-a", "site=mocknews", seeds=seeds, settings=CRAWL_SETTINGS)
    assert result.returncode == 0, result.stderr[-3000:]
    expected = expected_articles(mock_site)
    docs = {doc["canonical_url"]: doc for doc in db.articles.find()}
    assert sorted(docs) == sorted(expected)
    for url, entry in expected.items():
        doc = docs[url]
        assert doc["_id"] == article_id(url)
        assert doc["site"] == "mocknews"
        assert doc["title"] == entry["title"], url
        assert doc["text"] == entry["text"], url
        assert doc["language"] == entry["language"], url
        assert doc["authors"] == entry["authors"], url
        assert doc["published"][:10] == entry["published"][:10], url
        for noise in entry.get("must_not_contain", []):
            assert noise not in doc["text"], (url, noise)
        assert doc["first_seen"] == doc["last_seen"]

    stats = result.newscrawl()
    n_stored = len(expected)
    assert stats["newscrawl/mongo/inserted"] == n_stored
    assert stats.get("newscrawl/mongo/updated", 0) == 0
    assert stats["newscrawl/quality/passed"] == n_stored
    assert stats["newscrawl/quality/dropped/index_page"] == 1
    assert stats["newscrawl/quality/dropped/video_only"] == 1
    assert stats["newscrawl/spider/errors/article/http_500"] == 1
    assert stats["newscrawl/spider/errors/article/http_404"] == 1
    assert stats["newscrawl/spider/errors/article/timeout"] == 1
    assert stats["newscrawl/spider/skipped/not_html"] == 1
    assert stats["newscrawl/spider/skipped/robots_txt"] == 1
    # Every fetched English page counts, the English video page included.
    english = sum(
        1
        for e in mock_site.manifest["articles"].values()
        if e["language"] == "en" and e["http_status"] == 200 and "timeout" not in e["cases"]
    )
    assert stats["newscrawl/language/mismatch/ar_en"] == english
    # The tracking-parameter copy in the feed was recognised before it was fetched.
    assert stats["newscrawl/spider/discovered/duplicate_url"] >= 1
    assert stats["newscrawl/spider/fetched"] == n_stored + 2 + 1  # + non-articles, + app shell
    # The robots.txt-forbidden page was never requested.
    assert not any(p.startswith("/private/") for p in mock_site.requested_paths())

    second = run_crawl("-a", "site=mocknews", seeds=seeds, settings=CRAWL_SETTINGS)
    assert second.returncode == 0, second.stderr[-3000:]
    assert db.articles.count_documents({}) == n_stored
    again = second.newscrawl()
    assert again.get("newscrawl/mongo/inserted", 0) == 0
    assert "no new articles stored" in second.stdout


def test_unreachable_store_stops_before_fetching(
    run_crawl: CrawlRunner, fault_site: FaultSite
) -> None:
    result = run_crawl(
        "-a",
        "site=faults",
        seeds=fault_site.seeds,
        settings={
            "NEWSCRAWL_MONGO_URI": "mongodb://crawler:s3cret@127.0.0.1:9/?authSource=admin",
            "NEWSCRAWL_MONGO_TIMEOUT_MS": "500",
        },
    )
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.startswith("newscrawl:")]
    assert len(lines) == 1
    assert "127.0.0.1:9" in lines[0]
    assert "s3cret" not in result.stderr + result.stdout
    assert fault_site.site.requested_paths() == []


@pytest.mark.parametrize(
    ("uri", "settings", "line"),
    [
        (
            "mongodb://crawler:s3cret@127.0.0.1:notaport/",
            {"NEWSCRAWL_SPOOL_ON_START_FAILURE": "True"},  # waiting does not fix a bad URI
            "newscrawl: invalid MongoDB URI mongodb://crawler:****@127.0.0.1:notaport/: Port "
            "contains non-digit characters. Hint: username and password must be escaped "
            "according to RFC 3986, use urllib.parse.quote_plus (check NEWSCRAWL_MONGO_URI)",
        ),
        (
            "mongodb://crawler:s3cret@127.0.0.1:9/?authSorce=admin",
            {},
            "newscrawl: invalid MongoDB URI mongodb://crawler:****@127.0.0.1:9/?authSorce=admin: "
            "unknown option authSorce (did you mean one of authsource, authmechanism, "
            "tlscafile?) (check NEWSCRAWL_MONGO_URI)",
        ),
    ],
    ids=["bad-port", "unknown-option"],
)
def test_invalid_uri_is_one_line_and_exit_2(
    run_crawl: CrawlRunner, fault_site: FaultSite, uri: str, settings: dict[str, str], line: str
) -> None:
    # A site of the test's own: the shared mock site records the slow answers of earlier
    # crawls when they end, which may be during this test.
    result = run_crawl(
        "-a",
        "site=faults",
        seeds=fault_site.seeds,
        settings={**settings, "NEWSCRAWL_MONGO_URI": uri},
    )
    assert result.returncode == 2, result.stderr[-3000:]
    lines = [text for text in result.stderr.splitlines() if text.startswith("newscrawl:")]
    assert lines == [line], result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    assert "s3cret" not in result.stderr + result.stdout
    assert result.stats == {}  # the crawl never started
    assert fault_site.site.requested_paths() == []


def test_bad_seed_is_one_clear_line(run_crawl: CrawlRunner, tmp_path: Path) -> None:
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "x.toml").write_text(
        'id = "x"\nname = "X"\ndomain = "x.example"\nlanguage = "ar"\n'
        'feed = ["https://x.example/rss"]\narticle_url_pattern = "/news/"\n'
    )
    result = run_crawl(seeds=folder)
    assert result.returncode == 2
    assert "x.toml" in result.stderr
    assert "did you mean 'feeds'" in result.stderr
