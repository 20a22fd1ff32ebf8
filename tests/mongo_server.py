"""Start and stop an nx-27017 server for tests (a real MongoDB-protocol server, no mocks).

Used by the session fixture in conftest.py and by tests that need a server of their own
(start/stop behaviour). Each server gets its own data folder and a free port.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pipelines.storage.embedded import EmbeddedServer, free_port
from pipelines.storage.errors import EmbeddedServerError


def start_test_server(tmp_dir: Path) -> tuple[str, Callable[[], None]]:
    """Start nx-27017 on a free port with its files in ``tmp_dir``; return ``(uri, stop)``.

    ``stop()`` terminates that server only (by the pid it recorded) and may be called
    more than once. A port grabbed by another process between picking and binding makes
    the start fail with a clear error; one retry on a new port covers that race.
    """
    last_error: Exception | None = None
    for _ in range(2):
        server = EmbeddedServer(Path(tmp_dir), port=free_port())
        try:
            server.start()
        except EmbeddedServerError as exc:  # pragma: no cover - port taken meanwhile
            last_error = exc
            continue

        def stop(server: EmbeddedServer = server) -> None:
            server.stop()

        return server.uri, stop
    raise RuntimeError(f"could not start a test MongoDB server: {last_error}")
