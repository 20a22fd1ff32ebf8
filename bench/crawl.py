"""The crawl benchmark: the real ``scrapy crawl news`` against a generated local news site.

One run measures, on the same pages, side by side:

- **crawl**: ``scrapy crawl news`` from discovery (robots.txt, sitemaps, feeds, sections)
  to the store, with the project's pipelines (cleaning in worker processes, batched
  writes) into a fresh embedded nx-27017 store on a free port, set up as by default (no
  URI: the crawl finds the server in its data folder, and keeps the near-duplicate band
  buckets in a file beside it);
- **trafilatura, 1 process**: plain ``trafilatura.extract`` over the pages in one process
  (the per-core limit of the extraction library);
- **chain, 1 process**: the project's whole cleaning chain in one process (the per-core
  limit of the work the crawl really does per page);
- **naive crawl**: trafilatura in the spider callback, one ``insert_one`` per article
  (:mod:`bench.naive`).

For each it prints pages per second end to end (process start to exit), CPU seconds per
page over every process involved, the peak memory of each process (scrapy, the fork
server, each worker, the web server, the store) and the MongoDB round trips, then one
summary line with the ratios. ``--memory-check`` crawls N=1,000 and N=10,000 pages and
prints the peak memory of each process side by side, flagged when the larger crawl needs
more than 25 % more. Sites go under ``/tmp/newscrawl-bench`` (see :mod:`bench.sitegen`)::

    python -m bench.crawl                      # N=2000, every run
    python -m bench.crawl --n 30 --json out.json
    python -m bench.crawl --memory-check
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from pymongo import MongoClient

from bench import flow
from bench.procstats import ProcessFigures, TreeSampler, read_process
from bench.sitegen import DEFAULT_N, DEFAULT_ROOT, DEFAULT_SEED, ensure_site, seed_toml
from pipelines.storage.embedded import EmbeddedServer, free_port

logger = logging.getLogger(__name__)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATABASE = "bench"
#: The memory check's sizes and the growth it tolerates.
MEMORY_SIZES = (1000, 10000)
MEMORY_TOLERANCE = 1.25
TARGET_VS_TRAFILATURA = 1.6
TARGET_VS_NAIVE = 1.5


@dataclass
class RunFigures:
    """The figures of one measured run."""

    name: str
    pages: int
    wall_seconds: float
    #: CPU seconds per role: scrapy, forkserver, workers, server, store, extract.
    cpu: dict[str, float] = field(default_factory=dict)
    #: Peak resident memory in KiB per process label ("worker 1", "scrapy", …).
    peak_kib: dict[str, int] = field(default_factory=dict)
    round_trips: int | None = None
    commands: dict[str, int] = field(default_factory=dict)
    #: Commands by ``name:collection`` (article writes apart from index and alias writes).
    commands_by_collection: dict[str, int] = field(default_factory=dict)
    load_before: float = 0.0
    load_after: float = 0.0
    stats: dict[str, Any] = field(default_factory=dict)
    #: The crawl's flow samples (:mod:`bench.flow`); empty for the other runs.
    flow: list[dict[str, Any]] = field(default_factory=list)

    @property
    def pages_per_second(self) -> float:
        return self.pages / self.wall_seconds if self.wall_seconds else 0.0

    @property
    def cpu_seconds(self) -> float:
        return sum(self.cpu.values())

    @property
    def cpu_per_page(self) -> float:
        return self.cpu_seconds / self.pages if self.pages else 0.0

    @property
    def cpu_bound_rate(self) -> float:
        """Pages per second this run would reach with the machine's cores to itself.

        The least of: every core busy with this run's CPU time per page; one core for each
        single-threaded process that handles every page (scrapy, or the one extracting
        process); and one core per worker for the workers' share. An estimate that does
        not depend on what else runs on a shared machine (the wall-clock rate does).
        """
        if not self.pages or not self.cpu_seconds:
            return 0.0
        per_page = {role: seconds / self.pages for role, seconds in self.cpu.items()}
        limits = [(os.cpu_count() or 1) / self.cpu_per_page]
        for role in ("scrapy", "extract"):
            if per_page.get(role):
                limits.append(1 / per_page[role])
        workers = sum(1 for label in self.peak_kib if label.startswith("worker"))
        if workers and per_page.get("workers"):
            limits.append(workers / per_page["workers"])
        return min(limits)


def _load() -> float:
    return os.getloadavg()[0]


# --- the services: web server and store ---------------------------------------------------


class Services:
    """A fresh web server and store for one crawl run; stopped by :meth:`stop`."""

    def __init__(self, site: Path, run_dir: Path) -> None:
        self.run_dir = run_dir
        self.server = subprocess.Popen(
            [sys.executable, "-m", "bench.server", str(site), "--any-port"],
            cwd=PROJECT_ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.server.stdout is not None
        line = self.server.stdout.readline()
        if not line:
            raise RuntimeError("the benchmark web server did not start")
        self.origins: dict[str, str] = json.loads(line)
        self.store = EmbeddedServer(run_dir / "store", port=free_port())
        self.store.start()
        pid = self.store.recorded_pid()
        assert pid is not None
        self.store_pid = pid
        self.uri = self.store.uri
        self._cpu0 = {role: self._cpu(pid) for role, pid in self.pids().items()}

    def pids(self) -> dict[str, int]:
        return {"server": self.server.pid, "store": self.store_pid}

    @staticmethod
    def _cpu(pid: int) -> float:
        figures = read_process(pid)
        return figures.cpu_seconds if figures else 0.0

    def figures(self) -> tuple[dict[str, float], dict[str, int]]:
        """CPU seconds since start and peak memory of the server and the store."""
        cpu, peak = {}, {}
        for role, pid in self.pids().items():
            figures = read_process(pid)
            if figures is not None:
                cpu[role] = figures.cpu_seconds - self._cpu0[role]
                peak[role] = figures.peak_rss_kib
        return cpu, peak

    def stored(self) -> int:
        client: MongoClient[dict[str, Any]] = MongoClient(self.uri)
        try:
            return client[DATABASE]["articles"].count_documents({})
        finally:
            client.close()

    def stop(self) -> None:
        self.server.terminate()
        self.server.wait(timeout=10)
        self.store.stop()


# --- runs ---------------------------------------------------------------------------------


def run_baseline(site: Path, mode: str) -> RunFigures:
    """Extraction alone in one process (``trafilatura`` or ``chain``)."""
    load = _load()
    done = subprocess.run(
        [sys.executable, "-m", "bench.baseline", str(site), "--mode", mode],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    data = json.loads(done.stdout.strip().splitlines()[-1])
    name = "trafilatura, 1 process" if mode == "trafilatura" else "cleaning chain, 1 process"
    return RunFigures(
        name=name,
        pages=int(data["pages"]),
        wall_seconds=float(data["wall_seconds"]),
        cpu={"extract": float(data["cpu_seconds"])},
        peak_kib={"extract": int(data["peak_rss_kib"])},
        load_before=load,
        load_after=_load(),
    )


def _classify(seen: dict[int, ProcessFigures], root: int) -> dict[int, str]:
    """Label the crawl's processes: scrapy, the fork server and its workers, helpers.

    Workers forked by the fork server share its command line, so they are told apart by
    their parent.
    """
    labels = {root: "scrapy"}
    servers = {pid for pid, f in seen.items() if f.ppid == root and "forkserver" in f.command}
    workers = 0
    for pid in sorted(seen):
        figures = seen[pid]
        if pid == root:
            continue
        if pid in servers:
            labels[pid] = "forkserver"
        elif figures.ppid in servers:
            workers += 1
            labels[pid] = f"worker {workers}"
        elif "resource_tracker" in figures.command:
            labels[pid] = "resource tracker"
        else:
            labels[pid] = f"other {pid}"
    return labels


def run_crawl(
    site: Path, run_dir: Path, *, naive: bool, settings: Sequence[str] = ()
) -> RunFigures:
    """One crawl of the site with a fresh server and store; ``naive`` picks the baseline."""
    if run_dir.exists():
        shutil.rmtree(run_dir)
    (run_dir / "seeds").mkdir(parents=True)
    services = Services(site, run_dir)
    try:
        for language, origin in services.origins.items():
            (run_dir / "seeds" / f"bench_{language}.toml").write_text(
                seed_toml(language, origin), encoding="utf-8"
            )
        probe_file = run_dir / "probe.json"
        stats_file = run_dir / "stats.json"
        env = {
            **os.environ,
            "SCRAPY_SETTINGS_MODULE": "bench.naive_settings" if naive else "bench.settings",
            "NEWSCRAWL_SEEDS": str(run_dir / "seeds"),
            "NEWSCRAWL_MONGO_DATABASE": DATABASE,
            "NEWSCRAWL_STATS_FILE": str(stats_file),
        }
        if naive:
            env["NEWSCRAWL_MONGO_URI"] = services.uri
        else:
            # The default set-up: no URI, the embedded store in the data folder (already
            # started by the benchmark, so its CPU and memory are measured; the crawl
            # reuses it as it reuses a server left running by an earlier crawl).
            env.pop("NEWSCRAWL_MONGO_URI", None)
            env["NEWSCRAWL_DATA_DIR"] = str(services.store.data_dir)
            env["NEWSCRAWL_EMBEDDED_PORT"] = str(services.store.port)
        command = [sys.executable, "-m", "scrapy", "crawl", "naive" if naive else "news"]
        if naive:
            command += ["-a", "origins=" + ",".join(services.origins.values())]
        command += ["-s", f"BENCH_PROBE_FILE={probe_file}", "-s", "LOG_LEVEL=WARNING"]
        for setting in settings:
            command += ["-s", setting]
        load = _load()
        started = time.perf_counter()
        with (run_dir / "crawl.log").open("w") as log:
            crawl = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=log, stderr=log)
            sampler = TreeSampler([crawl.pid]).start()
            crawl.wait()
        wall = time.perf_counter() - started
        seen = sampler.stop()
        if crawl.returncode != 0:
            raise RuntimeError(
                f"the crawl failed (exit {crawl.returncode}); see {run_dir}/crawl.log"
            )
        probe = json.loads(probe_file.read_text())
        stats = json.loads(stats_file.read_text()) if stats_file.exists() else {}
        cpu, peak = services.figures()
        labels = _classify(seen, crawl.pid)
        cpu["scrapy"] = float(probe["cpu_seconds"])
        peak["scrapy"] = max(int(probe["peak_rss_kib"]), seen.get(crawl.pid, _none()).peak_rss_kib)
        sampled_workers = 0.0
        for pid, label in labels.items():
            if label == "scrapy":
                continue
            peak[label] = seen[pid].peak_rss_kib
            role = "workers" if label.startswith("worker") else label
            cpu[role] = cpu.get(role, 0.0) + seen[pid].cpu_seconds
            sampled_workers += seen[pid].cpu_seconds if role == "workers" else 0.0
        # The workers' own account at exit is exact; the samples may miss the last moments.
        if "extract/pool/cpu_seconds" in stats:
            cpu["workers"] = max(float(stats["extract/pool/cpu_seconds"]), sampled_workers)
        pages = services.stored()
    finally:
        services.stop()
    return RunFigures(
        name="naive crawl" if naive else "crawl (scrapy crawl news)",
        pages=pages,
        wall_seconds=wall,
        cpu=cpu,
        peak_kib=peak,
        round_trips=int(probe["round_trips"]),
        commands=dict(probe["commands"]),
        commands_by_collection=dict(probe.get("commands_by_collection", {})),
        load_before=load,
        load_after=_load(),
        stats={k: v for k, v in stats.items() if k.startswith(("newscrawl/", "extract/"))},
        flow=list(probe.get("flow", [])),
    )


def _none() -> ProcessFigures:
    return ProcessFigures(0, 0, "")


# --- output -------------------------------------------------------------------------------


def _mib(kib: int) -> str:
    return f"{kib / 1024:.0f}"


def _peaks(run: RunFigures) -> str:
    workers = sorted(v for k, v in run.peak_kib.items() if k.startswith("worker"))
    parts = [f"{k} {_mib(v)}" for k, v in run.peak_kib.items() if not k.startswith("worker")]
    if workers:
        parts.append(f"workers {len(workers)}× ≤{_mib(workers[-1])}")
    return ", ".join(parts)


def table(runs: Sequence[RunFigures]) -> str:
    """The results as a fixed-width table."""
    head = (
        f"{'run':<28} {'pages':>6} {'wall s':>7} {'pages/s':>8} {'CPU s/page':>10} "
        f"{'CPU-bound p/s':>13} {'round trips':>11}  peak memory (MiB)"
    )
    lines = [head, "-" * len(head)]
    for run in runs:
        trips = "-" if run.round_trips is None else str(run.round_trips)
        lines.append(
            f"{run.name:<28} {run.pages:>6} {run.wall_seconds:>7.1f} {run.pages_per_second:>8.1f} "
            f"{run.cpu_per_page:>10.3f} {run.cpu_bound_rate:>13.1f} {trips:>11}  {_peaks(run)}"
        )
    return "\n".join(lines)


def backpressure(run: RunFigures) -> str:
    """What the pool's back-pressure did during a crawl, from its stats."""
    stats = run.stats
    if "extract/pool/workers" not in stats:
        return "back-pressure: pages cleaned inline (no worker pool)"
    return (
        f"back-pressure: {stats['extract/pool/workers']} workers; downloads paused "
        f"{stats.get('extract/pool/pauses', 0)} times for "
        f"{stats.get('extract/pool/paused_seconds', 0.0):.1f} s in all; at most "
        f"{stats.get('extract/pool/waiting_max', 0)} fetched pages waited for a worker"
    )


