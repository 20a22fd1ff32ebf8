"""A small threaded HTTP server for the demo news site (and the test mock site).

It serves a directory of static files the way a real news site's web server would, with
the details crawlers trip over: query strings are ignored (tracking URLs serve the same
page), each file gets a Content-Type with the right charset (``_headers.json`` in the root
overrides it per path, e.g. a windows-1256 page or a page served with no charset at all),
unknown paths get a 404 page. The files are written for the origin
``http://127.0.0.1:8760``; when the server listens elsewhere it rewrites that origin in text
responses, so canonical URLs, feeds and sitemaps point at the server actually running.

Run the demo site in the foreground::

    python -m demo.server --port 8760
"""

from __future__ import annotations

import argparse
import json
import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from demo.model import SITE_ORIGIN

logger = logging.getLogger(__name__)

DEFAULT_ROOT = Path(__file__).resolve().parent / "site"
#: Per-path Content-Type overrides, a JSON object ``{"/path.html": "text/html"}``; an empty
#: string sends no Content-Type header at all.
HEADERS_FILE = "_headers.json"

CONTENT_TYPES: dict[str, str] = {
    ".html": "text/html; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".json": "application/json",
    ".svg": "image/svg+xml",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".pdf": "application/pdf",
}
_TEXTUAL = ("text/", "application/xml", "application/rss+xml", "application/json", "image/svg")

NOT_FOUND_PAGE = (
    '<!DOCTYPE html>\n<html lang="ar" dir="rtl"><head><meta charset="utf-8">'
    "<title>الصفحة غير موجودة - موقع الديمو</title></head><body><h1>404</h1>"
    '<p>عذراً، الصفحة التي تبحث عنها غير موجودة.</p><p><a href="/">الرئيسية</a></p>'
    "</body></html>\n"
).encode()


def content_type_for(path: str, overrides: Mapping[str, str] | None = None) -> str:
    """The Content-Type header for a site path (``/a/b.html``), honouring overrides."""
    if overrides and path in overrides:
        return overrides[path]
    suffix = Path(path).suffix.lower()
    return CONTENT_TYPES.get(suffix, "application/octet-stream")


def is_textual(content_type: str | None) -> bool:
    """Whether a response body is text in which the site origin may be rewritten."""
    return bool(content_type) and str(content_type).startswith(_TEXTUAL)


@dataclass(frozen=True)
class Request:
    """What a route sees of a request."""

    method: str
    #: Decoded path without the query string, e.g. ``/ar/news/2024/03/x.html``.
    path: str
    #: Raw query string without ``?`` (empty when there is none).
    query: str
    headers: Mapping[str, str]


@dataclass(frozen=True)
class Response:
    """What a route returns. ``content_type=None`` sends no Content-Type header."""

    status: int = 200
    body: bytes = b""
    content_type: str | None = "text/html; charset=utf-8"
    headers: tuple[tuple[str, str], ...] = ()
    #: Rewrite the file origin to the server's own in text bodies.
    rewrite_origin: bool = True


#: A special endpoint: called in the request's thread with the request and the server.
Route = Callable[[Request, "SiteServer"], Response]


@dataclass(frozen=True)
class LoggedRequest:
    """One request the server answered (for tests that check what a crawler fetched)."""

    method: str
    path: str
    query: str
    status: int
    user_agent: str


@dataclass
class _Log:
    entries: list[LoggedRequest] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


class SiteServer(ThreadingHTTPServer):
    """A threaded server for one site directory plus optional extra routes."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(
        self,
        address: tuple[str, int],
        root: Path,
        *,
        extra_routes: Mapping[str, Route] | None = None,
        verbose: bool = False,
        file_origin: str = SITE_ORIGIN,
        handler_class: type[SiteRequestHandler] | None = None,
    ) -> None:
        super().__init__(address, handler_class or SiteRequestHandler)
        self.root = root.resolve()
        self.routes: dict[str, Route] = dict(extra_routes or {})
        self.verbose = verbose
        self.file_origin = file_origin
        #: Set by :meth:`stop`; slow routes wait on it so they end promptly.
        self.stopping = threading.Event()
        self._log = _Log()
        self.overrides = self._load_overrides()

    def _load_overrides(self) -> dict[str, str]:
        path = self.root / HEADERS_FILE
        if not path.is_file():
            return {}
        data = json.loads(path.read_text(encoding="utf-8"))
        return {str(k): str(v) for k, v in data.items()}

    @property
    def base_url(self) -> str:
        """``http://host:port`` without a trailing slash."""
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}"

    def record(self, entry: LoggedRequest) -> None:
        """Remember an answered request."""
        with self._log.lock:
            self._log.entries.append(entry)

    def requests(self) -> list[LoggedRequest]:
        """Every request answered so far, in order."""
        with self._log.lock:
            return list(self._log.entries)

    def rewrite(self, body: bytes) -> bytes:
        """Point absolute URLs written for the file origin at this server."""
        own = self.base_url
        if own == self.file_origin:
            return body
        return body.replace(self.file_origin.encode("ascii"), own.encode("ascii"))

    def resolve_file(self, path: str) -> Path | None:
        """The file for a URL path, or ``None`` (hidden, outside the root or missing)."""
        relative = path.lstrip("/")
        if relative == "" or relative.endswith("/"):
            relative += "index.html"
        parts = relative.split("/")
        if any(part.startswith((".", "_")) or part == "" for part in parts):
            return None
        candidate = (self.root / relative).resolve()
        if not candidate.is_relative_to(self.root) or not candidate.is_file():
            return None
        return candidate

    def stop(self) -> None:
        """Stop serving, wake sleeping routes and close the socket."""
        self.stopping.set()
        self.shutdown()
        self.server_close()


