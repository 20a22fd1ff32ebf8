"""Rendering without a browser: app-shell detection, route blocking, launch options, the
Chromium check, the rendering settings, and the routing middleware's decisions and stats."""

from __future__ import annotations

import asyncio
import logging
import stat
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from playwright.async_api import TimeoutError as PlaywrightTimeoutError
from scrapy import Request
from scrapy.exceptions import DownloadTimeoutError, NotConfigured
from scrapy.http import HtmlResponse, TextResponse
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler
from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler
from scrapy_playwright.page import PageMethod

import settings.render as render_settings
from crawler.handlers import (
    ChromiumMissingError,
    PagePool,
    RenderDownloadHandler,
    RenderTimeoutError,
)
from crawler.middlewares import REASON_META, TRIED_META, RenderMiddleware
from crawler.rendering import (
    CHROMIUM_ARGS,
    DEFAULT_CHROMIUM,
    INSTALL_HINT,
    TEST_HOST_RESOLVER_RULES,
    RenderConfig,
    build_launch_options,
    chromium_problem,
    detect_app_shell,
    is_blocked,
    is_tracker,
    should_abort_request,
    wait_for_content,
)
from crawler.seeds import Seed

PARA = (
    "قال مسؤولون إن المفاوضات بين الطرفين استؤنفت صباح اليوم في العاصمة بعد توقف دام "
    "أسبوعين، وسط توقعات بالتوصل إلى اتفاق خلال الأيام المقبلة."
)

#: The shape of the mock site's JavaScript-only article: an empty app root, a <noscript>
#: prompt, and the body built by an inline script from a JSON blob.
JS_ONLY = """<!doctype html><html lang="ar" dir="rtl"><head><meta charset="utf-8">
<title>مقال</title><link rel="stylesheet" href="/static/site.css"></head>
<body><header><nav><a href="/ar/">الرئيسية</a> <a href="/ar/news/">أخبار</a>
<a href="/ar/sport/">رياضة</a> <a href="/ar/economy/">اقتصاد</a></nav></header>
<div id="app"></div>
<noscript>يرجى تفعيل جافا سكريبت لقراءة هذا المقال.</noscript>
<script type="application/json" id="article-data">{"title": "عنوان", "paragraphs": ["نص"]}</script>
<script>const d = JSON.parse(document.getElementById("article-data").textContent);</script>
<footer>© 2024 موقع الأخبار. جميع الحقوق محفوظة.</footer></body></html>"""

ARTICLE = f"""<!doctype html><html lang="ar"><head><meta charset="utf-8"><title>مقال</title>
<script async src="https://www.googletagmanager.com/gtag/js?id=G-1"></script>
<script src="/static/js/main.3f2a.js"></script></head>
<body><div id="root"><article><h1>عنوان المقال</h1>
<p>{PARA}</p><p>{PARA}</p><p>{PARA}</p></article></div>
<noscript><img src="https://www.facebook.com/tr?id=1&ev=PageView"></noscript>
</body></html>"""


# --- app-shell detection ----------------------------------------------------------------


def test_js_only_page_is_an_app_shell() -> None:
    verdict = detect_app_shell(JS_ONLY.encode())
    assert verdict.is_shell
    # Navigation and footer text do not count as content.
    assert verdict.text_chars == 0
    assert verdict.signals == ("app_root", "noscript_prompt", "state_blob")


def test_normal_article_is_not_a_shell_even_with_a_framework_root_and_loader() -> None:
    verdict = detect_app_shell(ARTICLE.encode())
    assert not verdict.is_shell
    assert verdict.text_chars > 300
    # The root has text and the <noscript> holds a tracking pixel, not a prompt.
    assert verdict.signals == ("loader",)


def test_short_page_without_script_signals_is_not_a_shell() -> None:
    page = "<html><body><h1>خبر عاجل</h1><p>انفجار في الميناء.</p></body></html>"
    assert detect_app_shell(page) == detect_app_shell(page.encode())
    verdict = detect_app_shell(page)
    assert not verdict.is_shell
    assert verdict.signals == ()
    assert verdict.text_chars == len("خبر عاجل") + len("انفجار في الميناء.")


