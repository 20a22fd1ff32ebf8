"""Work-arounds for differences between MongoDB and the embedded nx-27017 server.

nx-27017 0.8 stores a top-level ``datetime`` given to ``$set`` on an *existing* document
as a string (``"2024-01-02 03:04:05.123000"``): its fast SQL update path binds the value
as a plain SQLite parameter. Inserts, upserts that insert, nested values and its slower
Python update path keep real BSON dates. A ``$pull`` on a field that the document does
not have makes nx-27017 take the Python path, and is a no-op in MongoDB, so the
work-around is added only when the server is nx-27017 and the update ``$set``s a date.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pymongo import MongoClient
from pymongo.errors import PyMongoError

from pipelines.storage.embedded import NX_PROCESS_NAME

logger = logging.getLogger(__name__)

#: Field that no document has; ``$pull`` on it changes nothing.
_NO_SUCH_FIELD = "_newscrawl_keep_bson_dates"


@dataclass(frozen=True)
class ServerQuirks:
    """What the connected server needs done differently.

    ``server``: ``"nx-27017"`` or ``"mongodb"``.
    ``dates_in_set_become_strings``: see the module docstring.
    """

    server: str = "mongodb"
    dates_in_set_become_strings: bool = False

    def adapt_update(self, update: Mapping[str, Any]) -> dict[str, Any]:
        """Return ``update`` changed so that the server stores it as MongoDB would."""
        adapted = dict(update)
        if self.dates_in_set_become_strings:
            set_fields = update.get("$set") or {}
            if any(isinstance(value, datetime) for value in set_fields.values()):
                adapted["$pull"] = {**(update.get("$pull") or {}), _NO_SUCH_FIELD: None}
        return adapted


MONGODB = ServerQuirks()
NX_27017 = ServerQuirks(server="nx-27017", dates_in_set_become_strings=True)


def detect_quirks(client: MongoClient[Any]) -> ServerQuirks:
    """Ask the server who it is (``buildInfo``); plain MongoDB when it will not say."""
    try:
        info = client.admin.command("buildInfo")
    except PyMongoError as exc:  # e.g. a user without the buildInfo privilege
        logger.debug("buildInfo failed (%s); assuming MongoDB", exc)
        return MONGODB
    return NX_27017 if info.get("process") == NX_PROCESS_NAME else MONGODB