def flow_line(run: RunFigures) -> str:
    """How the pages flowed through the crawl (:func:`bench.flow.summarize`)."""
    return flow.summarize(run.flow, int(run.stats.get("extract/pool/workers", 0)))


def summary(runs: dict[str, RunFigures]) -> str:
    """One line: the crawl's rate against the baselines, with the targets."""
    crawl = runs["crawl"].pages_per_second
    parts = [f"end to end {crawl:.1f} pages/s"]
    if "trafilatura" in runs:
        ratio = crawl / runs["trafilatura"].pages_per_second
        flag = "met" if ratio >= TARGET_VS_TRAFILATURA else "NOT met"
        parts.append(
            f"{ratio:.2f}× plain trafilatura in 1 process "
            f"(target ≥{TARGET_VS_TRAFILATURA}×: {flag})"
        )
    if "naive" in runs:
        ratio = crawl / runs["naive"].pages_per_second
        flag = "met" if ratio >= TARGET_VS_NAIVE else "NOT met"
        parts.append(f"{ratio:.2f}× the naive crawl (target ≥{TARGET_VS_NAIVE}×: {flag})")
    if "chain" in runs:
        ratio = crawl / runs["chain"].pages_per_second
        parts.append(f"{ratio:.2f}× the cleaning chain in 1 process")
    if "trafilatura" in runs and "naive" in runs:
        bound = runs["crawl"].cpu_bound_rate
        parts.append(
            f"CPU-bound estimate {bound:.1f} pages/s: "
            f"{bound / runs['trafilatura'].cpu_bound_rate:.2f}× trafilatura, "
            f"{bound / runs['naive'].cpu_bound_rate:.2f}× naive"
        )
    loads = [r.load_before for r in runs.values()] + [r.load_after for r in runs.values()]
    parts.append(f"load average {min(loads):.1f}–{max(loads):.1f} on {os.cpu_count()} cores")
    return "; ".join(parts)


