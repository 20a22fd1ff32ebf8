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
``_launch``, ``_download_request``, ``_create_page`` and ``_close``);
``tests/test_rendering.py`` checks they exist.
"""

from __future__ import annotations

import asyncio
import logging
from contextlib import suppress
from typing import Any

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import TimeoutError as PlaywrightTimeoutError
from scrapy import Spider
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


class RenderDownloadHandler(ScrapyPlaywrightDownloadHandler):  # type: ignore[misc]
    """scrapy-playwright's handler, started lazily, with a hard deadline per page."""

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
        self._closing: set[asyncio.Task[None]] = set()
        # Scrapy builds one handler per scheme (http, https). The first one built for a
        # crawler renders for both, so a crawl has one browser and one page limit.
        owner = getattr(crawler, _OWNER_ATTR, None)
        if owner is None:
            setattr(crawler, _OWNER_ATTR, self)
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
            logger.info("Starting Playwright for the first page that needs rendering")
            await self._launch()
            self._started = True

    # --- deadline ----------------------------------------------------------------------

    async def _download_request(self, request: Request, spider: Spider | None = None) -> Response:
        if self._owner is not self:
            return await self._owner._download_request(request, spider)
        await self._ensure_started()
        timeout = float(request.meta.get("newscrawl_render_timeout") or 0) or (
            self.render_config.page_timeout
        )
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
        return response

    async def _create_page(self, request: Request, spider: Spider) -> Any:
        """Open a page and arm its deadline; refuse a new page once the deadline has passed.

        scrapy-playwright retries a request whose page was closed under it; after our own
        deadline closed the page, that retry must stop here.
        """
        if request.meta.get(EXPIRED_META):
            raise RenderTimeoutError(f"Rendering {request.url} ran out of time")
        page = await super()._create_page(request=request, spider=spider)
        timeout = float(request.meta.get("newscrawl_render_timeout") or 0) or (
            self.render_config.page_timeout
        )
        handle = asyncio.get_running_loop().call_later(timeout, self._expire, page, request)
        self.stats.inc_value("newscrawl/render/pages/opened")

        def closed(*_: Any) -> None:
            handle.cancel()
            self.stats.inc_value("newscrawl/render/pages/closed")

        page.once("close", closed)
        return page

    def _expire(self, page: Any, request: Request) -> None:
        logger.info("Rendering %s ran out of time: closing its page", request.url)
        request.meta[EXPIRED_META] = True
        task = asyncio.ensure_future(self._close_page(page))
        self._closing.add(task)
        task.add_done_callback(self._closing.discard)

    @staticmethod
    async def _close_page(page: Any) -> None:
        with suppress(PlaywrightError):
            await page.close()

    async def _close(self) -> None:
        if self._closing:
            await asyncio.gather(*self._closing, return_exceptions=True)
        await super()._close()
