"""Scrapy-free helpers for rendering pages in Chromium, and for deciding when to.

- :func:`detect_app_shell` tells whether a plain HTTP response is an *app shell*: a page whose
  article is built in the browser (an empty app root, a ``<noscript>`` prompt to enable
  JavaScript, a known framework loader or state blob, a script challenge) with almost no
  text of its own. Such pages are re-requested once through Chromium.
- :func:`should_abort_request` is the route-blocking predicate (``PLAYWRIGHT_ABORT_REQUEST``):
  images, fonts, media and trackers are never downloaded by the browser.
- :func:`build_launch_options` and :func:`chromium_problem` turn settings into Playwright
  launch options and say, with the fix, when Debian's Chromium is missing.
- :func:`wait_for_content` is the page method that waits for the article body (or, on a
  listing page, for links) to appear, without failing the page when it does not.
- :class:`RenderConfig` holds the ``NEWSCRAWL_RENDER_*`` settings, parsed once.

Nothing here imports Scrapy, so the heuristics are tested on plain strings and the bench
can use them directly.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

from lxml import html as lxml_html

logger = logging.getLogger(__name__)

#: Where Debian's ``chromium`` package puts the browser.
DEFAULT_CHROMIUM = "/usr/bin/chromium"

#: The command that installs it (Playwright's own browser download is not used).
INSTALL_HINT = "apt-get install -y chromium"

#: Chromium flags for a headless crawler in a container (see docs: DESIGN §5).
CHROMIUM_ARGS: tuple[str, ...] = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)

#: ``--host-resolver-rules`` for tests: no name lookups except the local test servers.
TEST_HOST_RESOLVER_RULES = "MAP * ~NOTFOUND , EXCLUDE 127.0.0.1, EXCLUDE localhost"

#: Playwright resource types the browser never downloads: an article's text needs none.
BLOCKED_RESOURCE_TYPES = frozenset(
    {"image", "media", "font", "texttrack", "manifest", "websocket", "eventsource"}
)

#: Analytics, advertising and social-widget hosts (and their subdomains) that are blocked.
TRACKER_DOMAINS = frozenset(
    {
        "google-analytics.com",
        "googletagmanager.com",
        "googletagservices.com",
        "googlesyndication.com",
        "googleadservices.com",
        "doubleclick.net",
        "adservice.google.com",
        "connect.facebook.net",
        "facebook.com",
        "platform.twitter.com",
        "analytics.twitter.com",
        "ads-twitter.com",
        "scorecardresearch.com",
        "chartbeat.com",
        "chartbeat.net",
        "hotjar.com",
        "quantserve.com",
        "taboola.com",
        "outbrain.com",
        "criteo.com",
        "criteo.net",
        "amazon-adsystem.com",
        "adnxs.com",
        "moatads.com",
        "newrelic.com",
        "nr-data.net",
        "clarity.ms",
        "yandex.ru",
        "mc.yandex.ru",
        "onesignal.com",
        "pushwoosh.com",
        "disqus.com",
        "addthis.com",
        "sharethis.com",
        "cdn.ampproject.org",
        "segment.com",
        "segment.io",
        "mixpanel.com",
        "optimizely.com",
        "tiktok.com",
        "snapchat.com",
        "pinterest.com",
        "linkedin.com",
    }
)


# --- route blocking ---------------------------------------------------------------------


class BrowserRequest(Protocol):
    """What the predicate reads from a Playwright request."""

    @property
    def resource_type(self) -> str: ...

    @property
    def url(self) -> str: ...


def is_tracker(url: str) -> bool:
    """Whether ``url`` is on a known tracker or ad host (or one of its subdomains)."""
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    while host:
        if host in TRACKER_DOMAINS:
            return True
        _, _, host = host.partition(".")
    return False


def is_blocked(resource_type: str, url: str) -> bool:
    """Whether the browser should skip this resource (media, fonts, trackers …)."""
    return resource_type in BLOCKED_RESOURCE_TYPES or is_tracker(url)


def should_abort_request(request: BrowserRequest) -> bool:
    """``PLAYWRIGHT_ABORT_REQUEST``: abort images, fonts, media and tracker requests."""
    return is_blocked(request.resource_type, request.url)


# --- the browser ------------------------------------------------------------------------


def chromium_problem(path: str) -> str | None:
    """Why the browser at ``path`` cannot be used, with the fix; ``None`` when it can."""
    if not path:
        return f"no Chromium path is set (set NEWSCRAWL_RENDER_CHROMIUM, e.g. {DEFAULT_CHROMIUM})"
    executable = Path(path)
    if not executable.is_file():
        return (
            f"Chromium is not installed ({path} not found): pages of sites that need JavaScript "
            f"cannot be rendered. Install it with `{INSTALL_HINT}` (as root; `make setup` does "
            f"this), or set NEWSCRAWL_RENDER_CHROMIUM to the browser's path"
        )
    if not os.access(executable, os.X_OK):
        return f"Chromium at {path} is not executable (fix its permissions, or `{INSTALL_HINT}`)"
    return None


def build_launch_options(
    base: Mapping[str, Any],
    *,
    executable_path: str | None = None,
    host_resolver_rules: str | None = None,
    extra_args: Sequence[str] = (),
) -> dict[str, Any]:
    """Playwright launch options: ``base`` plus the browser path and extra flags.

    ``base`` is ``PLAYWRIGHT_LAUNCH_OPTIONS``; ``executable_path`` (when given) replaces its
    path; ``host_resolver_rules`` adds ``--host-resolver-rules=…`` (tests: no DNS lookups);
    flags already present are not repeated. ``headless`` defaults to ``True``.
    """
    options = dict(base)
    options.setdefault("headless", True)
    if executable_path:
        options["executable_path"] = executable_path
    args = list(options.get("args") or ())
    wanted = list(extra_args)
    if host_resolver_rules:
        args = [a for a in args if not a.startswith("--host-resolver-rules=")]
        wanted.append(f"--host-resolver-rules={host_resolver_rules}")
    for arg in wanted:
        if arg not in args:
            args.append(arg)
    options["args"] = args
    return options


# --- settings ---------------------------------------------------------------------------


class SettingsLike(Protocol):
    """The part of Scrapy's ``Settings`` API that :class:`RenderConfig` reads."""

    def get(self, name: str, default: Any = None) -> Any: ...

    def getbool(self, name: str, default: bool = False) -> bool: ...

    def getint(self, name: str, default: int = 0) -> int: ...

    def getfloat(self, name: str, default: float = 0.0) -> float: ...