def _by_process(run: RunFigures) -> dict[str, int]:
    """Peak memory per process kind; for workers, the largest of them."""
    peaks = {k: v for k, v in run.peak_kib.items() if not k.startswith("worker")}
    workers = [v for k, v in run.peak_kib.items() if k.startswith("worker")]
    if workers:
        peaks["worker (max)"] = max(workers)
    return peaks


def memory_table(small: RunFigures, large: RunFigures) -> str:
    """Peak memory per process at two sizes, side by side, flagged past the tolerance."""
    head = f"{'process':<16} {f'N={small.pages}':>10} {f'N={large.pages}':>10} {'ratio':>6}  flag"
    lines = [head, "-" * len(head)]
    a_peaks, b_peaks = _by_process(small), _by_process(large)
    for label in [label for label in a_peaks if label in b_peaks]:
        a, b = a_peaks[label], b_peaks[label]
        ratio = b / a if a else 0.0
        flag = "ok" if ratio <= MEMORY_TOLERANCE else f"OVER {MEMORY_TOLERANCE:.2f}×"
        lines.append(f"{label:<16} {_mib(a):>10} {_mib(b):>10} {ratio:>6.2f}  {flag}")
    return "\n".join(lines)


# --- command line -------------------------------------------------------------------------


def benchmark(
    n: int,
    seed: int,
    work: Path,
    *,
    baselines: bool,
    settings: Sequence[str],
    sites: Path = DEFAULT_ROOT,
) -> dict[str, RunFigures]:
    """Generate (or reuse) the site and measure every run on it."""
    site = ensure_site(sites / f"site-{n}-s{seed}", n, seed)
    runs: dict[str, RunFigures] = {}
    if baselines:
        runs["trafilatura"] = run_baseline(site.root, "trafilatura")
        runs["naive"] = run_crawl(site.root, work / f"naive-{n}", naive=True)
    runs["crawl"] = run_crawl(site.root, work / f"crawl-{n}", naive=False, settings=settings)
    if baselines:
        runs["chain"] = run_baseline(site.root, "chain")
    return runs


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=DEFAULT_N, help="article pages (default 2000)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--work-dir", type=Path, default=DEFAULT_ROOT / "runs")
    parser.add_argument("--sites-dir", type=Path, default=DEFAULT_ROOT, help="where sites go")
    parser.add_argument("--no-baselines", action="store_true", help="measure the crawl only")
    parser.add_argument("--memory-check", action="store_true", help="crawl N=1,000 and N=10,000")
    parser.add_argument("--json", type=Path, help="also write every figure to this file")
    parser.add_argument(
        "-s", dest="settings", action="append", default=[], help="NAME=VALUE for the crawl"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    output: dict[str, Any] = {}
    if args.memory_check:
        small, large = (
            benchmark(
                size,
                args.seed,
                args.work_dir,
                baselines=False,
                settings=args.settings,
                sites=args.sites_dir,
            )["crawl"]
            for size in MEMORY_SIZES
        )
        print(table([small, large]))
        print(backpressure(small))
        print(backpressure(large))
        print()
        print(memory_table(small, large))
        output["memory"] = {"small": asdict(small), "large": asdict(large)}
    else:
        runs = benchmark(
            args.n,
            args.seed,
            args.work_dir,
            baselines=not args.no_baselines,
            settings=args.settings,
            sites=args.sites_dir,
        )
        print(table(list(runs.values())))
        print(backpressure(runs["crawl"]))
        print(flow_line(runs["crawl"]))
        print(summary(runs))
        output["runs"] = {key: asdict(run) for key, run in runs.items()}
        output["summary"] = summary(runs)
    if args.json:
        args.json.write_text(json.dumps(output, indent=1, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