def test_server_rendered_next_page_with_text_is_not_a_shell() -> None:
    page = (
        f"<html><body><div id='__next'><h1>Title</h1><p>{PARA}</p><p>{PARA}</p></div>"
        "<script id='__NEXT_DATA__' type='application/json'>{\"props\": {}}</script>"
        "<script src='/_next/static/chunks/main-abc.js'></script></body></html>"
    )
    verdict = detect_app_shell(page)
    assert not verdict.is_shell
    assert set(verdict.signals) == {"loader", "state_blob"}


@pytest.mark.parametrize(
    ("page", "signal"),
    [
        (
            "<html><body><app-root></app-root><script src='/main.js'></script></body></html>",
            "app_root",
        ),
        (
            "<html><body><div id='root'></div><noscript>You need to enable JavaScript to run "
            "this app.</noscript></body></html>",
            "noscript_prompt",
        ),
        (
            "<html><body><div id='x'></div><noscript>برای مشاهده این صفحه جاوا اسکریپت را فعال "
            "کنید</noscript></body></html>",
            "noscript_prompt",
        ),
        (
            "<html><body><div class='c'></div><script>window.__INITIAL_STATE__ = {\"a\": 1};"
            "</script></body></html>",
            "state_blob",
        ),
        (
            "<html><body><div></div><script src='https://cdn.example.org/static/js/bundle.min.js'>"
            "</script></body></html>",
            "loader",
        ),
    ],
)
def test_each_script_signal_with_no_text_makes_a_shell(page: str, signal: str) -> None:
    verdict = detect_app_shell(page)
    assert verdict.is_shell
    assert signal in verdict.signals


def test_text_limit_decides_between_shell_and_page() -> None:
    page = f"<html><body><div id='app'></div><p>{'ا' * 120}</p></body></html>"
    assert detect_app_shell(page, max_text_chars=120).is_shell
    assert not detect_app_shell(page, max_text_chars=119).is_shell


def test_script_challenge_is_a_shell_whatever_its_text() -> None:
    page = (
        "<html><head><title>Just a moment...</title></head><body><h1>Checking your browser "
        f"before accessing the site.</h1><p>{PARA * 3}</p>"
        "<script src='/cdn-cgi/challenge-platform/h/b/orchestrate/jsch/v1'></script></body></html>"
    )
    verdict = detect_app_shell(page)
    assert verdict.is_shell
    assert "challenge" in verdict.signals


def test_empty_and_undecodable_pages_are_not_shells() -> None:
    assert not detect_app_shell(b"").is_shell
    assert not detect_app_shell(b"   \n").is_shell
    # windows-1256 bytes are not UTF-8: decoded with replacement, still judged.
    legacy = "<html><body><p>مرحبا</p></body></html>".encode("cp1256")
    assert not detect_app_shell(legacy).is_shell


# --- route blocking ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("resource_type", "url", "blocked"),
    [
        ("image", "https://www.example.com/a.jpg", True),
        ("font", "https://fonts.example.com/a.woff2", True),
        ("media", "https://www.example.com/v.mp4", True),
        ("document", "https://www.example.com/ar/news/1.html", False),
        ("script", "https://www.example.com/static/app.js", False),
        ("xhr", "https://api.example.com/article/1.json", False),
        ("stylesheet", "https://www.example.com/site.css", False),
        ("script", "https://www.google-analytics.com/analytics.js", True),
        ("script", "https://securepubads.g.doubleclick.net/tag/js/gpt.js", True),
        ("xhr", "https://google-analytics.com/collect?v=2", True),
        ("script", "https://google-analytics.com.example.org/x.js", False),
        ("script", "https://notdoubleclick.net/x.js", False),
    ],
)
def test_route_blocking(resource_type: str, url: str, blocked: bool) -> None:
    assert is_blocked(resource_type, url) is blocked
    request = SimpleNamespace(resource_type=resource_type, url=url)
    assert should_abort_request(request) is blocked


def test_tracker_hosts_ignore_case_and_trailing_dot() -> None:
    assert is_tracker("https://WWW.GoogleTagManager.COM./gtm.js")
    assert not is_tracker("data:text/html,hello")


# --- launch options and the browser check -----------------------------------------------


