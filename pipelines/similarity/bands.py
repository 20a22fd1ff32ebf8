"""Where the near-duplicate index keeps its band buckets: the store, or a local SQLite file.

A bucket is one LSH band key (a signed 64-bit int) and the ids of the articles that have
it, newest last, at most ``max_bucket``. Every article adds some 43 postings (42 bands and
its exact fingerprint), so these small writes are most of what the duplicate check costs
the store.

:class:`StoreBands`
    one document per key in a collection of the article store (``{_id: key, ids: [...]}``).
    Any MongoDB serves it in C and shares it between machines: the choice for a real
    MongoDB.
:class:`LocalBands`
    one row per key in a SQLite file beside the embedded store (``NEWSCRAWL_DATA_DIR``).
    nx-27017 handles each document in Python, about 90 µs per posting, 3.5 ms of its CPU
    per article on the benchmark crawl (most of the store's work); SQLite takes the same
    postings at some 15 µs in C. Crawler processes on the machine share the file (SQLite
    locks it; each write is one transaction that reads, merges and writes its buckets).

The buckets are derived data: every sketch document in the store keeps its band keys
(``b``) and fingerprint (``f``), so :meth:`NearDupIndex.ensure_indexes` refills a new or
lost file from them, and empties one left over from a store that was reset.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

from bson.int64 import Int64
from pymongo import UpdateMany, UpdateOne
from pymongo.collection import Collection
from pymongo.errors import BulkWriteError

from pipelines.storage.inlists import in_lists

_DUPLICATE_KEY = 11000
#: Band documents written per bulk request.
_BATCH = 5000
#: Keys per SQL statement (one JSON array parameter, so one prepared statement).
_SQL_KEYS = 4096
#: How long a writer waits for another process's transaction on the file.
_BUSY_SECONDS = 30.0


class BandStoreError(Exception):
    """The local band file failed (disk full, corrupt, unreadable)."""


class BandStore(Protocol):
    """Band buckets: read them, append article ids, take ids out."""

    #: True when the buckets can be rebuilt from the sketches and may need it at start.
    derived: bool

    def ensure(self) -> None:
        """Create the storage if missing."""

    def buckets(self, keys: Iterable[int]) -> dict[int, set[str]]:
        """The article ids of each bucket in ``keys`` that exists."""

    def add(self, entries: Sequence[tuple[str, int]]) -> None:
        """Append ``(article_id, key)`` postings; a bucket keeps its newest ``max_bucket``."""

    def leave(self, keys_by_article: Mapping[str, Iterable[int]]) -> None:
        """Take each article id out of the given buckets."""

    def is_empty(self) -> bool:
        """True when no bucket exists."""

    def clear(self) -> None:
        """Drop every bucket."""

    def close(self) -> None:
        """Release what the store holds open."""


def _grouped(entries: Sequence[tuple[str, int]]) -> dict[int, list[str]]:
    """The article ids of each key, each id once, in the order of ``entries``."""
    grouped: dict[int, dict[str, None]] = {}
    for article_id, key in entries:
        grouped.setdefault(key, {})[article_id] = None
    return {key: list(ids) for key, ids in grouped.items()}


def create_collection_if_missing(collection: Collection[dict[str, Any]]) -> None:
    """Create ``collection`` up front, so the first concurrent writers do not race to."""
    database = collection.database
    if collection.name not in set(database.list_collection_names()):
        database.create_collection(collection.name, check_exists=False)


def _chunks(values: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


class StoreBands:
    """Buckets as documents of one collection in the article store."""

    derived = False

    def __init__(self, collection: Collection[dict[str, Any]], max_bucket: int = 500) -> None:
        self.collection = collection
        self.max_bucket = max_bucket

    def ensure(self) -> None:
        create_collection_if_missing(self.collection)

    def buckets(self, keys: Iterable[int]) -> dict[int, set[str]]:
        """One query per 4,096 keys, on ``_id`` only (nx-27017's secondary indexes do not
        serve ``$in``)."""
        found: dict[int, set[str]] = {}
        for chunk in in_lists(sorted(set(keys))):
            for bucket in self.collection.find({"_id": {"$in": [Int64(k) for k in chunk]}}):
                found[int(bucket["_id"])] = set(bucket.get("ids", ()))
        return found

    def add(self, entries: Sequence[tuple[str, int]]) -> None:
        """Insert new buckets, then push onto the ones that already existed."""
        if not entries:
            return
        grouped = _grouped(entries)
        docs = [{"_id": Int64(key), "ids": ids[-self.max_bucket :]} for key, ids in grouped.items()]
        existing: list[int] = []
        for chunk in _chunks(docs, _BATCH):
            try:
                self.collection.insert_many(chunk, ordered=False)
            except BulkWriteError as exc:
                for error in exc.details.get("writeErrors", ()):
                    if error.get("code") != _DUPLICATE_KEY:
                        raise
                    existing.append(int(chunk[error["index"]]["_id"]))
        if existing:
            pushes = [
                UpdateOne(
                    {"_id": Int64(key)},
                    {"$push": {"ids": {"$each": grouped[key], "$slice": -self.max_bucket}}},
                )
                for key in existing
            ]
            self.collection.bulk_write(pushes, ordered=False)

    def leave(self, keys_by_article: Mapping[str, Iterable[int]]) -> None:
        requests = [
            UpdateMany({"_id": {"$in": chunk}}, {"$pull": {"ids": article_id}})
            for article_id, keys in keys_by_article.items()
            for chunk in in_lists(Int64(k) for k in sorted(keys))
        ]
        if requests:
            self.collection.bulk_write(requests, ordered=False)

    def is_empty(self) -> bool:
        return self.collection.find_one({}, {"_id": 1}) is None

    def clear(self) -> None:
        self.collection.delete_many({})

    def close(self) -> None:
        """Nothing of its own: the store's client is closed by its owner."""