@dataclass(frozen=True)
class RenderConfig:
    """The ``NEWSCRAWL_RENDER_*`` settings (documented in ``settings/render.py``)."""

    enabled: bool = True
    fallback_enabled: bool = True
    chromium: str = DEFAULT_CHROMIUM
    host_resolver_rules: str = ""
    context: str = "newscrawl"
    user_agent: str = ""
    page_timeout: float = 30.0
    wait_timeout: float = 5.0
    min_text_chars: int = 200
    min_links: int = 10
    shell_max_text_chars: int = 250
    reuse_pages: bool = True
    page_max_uses: int = 20

    @classmethod
    def from_settings(cls, settings: SettingsLike) -> RenderConfig:
        """Read every ``NEWSCRAWL_RENDER_*`` setting once; bad values raise ``ValueError``."""
        config = cls(
            enabled=settings.getbool("NEWSCRAWL_RENDER_ENABLED", True),
            fallback_enabled=settings.getbool("NEWSCRAWL_RENDER_FALLBACK_ENABLED", True),
            chromium=str(settings.get("NEWSCRAWL_RENDER_CHROMIUM", DEFAULT_CHROMIUM) or ""),
            host_resolver_rules=str(settings.get("NEWSCRAWL_RENDER_HOST_RESOLVER_RULES") or ""),
            context=str(settings.get("NEWSCRAWL_RENDER_CONTEXT") or "newscrawl"),
            user_agent=str(
                settings.get("NEWSCRAWL_RENDER_USER_AGENT") or settings.get("USER_AGENT") or ""
            ),
            page_timeout=settings.getfloat("NEWSCRAWL_RENDER_PAGE_TIMEOUT", 30.0),
            wait_timeout=settings.getfloat("NEWSCRAWL_RENDER_WAIT_TIMEOUT", 5.0),
            min_text_chars=settings.getint("NEWSCRAWL_RENDER_MIN_TEXT", 200),
            min_links=settings.getint("NEWSCRAWL_RENDER_MIN_LINKS", 10),
            shell_max_text_chars=settings.getint("NEWSCRAWL_RENDER_SHELL_MAX_TEXT", 250),
            reuse_pages=settings.getbool("NEWSCRAWL_RENDER_REUSE_PAGES", True),
            page_max_uses=settings.getint("NEWSCRAWL_RENDER_PAGE_MAX_USES", 20),
        )
        if config.page_max_uses < 1:
            raise ValueError(
                f"NEWSCRAWL_RENDER_PAGE_MAX_USES must be 1 or more; got {config.page_max_uses}"
            )
        if config.page_timeout <= 0 or config.wait_timeout < 0:
            raise ValueError(
                "NEWSCRAWL_RENDER_PAGE_TIMEOUT must be > 0 and NEWSCRAWL_RENDER_WAIT_TIMEOUT "
                f">= 0 (seconds); got {config.page_timeout} and {config.wait_timeout}"
            )
        return config


