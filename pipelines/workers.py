"""A pool of worker processes for the cleaning chain, driven from the asyncio event loop.

Scrapy runs on one thread, and cleaning a page costs tens of milliseconds of CPU; run
inline, extraction is the whole crawl's ceiling and one core idles. :class:`ExtractPool`
runs the cleaning function in ``workers`` child processes instead, and the crawl awaits
the results without blocking the reactor.

How it behaves:

- **Start method**: ``forkserver`` (default) or ``spawn``. Never ``fork``: forking a
  process that runs the Twisted asyncio reactor, its threads and sockets is unsafe. The
  fork server preloads the cleaning modules once and builds their caches (langdetect's
  profiles and the like, :mod:`pipelines.cleaning.warmup`), so a (re)started worker is
  ready in milliseconds and cleans its first page as fast as its thousandth. Workers
  ignore SIGINT; the crawl shuts them down itself.
- **Bounded queue**: at most ``workers × prefetch`` pages are in the workers' pipes and
  ``queue_size`` more wait in the pool; :meth:`ExtractPool.run` awaits room beyond that.
  ``on_saturated(True/False)`` reports when callers start and stop waiting, so the crawl
  can stop and restart its downloads (back-pressure).
- **Errors**: an exception in the cleaning function comes back as :class:`CleanerError`
  (the worker lives on). A worker that dies (segfault, out of memory, killed) is replaced;
  the page it was cleaning is tried once more on a fresh worker, then failed with
  :class:`WorkerCrashedError`; the pages queued behind it are resent unharmed. A page that
  takes longer than ``task_timeout`` seconds kills its worker and fails with
  :class:`TaskTimeoutError`. When workers cannot even start, the pool is *broken*:
  :meth:`run` raises :class:`PoolBrokenError` and the caller cleans inline. Every event is
  reported through ``on_event(name)``: nothing is lost silently.
- **Shutdown**: :meth:`close` lets queued pages finish (up to a timeout), asks every
  worker to exit, collects each worker's CPU time and peak memory, and kills stragglers.

This module does not import Scrapy.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import logging
import multiprocessing
import os
import pickle
import resource
import signal
import socket
import struct
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from multiprocessing.context import ForkServerContext, SpawnContext
from multiprocessing.process import BaseProcess
from typing import Any, cast

logger = logging.getLogger(__name__)

__all__ = [
    "CleanerError",
    "ExtractPool",
    "ExtractionError",
    "PoolBrokenError",
    "PoolClosedError",
    "PoolConfig",
    "PoolReport",
    "TaskTimeoutError",
    "WorkerCrashedError",
    "default_workers",
]

#: The cleaning function the pool runs by default, as ``module:function``.
DEFAULT_FUNCTION = "pipelines.cleaning.chain:clean_page"
#: Modules the fork server imports once, so that workers start with them loaded (the
#: second one builds the chain's per-process caches: see :mod:`pipelines.cleaning.warmup`).
DEFAULT_PRELOAD = ("pipelines.cleaning.chain", "pipelines.cleaning.warmup")
#: Start methods that are safe in a process running the Twisted asyncio reactor.
START_METHODS = ("forkserver", "spawn")
#: Workers that die before finishing any page, in a row, before the pool gives up.
MAX_FAILED_STARTS = 3
_BYE = "bye"
_READY = "ready"
#: Frame header: the length of the pickled message that follows.
_HEADER = struct.Struct("!I")


def default_workers() -> int:
    """The number of CPU cores this process may run on (at least 1)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


# --- errors -------------------------------------------------------------------------------


class ExtractionError(Exception):
    """A page could not be cleaned in the pool; ``reason`` names why (a stats key part)."""

    reason = "extraction_error"


class CleanerError(ExtractionError):
    """The cleaning function raised ``type_name``; the worker is fine."""

    reason = "cleaner_error"

    def __init__(self, type_name: str, message: str, remote_traceback: str = "") -> None:
        super().__init__(f"{type_name}: {message}")
        self.type_name = type_name
        self.message = message
        self.remote_traceback = remote_traceback


