"""Rendering settings: scrapy-playwright driving Debian's Chromium, only where needed.

Imported by ``settings/base.py`` (``from settings.render import *``). The download handler
serves every http(s) request: plain HTTP unless the request's meta says
``playwright = True``, which only :class:`crawler.middlewares.RenderMiddleware` sets (seeds
with ``needs_js = true``, and the one-time fallback for app-shell pages). Playwright and
Chromium start with the first such request, so crawls without JavaScript sites never start
them.

Chromium is Debian's package (``apt-get install -y chromium``); Playwright's own browser
download is never used. Without it, pages that need JavaScript fail with that command in
the message and the rest of the crawl runs.
"""

from __future__ import annotations

import os as _os

from crawler.rendering import CHROMIUM_ARGS as _CHROMIUM_ARGS

__all__ = [
    "DOWNLOAD_HANDLERS",
    "NEWSCRAWL_RENDER_CHROMIUM",
    "NEWSCRAWL_RENDER_CONTEXT",
    "NEWSCRAWL_RENDER_ENABLED",
    "NEWSCRAWL_RENDER_FALLBACK_ENABLED",
    "NEWSCRAWL_RENDER_HOST_RESOLVER_RULES",
    "NEWSCRAWL_RENDER_MIN_LINKS",
    "NEWSCRAWL_RENDER_MIN_TEXT",
    "NEWSCRAWL_RENDER_PAGE_MAX_USES",
    "NEWSCRAWL_RENDER_PAGE_TIMEOUT",
    "NEWSCRAWL_RENDER_REUSE_PAGES",
    "NEWSCRAWL_RENDER_SHELL_MAX_TEXT",
    "NEWSCRAWL_RENDER_USER_AGENT",
    "NEWSCRAWL_RENDER_WAIT_TIMEOUT",
    "PLAYWRIGHT_ABORT_REQUEST",
    "PLAYWRIGHT_BROWSER_TYPE",
    "PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT",
    "PLAYWRIGHT_LAUNCH_OPTIONS",
    "PLAYWRIGHT_MAX_CONTEXTS",
    "PLAYWRIGHT_MAX_PAGES_PER_CONTEXT",
]

# --- scrapy-playwright --------------------------------------------------------------------
#: One handler for both schemes: plain HTTP/1.1 unless meta["playwright"] is set.
DOWNLOAD_HANDLERS = {
    "http": "crawler.handlers.RenderDownloadHandler",
    "https": "crawler.handlers.RenderDownloadHandler",
}
PLAYWRIGHT_BROWSER_TYPE = "chromium"
#: Debian's Chromium with the flags that a headless crawler in a container needs. The path
#: and test-only flags are applied from NEWSCRAWL_RENDER_CHROMIUM and
#: NEWSCRAWL_RENDER_HOST_RESOLVER_RULES by the download handler.
PLAYWRIGHT_LAUNCH_OPTIONS = {
    "executable_path": "/usr/bin/chromium",
    "headless": True,
    "args": list(_CHROMIUM_ARGS),
}
#: One browser context shared by every rendered page (cookies are off in the crawl anyway);
#: a bound, so a stray context name cannot start more browsers' worth of memory.
PLAYWRIGHT_MAX_CONTEXTS = 1
#: Pages open at once: about 0.5 GB of memory for 4 (measured, see bench/render.py).
PLAYWRIGHT_MAX_PAGES_PER_CONTEXT = 4
#: Navigation timeout in milliseconds (the page's own deadline is NEWSCRAWL_RENDER_PAGE_TIMEOUT).
PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT = 20_000
#: Images, fonts, media and trackers are never downloaded by the browser.
PLAYWRIGHT_ABORT_REQUEST = "crawler.rendering.should_abort_request"

# --- newscrawl ------------------------------------------------------------------------------
#: Switch rendering off entirely (needs_js seeds are then fetched as plain HTML).
NEWSCRAWL_RENDER_ENABLED = True
#: Re-request app-shell article pages once through Chromium.
NEWSCRAWL_RENDER_FALLBACK_ENABLED = True
#: The browser (env NEWSCRAWL_CHROMIUM); Debian's package puts it here.
NEWSCRAWL_RENDER_CHROMIUM = _os.environ.get("NEWSCRAWL_CHROMIUM", "/usr/bin/chromium")
#: Chromium's --host-resolver-rules (tests: "MAP * ~NOTFOUND , EXCLUDE 127.0.0.1, …").
NEWSCRAWL_RENDER_HOST_RESOLVER_RULES = ""
#: Name of the shared browser context.
NEWSCRAWL_RENDER_CONTEXT = "newscrawl"
#: The browser's User-Agent (also what scripts see); empty: the crawl's USER_AGENT, so the
#: browser never announces "HeadlessChrome".
NEWSCRAWL_RENDER_USER_AGENT = ""
#: Hard deadline per rendered page in seconds: navigation, waits and reading the page.
NEWSCRAWL_RENDER_PAGE_TIMEOUT = 30.0
#: How long to wait for the article body (or listing links) to appear, in seconds.
NEWSCRAWL_RENDER_WAIT_TIMEOUT = 5.0
#: The body has appeared when the seed's body_css has text, or paragraphs hold this many chars.
NEWSCRAWL_RENDER_MIN_TEXT = 200
#: A rendered listing page is ready when it shows this many links.
NEWSCRAWL_RENDER_MIN_LINKS = 10
#: A plain page with at most this many characters of text and a script signal is an app shell.
NEWSCRAWL_RENDER_SHELL_MAX_TEXT = 250
#: Reuse a page that rendered fine for the next page: about half the time and a third of
#: the CPU of a new page, for some memory (bench/render.py); failed, timed-out and crashed
#: pages are always closed. False: a new page for every request.
NEWSCRAWL_RENDER_REUSE_PAGES = True
#: A reused page is closed and replaced after this many pages: a page's renderer grows
#: about 1 MB per page it shows, so this bounds memory (flat over 500 pages at 20).
NEWSCRAWL_RENDER_PAGE_MAX_USES = 20
