"""Store chores for commands and cron jobs: replay the spool, report and stop the server.

Each function takes the settings as a mapping (Scrapy ``Settings`` or a dict), so the
``scrapy`` commands and ``python -m pipelines.storage`` share them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pipelines.storage.config import SettingError, StoreConfig
from pipelines.storage.connect import open_store_from_config
from pipelines.storage.embedded import EmbeddedServer
from pipelines.storage.errors import StoreUnavailableError
from pipelines.storage.spool import ReplayResult, Spool, replay
from pipelines.storage.uri import mask_uri
from pipelines.storage.writer import BatchWriter, RetryPolicy


def _config(settings_like: Mapping[str, Any]) -> StoreConfig:
    try:
        return StoreConfig.from_settings(settings_like)
    except SettingError as exc:
        raise StoreUnavailableError(f"invalid store setting: {exc}") from None


def replay_spool(settings_like: Mapping[str, Any]) -> ReplayResult:
    """Write the spooled articles to the store (idempotent; see :mod:`.spool`).

    The consumer indexes are created first, as a crawl does (a no-op when they exist):
    a store that only ever received a replayed spool is queried like any other.
    Nothing is opened when the spool is empty. Raises :class:`StoreUnavailableError`
    when the store cannot be opened.
    """
    config = _config(settings_like)
    if not Spool(config.spool_dir).files():
        return ReplayResult()
    store = open_store_from_config(config)
    try:
        store.ensure_indexes()
        writer = BatchWriter(
            store.articles, config.batch_size, quirks=store.quirks, retry=RetryPolicy(retries=1)
        )
        return replay(config.spool_dir, writer)
    finally:
        store.close()


@dataclass(frozen=True)
class StoreStatus:
    """What ``status`` reports: where the store is and what waits in the spool."""

    uri: str
    embedded: bool
    embedded_pid: int | None
    spool_files: int
    spooled_articles: int


def store_status(settings_like: Mapping[str, Any]) -> StoreStatus:
    """Describe the configured store without starting or connecting to anything."""
    config = _config(settings_like)
    spool = Spool(config.spool_dir)
    if config.uri:
        return StoreStatus(mask_uri(config.uri), False, None, len(spool.files()), spool.pending())
    server = EmbeddedServer(config.data_dir, port=config.embedded_port)
    pid = server.recorded_pid() if server.running() else None
    return StoreStatus(server.uri, True, pid, len(spool.files()), spool.pending())


def stop_embedded(settings_like: Mapping[str, Any]) -> bool:
    """Stop the embedded server of ``NEWSCRAWL_DATA_DIR``; ``False`` when none ran."""
    config = _config(settings_like)
    return EmbeddedServer(config.data_dir, port=config.embedded_port).stop()
