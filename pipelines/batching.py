"""Run a blocking batch function in a thread over items that arrive one by one.

Why: a store lookup costs a round trip whether it asks about one article or fifty, and
Scrapy hands pipelines one item at a time (several at once, up to ``CONCURRENT_ITEMS`` per
response and across responses). :class:`MicroBatcher` collects the items that arrive while
the previous batch is in the thread and sends them together; it never waits for a batch to
fill, so a lone item goes at once and a busy crawl gets large batches by itself.

Batches run one at a time, in arrival order, so each batch sees everything the previous
one wrote (two copies of a story in consecutive batches are compared with each other).

``linger`` (seconds) lets a batch that is not full wait up to that long for more items
before it goes: each round trip costs CPU on both ends (tens to hundreds of microseconds in
pymongo and far more in the embedded server), and during a crawl items arrive a few at a
time. The wait ends early once no item has arrived for a fifth of ``linger``: at the end of
a crawl, or in a lull, nothing more is coming and the items already there should not wait.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

from scrapy.utils.asyncio import run_in_thread
from scrapy.utils.defer import deferred_from_coro, maybe_deferred_to_future
from twisted.internet.defer import Deferred

T = TypeVar("T")
R = TypeVar("R")


class MicroBatcher(Generic[T, R]):
    """Submit items one by one; ``function`` gets them in batches of at most ``max_size``.

    ``function`` runs in the reactor's thread pool and returns one result per item, in
    order. If it raises, every item of that batch gets the exception.
    """

    def __init__(
        self,
        function: Callable[[list[T]], Sequence[R]],
        max_size: int = 64,
        *,
        linger: float = 0.0,
    ) -> None:
        if max_size < 1:
            raise ValueError("max_size must be at least 1")
        if linger < 0:
            raise ValueError("linger must not be negative")
        self.function = function
        self.max_size = max_size
        self.linger = linger
        self.batches = 0
        self.largest = 0
        self._pending: list[tuple[T, Deferred[R]]] = []
        self._running = False
        self._arrivals = 0

    @property
    def waiting(self) -> int:
        """Items submitted and not yet handed to ``function``."""
        return len(self._pending)

    async def submit(self, item: T) -> R:
        """The result of ``function`` for ``item`` (batched with its neighbours)."""
        result: Deferred[R] = Deferred()
        self._pending.append((item, result))
        self._arrivals += 1
        if not self._running:
            self._running = True
            deferred_from_coro(self._drain())
        return await maybe_deferred_to_future(result)

    async def _drain(self) -> None:
        try:
            while self._pending:
                if self.linger and len(self._pending) < self.max_size:
                    await self._gather()
                batch = self._pending[: self.max_size]
                del self._pending[: self.max_size]
                self.batches += 1
                self.largest = max(self.largest, len(batch))
                try:
                    results = await run_in_thread(self.function, [item for item, _ in batch])
                    if len(results) != len(batch):
                        raise RuntimeError(
                            f"batch function returned {len(results)} results for {len(batch)}"
                        )
                except Exception as exc:  # handed to every waiting item
                    for _, waiting in batch:
                        waiting.errback(exc)
                    continue
                for (_, waiting), value in zip(batch, results, strict=True):
                    waiting.callback(value)
        finally:
            self._running = False

    async def _gather(self) -> None:
        """Wait up to ``linger`` for a full batch, less once items stop arriving."""
        quiet = self.linger / 5
        waited = 0.0
        while waited < self.linger and len(self._pending) < self.max_size:
            before = self._arrivals
            step = min(quiet, self.linger - waited)
            await _sleep(step)
            waited += step
            if self._arrivals == before:
                return


async def _sleep(seconds: float) -> None:
    """Wait on the running reactor (imported here: importing it installs one)."""
    from twisted.internet import reactor
    from twisted.internet.task import deferLater

    await maybe_deferred_to_future(deferLater(reactor, seconds, lambda: None))
