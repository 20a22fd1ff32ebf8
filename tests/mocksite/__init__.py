"""The local mock news site for end-to-end tests: the demo site plus broken pages.

``start_mock_site()`` serves ``demo/site`` on a free port of 127.0.0.1 with the extra pages
of :mod:`tests.mocksite.pages` (HTTP 500, a slow page, a wrong charset, a 5 MB page, a PDF,
a 404 and a JavaScript-only article), all listed on ``/ar/section/latest.html``. The
returned :class:`MockSite` knows its URLs, writes a seed file for itself, and exposes the
manifest (the demo manifest plus the extra pages) and the requests it answered.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from demo.build_site import MANIFEST_PATH, SITE_DIR
from demo.model import SITE_NAME
from demo.server import Request, Response, Route, SiteServer, serve
from tests.mocksite.pages import (
    CASES,
    HUGE_BYTES,
    SECTION_PATH,
    MockPages,
    build_mock_pages,
)

__all__ = [
    "ARTICLE_URL_PATTERN",
    "HUGE_BYTES",
    "SECTION_PATH",
    "SLOW_MAX_SECONDS",
    "MockSite",
    "mock_manifest",
    "start_mock_site",
]

#: The slow page never waits longer than this, so server threads always end.
SLOW_MAX_SECONDS = 10.0
#: The article URL pattern of the demo seed.
ARTICLE_URL_PATTERN = r"/(ar|en)/news/\d{4}/\d{2}/[a-z0-9-]+\.html$"
_SEED_KEYS = (
    "id", "name", "domain", "language", "enabled", "needs_js", "render_listings", "feeds",
    "sitemaps", "sections", "article_url_pattern", "noise_css", "body_css",
    "max_section_depth", "extra_hosts",
)  # fmt: skip


@cache
def _pages() -> MockPages:
    return build_mock_pages()


def mock_manifest() -> dict[str, Any]:
    """The demo manifest plus the mock pages' entries (a fresh copy on every call)."""
    manifest: dict[str, Any] = json.loads(MANIFEST_PATH.read_text(encoding="utf-8"))
    manifest["sections"].append(SECTION_PATH)
    manifest["articles"].update(copy.deepcopy(_pages().entries))
    return manifest


def _static(body: bytes, content_type: str | None, status: int = 200) -> Route:
    def route(request: Request, server: SiteServer) -> Response:
        return Response(status=status, body=body, content_type=content_type)

    return route


def _slow(body: bytes, seconds: float) -> Route:
    def route(request: Request, server: SiteServer) -> Response:
        # Wakes early when the server stops, so no thread outlives the site for long.
        server.stopping.wait(min(seconds, SLOW_MAX_SECONDS))
        return Response(body=body)

    return route


def _routes(pages: MockPages, slow_seconds: float) -> dict[str, Route]:
    routes: dict[str, Route] = {
        SECTION_PATH: _static(pages.bodies[SECTION_PATH], "text/html; charset=utf-8")
    }
    for article in pages.articles:
        image = f"/img/{article.slug}.svg"
        routes[image] = _static(pages.bodies[image], "image/svg+xml")
        case = CASES[article.slug]
        body = pages.bodies.get(article.path)
        if body is None:
            continue  # not_found: the server's own 404
        if case.name == "timeout":
            routes[article.path] = _slow(body, slow_seconds)
        else:
            routes[article.path] = _static(body, case.content_type, case.http_status)
    return routes


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        if "\\" in value and "'" not in value and "\n" not in value:
            return f"'{value}'"  # literal string: regular expressions stay readable
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a TOML basic string
    if isinstance(value, Sequence):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} to a seed file")


@dataclass
class MockSite:
    """A running mock site. ``base_url`` has no trailing slash (``http://127.0.0.1:PORT``)."""

    server: SiteServer
    base_url: str
    #: ``127.0.0.1:PORT``, the seed's ``domain``.
    host_port: str
    slow_seconds: float
    manifest: dict[str, Any] = field(default_factory=mock_manifest)

    def url(self, path: str) -> str:
        """Absolute URL of a site path."""
        return self.base_url + path

    def path_of(self, case: str) -> str:
        """The path of the extra page for a case name (``"server_error"``, ``"needs_js"``…)."""
        for slug, info in CASES.items():
            if info.name == case:
                return _pages().path_of(slug)
        raise KeyError(f"no mock page for case {case!r}; cases: {[c.name for c in CASES.values()]}")

    def requested_paths(self) -> list[str]:
        """Paths requested so far, in order (query strings left out)."""
        return [r.path for r in self.server.requests()]

    def seed_values(self, **overrides: Any) -> dict[str, Any]:
        """The seed for this site as a dict; ``overrides`` replace or add keys."""
        unknown = sorted(set(overrides) - set(_SEED_KEYS))
        if unknown:
            raise ValueError(f"not seed keys: {unknown}; known: {', '.join(_SEED_KEYS)}")
        values: dict[str, Any] = {
            "id": "mocknews",
            "name": SITE_NAME,
            "domain": self.host_port,
            "language": "ar",
            "enabled": True,
            "needs_js": False,
            "feeds": [self.url("/feed.xml")],
            "sitemaps": [],
            "sections": [self.url("/"), self.url(SECTION_PATH)],
            "article_url_pattern": ARTICLE_URL_PATTERN,
            "noise_css": [],
        }
        values.update(overrides)
        return values

    def write_seed(self, folder: Path, **overrides: Any) -> Path:
        """Write ``<id>.toml`` for this site into ``folder`` and return its path.

        Defaults: id ``mocknews``, language ``ar``, the feed, no named sitemaps (robots.txt
        lists them), sections ``/`` and ``/ar/section/latest.html``, the demo seed's
        article pattern. ``None`` as an override value leaves the key out.
        """
        values = self.seed_values(**overrides)
        folder.mkdir(parents=True, exist_ok=True)
        lines = ["# Seed for the local mock news site (written by tests.mocksite)."]
        lines += [f"{key} = {_toml_value(v)}" for key, v in values.items() if v is not None]
        path = folder / f"{values['id']}.toml"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path

    def stop(self) -> None:
        """Stop the server (wakes the slow page) and close its socket."""
        self.server.stop()


def start_mock_site(
    *,
    slow_seconds: float = SLOW_MAX_SECONDS,
    host: str = "127.0.0.1",
    extra_routes: Mapping[str, Route] | None = None,
    verbose: bool = False,
) -> MockSite:
    """Serve the mock site on a free port of ``host`` from a daemon thread.

    ``slow_seconds``: how long the slow page waits before answering (capped at 10 s).
    ``extra_routes``: more special endpoints, path -> route, for a test's own cases.
    """
    routes = _routes(_pages(), slow_seconds)
    routes.update(extra_routes or {})
    server, base_url = serve(SITE_DIR, host, 0, extra_routes=routes, verbose=verbose)
    return MockSite(
        server=server,
        base_url=base_url,
        host_port=base_url.removeprefix("http://"),
        slow_seconds=min(slow_seconds, SLOW_MAX_SECONDS),
    )
