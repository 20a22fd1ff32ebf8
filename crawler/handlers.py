"""The download handler: plain HTTP, or Chromium through scrapy-playwright when asked.

:class:`RenderDownloadHandler` is scrapy-playwright's handler with four changes a news crawl
needs:

- **Lazy start.** Playwright's driver (about 0.8 s and 120 MB) and Chromium start on the
  first request that asks for rendering (``meta["playwright"] = True``), not when the crawl
  starts: crawls without JavaScript sites never pay for them. Every other request goes
  through Scrapy's plain HTTP/1.1 handler, as before.
- **A hard deadline per page.** Playwright's own timeouts cover navigation and waits but not
  reading the page, which hangs forever when a script never yields. After
  ``NEWSCRAWL_RENDER_PAGE_TIMEOUT`` seconds the page is closed and the request fails with
  :class:`RenderTimeoutError` (a :class:`~scrapy.exceptions.DownloadTimeoutError`, so it is
  counted as a timeout); Playwright's navigation timeouts become the same error. Pages
  opened and closed are counted (``newscrawl/render/pages/opened`` and ``…/closed``), so a
  leaked page shows in the stats.
- **A clear error when Chromium is missing**: :class:`ChromiumMissingError` names the
  ``apt-get`` command, instead of Playwright's advice to download a browser.
- **One browser per crawl.** Scrapy builds a handler for ``http`` and another for
  ``https``; the first one renders for both, so the page and context limits hold for the
  whole crawl.

The launch options are ``PLAYWRIGHT_LAUNCH_OPTIONS`` with ``NEWSCRAWL_RENDER_CHROMIUM`` as the
browser and ``NEWSCRAWL_RENDER_HOST_RESOLVER_RULES`` added to the flags (see
:func:`crawler.rendering.build_launch_options`).

This relies on internals of scrapy-playwright 0.0.4x (``_maybe_launch_in_thread``,
``_launch``, ``_maybe_launch_browser``, ``_download_request``, ``_create_page`` and
``_close``); ``tests/test_rendering.py`` checks they exist.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from contextlib import suppress
from typing import Any

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import TimeoutError as PlaywrightTimeoutError
from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DownloadTimeoutError
from scrapy.http import Request, Response
from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler

from crawler.rendering import RenderConfig, build_launch_options, chromium_problem

logger = logging.getLogger(__name__)

#: Request meta key set when the page's deadline passed and its page was closed.
EXPIRED_META = "newscrawl_render_expired"
#: Crawler attribute holding the handler that renders for every scheme of that crawl.
_OWNER_ATTR = "_newscrawl_render_handler"
#: How long parking a page on about:blank may take before the page is closed instead.
_PARK_TIMEOUT_MS = 5000


class _NoTracebackForTimeouts(logging.Filter):
    """Keep scrapy-playwright's warning about a timed-out page to one line.

    A render timeout is an expected, counted outcome (``newscrawl/render/timeout/<site>``);
    a full traceback for each one would bury the crawl log.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and isinstance(record.exc_info[1], PlaywrightTimeoutError):
            record.exc_info = None
            record.exc_text = None
        return True


_QUIET_TIMEOUTS = _NoTracebackForTimeouts()


class RenderTimeoutError(DownloadTimeoutError):
    """A page did not render within its time (navigation, waits or a script that never ends)."""


class ChromiumMissingError(RuntimeError):
    """Chromium is not installed where the settings say; the message says how to install it."""


class PagePool:
    """The browser pages of a crawl: at most ``size`` at once, reused between requests.

    A new page costs Chromium a tab and usually a renderer process: about three times the
    CPU of navigating a page that is already open (measured, see bench/render.py). So a
    page that rendered without trouble is parked on ``about:blank`` (its scripts stop) and
    given to the next request, up to ``max_uses`` times (a renderer grows with every page
    it shows: replacing it bounds memory); a page that failed, timed out or crashed is
    closed. :meth:`acquire` bounds the rendered requests in progress to ``size``,
    which bounds the pages. :meth:`close_idle` closes the parked pages (when the crawl has
    nothing left to do), so the stats can show that every page opened was closed.

    Counted under ``newscrawl/render/pages/``: ``opened``, ``closed`` (once per page, when it
    is closed or its closing starts) and ``reused``.
    """

    def __init__(self, size: int, max_uses: int, count: Callable[[str], None]) -> None:
        self.size = max(1, size)
        self.max_uses = max(1, max_uses)
        self._count = count
        self._slots = asyncio.Semaphore(self.size)
        self._idle: list[Any] = []
        #: Open pages (not being closed) and how many requests each has served.
        self._uses: dict[Any, int] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    async def acquire(self) -> Any | None:
        """Wait for a free slot; return a parked page to reuse, or ``None`` for a new one."""
        await self._slots.acquire()
        while self._idle:
            page = self._idle.pop()
            if not page.is_closed():
                self._count("pages/reused")
                return page
        return None

    def opened(self, page: Any) -> None:
        """Track a page just created: count it, and close it if its renderer crashes."""
        self._uses[page] = 0
        self._count("pages/opened")
        page.once("close", lambda *_: self._forget(page))
        page.once("crash", lambda *_: self.close_soon(page))

    def _forget(self, page: Any) -> None:
        if self._uses.pop(page, None) is not None:
            self._count("pages/closed")
        if page in self._idle:
            self._idle.remove(page)

    async def release(self, page: Any | None, *, healthy: bool) -> None:
        """Give the slot back: park a healthy page for the next request, close others."""
        try:
            if page is None or page.is_closed() or page not in self._uses:
                return  # closed, or being closed (deadline, crash)
            self._uses[page] += 1
            if not healthy or self._uses[page] >= self.max_uses:
                await self._close(page)
                return
            try:
                await page.goto("about:blank", timeout=_PARK_TIMEOUT_MS)
            except PlaywrightError:
                await self._close(page)
                return
            self._idle.append(page)
        finally:
            self._slots.release()

    async def _close(self, page: Any) -> None:
        self._forget(page)
        with suppress(PlaywrightError):
            await page.close()

    def close_soon(self, page: Any) -> None:
        """Start closing ``page`` (counted now); the task is awaited by :meth:`wait`."""
        self._forget(page)
        task = asyncio.ensure_future(self._close(page))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def close_idle(self) -> None:
        """Close every parked page."""
        while self._idle:
            self.close_soon(self._idle.pop())

    async def wait(self) -> None:
        """Wait for the pages being closed."""
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)