def test_launch_options_from_the_settings_module() -> None:
    base = render_settings.PLAYWRIGHT_LAUNCH_OPTIONS
    assert base["executable_path"] == "/usr/bin/chromium"
    assert base["headless"] is True
    assert tuple(base["args"]) == CHROMIUM_ARGS

    options = build_launch_options(
        base, executable_path="/opt/chromium/chrome", host_resolver_rules=TEST_HOST_RESOLVER_RULES
    )
    assert options["executable_path"] == "/opt/chromium/chrome"
    assert options["args"] == [
        *CHROMIUM_ARGS,
        "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1, EXCLUDE localhost",
    ]
    # The settings' own dict is left alone.
    assert tuple(base["args"]) == CHROMIUM_ARGS
    assert base["executable_path"] == "/usr/bin/chromium"


def test_launch_options_replace_rules_and_do_not_repeat_flags() -> None:
    base = {"args": ["--no-sandbox", "--host-resolver-rules=MAP * 1.2.3.4"]}
    options = build_launch_options(
        base, host_resolver_rules="MAP * ~NOTFOUND", extra_args=["--no-sandbox", "--mute-audio"]
    )
    assert options == {
        "headless": True,
        "args": ["--no-sandbox", "--mute-audio", "--host-resolver-rules=MAP * ~NOTFOUND"],
    }
    assert build_launch_options({}) == {"headless": True, "args": []}


def test_chromium_problem_says_how_to_install(tmp_path: Path) -> None:
    missing = chromium_problem(str(tmp_path / "chromium"))
    assert missing is not None
    assert f"`{INSTALL_HINT}`" in missing
    assert "apt-get install -y chromium" in missing
    assert str(tmp_path / "chromium") in missing

    browser = tmp_path / "chrome"
    browser.write_text("#!/bin/sh\n")
    browser.chmod(0o644)
    problem = chromium_problem(str(browser))
    assert problem is not None
    assert "not executable" in problem
    browser.chmod(browser.stat().st_mode | stat.S_IXUSR)
    assert chromium_problem(str(browser)) is None
    assert "NEWSCRAWL_RENDER_CHROMIUM" in (chromium_problem("") or "")


# --- settings ---------------------------------------------------------------------------


def test_settings_module_installs_the_handler_for_both_schemes_only() -> None:
    handler = "crawler.handlers.RenderDownloadHandler"
    assert {"http": handler, "https": handler} == render_settings.DOWNLOAD_HANDLERS
    assert render_settings.PLAYWRIGHT_ABORT_REQUEST == "crawler.rendering.should_abort_request"
    assert render_settings.PLAYWRIGHT_BROWSER_TYPE == "chromium"
    assert render_settings.PLAYWRIGHT_MAX_CONTEXTS == 1
    assert render_settings.PLAYWRIGHT_MAX_PAGES_PER_CONTEXT == 4
    assert render_settings.__all__ == sorted(render_settings.__all__)
    for name in render_settings.__all__:
        assert name.isupper() and hasattr(render_settings, name)


def test_project_settings_render_pages() -> None:
    """settings/base.py imports settings/render.py and enables the routing middleware."""
    from scrapy.settings import Settings as ScrapySettings

    import settings.test as project

    settings = ScrapySettings()
    settings.setmodule(project)
    handler = "crawler.handlers.RenderDownloadHandler"
    assert settings.getdict("DOWNLOAD_HANDLERS") == {"http": handler, "https": handler}, (
        "settings/base.py must `from settings.render import *`"
    )
    middlewares = settings.getdict("DOWNLOADER_MIDDLEWARES")
    assert "crawler.middlewares.RenderMiddleware" in middlewares, (
        "settings/base.py must enable crawler.middlewares.RenderMiddleware at 585"
    )
    # Below HttpCompression (590) and Redirect (600): it sees decompressed, redirected
    # responses. Above RetryMiddleware (550): a 503 script check reaches it before a retry.
    assert 550 < middlewares["crawler.middlewares.RenderMiddleware"] < 590
    assert settings.getbool("NEWSCRAWL_RENDER_ENABLED")
    assert settings.getdict("PLAYWRIGHT_LAUNCH_OPTIONS")["executable_path"] == DEFAULT_CHROMIUM
    assert settings.get("TWISTED_REACTOR").endswith("AsyncioSelectorReactor")