class WorkerCrashedError(ExtractionError):
    """The worker died while cleaning this page, on every attempt."""

    reason = "worker_crashed"


class TaskTimeoutError(ExtractionError):
    """Cleaning this page took longer than the pool's ``task_timeout``."""

    reason = "timeout"


class PoolClosedError(ExtractionError):
    """The pool was closed before this page was cleaned."""

    reason = "shutdown"


class PoolBrokenError(ExtractionError):
    """Workers cannot start (they die before their first page); clean inline instead."""

    reason = "pool_broken"


# --- configuration and report -------------------------------------------------------------


@dataclass(frozen=True)
class PoolConfig:
    """How the pool runs; see the module docstring for the meaning of each value."""

    workers: int
    queue_size: int
    prefetch: int = 2
    start_method: str = "forkserver"
    task_timeout: float = 120.0
    max_tasks_per_worker: int = 0
    retries: int = 1
    function: str = DEFAULT_FUNCTION
    preload: tuple[str, ...] = DEFAULT_PRELOAD

    def __post_init__(self) -> None:
        if self.workers < 1:
            raise ValueError(f"workers must be at least 1 (got {self.workers})")
        if self.queue_size < 0 or self.prefetch < 1:
            raise ValueError("queue_size must be >= 0 and prefetch >= 1")
        if self.start_method not in START_METHODS:
            raise ValueError(
                f"start method {self.start_method!r} is not safe with the asyncio reactor — "
                f"use one of {', '.join(START_METHODS)}"
            )
        if self.task_timeout <= 0:
            raise ValueError(f"task_timeout must be positive (got {self.task_timeout})")

    @property
    def capacity(self) -> int:
        """Pages the pool holds at once (in the workers' pipes and in its queue)."""
        return self.workers * self.prefetch + self.queue_size


@dataclass
class PoolReport:
    """What the workers used, collected at :meth:`ExtractPool.close`."""

    #: Workers started over the pool's life (restarts included).
    started: int = 0
    #: Workers that exited cleanly and reported their usage.
    reported: int = 0
    #: CPU seconds (user + system) of the workers that reported.
    cpu_seconds: float = 0.0
    #: The largest peak resident memory of one worker, in KiB.
    peak_rss_kib: int = 0
    #: Pages cleaned successfully.
    completed: int = 0


# --- the worker process -------------------------------------------------------------------
# Messages are pickles framed by a 4-byte length. The crawl side reads and writes them with
# asyncio streams (never blocking the reactor); the worker side with plain blocking calls.


def _resolve(function: str) -> Callable[[Any], Any]:
    module, _, name = function.partition(":")
    target: Any = importlib.import_module(module)
    for part in name.split("."):
        target = getattr(target, part)
    if not callable(target):
        raise TypeError(f"{function} is not callable")
    return target  # type: ignore[no-any-return]


def _frame(message: Any) -> bytes:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    return _HEADER.pack(len(data)) + data


def _recv_exactly(sock: socket.socket, size: int) -> bytes:
    buffer = bytearray(size)
    view = memoryview(buffer)
    got = 0
    while got < size:
        n = sock.recv_into(view[got:])
        if n == 0:
            raise EOFError("the crawl closed the connection")
        got += n
    return bytes(buffer)


def _recv_message(sock: socket.socket) -> Any:
    (size,) = _HEADER.unpack(_recv_exactly(sock, _HEADER.size))
    return pickle.loads(_recv_exactly(sock, size))


