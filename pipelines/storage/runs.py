"""The ``crawl_runs`` collection: one document per crawl, for monitoring and audits.

A run document is inserted when the crawl opens the store (``status: "running"``) and
completed when it closes, so a crawl that died leaves a ``running`` document behind
that monitoring can spot. docs/schema.md describes the fields.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from pymongo.collection import Collection

from pipelines.storage.compat import MONGODB, ServerQuirks
from pipelines.storage.documents import to_utc

RUN_SCHEMA_VERSION = 1


def new_run_id(started_at: datetime) -> str:
    """A sortable, unique run id: ``20240501T093000Z-1a2b3c4d``."""
    return f"{to_utc(started_at):%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:8]}"


def clean_stats(stats: Mapping[str, Any]) -> dict[str, Any]:
    """Crawl stats as a MongoDB sub-document.

    Keys lose ``.`` and a leading ``$`` (``…/twisted.internet.error.TimeoutError`` becomes
    ``…/twisted_internet_error_TimeoutError``); dates become UTC; values that are neither
    numbers, strings, booleans, dates nor lists of strings become strings.
    """
    cleaned: dict[str, Any] = {}
    for key, value in stats.items():
        name = str(key).replace(".", "_")
        if name.startswith("$"):
            name = "_" + name[1:]
        if isinstance(value, datetime):
            cleaned[name] = to_utc(value) if value.utcoffset() is not None else value
        elif isinstance(value, date):
            cleaned[name] = value.isoformat()
        elif value is None or isinstance(value, bool | int | float | str):
            cleaned[name] = value
        elif isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
            cleaned[name] = list(value)  # e.g. newscrawl/render/needs_js_suggested
        else:
            cleaned[name] = str(value)
    return cleaned


def start_run(
    collection: Collection[dict[str, Any]],
    *,
    spider: str,
    started_at: datetime,
    store_uri: str,
    arguments: Mapping[str, Any] | None = None,
) -> str:
    """Insert the run document of a crawl that starts now; return its id."""
    run_id = new_run_id(started_at)
    collection.insert_one(
        {
            "_id": run_id,
            "spider": spider,
            "arguments": {str(k): str(v) for k, v in (arguments or {}).items()},
            "status": "running",
            "started_at": to_utc(started_at),
            "finished_at": None,
            "finish_reason": None,
            "host": socket.gethostname(),
            "pid": os.getpid(),
            "store_uri": store_uri,
            "schema_version": RUN_SCHEMA_VERSION,
        }
    )
    return run_id


def finish_run(
    collection: Collection[dict[str, Any]],
    run_id: str,
    *,
    finished_at: datetime,
    reason: str,
    store: Mapping[str, int],
    stats: Mapping[str, Any],
    quirks: ServerQuirks = MONGODB,
) -> None:
    """Complete the run document: end time, reason, store counts and the crawl stats."""
    update = {
        "$set": {
            "status": "finished",
            "finished_at": to_utc(finished_at),
            "finish_reason": reason,
            "store": dict(store),
            "stats": clean_stats(stats),
        }
    }
    collection.update_one({"_id": run_id}, quirks.adapt_update(update))