def test_render_config_reads_settings_once() -> None:
    settings = Settings(
        {name: getattr(render_settings, name) for name in render_settings.__all__}
        | {"USER_AGENT": "Mozilla/5.0 Test"}
    )
    config = RenderConfig.from_settings(settings)
    assert config == RenderConfig(
        chromium=render_settings.NEWSCRAWL_RENDER_CHROMIUM,
        user_agent="Mozilla/5.0 Test",
    )
    settings.set("NEWSCRAWL_RENDER_USER_AGENT", "Mozilla/5.0 Other")
    settings.set("NEWSCRAWL_RENDER_PAGE_TIMEOUT", "7.5")
    config = RenderConfig.from_settings(settings)
    assert (config.user_agent, config.page_timeout) == ("Mozilla/5.0 Other", 7.5)
    settings.set("NEWSCRAWL_RENDER_PAGE_TIMEOUT", 0)
    with pytest.raises(ValueError, match="NEWSCRAWL_RENDER_PAGE_TIMEOUT"):
        RenderConfig.from_settings(settings)


def test_scrapy_playwright_internals_the_handler_relies_on_exist() -> None:
    for name in (
        "_maybe_launch_in_thread",
        "_download_request",
        "_create_page",
        "_launch",
        "_maybe_launch_browser",
        "_close",
    ):
        assert callable(getattr(ScrapyPlaywrightDownloadHandler, name)), name
    assert issubclass(RenderTimeoutError, DownloadTimeoutError)
    assert issubclass(RenderDownloadHandler, ScrapyPlaywrightDownloadHandler)


# --- the page pool ----------------------------------------------------------------------


class _Page:
    """What the pool uses of a Playwright page."""

    def __init__(self, name: str, *, park_fails: bool = False) -> None:
        self.name = name
        self.park_fails = park_fails
        self.closed = False
        self.visits: list[str] = []
        self.handlers: dict[str, Any] = {}

    def is_closed(self) -> bool:
        return self.closed

    def once(self, event: str, handler: Any) -> None:
        self.handlers[event] = handler

    async def goto(self, url: str, *, timeout: float) -> None:
        if self.park_fails:
            raise PlaywrightTimeoutError("Timeout exceeded")
        self.visits.append(url)

    async def close(self) -> None:
        if not self.closed:
            self.closed = True
            if "close" in self.handlers:
                self.handlers["close"](self)


def _pool(size: int = 2, max_uses: int = 3) -> tuple[PagePool, dict[str, int]]:
    counts: dict[str, int] = {}

    def count(outcome: str) -> None:
        counts[outcome] = counts.get(outcome, 0) + 1

    return PagePool(size, max_uses, count), counts


def test_pool_parks_healthy_pages_and_reuses_them_up_to_max_uses() -> None:
    async def scenario() -> tuple[list[Any], dict[str, int], _Page]:
        pool, counts = _pool(size=1, max_uses=3)
        page = _Page("a")
        got = [await pool.acquire()]  # nothing parked yet: a new page is needed
        pool.opened(page)
        await pool.release(page, healthy=True)
        for _ in range(2):
            got.append(await pool.acquire())
            await pool.release(page, healthy=True)  # third use: closed, not parked
        got.append(await pool.acquire())
        await pool.release(None, healthy=False)
        return got, counts, page

    got, counts, page = asyncio.run(scenario())
    assert [g.name if g else None for g in got] == [None, "a", "a", None]
    assert page.visits == ["about:blank", "about:blank"]
    assert page.closed
    assert counts == {"pages/opened": 1, "pages/reused": 2, "pages/closed": 1}


def test_pool_closes_failed_crashed_and_unparkable_pages() -> None:
    async def scenario() -> tuple[dict[str, int], list[_Page], Any]:
        pool, counts = _pool(size=3)
        failed, stuck, crashed = _Page("failed"), _Page("stuck", park_fails=True), _Page("c")
        for page in (failed, stuck, crashed):
            assert await pool.acquire() is None
            pool.opened(page)
        await pool.release(failed, healthy=False)
        await pool.release(stuck, healthy=True)
        crashed.handlers["crash"](crashed)
        await pool.release(crashed, healthy=True)
        await pool.wait()
        return counts, [failed, stuck, crashed], await pool.acquire()

    counts, pages, reused = asyncio.run(scenario())
    assert all(page.closed for page in pages)
    assert reused is None
    assert counts == {"pages/opened": 3, "pages/closed": 3}


