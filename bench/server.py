"""A fast static HTTP server for the generated benchmark site, on 127.0.0.1.

One process, one asyncio loop, one port per language site, HTTP/1.1 keep-alive. A file is
answered with ``os.sendfile`` (no copy through Python) when the site is served at the
origin it was written for; on another port the origin is rewritten in the bytes, which
costs a few tens of microseconds per page. Either way the server spends well under a
millisecond of CPU per page, a small fraction of what cleaning a page costs, so it is not
the crawl's bottleneck; the benchmark measures its CPU time to show it.

It prints one JSON line on stdout once it listens, ``{"ar": "http://127.0.0.1:PORT", …}``,
and stops on SIGTERM or SIGINT::

    python -m bench.server /tmp/newscrawl-bench/site-2000-s7 [--any-port]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import signal
import socket
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bench.sitegen import ORIGINS

logger = logging.getLogger(__name__)

CONTENT_TYPES = {
    ".html": b"text/html; charset=utf-8",
    ".xml": b"application/xml; charset=utf-8",
    ".txt": b"text/plain; charset=utf-8",
}
_NOT_FOUND = b"<!DOCTYPE html><html><body><h1>404 Not Found</h1></body></html>\n"
_MAX_HEADER_LINES = 100


@dataclass(frozen=True)
class StaticSite:
    """A folder served at ``origin``; files written for ``written_for`` are rewritten."""

    root: Path
    written_for: bytes
    origin: bytes

    @property
    def rewrites(self) -> bool:
        return self.written_for != self.origin

    def resolve(self, target: str) -> Path | None:
        """The file for a request target (query ignored), or ``None``."""
        path = unquote(urlsplit(target).path)
        if path.endswith("/"):
            path += "index.html"
        candidate = (self.root / path.lstrip("/")).resolve()
        if self.root not in candidate.parents or not candidate.is_file():
            return None
        return candidate


def _head(status: bytes, content_type: bytes, length: int, keep_alive: bool) -> bytes:
    connection = b"keep-alive" if keep_alive else b"close"
    return (
        b"HTTP/1.1 " + status + b"\r\nServer: newscrawl-bench\r\nContent-Type: " + content_type
        + b"\r\nContent-Length: " + str(length).encode() + b"\r\nConnection: " + connection
        + b"\r\n\r\n"
    )  # fmt: skip


async def _serve_file(
    site: StaticSite, file: Path, writer: asyncio.StreamWriter, *, head_only: bool, keep: bool
) -> None:
    content_type = CONTENT_TYPES.get(file.suffix, b"application/octet-stream")
    if site.rewrites:
        body = file.read_bytes().replace(site.written_for, site.origin)
        writer.write(_head(b"200 OK", content_type, len(body), keep))
        if not head_only:
            writer.write(body)
        return
    size = file.stat().st_size
    writer.write(_head(b"200 OK", content_type, size, keep))
    if head_only:
        return
    await writer.drain()
    loop = asyncio.get_running_loop()
    with file.open("rb") as handle:
        await loop.sendfile(writer.transport, handle)


async def _handle(
    site: StaticSite, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> None:
    try:
        while True:
            request_line = await reader.readline()
            if not request_line:
                return
            parts = request_line.decode("latin-1").split()
            keep = len(parts) == 3 and parts[2] == "HTTP/1.1"
            for _ in range(_MAX_HEADER_LINES):
                line = await reader.readline()
                if line in (b"\r\n", b"\n", b""):
                    break
                name, _, value = line.decode("latin-1").partition(":")
                if name.strip().lower() == "connection":
                    keep = value.strip().lower() != "close" and keep
            if len(parts) != 3 or parts[0] not in {"GET", "HEAD"}:
                writer.write(_head(b"405 Method Not Allowed", b"text/plain", 0, False))
                return
            file = site.resolve(parts[1])
            if file is None:
                writer.write(_head(b"404 Not Found", CONTENT_TYPES[".html"], len(_NOT_FOUND), keep))
                if parts[0] == "GET":
                    writer.write(_NOT_FOUND)
            else:
                await _serve_file(site, file, writer, head_only=parts[0] == "HEAD", keep=keep)
            await writer.drain()
            if not keep:
                return
    except (ConnectionError, asyncio.IncompleteReadError):
        return
    finally:
        writer.close()
        with contextlib.suppress(ConnectionError):
            await writer.wait_closed()


def _bind(port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(("127.0.0.1", port))
    except OSError:
        sock.close()
        raise
    return sock


def bind_sites(
    site_root: Path, *, any_port: bool = False
) -> list[tuple[str, StaticSite, socket.socket]]:
    """Bind one socket per language site: its written-for port if free, else any port."""
    bound = []
    for language, written_for in ORIGINS.items():
        port = int(written_for.rsplit(":", 1)[1])
        try:
            sock = _bind(0 if any_port else port)
        except OSError:
            sock = _bind(0)
        origin = f"http://127.0.0.1:{sock.getsockname()[1]}"
        site = StaticSite(
            root=(site_root / language).resolve(),
            written_for=written_for.encode(),
            origin=origin.encode(),
        )
        bound.append((language, site, sock))
    return bound


async def serve(site_root: Path, *, any_port: bool = False) -> None:
    """Serve every language site of ``site_root`` until SIGTERM or SIGINT."""
    servers = []
    origins = {}
    for language, site, sock in bind_sites(site_root, any_port=any_port):

        async def handler(
            r: asyncio.StreamReader, w: asyncio.StreamWriter, site: StaticSite = site
        ) -> None:
            await _handle(site, r, w)

        servers.append(await asyncio.start_server(handler, sock=sock, backlog=512))
        origins[language] = site.origin.decode()
    print(json.dumps(origins), flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    await stop.wait()
    for server in servers:
        server.close()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=Path, help="folder written by bench.sitegen")
    parser.add_argument("--any-port", action="store_true", help="do not try the written ports")
    args = parser.parse_args(argv)
    if not (args.site / "site.json").is_file():
        print(f"{args.site} is not a generated site (no site.json)", file=sys.stderr)
        return 2
    asyncio.run(serve(args.site, any_port=args.any_port))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