# --- app-shell detection ----------------------------------------------------------------

#: ``id`` values that single-page-app frameworks mount into.
APP_ROOT_IDS = frozenset(
    {
        "app",
        "root",
        "__next",
        "__nuxt",
        "___gatsby",
        "svelte",
        "react-root",
        "app-root",
        "main-app",
        "application",
        "spa-root",
        "q-app",
        "ember-application",
    }
)

#: Framework mount points recognised by tag or attribute rather than id.
_APP_ROOT_XPATH = "//app-root | //*[@ng-app] | //*[@data-reactroot] | //*[@ng-version]"

#: "JavaScript" as written in a ``<noscript>`` prompt (English, French, Arabic, Persian, Urdu).
_JS_WORD = re.compile(
    r"java\s*-?\s*script|\bJS\b|جاف[اة]\s*سكر[يى]?بت|جافاسكر[يى]?بت|جاوا\s*[اآ]?سکری?پت|"
    r"جاوا\s*اسکرپٹ|جاوا\s*سکرپٹ",
    re.IGNORECASE,
)

#: Script URLs of framework bundles and loaders.
_LOADER_SRC = re.compile(
    r"/_next/static/|/_nuxt/|/static/js/(main|runtime|bundle)|"
    r"(^|/)(main|app|bundle|runtime|vendors?|chunk-vendors|polyfills|index)"
    r"([.~-][\w-]+)*\.js(\?|$)|"
    r"react(-dom)?(\.production)?(\.min)?\.js|vue(\.runtime)?(\.global)?(\.prod)?(\.min)?\.js|"
    r"angular(\.min)?\.js|webpack|requirejs|require\.js|systemjs",
    re.IGNORECASE,
)

#: Inline state blobs that a framework builds the page from.
_STATE_BLOB = re.compile(
    r"__NEXT_DATA__|__NUXT__|__INITIAL_STATE__|__PRELOADED_STATE__|__APOLLO_STATE__|"
    r"__INITIAL_DATA__|__remixContext|window\.__[A-Z_]+__\s*=",
)

#: Pages that run a script check before showing the site (bot walls).
_CHALLENGE = re.compile(
    r"cf-browser-verification|cf_chl_|/cdn-cgi/challenge-platform/|"
    r"checking your browser|just a moment\.\.\.|enable javascript and cookies to continue|"
    r"please enable js and disable any ad blocker|captcha-delivery\.com",
    re.IGNORECASE,
)

#: Elements whose text is not page content.
_NON_CONTENT = ("script", "style", "noscript", "template", "head", "svg")
#: Page furniture around the content.
_FURNITURE = ("nav", "header", "footer", "aside", "form", "button", "select")

#: Text this short (characters) inside the app root counts as empty.
_EMPTY_ROOT_CHARS = 40


@dataclass(frozen=True)
class ShellVerdict:
    """What :func:`detect_app_shell` found.

    ``text_chars``: characters of visible text outside scripts and page furniture.
    ``signals``: the script signals found, among ``app_root`` (an empty framework mount
    point), ``noscript_prompt``, ``loader`` (a framework bundle), ``state_blob`` (inline JSON
    state the page is built from) and ``challenge`` (a script check).
    ``is_shell``: little text and at least one signal (or a script check at any length).
    """

    is_shell: bool
    text_chars: int
    signals: tuple[str, ...] = ()


def _decode(page: bytes | str) -> str:
    if isinstance(page, str):
        return page
    return page.decode("utf-8", "replace")


def _script_signals(doc: Any) -> list[str]:
    signals: list[str] = []
    if any(len(_squash(root.text_content())) < _EMPTY_ROOT_CHARS for root in _app_roots(doc)):
        signals.append("app_root")
    if any(_JS_WORD.search(_squash(n.text_content())) for n in doc.iter("noscript")):
        signals.append("noscript_prompt")
    scripts = list(doc.iter("script"))
    if any(_LOADER_SRC.search(s.get("src") or "") for s in scripts):
        signals.append("loader")
    for script in scripts:
        kind = (script.get("type") or "").strip().lower()
        body = script.text or ""
        if kind in {"application/json", "text/x-template"} and body.strip():
            signals.append("state_blob")
            break
        if not script.get("src") and _STATE_BLOB.search(body):
            signals.append("state_blob")
            break
    return signals


def _app_roots(doc: Any) -> list[Any]:
    roots = [el for el in doc.iter() if (el.get("id") or "").strip().lower() in APP_ROOT_IDS]
    roots += doc.xpath(_APP_ROOT_XPATH)
    return roots


