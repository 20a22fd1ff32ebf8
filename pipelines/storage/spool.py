"""A local append-only spool for articles that could not be written to MongoDB.

When MongoDB stays unavailable after the writer's retries, each batch is appended to a
JSON Lines file in the spool folder instead of being lost: one upsert per line, in
MongoDB extended JSON (dates keep their exact UTC instant). The next crawl (or
``python -m pipelines.storage replay``) writes them back.

Replay is idempotent and never goes back in time: before writing, it reads the stored
``last_seen`` of the articles in each chunk and skips an upsert whose ``last_seen`` is not
newer (the article was stored again since, or this line was already replayed before an
interruption). A file is deleted only once all its lines are written or skipped.

Each process appends to its own file (``spool-<UTC time>-<pid>.jsonl``) and holds an
exclusive lock on it while open, so a replay running elsewhere skips files in use.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from bson import json_util
from bson.errors import BSONError
from bson.json_util import JSONMode, JSONOptions
from pymongo.collection import Collection
from pymongo.errors import PyMongoError

from pipelines.storage.documents import Upsert
from pipelines.storage.inlists import in_lists
from pipelines.storage.writer import BatchWriter

logger = logging.getLogger(__name__)

_JSON = JSONOptions(json_mode=JSONMode.RELAXED, tz_aware=True, tzinfo=UTC)
PATTERN = "spool-*.jsonl"


def encode(upsert: Upsert, reason: str, spooled_at: datetime) -> str:
    """One spool line (no newline) for ``upsert``."""
    record = {
        "filter": upsert.filter,
        "update": upsert.update,
        "reason": reason,
        "spooled_at": spooled_at,
    }
    line: str = json_util.dumps(record, json_options=_JSON, ensure_ascii=False)
    return line


def decode(line: str) -> Upsert:
    """The upsert of one spool line; ``ValueError`` for a damaged line."""
    try:
        record = json_util.loads(line, json_options=_JSON)
        return Upsert(dict(record["filter"]), dict(record["update"]))
    except (ValueError, KeyError, TypeError, BSONError) as exc:
        raise ValueError(f"damaged spool line: {exc}") from exc


class Spool:
    """The spool folder: this process appends to one file of its own, opened on demand."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self._file: IO[str] | None = None
        self.path: Path | None = None
        self.written = 0

    def append(self, batch: Sequence[Upsert], reason: str) -> None:
        """Append ``batch`` and flush it to disk (raises ``OSError`` if the disk fails)."""
        handle = self._open()
        now = datetime.now(UTC)
        handle.write("".join(encode(upsert, reason, now) + "\n" for upsert in batch))
        handle.flush()
        os.fsync(handle.fileno())
        self.written += len(batch)

    def close(self) -> None:
        """Close and unlock this process's file (a replay may then take it)."""
        if self._file is not None:
            fcntl.flock(self._file.fileno(), fcntl.LOCK_UN)
            self._file.close()
            self._file = None

    def files(self) -> list[Path]:
        """Spool files in the folder, oldest first (names start with their UTC time)."""
        if not self.directory.is_dir():
            return []
        return sorted(self.directory.glob(PATTERN))

    def pending(self) -> int:
        """Lines waiting in all spool files (damaged lines included)."""
        total = 0
        for path in self.files():
            with path.open("rb") as fh:
                total += sum(1 for line in fh if line.strip())
        return total

    def _open(self) -> IO[str]:
        if self._file is None:
            self.directory.mkdir(parents=True, exist_ok=True)
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
            self.path = self.directory / f"spool-{stamp}-{os.getpid()}.jsonl"
            handle = self.path.open("a", encoding="utf-8")
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            self._file = handle
            logger.warning("MongoDB unavailable: spooling articles to %s", self.path)
        return self._file


@dataclass
class ReplayResult:
    """What a replay did: upserts written (``inserted``/``updated``/``unchanged``),
    ``skipped`` as already stored or superseded, ``damaged`` lines, ``errors`` (refused
    by the server), files ``done`` (deleted) and ``kept`` (in use, or MongoDB failed)."""

    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    damaged: int = 0
    errors: int = 0
    done: int = 0
    kept: int = 0

    @property
    def written(self) -> int:
        return self.inserted + self.updated + self.unchanged


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[IO[str] | None]:
    """Open ``path`` with an exclusive lock, or yield ``None`` when another process holds it."""
    with path.open("r", encoding="utf-8", errors="replace") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield None
            return
        try:
            yield handle
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _newer_than_stored(
    collection: Collection[dict[str, Any]], chunk: list[Upsert]
) -> tuple[list[Upsert], int]:
    """Drop upserts whose ``last_seen`` is not newer than the stored document's."""
    ids = [u.filter["_id"] for u in chunk if "_id" in u.filter]
    stored = {
        doc["_id"]: doc.get("last_seen")
        for piece in in_lists(ids)
        for doc in collection.find({"_id": {"$in": piece}}, {"last_seen": 1})
    }
    keep = []
    for upsert in chunk:
        seen = (upsert.update.get("$set") or {}).get("last_seen")
        current = stored.get(upsert.filter.get("_id"))
        if isinstance(seen, datetime) and isinstance(current, datetime) and current >= seen:
            continue
        keep.append(upsert)
    return keep, len(chunk) - len(keep)


def replay(directory: Path, writer: BatchWriter, *, exclude: Path | None = None) -> ReplayResult:
    """Write the spooled upserts of ``directory`` through ``writer`` (which must have no
    spool of its own, and a collection: a detached writer raises ``ValueError``). Stops at
    the first batch MongoDB does not take, keeping that file and the ones after it."""
    if not writer.attached:
        raise ValueError("replay needs a writer with a collection (this one is detached)")
    result = ReplayResult()
    for path in Spool(directory).files():
        if exclude is not None and path == exclude:
            result.kept += 1
            continue
        with _locked(path) as handle:
            if handle is None:
                result.kept += 1
                continue
            if not _replay_file(handle, writer, result):
                result.kept += 1
                logger.warning("Spool replay stopped: MongoDB did not take %s", path)
                break
            path.unlink()
            result.done += 1
    if result.done or result.kept:
        logger.info(
            "Spool replay: %d written, %d skipped, %d damaged, %d refused; %d files done, %d kept",
            result.written,
            result.skipped,
            result.damaged,
            result.errors,
            result.done,
            result.kept,
        )
    return result


def _replay_file(handle: IO[str], writer: BatchWriter, result: ReplayResult) -> bool:
    chunk: list[Upsert] = []
    for line in handle:
        if not line.strip():
            continue
        try:
            chunk.append(decode(line))
        except ValueError:
            result.damaged += 1  # e.g. the last line of a crash mid-write
            continue
        if len(chunk) >= writer.batch_size:
            if not _replay_chunk(chunk, writer, result):
                return False
            chunk = []
    return not chunk or _replay_chunk(chunk, writer, result)


def _replay_chunk(chunk: list[Upsert], writer: BatchWriter, result: ReplayResult) -> bool:
    try:
        fresh, skipped = _newer_than_stored(writer.collection, chunk)
    except PyMongoError as exc:
        logger.warning("Spool replay cannot read the store: %s", exc)
        return False
    result.skipped += skipped
    if not fresh:
        return True
    flushed = writer.write(fresh)
    if flushed.failed is not None:
        return False
    result.inserted += flushed.inserted
    result.updated += flushed.updated
    result.unchanged += flushed.unchanged
    result.errors += flushed.errors
    return True