def _worker_main(sock: socket.socket, function: str) -> None:
    """Clean pages from ``sock`` until told to stop; runs in the child process."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    func = _resolve(function)
    sock.sendall(_frame((_READY,)))
    while True:
        try:
            message = _recv_message(sock)
        except (EOFError, OSError):
            return  # the crawl went away: nothing to report to
        if message is None:
            break
        task_id, payload = message
        try:
            reply = _frame((task_id, True, func(payload)))
        except Exception as exc:
            # The function failed, or its result cannot be pickled: report, live on.
            reply = _frame(
                (task_id, False, type(exc).__name__, str(exc)[:1000], traceback.format_exc())
            )
        sock.sendall(reply)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    with contextlib.suppress(OSError):
        sock.sendall(_frame((_BYE, usage.ru_utime + usage.ru_stime, usage.ru_maxrss)))


async def _read_message(reader: asyncio.StreamReader) -> Any:
    (size,) = _HEADER.unpack(await reader.readexactly(_HEADER.size))
    return pickle.loads(await reader.readexactly(size))


# --- the pool -----------------------------------------------------------------------------


@dataclass
class _Task:
    id: int
    payload: Any
    future: asyncio.Future[Any]
    attempts: int = 0


@dataclass
class _Worker:
    number: int
    process: BaseProcess
    sock: socket.socket
    tasks: deque[_Task] = field(default_factory=deque)
    writer: asyncio.StreamWriter | None = None
    #: Messages addressed to the worker before its connection was open.
    outbox: list[bytes] = field(default_factory=list)
    reader_task: asyncio.Task[None] | None = None
    #: When the task at the head of ``tasks`` started (monotonic seconds).
    head_started: float = 0.0
    done: int = 0
    #: When the process was started (monotonic seconds).
    spawned: float = field(default_factory=time.monotonic)
    ready: bool = False
    retiring: bool = False
    alive: bool = True


class ExtractPool:
    """Run a picklable-in, picklable-out function in worker processes from asyncio.

    Use from one event loop: :meth:`start`, then ``await run(payload)`` any number of
    times concurrently, then ``await close()``.
    """

    def __init__(
        self,
        config: PoolConfig,
        *,
        on_event: Callable[[str], None] | None = None,
        on_saturated: Callable[[bool], None] | None = None,
    ) -> None:
        self.config = config
        self.report = PoolReport()
        self._on_event = on_event or (lambda _name: None)
        self._on_saturated = on_saturated or (lambda _flag: None)
        self._context = cast(
            "ForkServerContext | SpawnContext", multiprocessing.get_context(config.start_method)
        )
        self._workers: list[_Worker] = []
        self._queue: deque[_Task] = deque()
        self._room: asyncio.Semaphore | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._timer: asyncio.TimerHandle | None = None
        self._next_id = 0
        self._numbers = 0
        self._waiting = 0
        self._saturated = False
        self._failed_starts = 0
        self._closing = False
        self._closed = False
        #: ``True`` once workers die before becoming ready, several times in a row.
        self.broken = False
        #: The most callers ever waiting for room at once.
        self.max_waiting = 0
        #: Set while :meth:`start_in_background` is starting the workers.
        self._starting: Future[None] | None = None

    # --- state ----------------------------------------------------------------------

    @property
    def waiting(self) -> int:
        """Callers of :meth:`run` waiting for room in the pool right now."""
        return self._waiting

    @property
    def in_flight(self) -> int:
        """Pages sent to workers and not answered yet, plus pages queued in the pool."""
        return sum(len(w.tasks) for w in self._workers) + len(self._queue)

    @property
    def alive_workers(self) -> int:
        """Workers running and accepting pages."""
        return sum(1 for w in self._workers if w.alive and not w.retiring)

    def worker_pids(self) -> list[int]:
        """Process ids of the running workers."""
        return [w.process.pid for w in self._workers if w.alive and w.process.pid is not None]

    # --- life cycle -----------------------------------------------------------------

    def start_in_background(self) -> None:
        """Start the workers in a thread and return at once; :meth:`run` waits for them.

        The fork server's first start blocks until it has imported the cleaning modules
        (0.3 to 0.5 s), which would otherwise hold up a crawl's first requests. Should the
        start fail, the pool is broken: :meth:`run` raises :class:`PoolBrokenError`.
        """
        starting: Future[None] = Future()
        self._starting = starting

        def start() -> None:
            try:
                self.start()
            except Exception:
                logger.exception("Extraction workers could not be started")
                self.broken = True
            finally:
                starting.set_result(None)

        threading.Thread(target=start, name="newscrawl-pool-start", daemon=True).start()

    async def _wait_for_start(self) -> None:
        """Wait for :meth:`start_in_background` to finish (at once if it has)."""
        if self._starting is not None:
            await asyncio.wrap_future(self._starting)
            self._starting = None

    def start(self) -> None:
        """Start the workers (the first start also starts the fork server)."""
        if self.config.start_method == "forkserver":
            # A non-empty preload list also hands our sys.path to the fork server. It is
            # started once per process: later pools share it (and its preloaded modules).
            module = self.config.function.partition(":")[0]
            self._context.set_forkserver_preload([*self.config.preload, module])
        for _ in range(self.config.workers):
            self._spawn()
        logger.info(
            "Started %s extraction workers (%s; %s pages each in flight, %s queued)",
            self.config.workers,
            self.config.start_method,
            self.config.prefetch,
            self.config.queue_size,
        )

    def _spawn(self) -> _Worker:
        ours, theirs = socket.socketpair()
        process = self._context.Process(
            target=_worker_main,
            args=(theirs, self.config.function),
            name=f"newscrawl-extract-{self._numbers}",
            daemon=True,
        )
        try:
            process.start()
        finally:
            theirs.close()  # only the child holds its end: its death closes the connection
        worker = _Worker(number=self._numbers, process=process, sock=ours)
        self._numbers += 1
        self._workers.append(worker)
        self.report.started += 1
        self._on_event("workers/started")
        if self._loop is not None:
            self._watch(worker)
        return worker

    def _watch(self, worker: _Worker) -> None:
        assert self._loop is not None
        worker.reader_task = self._loop.create_task(self._read_loop(worker))

    async def _read_loop(self, worker: _Worker) -> None:
        reader, writer = await asyncio.open_connection(sock=worker.sock)
        worker.writer = writer
        self._flush(worker)
        while True:
            try:
                message = await _read_message(reader)
            except (asyncio.IncompleteReadError, ConnectionError, OSError):
                self._worker_died(worker)
                return
            try:
                more = self._handle(worker, message)
            except Exception:
                # A bug here must not leave pages waiting forever: treat it as a death.
                logger.exception("Unexpected answer from extraction worker %s", worker.number)
                worker.process.kill()
                self._worker_died(worker)
                return
            if not more:
                return

    def _bind_loop(self) -> None:
        if self._loop is not None:
            return
        self._loop = asyncio.get_running_loop()
        self._room = asyncio.Semaphore(self.config.capacity)
        for worker in self._workers:
            if worker.alive:
                self._watch(worker)

    async def run(self, payload: Any) -> Any:
        """Clean ``payload`` in a worker and return the result.

        Waits for room when the pool is full. Raises :class:`CleanerError`,
        :class:`WorkerCrashedError`, :class:`TaskTimeoutError`, :class:`PoolClosedError` or
        :class:`PoolBrokenError`.
        """
        await self._wait_for_start()
        self._bind_loop()
        self._check_open()
        assert self._room is not None and self._loop is not None
        if self._room.locked():
            self._waiting += 1
            self.max_waiting = max(self.max_waiting, self._waiting)
            self._set_saturated(True)
            try:
                await self._room.acquire()
            finally:
                self._waiting -= 1
                if self._waiting == 0:
                    self._set_saturated(False)
        else:
            await self._room.acquire()
        try:
            self._check_open()
            task = _Task(self._next_id, payload, self._loop.create_future())
            self._next_id += 1
            self._queue.append(task)
            self._dispatch()
            return await task.future
        finally:
            self._room.release()

    def _check_open(self) -> None:
        if self._closing or self._closed:
            raise PoolClosedError("the extraction pool is closed")
        if self.broken:
            raise PoolBrokenError("extraction workers cannot start")

    def _set_saturated(self, flag: bool) -> None:
        if flag != self._saturated:
            self._saturated = flag
            self._on_saturated(flag)

    async def close(self, timeout: float = 30.0) -> PoolReport:
        """Finish queued pages (for up to ``timeout`` s), stop the workers, report usage."""
        if self._closed:
            return self.report
        await self._wait_for_start()
        self._closing = True
        deadline = time.monotonic() + timeout
        while self.in_flight and self.alive_workers and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        self._fail_all(PoolClosedError("the pool was closed before this page was cleaned"))
        for worker in self._workers:
            if worker.alive:
                self._send(worker, None)
        while any(w.alive for w in self._workers) and time.monotonic() < deadline + 5:
            await asyncio.sleep(0.01)
        self._terminate()
        await self._closed_streams()
        return self.report

    async def _closed_streams(self) -> None:
        """Wait for the connections to the workers to be closed and their readers to end."""
        for worker in self._workers:
            if worker.writer is not None:
                with contextlib.suppress(ConnectionError, OSError):
                    await worker.writer.wait_closed()
            if worker.reader_task is not None:
                with contextlib.suppress(asyncio.CancelledError):
                    await worker.reader_task

    def terminate(self) -> None:
        """Kill the workers now, failing whatever they hold (for abnormal exits)."""
        self._closing = True
        if self._starting is not None:
            self._starting.result(timeout=30)
        self._fail_all(PoolClosedError("the extraction pool was terminated"))
        self._terminate()

    def _terminate(self) -> None:
        for worker in self._workers:
            self._forget(worker)
            if worker.process.is_alive():
                worker.process.kill()
            worker.process.join(timeout=5)
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self._closed = True

    def _fail_all(self, error: ExtractionError) -> None:
        for worker in self._workers:
            while worker.tasks:
                self._settle(worker.tasks.popleft(), error=error)
        while self._queue:
            self._settle(self._queue.popleft(), error=error)

    # --- dispatch -------------------------------------------------------------------

    def _send(self, worker: _Worker, message: Any) -> None:
        """Send a message, or keep it until the worker's connection is open."""
        if worker.writer is None:
            worker.outbox.append(_frame(message))
        elif not worker.writer.is_closing():
            worker.writer.write(_frame(message))

    def _flush(self, worker: _Worker) -> None:
        """Send what was addressed to the worker before its connection was open."""
        assert worker.writer is not None
        for frame in worker.outbox:
            worker.writer.write(frame)
        worker.outbox.clear()

    def _dispatch(self) -> None:
        while self._queue:
            ready = [
                w
                for w in self._workers
                if w.alive and not w.retiring and len(w.tasks) < self.config.prefetch
            ]
            if not ready:
                break
            worker = min(ready, key=lambda w: len(w.tasks))
            task = self._queue.popleft()
            if not worker.tasks:
                worker.head_started = time.monotonic()
            worker.tasks.append(task)
            self._send(worker, (task.id, task.payload))
        self._arm_timer()

    def _arm_timer(self) -> None:
        if self._timer is None and self._loop is not None and self.in_flight:
            interval = min(1.0, self.config.task_timeout / 4)
            self._timer = self._loop.call_later(interval, self._check_timeouts)

    def _check_timeouts(self) -> None:
        self._timer = None
        now = time.monotonic()
        for worker in list(self._workers):
            if (
                worker.alive
                and not worker.ready
                and now - worker.spawned > self.config.task_timeout
            ):
                logger.warning("Extraction worker %s did not start; killing it", worker.number)
                worker.process.kill()  # counted as a failed start when its connection closes
                continue
            if not (worker.alive and worker.ready and worker.tasks):
                continue
            if now - worker.head_started <= self.config.task_timeout:
                continue
            task = worker.tasks.popleft()
            logger.warning(
                "Cleaning a page took over %ss; killing extraction worker %s",
                self.config.task_timeout,
                worker.number,
            )
            self._on_event("errors/timeout")
            error = TaskTimeoutError(f"cleaning took over {self.config.task_timeout}s")
            self._settle(task, error=error)
            worker.process.kill()
            self._worker_died(worker, timed_out=True)
        self._arm_timer()

    # --- replies --------------------------------------------------------------------

    def _handle(self, worker: _Worker, message: tuple[Any, ...]) -> bool:
        """Act on one message from ``worker``; ``False`` when the worker is done."""
        kind = message[0]
        if kind == _READY:
            worker.ready = True
            worker.head_started = time.monotonic()
            self._failed_starts = 0
            return True
        if kind == _BYE:
            self.report.reported += 1
            self.report.cpu_seconds += float(message[1])
            self.report.peak_rss_kib = max(self.report.peak_rss_kib, int(message[2]))
            self._forget(worker)
            return False
        if not worker.tasks or worker.tasks[0].id != kind:
            # The answer to a page already failed (the pool is closing): nobody waits for it.
            return True
        task = worker.tasks.popleft()
        worker.head_started = time.monotonic()
        worker.done += 1
        if message[1]:
            self.report.completed += 1
            self._settle(task, result=message[2])
        else:
            self._settle(task, error=CleanerError(*message[2:]))
        self._maybe_retire(worker)
        self._dispatch()
        return True

    def _maybe_retire(self, worker: _Worker) -> None:
        limit = self.config.max_tasks_per_worker
        if not limit or worker.done < limit or worker.retiring or self._closing:
            return
        worker.retiring = True
        self._on_event("workers/recycled")
        self._spawn()
        self._send(worker, None)  # after the pages it already holds, which it finishes

    @staticmethod
    def _settle(task: _Task, *, result: Any = None, error: BaseException | None = None) -> None:
        if task.future.done():
            return
        if error is not None:
            task.future.set_exception(error)
        else:
            task.future.set_result(result)

    def _forget(self, worker: _Worker) -> None:
        if not worker.alive:
            return
        worker.alive = False
        if worker.writer is not None:
            worker.writer.close()
        else:
            worker.sock.close()
        current = asyncio.current_task() if self._loop is not None else None
        if worker.reader_task is not None and worker.reader_task is not current:
            worker.reader_task.cancel()

    def _worker_died(self, worker: _Worker, *, timed_out: bool = False) -> None:
        """A worker's connection closed: requeue its pages, retry or fail the culprit."""
        if not worker.alive:
            return
        self._forget(worker)
        worker.process.join(timeout=0.5)  # only for the exit code in the log
        exitcode = worker.process.exitcode
        if worker.retiring and not worker.tasks:
            return  # a recycled worker that exited without its report
        tasks = list(worker.tasks)
        worker.tasks.clear()
        if not timed_out:
            logger.warning(
                "Extraction worker %s died (exit code %s) holding %s pages",
                worker.number,
                exitcode,
                len(tasks),
            )
            self._on_event("errors/worker_crashed")
            if not worker.ready:
                self._failed_starts += 1
            elif tasks:
                culprit = tasks.pop(0)
                if culprit.attempts < self.config.retries:
                    culprit.attempts += 1
                    self._on_event("retried/worker_crashed")
                    tasks.insert(0, culprit)
                else:
                    error = WorkerCrashedError(f"the worker died on this page (exit {exitcode})")
                    self._settle(culprit, error=error)
        self._queue.extendleft(reversed(tasks))
        if self._closing:
            return
        if self._failed_starts >= MAX_FAILED_STARTS:
            self.broken = True
            logger.error(
                "Extraction workers die before they are ready (%s in a row); "
                "pages are cleaned inline from now on",
                self._failed_starts,
            )
            self._on_event("errors/pool_broken")
            self._fail_all(PoolBrokenError("extraction workers cannot start"))
            return
        if not worker.retiring:  # a retiring worker's replacement is already running
            self._spawn()
            self._on_event("workers/restarted")
        self._dispatch()
