"""End to end: JavaScript pages with the real ``scrapy crawl news``, Chromium and the mock site.

Two copies of the mock site run on two ports, so one crawl holds two seeds: ``mocknews``
(plain HTTP, ``needs_js = false``) and ``mockjs`` (``needs_js = true``). The crawl fetches:

- from ``mocknews``: the JavaScript-only article (an app shell: the fallback renders it once)
  and two ordinary articles (never rendered);
- from ``mockjs``: the JavaScript-only article (rendered directly), a page whose inline
  script never ends (a navigation timeout), and a page whose script hangs after loading
  (only the hard per-page deadline ends it; it also asks for an image, a font and a
  tracker, which the browser must not fetch).

A second crawl points at a Chromium that does not exist: JavaScript pages fail with the
install command in the log, and the rest of the crawl is stored.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pymongo.database import Database

from crawler.rendering import DEFAULT_CHROMIUM, TEST_HOST_RESOLVER_RULES
from crawler.urls import canonicalize
from demo.server import Request, Response, SiteServer
from tests.conftest import CrawlRunner
from tests.mocksite import MockSite, start_mock_site

JS_ONLY = "/ar/news/2024/05/js-only-article.html"
NORMAL = (
    "/ar/news/2024/03/book-fair-opens-record-publishers.html",
    "/ar/news/2024/04/municipal-elections-turnout.html",
)
NEVER_ENDS = "/ar/news/2024/05/never-ending-script.html"
STALLS = "/ar/news/2024/05/script-stalls-after-load.html"

_NEVER_ENDS_PAGE = """<!DOCTYPE html><html lang="ar"><head><meta charset="utf-8">
<title>سكربت لا ينتهي</title></head><body><h1>سكربت لا ينتهي</h1>
<script>for (;;) {}</script><p>لن يظهر هذا النص أبداً.</p></body></html>"""

_STALLS_PAGE = """<!DOCTYPE html><html lang="ar"><head><meta charset="utf-8">
<title>صفحة تتوقف بعد التحميل</title>
<style>@font-face { font-family: "X"; src: url("/fonts/blocked.woff2"); }
body { font-family: "X"; }</style>
<script src="https://www.google-analytics.com/analytics.js"></script></head>
<body><h1>صفحة تتوقف بعد التحميل</h1><img src="/img/blocked-photo.jpg" alt="">
<p>فقرة أولى من مقال يكتمل تحميله ثم يتوقف فيه سكربت عن الاستجابة إلى الأبد.</p>
<script>window.addEventListener("load", function () {
  setTimeout(function () { for (;;) {} }, 0);
});</script></body></html>"""

#: Short timeouts so the two hanging pages end quickly (seconds; navigation in ms), and no
#: name lookups by Chromium (settings/test.py may say so too; giving it here is harmless).
RENDER_SETTINGS = {
    "PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT": "3000",
    "NEWSCRAWL_RENDER_PAGE_TIMEOUT": "6",
    "NEWSCRAWL_RENDER_WAIT_TIMEOUT": "2",
    "NEWSCRAWL_RENDER_HOST_RESOLVER_RULES": TEST_HOST_RESOLVER_RULES,
}

needs_chromium = pytest.mark.skipif(
    not Path(DEFAULT_CHROMIUM).is_file(),
    reason=f"Debian's chromium is not installed at {DEFAULT_CHROMIUM} "
    "(install: apt-get install -y chromium)",
)


def _page(body: str) -> Any:
    def route(request: Request, server: SiteServer) -> Response:
        return Response(body=body.encode())

    return route


@pytest.fixture(scope="module")
def sites() -> Iterator[tuple[MockSite, MockSite]]:
    """The plain site and the JavaScript site (the same pages on two ports, plus two)."""
    plain = start_mock_site(slow_seconds=1)
    js = start_mock_site(
        slow_seconds=1,
        extra_routes={NEVER_ENDS: _page(_NEVER_ENDS_PAGE), STALLS: _page(_STALLS_PAGE)},
    )
    try:
        yield plain, js
    finally:
        plain.stop()
        js.stop()


@pytest.fixture
def seeds(tmp_path: Path, sites: tuple[MockSite, MockSite]) -> Path:
    plain, js = sites
    folder = tmp_path / "seeds"
    plain.write_seed(folder)
    js.write_seed(folder, id="mockjs", needs_js=True)
    return folder


def _urls(sites: tuple[MockSite, MockSite]) -> str:
    plain, js = sites
    urls = [plain.url(JS_ONLY), *(plain.url(p) for p in NORMAL)]
    urls += [js.url(JS_ONLY), js.url(NEVER_ENDS), js.url(STALLS)]
    return "url=" + ",".join(urls)


def _render_stats(stats: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in stats.items() if k.startswith("newscrawl/render/")}


@pytest.mark.chromium
@needs_chromium
def test_js_pages_are_rendered_only_where_needed_and_hangs_end(
    run_crawl: CrawlRunner,
    seeds: Path,
    sites: tuple[MockSite, MockSite],
    db: Database[dict[str, Any]],
) -> None:
    plain, js = sites
    seen_before = len(plain.requested_paths()), len(js.requested_paths())
    started = time.monotonic()
    result = run_crawl(
        "-a",
        _urls(sites),
        seeds=seeds,
        settings=RENDER_SETTINGS,
        timeout=90,
    )
    elapsed = time.monotonic() - started
    assert result.returncode == 0, result.stderr[-3000:]
    # Two hanging pages, yet the crawl ends soon after the 6 s page deadline.
    assert elapsed < 45, elapsed

    # The JavaScript-only article is stored with the article's own text, from both sites.
    gold = plain.manifest["articles"][JS_ONLY]
    docs = {doc["url"]: doc for doc in db.articles.find()}
    for site, seed_id in ((plain, "mocknews"), (js, "mockjs")):
        doc = docs[canonicalize(site.url(JS_ONLY))]
        assert doc["site"] == seed_id
        assert doc["title"] == gold["title"]
        assert doc["text"] == gold["text"]
        assert doc["authors"] == gold["authors"]
    # The ordinary articles are stored too; the hanging pages are not.
    assert sorted(docs) == sorted(
        canonicalize(u)
        for u in (plain.url(JS_ONLY), js.url(JS_ONLY), *(plain.url(p) for p in NORMAL))
    )

    # Exactly the app shell was re-rendered on the plain site; the JS seed's pages were
    # routed to Chromium; both hanging pages are counted timeouts; every page was closed.
    stats = result.stats
    render = _render_stats(stats)
    # Four rendered requests: each got a new page or one parked by an earlier request
    # (which depends on timing); every page opened was closed by the end.
    opened = render.pop("newscrawl/render/pages/opened")
    reused = render.pop("newscrawl/render/pages/reused", 0)
    assert opened + reused == 4
    assert render.pop("newscrawl/render/pages/closed") == opened
    assert render == {
        "newscrawl/render/fallback/triggered/mocknews": 1,
        "newscrawl/render/fallback/recovered/mocknews": 1,
        "newscrawl/render/rendered/mocknews": 1,
        "newscrawl/render/needs_js_suggested": ["mocknews"],
        "newscrawl/render/routed/mockjs": 3,
        "newscrawl/render/rendered/mockjs": 1,
        "newscrawl/render/timeout/mockjs": 2,
    }
    failed = {k: v for k, v in stats.items() if k.startswith("newscrawl/spider/errors/")}
    assert sum(failed.values()) == 2, failed
    assert stats["newscrawl/spider/fetched"] == 4
    assert "set needs_js = true in their seed files: mocknews" in result.stderr

    # What the servers saw: the app shell twice on the plain site (plain, then Chromium),
    # everything else once; the browser fetched no image, font or tracker.
    plain_paths = plain.requested_paths()[seen_before[0] :]
    assert plain_paths.count(JS_ONLY) == 2
    assert [plain_paths.count(p) for p in NORMAL] == [1, 1]
    js_paths = js.requested_paths()[seen_before[1] :]
    assert [js_paths.count(p) for p in (JS_ONLY, NEVER_ENDS, STALLS)] == [1, 1, 1]
    assert not [p for p in js_paths if p.startswith(("/img/", "/fonts/"))]
    # The browser sends the crawl's normal User-Agent, never "HeadlessChrome".
    agents = {r.user_agent for r in js.server.requests()[seen_before[1] :]}
    assert agents
    assert not [agent for agent in agents if "Headless" in agent], agents
    # At least the image and the tracker script (the font only once text is laid out).
    assert stats["playwright/request_count/aborted"] >= 2


def test_without_chromium_js_pages_fail_with_the_fix_and_the_rest_is_stored(
    run_crawl: CrawlRunner,
    seeds: Path,
    sites: tuple[MockSite, MockSite],
    db: Database[dict[str, Any]],
    tmp_path: Path,
) -> None:
    plain, js = sites
    missing = tmp_path / "no-chromium" / "chromium"
    js_seen_before = len(js.requested_paths())
    settings = RENDER_SETTINGS | {"NEWSCRAWL_RENDER_CHROMIUM": str(missing)}
    result = run_crawl("-a", _urls(sites), seeds=seeds, settings=settings, timeout=90)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stderr.count("apt-get install -y chromium") == 1
    assert f"Chromium is not installed ({missing} not found)" in result.stderr

    docs = {doc["url"] for doc in db.articles.find()}
    assert docs == {canonicalize(plain.url(p)) for p in NORMAL}
    assert _render_stats(result.stats) == {
        "newscrawl/render/unavailable/mockjs": 3,
        "newscrawl/render/fallback/triggered/mocknews": 1,
        "newscrawl/render/fallback/unavailable/mocknews": 1,
    }
    assert result.stats["newscrawl/spider/errors/article/ChromiumMissingError"] == 3
    # Playwright was never started: no browser, no driver.
    assert not [k for k in result.stats if k.startswith("playwright/")]
    assert not [p for p in js.requested_paths()[js_seen_before:] if p.startswith("/ar/news/")]
