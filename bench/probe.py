"""A Scrapy extension that records what the benchmark needs from inside the crawl process.

It counts every command the crawl sends to MongoDB (pymongo command monitoring, so every
round trip of every client the crawl opens after start-up: bulk writes, single inserts,
index creation, look-ups) and, when the engine has stopped, writes the process's own CPU
time and peak memory with those counts to the JSON file named by ``BENCH_PROBE_FILE``,
with the flow samples of :mod:`bench.flow` taken every quarter second.
Enabled by the benchmark with ``-s EXTENSIONS=…``; never part of a normal crawl.
"""

from __future__ import annotations

import json
import resource
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Self

from pymongo import monitoring
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from twisted.internet.task import LoopingCall

from bench import flow


class CommandCounter(monitoring.CommandListener):
    """Counts MongoDB commands by name, and by ``name:collection`` (thread-safe).

    pymongo may call from threads. The per-collection counts tell the article writes apart
    from the near-duplicate index and URL-alias writes.
    """

    def __init__(self) -> None:
        self.commands: Counter[str] = Counter()
        self.by_collection: Counter[str] = Counter()
        self._lock = threading.Lock()

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        target = event.command.get(event.command_name)
        with self._lock:
            self.commands[event.command_name] += 1
            if isinstance(target, str):
                self.by_collection[f"{event.command_name}:{target}"] += 1

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        """Nothing to count: the command was counted when it started."""

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        """Nothing to count: the command was counted when it started."""


class BenchProbe:
    """Write CPU time, peak memory and MongoDB round trips at engine stop."""

    def __init__(self, path: Path, crawler: Crawler) -> None:
        self.path = path
        self.crawler = crawler
        self.counter = CommandCounter()
        monitoring.register(self.counter)
        self.samples: list[dict[str, object]] = []
        self.started = time.monotonic()
        self.sampler = LoopingCall(self._sample)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        path = crawler.settings.get("BENCH_PROBE_FILE")
        if not path:
            raise NotConfigured("set BENCH_PROBE_FILE")
        probe = cls(Path(path), crawler)
        crawler.signals.connect(probe.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(probe.engine_stopped, signal=signals.engine_stopped)
        return probe

    def spider_opened(self) -> None:
        self.sampler.start(flow.INTERVAL, now=False)

    def _sample(self) -> None:
        if self.crawler.engine is not None and self.crawler.engine.running:
            self.samples.append(flow.sample(self.crawler, time.monotonic() - self.started))

    def engine_stopped(self) -> None:
        if self.sampler.running:
            self.sampler.stop()
        usage = resource.getrusage(resource.RUSAGE_SELF)
        data = {
            "cpu_seconds": usage.ru_utime + usage.ru_stime,
            "peak_rss_kib": usage.ru_maxrss,
            "round_trips": sum(self.counter.commands.values()),
            "commands": dict(self.counter.commands),
            "commands_by_collection": dict(self.counter.by_collection),
            "flow": self.samples,
        }
        self.path.write_text(json.dumps(data), encoding="utf-8")