class SiteRequestHandler(BaseHTTPRequestHandler):
    """Serves extra routes first, then files from the server's root.

    Subclasses may override :meth:`route` to add endpoints.
    """

    server: SiteServer
    protocol_version = "HTTP/1.0"
    server_version = "DemoNews/1.0"
    sys_version = ""

    def do_GET(self) -> None:
        """Answer a GET request."""
        self._answer(send_body=True)

    def do_HEAD(self) -> None:
        """Answer a HEAD request (headers only)."""
        self._answer(send_body=False)

    def route(self, request: Request) -> Response | None:
        """A response for special paths, or ``None`` to serve a file."""
        handler = self.server.routes.get(request.path)
        return handler(request, self.server) if handler else None

    def serve_file(self, request: Request) -> Response:
        """The static file for the request path, or a 404 page."""
        file = self.server.resolve_file(request.path)
        if file is None:
            return Response(status=404, body=NOT_FOUND_PAGE)
        site_path = "/" + file.relative_to(self.server.root).as_posix()
        content_type = content_type_for(site_path, self.server.overrides)
        if content_type == "":
            return Response(body=file.read_bytes(), content_type=None)
        return Response(body=file.read_bytes(), content_type=content_type)

    def _answer(self, *, send_body: bool) -> None:
        parts = urlsplit(self.path)
        request = Request(
            method=self.command,
            path=unquote(parts.path) or "/",
            query=parts.query,
            headers=dict(self.headers.items()),
        )
        response = self.route(request) or self.serve_file(request)
        body = response.body
        if response.rewrite_origin and is_textual(response.content_type):
            body = self.server.rewrite(body)
        self.server.record(
            LoggedRequest(
                method=request.method,
                path=request.path,
                query=request.query,
                status=response.status,
                user_agent=request.headers.get("User-Agent", ""),
            )
        )
        try:
            self.send_response(response.status)
            if response.content_type is not None:
                self.send_header("Content-Type", response.content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in response.headers:
                self.send_header(name, value)
            self.end_headers()
            if send_body:
                self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            logger.debug("Client went away before %s was sent", request.path)

    def log_message(self, format: str, *args: object) -> None:
        """Per-request lines go to the debug log; ``--verbose`` shows them."""
        if self.server.verbose:
            logger.info("%s %s", self.address_string(), format % args)
        else:
            logger.debug("%s %s", self.address_string(), format % args)


def make_server(
    root: Path = DEFAULT_ROOT,
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    extra_routes: Mapping[str, Route] | None = None,
    verbose: bool = False,
    handler_class: type[SiteRequestHandler] | None = None,
) -> SiteServer:
    """Create (but do not start) a server for ``root``; port 0 picks a free port."""
    return SiteServer(
        (host, port),
        root,
        extra_routes=extra_routes,
        verbose=verbose,
        handler_class=handler_class,
    )


def serve(
    root: Path = DEFAULT_ROOT,
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    extra_routes: Mapping[str, Route] | None = None,
    verbose: bool = False,
    handler_class: type[SiteRequestHandler] | None = None,
) -> tuple[SiteServer, str]:
    """Serve ``root`` from a daemon thread; return the server and its base URL.

    The base URL has no trailing slash (``http://127.0.0.1:41234``). Stop with
    ``server.stop()``.
    """
    server = make_server(
        root,
        host,
        port,
        extra_routes=extra_routes,
        verbose=verbose,
        handler_class=handler_class,
    )
    thread = threading.Thread(
        target=server.serve_forever, name=f"site-server-{server.server_address[1]}", daemon=True
    )
    thread.start()
    return server, server.base_url


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: serve the demo site in the foreground until Ctrl-C."""
    parser = argparse.ArgumentParser(description="Serve the offline demo news site.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8760)
    parser.add_argument("--root", type=Path, default=DEFAULT_ROOT, help="site directory")
    parser.add_argument("--verbose", action="store_true", help="log every request")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    server = make_server(args.root, args.host, args.port, verbose=args.verbose)
    print(f"Serving {args.root} at {server.base_url}/ (Ctrl-C to stop)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("Stopped.", flush=True)
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
