"""Downloader middleware that sends the pages that need JavaScript to Chromium.

:class:`RenderMiddleware` decides, request by request, what is rendered:

- **Seeds with ``needs_js = true``**: their article pages (and their section pages when the
  seed sets ``render_listings = true``) get ``meta["playwright"] = True`` plus the page
  options: one shared browser context, a wait for the article body (the seed's ``body_css``
  or enough paragraph text) or for listing links, a hard deadline, no retries. Feeds,
  sitemaps and robots.txt always stay on plain HTTP, and so does every other seed.
- **Automatic fallback**: a plain article response that is an app shell (see
  :func:`crawler.rendering.detect_app_shell`) is re-requested once through Chromium. Whether
  the rendered page then had text is counted per site, and the sites whose articles were
  recovered this way are listed in the stats as seeds that should set ``needs_js``.
- **No Chromium**: requests that need it fail at once with
  :class:`~crawler.handlers.ChromiumMissingError`, whose message has the install command
  (logged once as an error); the rest of the crawl runs.

Stats, per site (``<site>`` is the seed id), all under ``newscrawl/render/``:
``routed/<site>`` (needs_js requests sent to Chromium), ``rendered/<site>`` (rendered
responses), ``wait_missed/<site>`` (the body did not appear in time; the page was taken as it
was), ``still_shell/<site>`` (a rendered page still had no text), ``timeout/<site>``,
``failed/<site>/<error>``, ``unavailable/<site>`` (no Chromium),
``fallback/triggered/<site>``, ``fallback/recovered/<site>``, ``fallback/failed/<site>``, and
``needs_js_suggested`` (the sorted list of seed ids whose app shells rendered into articles).
The download handler adds ``pages/opened`` and ``pages/closed`` (equal when no page leaked).
"""

from __future__ import annotations

import logging
from typing import Any, Self

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.statscollectors import StatsCollector
from scrapy_playwright.page import PageMethod

from crawler.handlers import ChromiumMissingError, RenderTimeoutError
from crawler.rendering import (
    RenderConfig,
    chromium_problem,
    detect_app_shell,
    has_paragraph_text,
    wait_for_content,
)

logger = logging.getLogger(__name__)

#: Request meta: why the request is rendered (``needs_js`` or ``fallback``).
REASON_META = "newscrawl_render"
#: Request meta: the plain response was an app shell and was already sent to Chromium once.
TRIED_META = "newscrawl_render_tried"

#: Request kinds (``meta["newscrawl_kind"]``, set by the spider) that can be rendered.
_ARTICLE = "article"
_SECTION = "section"

_HTML_TYPES = (b"text/html", b"application/xhtml+xml")
#: Statuses whose body may be an app shell or a script check worth rendering.
_SHELL_STATUSES = frozenset({200, 403, 429, 503})


def _is_html(response: Response) -> bool:
    content_type = (response.headers.get(b"Content-Type") or b"text/html").lower()
    return any(content_type.startswith(t) for t in _HTML_TYPES)


