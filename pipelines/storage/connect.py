"""Open the article store: connect (or start the embedded server), ping, create indexes.

A crawl that cannot store what it fetches is wasted traffic, so the store is opened
before the first request and a failure becomes one :class:`StoreUnavailableError` line
naming the (masked) URI and the cause. A URI that pymongo rejects while parsing it (bad
port, unknown option or value, bad scheme, unreadable TLS file) is told apart from a server
that does not answer: ``invalid MongoDB URI …`` instead of ``MongoDB unreachable at …``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pymongo import ASCENDING, DESCENDING, MongoClient
from pymongo.collection import Collection
from pymongo.database import Database
from pymongo.errors import ConfigurationError, OperationFailure, PyMongoError
from pymongo.write_concern import WriteConcern

from pipelines.storage.compat import MONGODB, ServerQuirks, detect_quirks
from pipelines.storage.config import SettingError, StoreConfig
from pipelines.storage.embedded import EmbeddedServer
from pipelines.storage.errors import EmbeddedServerError, StoreUnavailableError
from pipelines.storage.known import URL_ALIASES
from pipelines.storage.lifecycle import ARTICLE_VERSIONS
from pipelines.storage.uri import check_options, mask_uri, scrub

logger = logging.getLogger(__name__)

ARTICLES = "articles"
CRAWL_RUNS = "crawl_runs"

Document = dict[str, Any]

#: Indexes of ``articles`` (keys and options; names are left to the server).
ARTICLE_INDEXES: tuple[tuple[list[tuple[str, int]], dict[str, Any]], ...] = (
    ([("site", ASCENDING), ("published_at", DESCENDING)], {}),
    ([("language", ASCENDING), ("published_at", DESCENDING)], {}),
    ([("first_seen", ASCENDING)], {}),
    ([("fingerprint", ASCENDING)], {"sparse": True}),
    ([("cluster_id", ASCENDING)], {"sparse": True}),
    ([("duplicate_of", ASCENDING)], {"sparse": True}),
)

_HINT = "set NEWSCRAWL_MONGO_URI or start the server"


def describe_error(exc: BaseException, uri: str, timeout_ms: int) -> str:
    """A short, one-line, password-free cause for a driver error."""
    text = str(exc)
    if isinstance(exc, OperationFailure):
        if exc.code == 18:
            return "authentication failed"
        if exc.code == 13:
            return "not authorized (the user lacks a role on this database)"
    if isinstance(exc, ConfigurationError) and "DNS" in text:
        cause = f"DNS lookup failed ({text.rstrip('.')})"
    else:
        first = text.split(", Timeout:", 1)[0]
        first = re.sub(r"\s*\(configured timeouts:[^)]*\)", "", first)
        first = re.sub(r"^[\w.\-\[\]:]+:\d+: ", "", first)  # "host:port: " prefix
        patterns = (
            ("Connection refused", "connection refused"),
            ("Name or service not known", "host name not found"),
            ("nodename nor servname", "host name not found"),
            ("Temporary failure in name resolution", "host name not found"),
            ("No address associated", "host name not found"),
            ("timed out", f"no answer within {timeout_ms} ms"),
            ("Got response id", "the server does not speak the MongoDB protocol"),
            ("Network is unreachable", "network unreachable"),
        )
        cause = next((short for needle, short in patterns if needle in first), first)
    cause = " ".join(scrub(cause, uri).split())
    return cause if len(cause) <= 240 else cause[:237] + "..."


def invalid_uri(uri: str, exc: BaseException) -> StoreUnavailableError:
    """Build the one-line error for ``uri`` rejected by pymongo before any connection.

    ``exc`` is what the parsing raised (``ValueError`` for a bad port, ``InvalidURI`` or
    ``ConfigurationError`` for the rest, ``OSError`` for an unreadable TLS file).
    """
    cause = " ".join(scrub(str(exc), uri).split()).rstrip(".")
    cause = re.sub(r"^\[Errno -?\d+\] ", "", cause) or type(exc).__name__
    if len(cause) > 240:
        cause = cause[:237] + "..."
    return StoreUnavailableError(
        f"invalid MongoDB URI {mask_uri(uri)}: {cause} (check NEWSCRAWL_MONGO_URI)"
    )


def unavailable(uri: str, exc: BaseException, timeout_ms: int) -> StoreUnavailableError:
    """Build the one-line error for ``uri`` failing with ``exc``."""
    if isinstance(exc, OperationFailure) and exc.code == 18:
        hint = "check the user name, password and authSource in NEWSCRAWL_MONGO_URI"
    elif isinstance(exc, ConfigurationError) or (
        isinstance(exc, OperationFailure) and exc.code == 13
    ):
        hint = "check NEWSCRAWL_MONGO_URI"
    else:
        hint = _HINT
    return StoreUnavailableError(
        f"MongoDB unreachable at {mask_uri(uri)}: {describe_error(exc, uri, timeout_ms)} ({hint})"
    )


@dataclass
class Store:
    """An open connection to the article store.

    ``uri`` is the masked URI (safe to log); ``embedded`` says the server is the local
    nx-27017 daemon (``server``), which keeps running after :meth:`close`.
    """

    client: MongoClient[Document]
    db: Database[Document]
    articles: Collection[Document]
    uri: str
    embedded: bool
    server: EmbeddedServer | None = None
    quirks: ServerQuirks = field(default=MONGODB)

    @property
    def crawl_runs(self) -> Collection[Document]:
        """One document per crawl run (see docs/schema.md)."""
        return self.db[CRAWL_RUNS]

    @property
    def versions(self) -> Collection[Document]:
        """Previous versions of edited articles (see docs/schema.md)."""
        return self.db[ARTICLE_VERSIONS]

    @property
    def url_aliases(self) -> Collection[Document]:
        """Other spellings of stored articles' URLs, keyed by the id of the spelling."""
        return self.db[URL_ALIASES]

    def ensure_indexes(self) -> None:
        """Create the consumer indexes; a no-op when they exist (safe on every start).

        ``url_aliases`` is only read by ``_id`` and needs none of its own.
        """
        for keys, options in ARTICLE_INDEXES:
            self.articles.create_index(keys, **options)
        self.crawl_runs.create_index([("started_at", DESCENDING)])
        self.versions.create_index([("article_id", ASCENDING), ("version", ASCENDING)])

    def close(self) -> None:
        """Close the client; the embedded server stays up for consumers and the next run."""
        self.client.close()


