"""The embedded MongoDB-protocol server (nx-27017) used when no MongoDB URI is configured.

There is no MongoDB server package on the machines this project targets, so the zero
set-up default is ``nx-27017``: a MongoDB wire-protocol server on SQLite that pymongo
talks to like MongoDB. :class:`EmbeddedServer` starts it as a daemon that outlives the
crawl (consumers read the articles afterwards; the next crawl reuses it), keeps its data,
pid and log files in one folder, and refuses to touch a port held by anything else.

Files in ``data_dir``: ``mongo/`` (one SQLite file per database), ``mongo.pid``,
``mongo.log`` and ``mongo.lock`` (serialises concurrent starts).
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pymongo import MongoClient
from pymongo.errors import PyMongoError

from pipelines.storage.errors import EmbeddedServerError

logger = logging.getLogger(__name__)

#: ``buildInfo`` reports this process name for nx-27017.
NX_PROCESS_NAME = "nx_27017"
_POLL_SECONDS = 0.05
_PROBE_TIMEOUT_MS = 500


@dataclass(frozen=True)
class _Probe:
    """What answers on a port: ``process`` and ``pid`` from ``buildInfo`` when known."""

    answered: bool
    process: str | None = None
    pid: int | None = None


def _port_open(host: str, port: int, timeout: float = 0.5) -> bool:
    """True when something accepts TCP connections on ``host:port``."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def _probe(host: str, port: int) -> _Probe:
    """Ask whatever listens on ``host:port`` who it is (MongoDB ``buildInfo``)."""
    client: MongoClient[dict[str, Any]] = MongoClient(
        host,
        port,
        directConnection=True,
        serverSelectionTimeoutMS=_PROBE_TIMEOUT_MS,
        connectTimeoutMS=_PROBE_TIMEOUT_MS,
        socketTimeoutMS=_PROBE_TIMEOUT_MS * 4,
        appname="newscrawl-probe",
    )
    try:
        info = client.admin.command("buildInfo")
    except PyMongoError:
        return _Probe(answered=False)
    finally:
        client.close()
    pid = info.get("pid")
    return _Probe(
        answered=True,
        process=info.get("process"),
        pid=pid if isinstance(pid, int) else None,
    )


def _pid_alive(pid: int) -> bool:
    """True when ``pid`` runs (a zombie counts as gone)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return True  # no /proc: trust kill(0)
    return stat.rpartition(")")[2].split()[:1] != ["Z"]


def _looks_like_nx(pid: int) -> bool:
    """True when ``pid`` runs nx-27017 (guards against a pid reused after a reboot)."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except FileNotFoundError:
        return not Path("/proc/self").exists()  # no /proc at all: cannot tell
    except OSError:
        return False
    return b"nx-27017" in cmdline or b"nx_27017" in cmdline


def _nx_command() -> list[str]:
    """The nx-27017 executable of this Python environment, or ``python -m`` as a fallback."""
    beside = Path(sys.executable).parent / "nx-27017"
    if beside.exists():
        return [str(beside)]
    found = shutil.which("nx-27017")
    if found:
        return [found]
    return [sys.executable, "-m", "nx_27017.nx_27017"]


def _log_cause(log_file: Path, offset: int) -> str:
    """The most telling line the server logged since ``offset``, on one line."""
    try:
        with log_file.open("rb") as fh:
            fh.seek(offset)
            lines = fh.read().decode("utf-8", errors="replace").splitlines()
    except OSError:
        return "no log written"
    if any("Address already in use" in line or "Errno 98" in line for line in lines):
        return "the port is already in use"
    interesting = [
        line
        for line in lines
        if any(word in line for word in ("ERROR", "Error", "error", "Traceback", "denied"))
    ]
    chosen = (interesting or lines or ["no log output"])[-1]
    chosen = " ".join(chosen.split())
    return chosen if len(chosen) <= 200 else chosen[:197] + "..."


