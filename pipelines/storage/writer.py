"""Buffer article upserts and write them as unordered bulk writes.

One bulk write of 100 upserts costs about one round trip instead of 100, which is what
keeps the store from becoming the crawl's bottleneck on a remote MongoDB. Before each
bulk write the writer reads the ``content_hash`` of the documents it is about to touch
(one more round trip per batch) so it can tell new articles from changed and unchanged
ones: a second crawl of the same pages reports 0 inserted, 0 updated, N unchanged.

The same read drives the article lifecycle (see :class:`BatchWriter`): an unchanged
re-fetch only moves ``last_seen`` and ``fetch_count``; a re-fetch whose title or text
changed first copies the stored version into ``article_versions``, then bumps ``version``
and sets ``modified`` (the page's own, else the fetch time).

Buffering (:meth:`BatchWriter.append`, :meth:`BatchWriter.take`) and writing
(:meth:`BatchWriter.write`) are separate so that a caller with an event loop can buffer
on its loop and write in a worker thread; :meth:`BatchWriter.add` does both for plain
synchronous callers (benchmarks, the spool replay, tests).

Failures: transient errors (network, failover, server restarting) are retried with
exponential backoff; when a batch still cannot be written it goes to the optional
``spool`` (a local file replayed later), else it is counted as errors and logged.

A writer may also start *detached* (no collection, a spool): a crawl that may run while
MongoDB is unreachable at its start (``NEWSCRAWL_SPOOL_ON_START_FAILURE``) sends every batch
straight to the spool, without a connection attempt per batch, until
:meth:`BatchWriter.attach` gives it the collection of a store that came back.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from bson.errors import BSONError
from pymongo import UpdateOne
from pymongo.collection import Collection
from pymongo.errors import (
    BulkWriteError,
    ConfigurationError,
    ConnectionFailure,
    OperationFailure,
    PyMongoError,
)

from pipelines.storage.compat import ServerQuirks, detect_quirks
from pipelines.storage.documents import Upsert
from pipelines.storage.errors import EmbeddedServerError, StoreUnavailableError
from pipelines.storage.inlists import in_lists
from pipelines.storage.lifecycle import (
    ARTICLE_VERSIONS,
    STATE_FIELDS,
    UNCHANGED,
    VERSIONED,
    plan_lifecycle,
)

logger = logging.getLogger(__name__)

_DUPLICATE_KEY = 11000
_STATE_FIELDS = dict.fromkeys(STATE_FIELDS, 1)

#: Server error codes that mean "try again shortly" (failover, shutdown, network).
TRANSIENT_CODES = frozenset({6, 7, 89, 91, 189, 9001, 10107, 11600, 11602, 13435, 13436})


def is_transient(exc: BaseException) -> bool:
    """True for errors that a retry of the same idempotent batch may fix."""
    if isinstance(exc, ConnectionFailure):  # AutoReconnect, timeouts, no server
        return True
    if isinstance(exc, BulkWriteError):
        return False  # per-document errors: retrying changes nothing
    if isinstance(exc, OperationFailure):
        return exc.has_error_label("RetryableWriteError") or exc.code in TRANSIENT_CODES
    return False


def is_unreachable(exc: BaseException) -> bool:
    """True when opening the store failed because nothing answered, so it may come back by
    itself: connection refused, no answer in time, host name (or ``mongodb+srv://`` DNS
    record) not found, or the embedded server would not start.

    False for problems that waiting does not fix: authentication or authorization, an
    invalid URI or TLS file, an invalid store setting. A
    :class:`~pipelines.storage.errors.StoreUnavailableError` is judged by the error it was
    raised from (``raise … from None`` hides that one from tracebacks but keeps it as
    ``__context__``).
    """
    if isinstance(exc, EmbeddedServerError):
        return True
    if isinstance(exc, StoreUnavailableError):
        cause = exc.__cause__ or exc.__context__
        return cause is not None and is_unreachable(cause)
    if isinstance(exc, ConfigurationError) and "DNS" in str(exc):
        return True  # a mongodb+srv:// lookup that failed, as a host name not found does
    return isinstance(exc, ConnectionFailure)


@dataclass(frozen=True)
class RetryPolicy:
    """``retries`` extra attempts after a transient error, waiting ``base_delay`` seconds
    times 2**attempt (capped at ``max_delay``) with up to 25 % random jitter."""

    retries: int = 3
    base_delay: float = 0.5
    max_delay: float = 8.0

    def delay(self, attempt: int) -> float:
        wait: float = min(self.max_delay, self.base_delay * 2**attempt)
        return wait * (1 + random.random() / 4)


class BatchSink(Protocol):
    """Where batches go when MongoDB stays unavailable (see ``spool.Spool``)."""

    def append(self, batch: Sequence[Upsert], reason: str) -> None: ...


@dataclass
class FlushResult:
    """Outcome of writing one batch.

    ``inserted``: new documents. ``updated``: existing documents whose content changed.
    ``versioned``: those of the ``updated`` whose title or text changed (the previous
    version went to ``article_versions``). ``unchanged``: existing documents with the same
    content (only ``last_seen`` and ``fetch_count`` moved). ``errors``: articles not
    stored (per-document errors, or a failed batch without a spool). ``spooled``:
    articles saved to the spool file. ``failed``: why the whole batch was not written,
    else ``None``.
    """

    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: int = 0
    spooled: int = 0
    versioned: int = 0
    attempts: int = 0
    seconds: float = 0.0
    failed: str | None = None

    @property
    def stored(self) -> int:
        return self.inserted + self.updated + self.unchanged


@dataclass
class WriteTotals:
    """Sums over every batch written by one :class:`BatchWriter`."""

    batches: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: int = 0
    spooled: int = 0
    versioned: int = 0
    retries: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def add(self, result: FlushResult) -> None:
        with self._lock:
            self.batches += 1
            self.inserted += result.inserted
            self.updated += result.updated
            self.unchanged += result.unchanged
            self.errors += result.errors
            self.spooled += result.spooled
            self.versioned += result.versioned
            self.retries += max(0, result.attempts - 1)


@dataclass
class _Outcome:
    kinds: list[str]
    upserted: set[int]
    write_errors: dict[int, Mapping[str, Any]]


class BatchWriter:
    """Buffered, idempotent upserts into ``collection``.

    ``collection`` ``None`` starts the writer detached: every batch goes to ``spool``
    (required then) until :meth:`attach`.

    ``batch_size``: a batch is written as soon as this many upserts are buffered.
    ``flush_seconds``: a non-empty buffer older than this is due too (checked on every
    :meth:`add`/:meth:`take`; a caller with a timer calls :meth:`take` periodically).
    ``quirks``: server differences (detected on the first write when not given).
    ``retry``: the policy for transient errors; ``spool``: where failed batches go.
    ``versions``: where previous versions of edited articles go (default: the
    ``article_versions`` collection next to ``collection``).
    ``cooldown``: after a batch went to the spool because MongoDB was unreachable, later
    batches go straight to the spool for this many seconds instead of each waiting
    through the retries (only with a spool; without one every batch is tried).
    """

    def __init__(
        self,
        collection: Collection[dict[str, Any]] | None,
        batch_size: int = 100,
        flush_seconds: float = 5.0,
        *,
        quirks: ServerQuirks | None = None,
        retry: RetryPolicy | None = None,
        spool: BatchSink | None = None,
        versions: Collection[dict[str, Any]] | None = None,
        cooldown: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        if collection is None and spool is None:
            raise ValueError("a writer without a collection needs a spool")
        self._collection: Collection[dict[str, Any]] | None = None
        self._versions: Collection[dict[str, Any]] | None = None
        self.batch_size = batch_size
        self.flush_seconds = flush_seconds
        self.retry = retry or RetryPolicy()
        self.spool = spool
        self.cooldown = cooldown
        #: Why batches of a detached writer are spooled (the reason stored on each line).
        self.detached_reason = "MongoDB unreachable since the crawl started"
        self.totals = WriteTotals()
        self._down_until: float | None = None
        self._quirks = quirks
        self._clock = clock
        self._sleep = sleep
        self._buffer: list[Upsert] = []
        self._oldest: float | None = None
        if collection is not None:
            self.attach(collection, versions=versions, quirks=quirks)

    # --- target ---------------------------------------------------------------------
    @property
    def attached(self) -> bool:
        """False while the writer has no collection (every batch goes to the spool)."""
        return self._collection is not None

    @property
    def collection(self) -> Collection[dict[str, Any]]:
        """The ``articles`` collection written to (``RuntimeError`` while detached)."""
        if self._collection is None:
            raise RuntimeError("the writer is detached: no collection to write to")
        return self._collection

    @property
    def versions(self) -> Collection[dict[str, Any]]:
        """Where previous versions of edited articles go (``RuntimeError`` while detached)."""
        if self._versions is None:
            raise RuntimeError("the writer is detached: no collection to write to")
        return self._versions

    def attach(
        self,
        collection: Collection[dict[str, Any]],
        *,
        versions: Collection[dict[str, Any]] | None = None,
        quirks: ServerQuirks | None = None,
    ) -> None:
        """Write the next batches to ``collection`` (a store that opened, or came back).

        Buffered upserts and :attr:`totals` are kept; call it between writes (the caller
        serializes writes anyway). ``versions`` defaults to ``article_versions`` next to
        ``collection``; ``quirks`` are detected on the first write when not given.
        """
        self._collection = collection
        self._versions = versions if versions is not None else collection.database[ARTICLE_VERSIONS]
        self._quirks = quirks
        self._down_until = None

    # --- buffering (caller's thread) --------------------------------------------------
    @property
    def pending(self) -> int:
        """Upserts buffered and not yet handed out for writing."""
        return len(self._buffer)

    def append(self, filter: Mapping[str, Any], update: Mapping[str, Any]) -> None:
        """Buffer one upsert without writing anything."""
        if not self._buffer:
            self._oldest = self._clock()
        self._buffer.append(Upsert(dict(filter), dict(update)))

    def due(self) -> bool:
        """True when the buffer is full, or non-empty and older than ``flush_seconds``."""
        if len(self._buffer) >= self.batch_size:
            return True
        return (
            bool(self._buffer)
            and self._oldest is not None
            and self._clock() - self._oldest >= self.flush_seconds
        )

    def take(self, *, force: bool = False) -> list[Upsert] | None:
        """Remove and return the next batch when due (or any buffered upserts if ``force``)."""
        if not self._buffer or not (force or self.due()):
            return None
        batch = self._buffer[: self.batch_size]
        self._buffer = self._buffer[self.batch_size :]
        self._oldest = self._clock() if self._buffer else None
        return batch

    # --- synchronous convenience -----------------------------------------------------
    def add(self, filter: Mapping[str, Any], update: Mapping[str, Any]) -> list[FlushResult]:
        """Buffer one upsert and write a batch if one is due; return the batches written."""
        self.append(filter, update)
        batch = self.take()
        return [self.write(batch)] if batch else []

    def flush(self) -> list[FlushResult]:
        """Write everything buffered, in batches of ``batch_size``."""
        results = []
        while (batch := self.take(force=True)) is not None:
            results.append(self.write(batch))
        return results

    def close(self) -> list[FlushResult]:
        """Flush; the writer stays usable (the collection's client is the caller's)."""
        return self.flush()

    # --- writing (any thread; one batch at a time keeps writes in order) --------------
    def write(self, batch: Sequence[Upsert]) -> FlushResult:
        """Write one batch: retries, then spool or error accounting. Never raises a
        driver or BSON error; the returned counts say what happened."""
        started = self._clock()
        result = FlushResult()
        if batch:
            self._write_batch(batch, result)
        result.seconds = self._clock() - started
        self.totals.add(result)
        return result

    def _write_batch(self, batch: Sequence[Upsert], result: FlushResult) -> None:
        if self._collection is None:
            self._give_up(batch, self.detached_reason, result, quiet=True)
            return
        if self._down_until is not None and self.spool is not None:
            cooling = self._clock() < self._down_until
            if cooling:
                reason = "MongoDB unavailable, waiting before the next try"
                self._give_up(batch, reason, result, quiet=True)
                return
            self._down_until = None
        attempt = 0
        while True:
            result.attempts = attempt + 1
            try:
                outcome = self._attempt(batch)
                break
            except (PyMongoError, BSONError) as exc:
                if is_transient(exc) and attempt < self.retry.retries:
                    wait = self.retry.delay(attempt)
                    logger.warning(
                        "MongoDB write of %d articles failed (%s: %s); retry %d/%d in %.1f s",
                        len(batch),
                        exc.__class__.__name__,
                        _short(exc),
                        attempt + 1,
                        self.retry.retries,
                        wait,
                    )
                    self._sleep(wait)
                    attempt += 1
                    continue
                if is_transient(exc):
                    self._down_until = self._clock() + self.cooldown
                self._give_up(batch, f"{exc.__class__.__name__}: {_short(exc)}", result, exc)
                return
        self._count(batch, outcome, result)

    def _attempt(self, batch: Sequence[Upsert]) -> _Outcome:
        if self._quirks is None:
            self._quirks = detect_quirks(self.collection.database.client)
        quirks = self._quirks
        plan = plan_lifecycle(batch, self._read_existing(batch))
        if plan.archive:
            self._archive(plan.archive)
        ops = [UpdateOne(f, quirks.adapt_update(u), upsert=True) for f, u in plan.upserts]
        try:
            written = self.collection.bulk_write(ops, ordered=False)
        except BulkWriteError as exc:
            details = exc.details
            return _Outcome(
                plan.kinds,
                {int(u["index"]) for u in details.get("upserted", [])},
                {int(e["index"]): e for e in details.get("writeErrors", [])},
            )
        return _Outcome(plan.kinds, set(written.upserted_ids or {}), {})

    def _read_existing(self, batch: Sequence[Upsert]) -> dict[Any, dict[str, Any]]:
        """The stored state of the batch's documents: one query, plus one for the texts of
        the documents whose content changed (only those need comparing)."""
        ids = list(dict.fromkeys(f["_id"] for f, _ in batch if "_id" in f))
        existing: dict[Any, dict[str, Any]] = {}
        if not ids:
            return existing
        for chunk in in_lists(ids):
            for doc in self.collection.find({"_id": {"$in": chunk}}, _STATE_FIELDS):
                existing[doc["_id"]] = doc
        hashes = {f.get("_id"): (u.get("$set") or {}).get("content_hash") for f, u in batch}
        changed = [i for i, doc in existing.items() if doc.get("content_hash") != hashes.get(i)]
        for chunk in in_lists(changed):
            for doc in self.collection.find({"_id": {"$in": chunk}}, {"text": 1}):
                existing[doc["_id"]]["text"] = doc.get("text")
        return existing

    def _archive(self, versions: list[dict[str, Any]]) -> None:
        """Insert previous versions; one already archived (a retried batch) is kept as is."""
        try:
            self.versions.insert_many(versions, ordered=False)
        except BulkWriteError as exc:
            errors = exc.details.get("writeErrors", [])
            if any(error.get("code") != _DUPLICATE_KEY for error in errors):
                raise

    def _count(self, batch: Sequence[Upsert], outcome: _Outcome, result: FlushResult) -> None:
        for index, (flt, _update) in enumerate(batch):
            doc_id = flt.get("_id")
            if index in outcome.write_errors:
                error = outcome.write_errors[index]
                result.errors += 1
                logger.warning(
                    "MongoDB refused article %s (code %s): %s",
                    doc_id,
                    error.get("code"),
                    " ".join(str(error.get("errmsg", "")).split())[:200],
                )
                continue
            kind = outcome.kinds[index]
            if index in outcome.upserted:
                result.inserted += 1
            elif kind == UNCHANGED:
                result.unchanged += 1
            else:
                result.updated += 1
                if kind == VERSIONED:
                    result.versioned += 1

    def _give_up(
        self,
        batch: Sequence[Upsert],
        reason: str,
        result: FlushResult,
        exc: Exception | None = None,
        *,
        quiet: bool = False,
    ) -> None:
        result.failed = reason
        if self.spool is not None and not isinstance(exc, BSONError):
            try:
                self.spool.append(batch, reason)
            except OSError as spool_exc:
                logger.error(
                    "Could not store %d articles (%s) nor spool them (%s)",
                    len(batch),
                    reason,
                    spool_exc,
                )
                result.errors += len(batch)
                return
            result.spooled += len(batch)
            logger.log(
                logging.INFO if quiet else logging.ERROR,
                "Could not write %d articles to MongoDB (%s); spooled them for a later replay",
                len(batch),
                reason,
            )
            return
        result.errors += len(batch)
        logger.error("Could not store %d articles in MongoDB: %s", len(batch), reason)


def _short(exc: BaseException) -> str:
    """First part of a driver message on one line (drops pymongo's topology dump)."""
    text = str(exc).split(", Timeout:", 1)[0]
    text = " ".join(text.split())
    return text if len(text) <= 200 else text[:197] + "..."