def open_store(
    uri: str | None,
    database: str,
    *,
    data_dir: Path,
    embedded_port: int,
    timeout_ms: int = 5000,
    write_concern: int | str | None = None,
) -> Store:
    """Connect to ``uri`` (or start/reuse the embedded server when empty) and ping it.

    Raises :class:`StoreUnavailableError` (one line, password masked) when the URI is
    invalid, or the server cannot be started or does not answer within ``timeout_ms``.
    """
    server: EmbeddedServer | None = None
    if not uri:
        server = EmbeddedServer(Path(data_dir), port=embedded_port)
        try:
            server.start()
        except EmbeddedServerError as exc:
            raise EmbeddedServerError(
                f"embedded MongoDB server at {server.uri} unavailable: {exc}"
            ) from None
        uri = server.uri
    try:
        check_options(uri)
        # connect=False: the constructor only parses (no SRV lookup), so what it raises is
        # a problem of the URI itself; the ping below connects.
        client: MongoClient[Document] = MongoClient(
            uri,
            serverSelectionTimeoutMS=timeout_ms,
            connectTimeoutMS=timeout_ms,
            tz_aware=True,
            appname="newscrawl",
            connect=False,
        )
    except (PyMongoError, ValueError, TypeError, OSError) as exc:
        raise invalid_uri(uri, exc) from None
    try:
        client.admin.command("ping")
        quirks = detect_quirks(client)
    except PyMongoError as exc:
        client.close()
        raise unavailable(uri, exc, timeout_ms) from None
    concern = WriteConcern(w=write_concern) if write_concern is not None else None
    db = client.get_database(database, write_concern=concern)
    return Store(
        client=client,
        db=db,
        articles=db[ARTICLES],
        uri=mask_uri(uri),
        embedded=server is not None,
        server=server,
        quirks=quirks,
    )


def open_store_from_config(config: StoreConfig) -> Store:
    """:func:`open_store` with the values of a :class:`StoreConfig`."""
    return open_store(
        config.uri,
        config.database,
        data_dir=config.data_dir,
        embedded_port=config.embedded_port,
        timeout_ms=config.timeout_ms,
        write_concern=config.write_concern,
    )


def preflight(settings_like: Mapping[str, Any]) -> str:
    """Check before a crawl that articles can be stored; return the masked URI.

    Starts the embedded server when no URI is set (it keeps running for the crawl).
    Raises :class:`StoreUnavailableError` (one line), also for an invalid store setting.
    """
    try:
        config = StoreConfig.from_settings(settings_like)
    except SettingError as exc:
        raise StoreUnavailableError(f"invalid store setting: {exc}") from None
    store = open_store_from_config(config)
    try:
        return store.uri
    finally:
        store.close()