class EmbeddedServer:
    """Start, reuse and stop the nx-27017 daemon whose files live in ``data_dir``.

    ``start()`` is idempotent: a server recorded in ``data_dir/mongo.pid`` that answers on
    ``host:port`` is reused. A port held by another program is an error, never a reuse:
    the articles would land in somebody else's database.
    """

    def __init__(
        self,
        data_dir: Path,
        host: str = "127.0.0.1",
        port: int = 27117,
        *,
        startup_timeout: float = 20.0,
    ) -> None:
        self.data_dir = Path(data_dir).resolve()
        self.host = host
        self.port = port
        self.startup_timeout = startup_timeout

    # --- files -----------------------------------------------------------------------
    @property
    def db_dir(self) -> Path:
        """Folder of the SQLite files, one per database."""
        return self.data_dir / "mongo"

    @property
    def pid_file(self) -> Path:
        return self.data_dir / "mongo.pid"

    @property
    def log_file(self) -> Path:
        return self.data_dir / "mongo.log"

    @property
    def uri(self) -> str:
        """Connection string of the server (it has no user or password)."""
        return f"mongodb://{self.host}:{self.port}/"

    def __repr__(self) -> str:
        return f"EmbeddedServer({str(self.data_dir)!r}, host={self.host!r}, port={self.port})"

    # --- state -----------------------------------------------------------------------
    def recorded_pid(self) -> int | None:
        """The pid in ``mongo.pid`` when that process is a live nx-27017, else ``None``."""
        try:
            pid = int(self.pid_file.read_text(encoding="ascii").strip())
        except (OSError, ValueError):
            return None
        if _pid_alive(pid) and _looks_like_nx(pid):
            return pid
        return None

    def running(self) -> bool:
        """True when our recorded server answers on ``host:port``."""
        pid = self.recorded_pid()
        if pid is None or not _port_open(self.host, self.port):
            return False
        return _probe(self.host, self.port).pid == pid

    # --- control ---------------------------------------------------------------------
    def start(self) -> bool:
        """Make sure our server answers; return ``True`` if it was started now.

        Raises :class:`EmbeddedServerError` (one line, with the fix) when the port is held
        by another program, when a recorded server does not answer on this port, or when
        the new server does not answer within ``startup_timeout`` seconds.
        """
        self.data_dir.mkdir(parents=True, exist_ok=True)
        with self._start_lock():
            recorded = self.recorded_pid()
            if _port_open(self.host, self.port):
                probe = _probe(self.host, self.port)
                if recorded is not None and probe.pid == recorded:
                    logger.debug("Reusing the embedded MongoDB server (PID %s)", recorded)
                    return False
                raise EmbeddedServerError(self._port_taken_message(probe))
            if recorded is not None:
                raise EmbeddedServerError(
                    f"the embedded MongoDB server recorded in {self.pid_file} (PID {recorded}) "
                    f"does not answer on {self.host}:{self.port}; stop it with "
                    f"`nx-27017 --stop --pid-file {self.pid_file}` or set "
                    f"NEWSCRAWL_EMBEDDED_PORT to the port it uses"
                )
            with contextlib.suppress(FileNotFoundError):
                self.pid_file.unlink()  # stale: its process is gone
            self._launch_and_wait()
            return True

    def stop(self, timeout: float = 10.0) -> bool:
        """Stop our recorded server; return ``False`` when none was running.

        Sends SIGTERM to the pid in ``mongo.pid`` (only after checking that it is an
        nx-27017 process), then SIGKILL if it has not exited within ``timeout`` seconds.
        """
        pid = self.recorded_pid()
        if pid is None:
            return False
        logger.info("Stopping the embedded MongoDB server (PID %s)", pid)
        os.kill(pid, signal.SIGTERM)
        if not self._wait_exit(pid, timeout):
            logger.warning("Embedded MongoDB server (PID %s) ignored SIGTERM; killing it", pid)
            os.kill(pid, signal.SIGKILL)
            self._wait_exit(pid, timeout)
        with contextlib.suppress(FileNotFoundError):
            self.pid_file.unlink()
        return True

    # --- internals -------------------------------------------------------------------
    @contextlib.contextmanager
    def _start_lock(self) -> Iterator[None]:
        """Serialise starts from several processes sharing ``data_dir``."""
        lock_path = self.data_dir / "mongo.lock"
        deadline = time.monotonic() + self.startup_timeout + 10.0
        with lock_path.open("a") as fh:
            while True:
                try:
                    fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise EmbeddedServerError(
                            f"another process keeps {lock_path} locked while starting the "
                            f"embedded MongoDB server; try again or remove the lock file"
                        ) from None
                    time.sleep(_POLL_SECONDS)
            try:
                yield
            finally:
                fcntl.flock(fh.fileno(), fcntl.LOCK_UN)

    def _port_taken_message(self, probe: _Probe) -> str:
        if probe.process == NX_PROCESS_NAME and probe.pid is not None:
            who = f"another nx-27017 server (PID {probe.pid}) not recorded in {self.pid_file}"
        elif probe.answered:
            who = "a MongoDB server that this data folder did not start"
        else:
            who = "another program"
        return (
            f"port {self.port} on {self.host} is already used by {who}; set "
            f"NEWSCRAWL_EMBEDDED_PORT to a free port, or NEWSCRAWL_MONGO_URI to use that server"
        )

    def _launch_and_wait(self) -> None:
        self.db_dir.mkdir(parents=True, exist_ok=True)
        command = [
            *_nx_command(),
            "-d",
            "--host",
            self.host,
            "-p",
            str(self.port),
            "--data-dir",
            str(self.db_dir),
            "--pid-file",
            str(self.pid_file),
            "--log-file",
            str(self.log_file),
        ]
        offset = self.log_file.stat().st_size if self.log_file.exists() else 0
        logger.info("Starting the embedded MongoDB server on %s:%s", self.host, self.port)
        started = time.monotonic()
        with self.log_file.open("ab") as log:
            # The command forks a daemon and returns at once; the daemon writes the pid
            # file and then listens. Its output goes to the log, never to our pipes.
            try:
                done = subprocess.run(
                    command,
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    timeout=self.startup_timeout,
                    check=False,
                )
            except (OSError, subprocess.TimeoutExpired) as exc:
                raise EmbeddedServerError(
                    f"cannot run nx-27017 ({exc.__class__.__name__}: {exc}); "
                    f"is the nx-27017 package installed?"
                ) from exc
        if done.returncode != 0:
            raise EmbeddedServerError(
                f"nx-27017 exited with status {done.returncode}: "
                f"{_log_cause(self.log_file, offset)} (log: {self.log_file})"
            )
        self._wait_ready(started, offset)

    def _wait_ready(self, started: float, offset: int) -> None:
        deadline = started + self.startup_timeout
        seen_pid: int | None = None
        while time.monotonic() < deadline:
            pid = self._pid_in_file()
            if pid is not None:
                seen_pid = pid
            if seen_pid is not None and not _pid_alive(seen_pid):
                break  # the daemon died (port taken, bad folder …)
            if (
                pid is not None
                and _port_open(self.host, self.port)
                and _probe(self.host, self.port).pid == pid
            ):
                logger.info(
                    "Embedded MongoDB server ready on %s:%s (PID %s, %.1f s)",
                    self.host,
                    self.port,
                    pid,
                    time.monotonic() - started,
                )
                return
            time.sleep(_POLL_SECONDS)
        waited = time.monotonic() - started
        raise EmbeddedServerError(
            f"the embedded MongoDB server did not start on {self.host}:{self.port} "
            f"(waited {waited:.1f} s): {_log_cause(self.log_file, offset)} "
            f"(log: {self.log_file})"
        )

    def _pid_in_file(self) -> int | None:
        try:
            return int(self.pid_file.read_text(encoding="ascii").strip())
        except (OSError, ValueError):
            return None

    @staticmethod
    def _wait_exit(pid: int, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not _pid_alive(pid):
                return True
            time.sleep(_POLL_SECONDS)
        return not _pid_alive(pid)


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nobody listens on right now (the OS picks it), for throwaway servers."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


@contextlib.contextmanager
def temporary_store(uri: str | None = None, *, prefix: str = "newscrawl-") -> Iterator[str]:
    """``uri`` itself, or the URI of an embedded server on a free port for the block.

    The server's files live in a temporary folder removed afterwards (benchmarks, tools).
    """
    if uri:
        yield uri
        return
    with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
        server = EmbeddedServer(Path(tmp), port=free_port())
        server.start()
        try:
            yield server.uri
        finally:
            server.stop()
