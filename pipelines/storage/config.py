"""Store settings, parsed once from any mapping (Scrapy ``Settings``, a dict, the env).

Values may arrive as strings (``scrapy crawl -s NEWSCRAWL_MONGO_BATCH_SIZE=50``), so
numbers are converted here with an error that names the setting.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEFAULT_DATABASE = "newscrawl"
DEFAULT_EMBEDDED_PORT = 27117


class SettingError(ValueError):
    """A store setting has a value that cannot be used; the message names the setting."""


def _get(settings: Mapping[str, Any], name: str, default: Any) -> Any:
    value = settings.get(name)
    return default if value is None or value == "" else value


def _int(settings: Mapping[str, Any], name: str, default: int, minimum: int) -> int:
    raw = _get(settings, name, default)
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise SettingError(f"{name} must be a whole number, not {raw!r}") from None
    if value < minimum:
        raise SettingError(f"{name} must be at least {minimum}, not {value}")
    return value


def _float(settings: Mapping[str, Any], name: str, default: float, minimum: float) -> float:
    raw = _get(settings, name, default)
    try:
        value = float(raw)
    except (TypeError, ValueError):
        raise SettingError(f"{name} must be a number, not {raw!r}") from None
    if value < minimum:
        raise SettingError(f"{name} must be at least {minimum}, not {value}")
    return value


def _bool(settings: Mapping[str, Any], name: str, default: bool) -> bool:
    raw = _get(settings, name, default)
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in {"1", "true", "yes", "on"}:
        return True
    if text in {"0", "false", "no", "off"}:
        return False
    raise SettingError(f"{name} must be true or false, not {raw!r}")


def _write_concern(settings: Mapping[str, Any]) -> int | str | None:
    raw = _get(settings, "NEWSCRAWL_MONGO_WRITE_CONCERN", None)
    if raw is None:
        return None
    text = str(raw).strip()
    value: int | str = int(text) if text.isdigit() else text
    if value == 0:
        raise SettingError(
            "NEWSCRAWL_MONGO_WRITE_CONCERN must acknowledge writes (1, 'majority' …), not 0"
        )
    return value


@dataclass(frozen=True)
class StoreConfig:
    """Everything the store needs, with the defaults of settings/base.py.

    - ``uri``: ``NEWSCRAWL_MONGO_URI``; empty means the embedded server.
    - ``database``: ``NEWSCRAWL_MONGO_DATABASE``.
    - ``data_dir``: ``NEWSCRAWL_DATA_DIR``, where the embedded server keeps its files.
    - ``embedded_port``: ``NEWSCRAWL_EMBEDDED_PORT`` on 127.0.0.1.
    - ``batch_size``: ``NEWSCRAWL_MONGO_BATCH_SIZE`` articles per bulk write.
    - ``flush_seconds``: ``NEWSCRAWL_MONGO_FLUSH_SECONDS``, the longest an article waits in
      the buffer before it is written.
    - ``timeout_ms``: ``NEWSCRAWL_MONGO_TIMEOUT_MS`` for server selection and connecting.
    - ``write_concern``: ``NEWSCRAWL_MONGO_WRITE_CONCERN`` (``"majority"``, ``1`` …);
      ``None`` keeps the server's default.
    - ``retries``: ``NEWSCRAWL_MONGO_RETRIES``, extra attempts of a batch after a
      transient error (network, failover), with exponential backoff.
    - ``spool_dir``: ``NEWSCRAWL_SPOOL_DIR``, where batches go when MongoDB stays down
      (default ``<data_dir>/spool``); replayed at the next start.
    - ``spool_enabled``: ``NEWSCRAWL_SPOOL_ENABLED``.
    - ``retry_seconds``: ``NEWSCRAWL_STORE_RETRY_SECONDS``, the pause between tries of an
      unreachable store during a crawl (the store pipeline's reconnect, the spider's
      "already stored?" lookup).
    """

    uri: str = ""
    database: str = DEFAULT_DATABASE
    data_dir: Path = Path("data")
    embedded_port: int = DEFAULT_EMBEDDED_PORT
    batch_size: int = 100
    flush_seconds: float = 5.0
    timeout_ms: int = 5000
    write_concern: int | str | None = None
    retries: int = 3
    spool_dir: Path = Path("data/spool")
    spool_enabled: bool = True
    retry_seconds: float = 30.0

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> StoreConfig:
        """Read the ``NEWSCRAWL_`` store settings; raise :class:`SettingError` if invalid."""
        data_dir = Path(str(_get(settings, "NEWSCRAWL_DATA_DIR", "data"))).expanduser()
        spool_dir = Path(
            str(_get(settings, "NEWSCRAWL_SPOOL_DIR", data_dir / "spool"))
        ).expanduser()
        database = str(_get(settings, "NEWSCRAWL_MONGO_DATABASE", DEFAULT_DATABASE))
        return cls(
            uri=str(_get(settings, "NEWSCRAWL_MONGO_URI", "")).strip(),
            database=database,
            data_dir=data_dir,
            embedded_port=_int(settings, "NEWSCRAWL_EMBEDDED_PORT", DEFAULT_EMBEDDED_PORT, 1),
            batch_size=_int(settings, "NEWSCRAWL_MONGO_BATCH_SIZE", 100, 1),
            flush_seconds=_float(settings, "NEWSCRAWL_MONGO_FLUSH_SECONDS", 5.0, 0.0),
            timeout_ms=_int(settings, "NEWSCRAWL_MONGO_TIMEOUT_MS", 5000, 1),
            write_concern=_write_concern(settings),
            retries=_int(settings, "NEWSCRAWL_MONGO_RETRIES", 3, 0),
            spool_dir=spool_dir,
            spool_enabled=_bool(settings, "NEWSCRAWL_SPOOL_ENABLED", True),
            retry_seconds=_float(settings, "NEWSCRAWL_STORE_RETRY_SECONDS", 30.0, 0.0),
        )


def setting_enabled(settings: Mapping[str, Any], name: str, default: bool = True) -> bool:
    """Read an on/off switch such as ``NEWSCRAWL_MONGO_ENABLED``."""
    return _bool(settings, name, default)