def test_pool_bounds_pages_and_closes_parked_ones_when_idle() -> None:
    async def scenario() -> tuple[bool, dict[str, int], list[_Page]]:
        pool, counts = _pool(size=2)
        pages = [_Page("a"), _Page("b")]
        for page in pages:
            await pool.acquire()
            pool.opened(page)
        third = asyncio.ensure_future(pool.acquire())
        await asyncio.sleep(0.01)
        waited = not third.done()  # both slots taken: the third request waits
        await pool.release(pages[0], healthy=True)
        assert await third is pages[0]
        await pool.release(pages[0], healthy=True)
        await pool.release(pages[1], healthy=True)
        pool.close_idle()
        await pool.wait()
        return waited, counts, pages

    waited, counts, pages = asyncio.run(scenario())
    assert waited
    assert all(page.closed for page in pages)
    assert counts == {"pages/opened": 2, "pages/reused": 1, "pages/closed": 2}


# --- waiting for the content ------------------------------------------------------------


class _FakePage:
    url = "http://127.0.0.1/ar/news/1.html"

    def __init__(self, ready: bool) -> None:
        self.ready = ready
        self.calls: list[tuple[str, Any, float]] = []

    async def wait_for_function(
        self, expression: str, *, arg: Any, timeout: float, polling: int
    ) -> None:
        self.calls.append((expression, arg, timeout))
        if not self.ready:
            raise PlaywrightTimeoutError("Timeout 5000ms exceeded.")


def test_wait_for_content_is_soft_on_timeout() -> None:
    page = _FakePage(ready=False)
    found = asyncio.run(
        wait_for_content(page, kind="article", selector="div.body", min_chars=150, timeout_ms=1500)
    )
    assert found is False
    ((expression, arg, timeout),) = page.calls
    assert "querySelector" in expression
    assert (arg, timeout) == (["div.body", 150], 1500)


def test_wait_for_content_on_listing_waits_for_links() -> None:
    page = _FakePage(ready=True)
    assert asyncio.run(wait_for_content(page, kind="listing", min_links=12)) is True
    ((expression, arg, _),) = page.calls
    assert "a[href]" in expression
    assert arg == [12]


# --- the routing middleware -------------------------------------------------------------

SITE = "http://127.0.0.1:8999"


def _seed(seed_id: str, **extra: Any) -> Seed:
    domain = "127.0.0.1:8999" if seed_id == "plain" else f"{seed_id}.example.org"
    data = {
        "id": seed_id,
        "name": seed_id,
        "domain": domain,
        "language": "ar",
        "sections": [f"http://{domain}/"],
        "article_url_pattern": r"/news/",
        **extra,
    }
    return Seed.from_mapping(data)


def _middleware(
    tmp_path: Path, *, chromium: str | None = None, **settings: Any
) -> RenderMiddleware:
    browser = tmp_path / "chromium"
    if chromium is None:
        browser.write_text("#!/bin/sh\n")
        browser.chmod(0o755)
    values = {name: getattr(render_settings, name) for name in render_settings.__all__}
    values |= {"NEWSCRAWL_RENDER_CHROMIUM": chromium or str(browser), **settings}
    crawler = get_crawler(settings_dict=values)
    crawler.spider = SimpleNamespace(  # type: ignore[assignment]
        seeds={
            "plain": _seed("plain"),
            "jsite": _seed("jsite", needs_js=True, body_css="div.story"),
            "jlist": _seed("jlist", needs_js=True, render_listings=True),
        }
    )
    return RenderMiddleware.from_crawler(crawler)


def _request(url: str, seed: str, kind: str) -> Request:
    return Request(url, meta={"newscrawl_kind": kind, "newscrawl_seed": seed})


def _stats(mw: RenderMiddleware) -> dict[str, Any]:
    return {k: v for k, v in mw.stats.get_stats().items() if k.startswith("newscrawl/render/")}


