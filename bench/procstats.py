"""CPU time and peak memory of process trees, read from ``/proc`` while they run (Linux).

:class:`TreeSampler` polls a set of root processes and all their descendants every
``interval`` seconds and keeps, per process, the last CPU time seen and the kernel's
high-water mark of resident memory (``VmHWM``, exact even between samples). Processes that
exit between two samples lose at most ``interval`` seconds of CPU time; the benchmark takes
the crawl's own figures from inside the processes where it can and uses these for the rest.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path

_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class ProcessFigures:
    """What was seen of one process."""

    pid: int
    ppid: int
    command: str
    cpu_seconds: float = 0.0
    peak_rss_kib: int = 0


def read_process(pid: int) -> ProcessFigures | None:
    """One process's CPU time, parent and peak memory now, or ``None`` if it is gone."""
    base = Path("/proc") / str(pid)
    try:
        stat = (base / "stat").read_text()
        status = (base / "status").read_text()
        command = (base / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return None
    # Fields after the command name, which is in parentheses and may contain spaces.
    fields = stat[stat.rindex(")") + 2 :].split()
    ppid = int(fields[1])
    cpu = (int(fields[11]) + int(fields[12])) / _TICKS
    peak = 0
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            peak = int(line.split()[1])
            break
    return ProcessFigures(pid, ppid, command.strip(), cpu, peak)


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(")") + 2 :].split()[1])
        tree.setdefault(ppid, []).append(int(entry.name))
    return tree


def descendants(roots: list[int]) -> list[int]:
    """The roots and every process below them, now."""
    tree = _children()
    found: list[int] = []
    stack = list(roots)
    while stack:
        pid = stack.pop()
        if pid in found:
            continue
        found.append(pid)
        stack.extend(tree.get(pid, []))
    return found


class TreeSampler:
    """Sample the trees under ``roots`` in a background thread until :meth:`stop`."""

    def __init__(self, roots: list[int], interval: float = 0.2) -> None:
        self.roots = list(roots)
        self.interval = interval
        self.seen: dict[int, ProcessFigures] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="bench-sampler", daemon=True)

    def add_root(self, pid: int) -> None:
        self.roots.append(pid)

    def start(self) -> TreeSampler:
        self._thread.start()
        return self

    def sample(self) -> None:
        for pid in descendants(self.roots):
            figures = read_process(pid)
            if figures is None:
                continue
            previous = self.seen.get(pid)
            if previous is not None:
                figures.peak_rss_kib = max(figures.peak_rss_kib, previous.peak_rss_kib)
                # The parent when first seen: an orphan is re-parented to init on exit.
                figures.ppid = previous.ppid
            self.seen[pid] = figures

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def stop(self) -> dict[int, ProcessFigures]:
        self.sample()
        self._stop.set()
        self._thread.join()
        return self.seen
