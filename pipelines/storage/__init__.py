"""The article store: MongoDB access without Scrapy.

- :mod:`.uri`: mask passwords in connection strings.
- :mod:`.embedded`: the local nx-27017 server used when no URI is configured.
- :mod:`.connect`: open the store (ping, indexes), the crawl pre-flight.
- :mod:`.documents`: the ``articles`` document and its upsert.
- :mod:`.writer`: buffered bulk upserts with retries.
- :mod:`.spool`: the local file that keeps batches while MongoDB is down, and its replay.
- :mod:`.runs`: the ``crawl_runs`` collection (one document per crawl).
- :mod:`.maintenance`: replay, status and stop for commands (``python -m pipelines.storage``).

``pipelines/mongo.py`` is the thin Scrapy adapter around these.
"""

from __future__ import annotations

from pipelines.storage.config import SettingError, StoreConfig
from pipelines.storage.connect import Store, open_store, open_store_from_config, preflight
from pipelines.storage.documents import SCHEMA_VERSION, Upsert, article_id, to_document
from pipelines.storage.embedded import EmbeddedServer
from pipelines.storage.errors import EmbeddedServerError, StoreUnavailableError
from pipelines.storage.maintenance import replay_spool, stop_embedded, store_status
from pipelines.storage.spool import ReplayResult, Spool
from pipelines.storage.uri import mask_uri
from pipelines.storage.writer import BatchWriter, FlushResult, RetryPolicy

__all__ = [
    "SCHEMA_VERSION",
    "BatchWriter",
    "EmbeddedServer",
    "EmbeddedServerError",
    "FlushResult",
    "ReplayResult",
    "RetryPolicy",
    "SettingError",
    "Spool",
    "Store",
    "StoreConfig",
    "StoreUnavailableError",
    "Upsert",
    "article_id",
    "mask_uri",
    "open_store",
    "open_store_from_config",
    "preflight",
    "replay_spool",
    "stop_embedded",
    "store_status",
    "to_document",
]