class RenderDownloadHandler(ScrapyPlaywrightDownloadHandler):  # type: ignore[misc]
    """scrapy-playwright's handler: started lazily, pages reused, a hard deadline per page."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        settings = crawler.settings
        self.render_config = RenderConfig.from_settings(settings)
        self.config.launch_options = build_launch_options(
            settings.getdict("PLAYWRIGHT_LAUNCH_OPTIONS"),
            executable_path=self.render_config.chromium or None,
            host_resolver_rules=self.render_config.host_resolver_rules or None,
        )
        # One shared filter instance: addFilter() ignores it when it is already there.
        logging.getLogger("scrapy-playwright").addFilter(_QUIET_TIMEOUTS)
        self._started = False
        self._start_lock = asyncio.Lock()
        self.pages = PagePool(
            self.config.max_pages_per_context,
            self.render_config.page_max_uses if self.render_config.reuse_pages else 1,
            lambda outcome: self.stats.inc_value(f"newscrawl/render/{outcome}"),
        )
        # Scrapy builds one handler per scheme (http, https). The first one built for a
        # crawler renders for both, so a crawl has one browser and one page limit.
        owner = getattr(crawler, _OWNER_ATTR, None)
        if owner is None:
            setattr(crawler, _OWNER_ATTR, self)
            crawler.signals.connect(self._spider_idle, signal=signals.spider_idle)
        self._owner: RenderDownloadHandler = owner or self

    # --- lazy start --------------------------------------------------------------------

    async def _maybe_launch_in_thread(self) -> None:
        """Called when the engine starts: do nothing until a page needs the browser."""

    def _engine_started(self) -> None:
        """The same for Scrapy versions before 2.14."""

    async def _ensure_started(self) -> None:
        async with self._start_lock:
            if self._started:
                return
            problem = chromium_problem(str(self.config.launch_options.get("executable_path", "")))
            if problem is not None:
                raise ChromiumMissingError(problem)
            logger.info("Starting Playwright and Chromium for the first page that needs them")
            await self._launch()
            # Launch the browser now, so the first pages' deadlines do not include it.
            await self._maybe_launch_browser()
            self._started = True

    # --- one rendered request ----------------------------------------------------------

    async def _download_request(self, request: Request, spider: Spider | None = None) -> Response:
        if self._owner is not self:
            return await self._owner._download_request(request, spider)
        await self._ensure_started()
        page = await self.pages.acquire()
        # The page stays open after the response (we park or close it), and is in the meta
        # from the moment it exists, for the deadline to close it.
        request.meta["playwright_include_page"] = True
        if page is not None:
            request.meta["playwright_page"] = page
        healthy = False
        try:
            response = await self._render(request, spider)
            healthy = True
        finally:
            await self.pages.release(request.meta.pop("playwright_page", None), healthy=healthy)
        return response

    async def _render(self, request: Request, spider: Spider | None) -> Response:
        """Render with a hard deadline; Playwright's timeouts become RenderTimeoutError."""
        timeout = float(request.meta.get("newscrawl_render_timeout") or 0) or (
            self.render_config.page_timeout
        )
        deadline = asyncio.get_running_loop().call_later(timeout, self._expire, request)
        try:
            response: Response = await super()._download_request(request, spider)
        except RenderTimeoutError:
            raise
        except PlaywrightTimeoutError as exc:
            first_line = (exc.message or str(exc)).splitlines()[0]
            raise RenderTimeoutError(f"Rendering {request.url} timed out: {first_line}") from exc
        except PlaywrightError as exc:
            if request.meta.get(EXPIRED_META):
                raise RenderTimeoutError(
                    f"Rendering {request.url} took longer than {timeout:g} s; its page was closed"
                ) from exc
            raise
        finally:
            deadline.cancel()
        return response

    async def _create_page(self, request: Request, spider: Spider) -> Any:
        """Open a page and track it; refuse a new page once the request's deadline has passed.

        scrapy-playwright retries a request whose page was closed under it; after our own
        deadline closed the page, that retry must stop here.
        """
        if request.meta.get(EXPIRED_META):
            raise RenderTimeoutError(f"Rendering {request.url} ran out of time")
        page = await super()._create_page(request=request, spider=spider)
        self.pages.opened(page)
        return page

    def _expire(self, request: Request) -> None:
        """The request's deadline passed: close its page, whatever it is waiting for."""
        logger.info("Rendering %s ran out of time: closing its page", request.url)
        request.meta[EXPIRED_META] = True
        page = request.meta.get("playwright_page")
        if page is not None and not page.is_closed():
            self.pages.close_soon(page)

    def _spider_idle(self) -> None:
        """Nothing left to fetch for now: close the parked pages."""
        self.pages.close_idle()

    async def _close(self) -> None:
        self.pages.close_idle()
        await self.pages.wait()
        await super()._close()