class LocalBands:
    """Buckets as rows ``(key INTEGER PRIMARY KEY, ids TEXT)`` of a SQLite file.

    ``ids`` is a JSON list, newest last. One connection, used by one thread at a time (a
    lock guards it); the file may be shared by other processes (WAL journal, writers wait
    up to 30 s for each other). Errors come out as :class:`BandStoreError`.
    """

    derived = True

    def __init__(self, path: Path, table: str = "neardup_bands", max_bucket: int = 500) -> None:
        if not table.replace("_", "").isalnum():
            raise ValueError(f"band table name must be letters, digits and '_': {table!r}")
        self.path = Path(path)
        self.table = table
        self.max_bucket = max_bucket
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None

    def _connection(self) -> sqlite3.Connection:
        if self._db is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(
                self.path, timeout=_BUSY_SECONDS, isolation_level=None, check_same_thread=False
            )
            try:
                self._prepare(db)
            except BaseException:
                db.close()
                raise
            self._db = db
        return self._db

    def _prepare(self, db: sqlite3.Connection) -> None:
        """WAL journal and the table. Switching the journal mode does not wait for another
        connection doing the same (SQLite reports "locked" at once), so two processes opening
        a new file together retry for up to :data:`_BUSY_SECONDS`."""
        deadline = time.monotonic() + _BUSY_SECONDS
        while True:
            try:
                db.execute("PRAGMA journal_mode=WAL")
                break
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.02)
        # WAL with NORMAL: a commit is durable against a process crash, not against a
        # power cut (the buckets can be rebuilt from the sketches).
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute(
            f'CREATE TABLE IF NOT EXISTS "{self.table}" '
            "(key INTEGER PRIMARY KEY, ids TEXT NOT NULL)"
        )

    def _read(self, db: sqlite3.Connection, keys: Sequence[int]) -> dict[int, list[str]]:
        found: dict[int, list[str]] = {}
        for chunk in _chunks(keys, _SQL_KEYS):
            rows = db.execute(
                f'SELECT key, ids FROM "{self.table}" '
                "WHERE key IN (SELECT value FROM json_each(?))",
                (json.dumps(list(chunk)),),
            )
            for key, ids in rows:
                found[key] = json.loads(ids)
        return found

    def _write(self, db: sqlite3.Connection, buckets: Mapping[int, list[str]]) -> None:
        """Store each bucket's ids in place of what it held."""
        db.executemany(
            f'INSERT OR REPLACE INTO "{self.table}" (key, ids) VALUES (?, ?)',
            [(key, json.dumps(ids)) for key, ids in buckets.items()],
        )

    def ensure(self) -> None:
        with self._lock, _errors(self.path):
            self._connection()

    def buckets(self, keys: Iterable[int]) -> dict[int, set[str]]:
        with self._lock, _errors(self.path):
            found = self._read(self._connection(), sorted(set(keys)))
        return {key: set(ids) for key, ids in found.items()}

    def add(self, entries: Sequence[tuple[str, int]]) -> None:
        if not entries:
            return
        grouped = _grouped(entries)
        with self._lock, _errors(self.path):
            db = self._connection()
            with _transaction(db):
                stored = self._read(db, sorted(grouped))
                merged = {}
                for key, ids in grouped.items():
                    new = set(ids)
                    kept = [aid for aid in stored.get(key, ()) if aid not in new] + ids
                    merged[key] = kept[-self.max_bucket :]
                self._write(db, merged)

    def leave(self, keys_by_article: Mapping[str, Iterable[int]]) -> None:
        leaving: dict[int, set[str]] = {}
        for article_id, keys in keys_by_article.items():
            for key in keys:
                leaving.setdefault(key, set()).add(article_id)
        if not leaving:
            return
        with self._lock, _errors(self.path):
            db = self._connection()
            with _transaction(db):
                stored = self._read(db, sorted(leaving))
                kept = {
                    key: [aid for aid in ids if aid not in leaving[key]]
                    for key, ids in stored.items()
                }
                self._write(db, {key: ids for key, ids in kept.items() if ids})
                db.executemany(
                    f'DELETE FROM "{self.table}" WHERE key = ?',
                    [(key,) for key, ids in kept.items() if not ids],
                )

    def is_empty(self) -> bool:
        with self._lock, _errors(self.path):
            row = self._connection().execute(f'SELECT 1 FROM "{self.table}" LIMIT 1').fetchone()
        return row is None

    def clear(self) -> None:
        with self._lock, _errors(self.path):
            self._connection().execute(f'DELETE FROM "{self.table}"')

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None


@contextlib.contextmanager
def _errors(path: Path) -> Iterator[None]:
    """Turn ``sqlite3.Error`` (and ``OSError``: a folder that cannot be made) into
    :class:`BandStoreError` naming the file."""
    try:
        yield
    except (sqlite3.Error, OSError) as exc:
        raise BandStoreError(f"near-duplicate band file {path}: {exc}") from exc


@contextlib.contextmanager
def _transaction(db: sqlite3.Connection) -> Iterator[None]:
    """``BEGIN IMMEDIATE`` … ``COMMIT`` (``ROLLBACK`` on error): the write lock is taken
    before the read, so two processes never merge into the same bucket at once."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
