"""The embedded nx-27017 server: start, reuse, stop, and refusing ports held by others."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pymongo import MongoClient
from pymongo.errors import ServerSelectionTimeoutError

from pipelines.storage.embedded import EmbeddedServer
from pipelines.storage.errors import EmbeddedServerError
from tests.mongo_server import free_port, start_test_server


@pytest.fixture
def server(tmp_path: Path) -> Iterator[EmbeddedServer]:
    embedded = EmbeddedServer(tmp_path / "data", port=free_port())
    try:
        yield embedded
    finally:
        embedded.stop()


def _client(uri: str, **options: Any) -> MongoClient[dict[str, Any]]:
    return MongoClient(uri, **options)


def _ping(uri: str) -> dict[str, Any]:
    with _client(uri, serverSelectionTimeoutMS=2000) as client:
        result: dict[str, Any] = client.admin.command("ping")
        return result


def _gone(pid: int) -> bool:
    """The process has exited (a zombie waiting for init to reap it counts as gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return True
    return stat.rpartition(")")[2].split()[0] == "Z"


def test_start_reuse_stop(server: EmbeddedServer) -> None:
    assert not server.running()
    assert server.start() is True
    pid = server.recorded_pid()
    assert pid is not None
    assert server.running()
    assert _ping(server.uri) == {"ok": 1}
    assert server.uri == f"mongodb://127.0.0.1:{server.port}/"
    assert server.pid_file.read_text().strip() == str(pid)
    assert server.log_file.exists()
    assert server.db_dir.is_dir()

    # idempotent, also from another object for the same folder (a second crawl)
    assert server.start() is False
    again = EmbeddedServer(server.data_dir, port=server.port)
    assert again.start() is False
    assert again.recorded_pid() == pid

    assert server.stop() is True
    assert not server.running()
    assert not server.pid_file.exists()
    assert _gone(pid)
    assert server.stop() is False


def test_data_survives_a_restart(server: EmbeddedServer) -> None:
    server.start()
    with _client(server.uri) as client:
        client.news.articles.insert_one({"_id": "a", "title": "عنوان"})
    server.stop()
    assert server.start() is True
    with _client(server.uri) as client:
        assert client.news.articles.find_one({"_id": "a"}) == {"_id": "a", "title": "عنوان"}


def test_port_held_by_another_program_is_refused(server: EmbeddedServer) -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", server.port))
        listener.listen()
        with pytest.raises(EmbeddedServerError) as caught:
            server.start()
    message = str(caught.value)
    assert "\n" not in message
    assert f"port {server.port} on 127.0.0.1 is already used by" in message
    assert "NEWSCRAWL_EMBEDDED_PORT" in message
    assert server.recorded_pid() is None


def test_port_held_by_a_server_of_another_folder_is_refused(
    server: EmbeddedServer, tmp_path: Path
) -> None:
    server.start()
    other = EmbeddedServer(tmp_path / "other", port=server.port)
    with pytest.raises(EmbeddedServerError) as caught:
        other.start()
    message = str(caught.value)
    assert f"another nx-27017 server (PID {server.recorded_pid()})" in message
    assert other.recorded_pid() is None
    assert other.stop() is False  # never touches a server it did not start
    assert server.running()


def test_stale_pid_file_is_replaced(server: EmbeddedServer) -> None:
    server.data_dir.mkdir(parents=True)
    # our own pid: alive, but not an nx-27017 process (as after a reboot reused the pid)
    server.pid_file.write_text(str(os.getpid()))
    assert server.recorded_pid() is None
    assert server.start() is True
    assert server.recorded_pid() not in (None, os.getpid())
    assert _ping(server.uri) == {"ok": 1}


def test_start_test_server_helper(tmp_path: Path) -> None:
    uri, stop = start_test_server(tmp_path)
    try:
        assert _ping(uri) == {"ok": 1}
    finally:
        stop()
    stop()  # a second stop is harmless
    with (
        pytest.raises(ServerSelectionTimeoutError, match=r"Connection refused"),
        _client(uri, serverSelectionTimeoutMS=300) as client,
    ):
        client.admin.command("ping")