def _squash(text: str) -> str:
    return " ".join(text.split())


def visible_text_chars(doc: Any) -> int:
    """Characters of visible text outside scripts, styles and page furniture."""
    body = doc.find("body")
    skip = {*_NON_CONTENT, *_FURNITURE}
    total = 0
    stack = [body if body is not None else doc]
    while stack:
        el = stack.pop()
        if isinstance(el.tag, str) and el.tag not in skip:
            total += len(_squash(el.text or ""))
            stack.extend(el)
        # An element's tail is its parent's text, shown whatever the element is.
        if el is not body and el.tail:
            total += len(_squash(el.tail))
    return total


#: ``<p>`` elements with a run of at least 40 bytes of text before their first child tag.
_PARAGRAPH_TEXT = re.compile(rb"<p(?:\s[^>]*)?>\s*([^<]{40,})", re.IGNORECASE)


def has_paragraph_text(page: bytes, min_bytes: int) -> bool:
    """A cheap check that ``page`` holds more than ``min_bytes`` of paragraph text.

    A regex over the raw bytes, no parsing: pages that pass cannot be app shells, so the
    full :func:`detect_app_shell` (an lxml parse, ~10 ms per page on the crawl's only
    thread) runs only on the few pages that fail it.
    """
    total = 0
    for match in _PARAGRAPH_TEXT.finditer(page):
        total += len(match.group(1).strip())
        if total > min_bytes:
            return True
    return False


def detect_app_shell(page: bytes | str, *, max_text_chars: int = 250) -> ShellVerdict:
    """Whether ``page`` (HTML) is a shell that the browser fills with script.

    A shell has at most ``max_text_chars`` characters of visible text outside scripts and
    page furniture (nav, header, footer, aside) and at least one script signal (see
    :class:`ShellVerdict`). A script challenge (bot wall) is a shell whatever its length.
    Normal article pages, short or not, without script signals are never shells.
    """
    markup = _decode(page)
    if not markup.strip():
        return ShellVerdict(is_shell=False, text_chars=0)
    try:
        doc = lxml_html.document_fromstring(markup)
    except (ValueError, lxml_html.etree.ParserError):
        return ShellVerdict(is_shell=False, text_chars=0)
    text_chars = visible_text_chars(doc)
    signals = _script_signals(doc)
    if _CHALLENGE.search(markup):
        signals.append("challenge")
        return ShellVerdict(is_shell=True, text_chars=text_chars, signals=tuple(signals))
    is_shell = bool(signals) and text_chars <= max_text_chars
    return ShellVerdict(is_shell=is_shell, text_chars=text_chars, signals=tuple(signals))


# --- waiting for the content ------------------------------------------------------------

#: True when the article body is there: the seed's body selector has text, or the page's
#: paragraphs hold at least ``minChars`` characters.
_ARTICLE_READY_JS = """
([selector, minChars]) => {
  const squash = (t) => (t || "").replace(/\\s+/g, " ").trim();
  if (selector) {
    const node = document.querySelector(selector);
    return !!node && squash(node.textContent).length >= Math.min(minChars, 40);
  }
  let total = 0;
  for (const p of document.querySelectorAll("p")) {
    total += squash(p.textContent).length;
    if (total >= minChars) return true;
  }
  return false;
}
"""

#: True when a listing page shows at least ``minLinks`` links.
_LISTING_READY_JS = "([minLinks]) => document.querySelectorAll('a[href]').length >= minLinks"


async def wait_for_content(
    page: Any,
    *,
    kind: str,
    selector: str | None = None,
    min_chars: int = 200,
    min_links: int = 10,
    timeout_ms: float = 5000,
) -> bool:
    """Wait until the article body (``kind="article"``) or listing links appear.

    A page method for scrapy-playwright (``PageMethod(wait_for_content, …)``). Returns
    ``True`` when the content appeared within ``timeout_ms``, ``False`` when the wait ran
    out: the page is then taken as it is (a short article is still an article), and the
    caller counts the miss. Errors other than the timeout (page closed …) propagate.
    """
    from playwright.async_api import TimeoutError as PlaywrightTimeoutError

    if kind == "article":
        expression, arg = _ARTICLE_READY_JS, [selector, min_chars]
    else:
        expression, arg = _LISTING_READY_JS, [min_links]
    try:
        await page.wait_for_function(expression, arg=arg, timeout=timeout_ms, polling=100)
    except PlaywrightTimeoutError:
        logger.debug("Content did not appear within %s ms on %s", timeout_ms, page.url)
        return False
    return True
