"""The one-line crawl summary printed at the end of ``scrapy crawl``."""

from __future__ import annotations

from crawler.summary import drop_reasons, summarize


def test_first_crawl_summary() -> None:
    stats = {
        "newscrawl/mongo/inserted": 23,
        "newscrawl/spider/fetched": 25,
        "newscrawl/quality/dropped/index_page": 1,
        "newscrawl/quality/dropped/video_only": 1,
        "newscrawl/spider/errors/article/http_500": 2,
        "newscrawl/spider/errors/feed/timeout": 1,
    }
    assert summarize(stats) == (
        "newscrawl: stored 23 new articles; fetched 25 article pages; "
        "dropped: index_page 1, video_only 1; failed requests: 3"
    )


def test_second_crawl_says_nothing_new() -> None:
    stats = {
        "newscrawl/spider/skipped/already_stored": 23,
        "newscrawl/mongo/updated": 1,
        "newscrawl/mongo/unchanged": 2,
    }
    assert summarize(stats) == (
        "newscrawl: no new articles stored, 1 updated, 2 unchanged, 23 already stored "
        "(not fetched again); fetched 0 article pages; dropped: none; failed requests: 0"
    )


def test_drop_reasons_across_pipelines() -> None:
    stats = {
        "newscrawl/quality/dropped/index_page": 2,
        "newscrawl/dedup/dropped/duplicate/near": 1,
        "newscrawl/language/dropped/fa": 3,
        "newscrawl/quality/passed": 9,
    }
    assert drop_reasons(stats) == {"index_page": 2, "duplicate/near": 1, "fa": 3}