class RenderMiddleware:
    """Route ``needs_js`` seeds to Chromium and re-render app shells once."""

    def __init__(self, crawler: Crawler, config: RenderConfig) -> None:
        assert crawler.stats is not None
        self.crawler = crawler
        self.stats: StatsCollector = crawler.stats
        self.config = config
        self.unavailable = chromium_problem(config.chromium)
        self._reported_unavailable = False
        self._suggested: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        if not settings.getbool("NEWSCRAWL_RENDER_ENABLED", True):
            raise NotConfigured("NEWSCRAWL_RENDER_ENABLED = False: no page is rendered")
        try:
            config = RenderConfig.from_settings(settings)
        except ValueError as exc:
            raise NotConfigured(str(exc)) from exc
        middleware = cls(crawler, config)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    # --- helpers -----------------------------------------------------------------------

    def _count(self, outcome: str, value: int = 1) -> None:
        self.stats.inc_value(f"newscrawl/render/{outcome}", value)

    def _seed(self, request: Request) -> Any:
        spider = self.crawler.spider
        seeds = getattr(spider, "seeds", {}) if spider is not None else {}
        return seeds.get(request.meta.get("newscrawl_seed"))

    def render_meta(self, seed: Any, kind: str, reason: str) -> dict[str, Any]:
        """The request meta that renders a page of ``seed`` in Chromium."""
        config = self.config
        context_kwargs: dict[str, Any] = {
            "java_script_enabled": True,
            "service_workers": "block",
            "ignore_https_errors": False,
        }
        if config.user_agent:
            context_kwargs["user_agent"] = config.user_agent
        wait = PageMethod(
            wait_for_content,
            kind=_ARTICLE if kind == _ARTICLE else "listing",
            selector=getattr(seed, "body_css", None) if kind == _ARTICLE else None,
            min_chars=config.min_text_chars,
            min_links=config.min_links,
            timeout_ms=config.wait_timeout * 1000,
        )
        return {
            "playwright": True,
            "playwright_context": config.context,
            "playwright_context_kwargs": context_kwargs,
            "playwright_page_goto_kwargs": {"wait_until": "domcontentloaded"},
            "playwright_page_methods": [wait],
            "newscrawl_render_timeout": config.page_timeout,
            REASON_META: reason,
            # A render costs about half a second of a browser: failures are counted, not retried.
            "dont_retry": True,
        }

    def _refuse(self, request: Request, site: str) -> ChromiumMissingError:
        """The error for a page that needs Chromium when Chromium is missing.

        A failure, not an ignored request: the page was wanted, and the crawl's summary
        counts it among the failed requests.
        """
        assert self.unavailable is not None
        self._count(f"unavailable/{site}")
        self._report_unavailable(request)
        return ChromiumMissingError(f"{request.url} needs JavaScript: {self.unavailable}")

    def _report_unavailable(self, request: Request) -> None:
        """Log the missing browser and its fix once per crawl."""
        if not self._reported_unavailable:
            self._reported_unavailable = True
            logger.error("%s (first page: %s)", self.unavailable, request.url)

    # --- downloader middleware API -----------------------------------------------------

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        """Add the rendering options to the requests of ``needs_js`` seeds."""
        if request.meta.get("playwright"):
            return
        seed = self._seed(request)
        if seed is None or not getattr(seed, "needs_js", False):
            return
        kind = request.meta.get("newscrawl_kind")
        if not (kind == _ARTICLE or (kind == _SECTION and getattr(seed, "render_listings", False))):
            return
        if self.unavailable is not None:
            raise self._refuse(request, seed.id)
        request.meta.update(self.render_meta(seed, kind, "needs_js"))
        self._count(f"routed/{seed.id}")

    def process_response(
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Request | Response:
        """Count rendered responses; send plain app-shell article pages to Chromium once."""
        reason = request.meta.get(REASON_META)
        if reason:
            self._judge_rendered(request, response, reason)
            return response
        if self._wants_fallback(request, response):
            return self._fallback(request, response)
        return response

    def _wants_fallback(self, request: Request, response: Response) -> bool:
        """Whether a plain response is an article page that may be an app shell."""
        return (
            self.config.fallback_enabled
            and not request.meta.get(TRIED_META)
            and request.meta.get("newscrawl_kind") == _ARTICLE
            and self._seed(request) is not None
            and response.status in _SHELL_STATUSES
            and _is_html(response)
        )

    def _fallback(self, request: Request, response: Response) -> Request | Response:
        """The rendering retry of an app-shell page, or the page itself when it is not one."""
        # UTF-8 Arabic takes two bytes a letter: four times the limit in bytes is well past it.
        if has_paragraph_text(response.body, 4 * self.config.shell_max_text_chars):
            return response
        verdict = detect_app_shell(response.body, max_text_chars=self.config.shell_max_text_chars)
        if not verdict.is_shell:
            return response
        site = request.meta["newscrawl_seed"]
        self._count(f"fallback/triggered/{site}")
        logger.info(
            "App shell at %s (%s chars of text; %s): rendering it in Chromium",
            response.url,
            verdict.text_chars,
            ", ".join(verdict.signals),
        )
        if self.unavailable is not None:
            self._count(f"fallback/unavailable/{site}")
            self._report_unavailable(request)
            return response
        render = self.render_meta(self._seed(request), _ARTICLE, "fallback")
        return request.replace(meta={**request.meta, **render, TRIED_META: True}, dont_filter=True)

    def _judge_rendered(self, request: Request, response: Response, reason: str) -> None:
        site = request.meta.get("newscrawl_seed") or "unknown"
        self._count(f"rendered/{site}")
        methods = request.meta.get("playwright_page_methods") or ()
        if any(getattr(m, "result", True) is False for m in methods):
            self._count(f"wait_missed/{site}")
        if request.meta.get("newscrawl_kind") != _ARTICLE:
            return
        verdict = detect_app_shell(response.body, max_text_chars=self.config.shell_max_text_chars)
        has_text = verdict.text_chars > self.config.shell_max_text_chars
        if not has_text:
            self._count(f"still_shell/{site}")
        if reason != "fallback":
            return
        if has_text:
            self._count(f"fallback/recovered/{site}")
            self._suggest(site)
        else:
            self._count(f"fallback/failed/{site}")

    def _suggest(self, site: str) -> None:
        seed = self.crawler.spider and getattr(self.crawler.spider, "seeds", {}).get(site)
        if seed is None or getattr(seed, "needs_js", False) or site in self._suggested:
            return
        self._suggested.add(site)
        # Kept up to date as it changes, so the stats file and the run record have it.
        self.stats.set_value("newscrawl/render/needs_js_suggested", sorted(self._suggested))

    def process_exception(
        self, request: Request, exception: BaseException, spider: Spider | None = None
    ) -> None:
        """Count failed renders (timeouts apart); the spider's errback sees the failure."""
        reason = request.meta.get(REASON_META)
        if not reason:
            return
        site = request.meta.get("newscrawl_seed") or "unknown"
        if isinstance(exception, RenderTimeoutError):
            self._count(f"timeout/{site}")
        else:
            self._count(f"failed/{site}/{type(exception).__name__}")
        if reason == "fallback":
            self._count(f"fallback/failed/{site}")
        logger.info("Rendering %s failed: %s", request.url, exception)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        """Tell the operator which seeds should set ``needs_js = true``."""
        if self._suggested:
            logger.warning(
                "These seeds served app shells whose articles only appeared in Chromium; "
                "set needs_js = true in their seed files: %s",
                ", ".join(sorted(self._suggested)),
            )