def test_needs_js_article_requests_get_the_page_options(tmp_path: Path) -> None:
    mw = _middleware(tmp_path, NEWSCRAWL_RENDER_WAIT_TIMEOUT=2.5, USER_AGENT="Mozilla/5.0 X")
    request = _request("https://jsite.example.org/news/1", "jsite", "article")
    assert mw.process_request(request) is None
    meta = request.meta
    assert meta["playwright"] is True
    assert meta["playwright_context"] == "newscrawl"
    assert meta["playwright_context_kwargs"]["user_agent"] == "Mozilla/5.0 X"
    assert meta["playwright_context_kwargs"]["service_workers"] == "block"
    assert meta["playwright_page_goto_kwargs"] == {"wait_until": "domcontentloaded"}
    assert meta["dont_retry"] is True
    assert meta["newscrawl_render_timeout"] == 30.0
    assert meta[REASON_META] == "needs_js"
    (method,) = meta["playwright_page_methods"]
    assert isinstance(method, PageMethod)
    assert method.method is wait_for_content
    assert method.kwargs == {
        "kind": "article",
        "selector": "div.story",
        "min_chars": 200,
        "min_links": 10,
        "timeout_ms": 2500.0,
    }
    assert _stats(mw) == {"newscrawl/render/routed/jsite": 1}


def test_only_pages_that_need_it_are_rendered(tmp_path: Path) -> None:
    mw = _middleware(tmp_path)
    plain = [
        _request("https://jsite.example.org/rss.xml", "jsite", "feed"),
        _request("https://jsite.example.org/sitemap.xml", "jsite", "sitemap"),
        _request("https://jsite.example.org/robots.txt", "jsite", "robots"),
        _request("https://jsite.example.org/sport/", "jsite", "section"),
        _request(f"{SITE}/news/1", "plain", "article"),
        _request(f"{SITE}/", "plain", "section"),
        Request(f"{SITE}/robots.txt"),
    ]
    for request in plain:
        mw.process_request(request)
        assert "playwright" not in request.meta, request
    listing = _request("https://jlist.example.org/sport/", "jlist", "section")
    mw.process_request(listing)
    assert listing.meta["playwright"] is True
    assert listing.meta["playwright_page_methods"][0].kwargs["kind"] == "listing"
    assert listing.meta["playwright_page_methods"][0].kwargs["selector"] is None
    assert _stats(mw) == {"newscrawl/render/routed/jlist": 1}


def test_app_shell_is_rendered_once_and_normal_pages_are_not(tmp_path: Path) -> None:
    mw = _middleware(tmp_path)
    request = _request(f"{SITE}/news/js.html", "plain", "article")
    shell = HtmlResponse(request.url, body=JS_ONLY.encode(), request=request)
    retry = mw.process_response(request, shell)
    assert isinstance(retry, Request)
    assert retry.url == request.url
    assert retry.dont_filter
    assert retry.meta["playwright"] is True
    assert retry.meta[REASON_META] == "fallback"
    assert retry.meta[TRIED_META] is True
    assert retry.meta["newscrawl_seed"] == "plain"

    normal_request = _request(f"{SITE}/news/ok.html", "plain", "article")
    normal = HtmlResponse(normal_request.url, body=ARTICLE.encode(), request=normal_request)
    assert mw.process_response(normal_request, normal) is normal
    # Not an article request, not HTML, not a success: never re-rendered.
    section = _request(f"{SITE}/", "plain", "section")
    listing = HtmlResponse(section.url, body=JS_ONLY.encode())
    assert mw.process_response(section, listing) is listing
    feed = _request(f"{SITE}/news/feed", "plain", "article")
    xml = TextResponse(feed.url, body=JS_ONLY.encode(), headers={"Content-Type": "text/xml"})
    assert mw.process_response(feed, xml) is xml
    gone = HtmlResponse(request.url, status=404, body=JS_ONLY.encode())
    assert mw.process_response(request, gone) is gone
    # The retry's own plain response (say, the browser was switched off) is not retried again.
    again = request.replace(meta={**request.meta, TRIED_META: True})
    assert mw.process_response(again, shell) is shell
    assert _stats(mw) == {"newscrawl/render/fallback/triggered/plain": 1}


