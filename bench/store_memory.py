"""The embedded store's memory under ``$in`` look-ups of varied lengths, raw and padded.

Usage::

    python -m bench.store_memory [--keys 50000] [--queries 300]

Starts a fresh embedded nx-27017 server per run (temporary folder, free port), stores
``--keys`` band-like documents, then sends ``--queries`` look-ups of 2,000 to 2,800 keys
(half of them stored) two ways, each in its own fresh server: the raw lists, and the same
lists through :func:`pipelines.storage.inlists.in_lists`. Prints the server's resident and
peak memory after every 50 look-ups, side by side (see that module for why they differ).
"""

from __future__ import annotations

import argparse
import random
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bson.int64 import Int64
from pymongo import MongoClient

from pipelines.storage.embedded import EmbeddedServer, free_port
from pipelines.storage.inlists import in_lists


def _memory_mib(pid: int) -> tuple[int, int]:
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(("VmRSS:", "VmHWM:")):
            fields[line.split(":")[0]] = int(line.split()[1]) // 1024
    return fields["VmRSS"], fields["VmHWM"]


def run(padded: bool, keys: int, queries: int) -> list[tuple[int, int, int]]:
    """(queries so far, RSS MiB, peak MiB) every 50 look-ups, in a fresh server."""
    rng = random.Random(1)
    with tempfile.TemporaryDirectory() as folder:
        server = EmbeddedServer(Path(folder), port=free_port())
        server.start()
        pid = server.recorded_pid()
        assert pid is not None
        client: MongoClient[dict[str, Any]] = MongoClient(server.uri)
        try:
            bands = client["bench"]["bands"]
            stored = [rng.getrandbits(62) for _ in range(keys)]
            for start in range(0, keys, 5000):
                piece = stored[start : start + 5000]
                bands.insert_many([{"_id": Int64(k), "ids": ["a"]} for k in piece])
            rows = [(0, *_memory_mib(pid))]
            for number in range(1, queries + 1):
                size = rng.randint(2000, 2800)
                asked = [rng.choice(stored) for _ in range(size // 2)]
                asked += [rng.getrandbits(62) for _ in range(size - size // 2)]
                lists = in_lists(asked) if padded else [asked]
                for chunk in lists:
                    list(bands.find({"_id": {"$in": [Int64(k) for k in chunk]}}))
                if number % 50 == 0:
                    rows.append((number, *_memory_mib(pid)))
            return rows
        finally:
            client.close()
            server.stop()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keys", type=int, default=50000)
    parser.add_argument("--queries", type=int, default=300)
    args = parser.parse_args(argv)
    raw = run(False, args.keys, args.queries)
    padded = run(True, args.keys, args.queries)
    print(f"{'look-ups':>8}  {'raw RSS/peak MiB':>17}  {'padded RSS/peak MiB':>20}")
    for (n, r_rss, r_peak), (_, p_rss, p_peak) in zip(raw, padded, strict=True):
        print(f"{n:>8}  {r_rss:>8}/{r_peak:<8}  {p_rss:>11}/{p_peak:<8}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