def test_fallback_outcomes_are_counted_and_sites_suggested(tmp_path: Path) -> None:
    mw = _middleware(tmp_path)
    request = _request(f"{SITE}/news/js.html", "plain", "article")
    retry = mw.process_response(request, HtmlResponse(request.url, body=JS_ONLY.encode()))
    assert isinstance(retry, Request)
    rendered = HtmlResponse(retry.url, body=ARTICLE.encode(), flags=["playwright"])
    assert mw.process_response(retry, rendered) is rendered

    second = _request(f"{SITE}/news/js2.html", "plain", "article")
    retry2 = mw.process_response(second, HtmlResponse(second.url, body=JS_ONLY.encode()))
    assert isinstance(retry2, Request)
    retry2.meta["playwright_page_methods"][0].result = False  # the body never appeared
    still = HtmlResponse(retry2.url, body=JS_ONLY.encode(), flags=["playwright"])
    mw.process_response(retry2, still)

    third = _request(f"{SITE}/news/js3.html", "plain", "article")
    retry3 = mw.process_response(third, HtmlResponse(third.url, body=JS_ONLY.encode()))
    assert isinstance(retry3, Request)
    assert mw.process_exception(retry3, RenderTimeoutError("too slow")) is None

    assert _stats(mw) == {
        "newscrawl/render/fallback/triggered/plain": 3,
        "newscrawl/render/rendered/plain": 2,
        "newscrawl/render/fallback/recovered/plain": 1,
        "newscrawl/render/fallback/failed/plain": 2,
        "newscrawl/render/wait_missed/plain": 1,
        "newscrawl/render/still_shell/plain": 1,
        "newscrawl/render/timeout/plain": 1,
        "newscrawl/render/needs_js_suggested": ["plain"],
    }


def test_render_failures_are_counted_per_site(tmp_path: Path) -> None:
    mw = _middleware(tmp_path)
    request = _request("https://jsite.example.org/news/1", "jsite", "article")
    mw.process_request(request)
    assert mw.process_exception(request, RenderTimeoutError("slow")) is None
    assert mw.process_exception(request, RuntimeError("crashed")) is None
    # Plain requests' failures are the spider's to count.
    assert mw.process_exception(_request(f"{SITE}/news/1", "plain", "article"), OSError()) is None
    assert _stats(mw) == {
        "newscrawl/render/routed/jsite": 1,
        "newscrawl/render/timeout/jsite": 1,
        "newscrawl/render/failed/jsite/RuntimeError": 1,
    }


def test_missing_chromium_fails_js_pages_with_the_fix_and_keeps_the_rest(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    mw = _middleware(tmp_path, chromium=str(tmp_path / "no-such-chromium"))
    caplog.set_level(logging.ERROR, logger="crawler.middlewares")
    for n in (1, 2):
        request = _request(f"https://jsite.example.org/news/{n}", "jsite", "article")
        with pytest.raises(ChromiumMissingError, match=r"apt-get install -y chromium"):
            mw.process_request(request)
        assert "playwright" not in request.meta
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1
    assert "apt-get install -y chromium" in errors[0].getMessage()

    plain = _request(f"{SITE}/news/1", "plain", "article")
    assert mw.process_request(plain) is None
    shell = HtmlResponse(plain.url, body=JS_ONLY.encode())
    assert mw.process_response(plain, shell) is shell
    assert _stats(mw) == {
        "newscrawl/render/unavailable/jsite": 2,
        "newscrawl/render/fallback/triggered/plain": 1,
        "newscrawl/render/fallback/unavailable/plain": 1,
    }


def test_switches(tmp_path: Path) -> None:
    with pytest.raises(NotConfigured, match="NEWSCRAWL_RENDER_ENABLED"):
        _middleware(tmp_path, NEWSCRAWL_RENDER_ENABLED=False)
    mw = _middleware(tmp_path, NEWSCRAWL_RENDER_FALLBACK_ENABLED=False)
    request = _request(f"{SITE}/news/js.html", "plain", "article")
    shell = HtmlResponse(request.url, body=JS_ONLY.encode())
    assert mw.process_response(request, shell) is shell
    with pytest.raises(NotConfigured, match="NEWSCRAWL_RENDER_PAGE_TIMEOUT"):
        _middleware(tmp_path, NEWSCRAWL_RENDER_PAGE_TIMEOUT=-1)


def test_paragraph_text_precheck_passes_articles_not_shells() -> None:
    from crawler.rendering import has_paragraph_text

    article = (
        "<html><body>"
        + "".join(
            f"<p class='x'>فقرة رقم {i} من نص الخبر الطويل الذي يكفي للقراءة.</p>"
            for i in range(12)
        )
        + "</body></html>"
    ).encode()
    shell = (
        b"<html><body><div id='app'></div><noscript><p>Please enable JavaScript to view "
        b"this site.</p></noscript><script>window.__STATE__={}</script></body></html>"
    )
    assert has_paragraph_text(article, 1000)
    assert not has_paragraph_text(shell, 1000)
    assert not has_paragraph_text(article, 10_000)
