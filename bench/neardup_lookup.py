"""Near-duplicate lookup cost with a large index: fill, then time lookups.

Usage::

    python bench/neardup_lookup.py [-n 100000] [--lookups 1000] [--workers 2] [--uri mongodb://…]

Fills a fresh database with ``-n`` synthetic articles (120 to 400 words drawn from a
30,000-word vocabulary with a Zipf distribution, so common word triples recur across
articles as stock phrases do) through :meth:`NearDupIndex.add_many`, then times
``--lookups`` lookups of two kinds: new articles (the common case, no match expected) and
edited copies of stored articles (a lead added, a sentence dropped, 5% of the words changed;
a match expected). It prints the fill rate, and the median and p99 per lookup of the
database part (:meth:`NearDupIndex.find_sketch`) and of sketching the text, plus how many
copies were found.

Without ``--uri`` it starts its own embedded nx-27017 server (temporary folder, free port)
and stops it afterwards; with ``--uri`` it uses (and finally drops) a database named
``neardup_lookup_<random>`` there.
"""

from __future__ import annotations

import argparse
import contextlib
import multiprocessing
import signal
import statistics
import sys
import time
import uuid
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pymongo import MongoClient  # noqa: E402

from pipelines.similarity.index import NearDupIndex  # noqa: E402
from pipelines.similarity.sketch import Sketch, SketchParams, make_sketch  # noqa: E402
from pipelines.storage.embedded import temporary_store  # noqa: E402

LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
PREFIXES = ["", "", "", "ال", "و", "وال", "ب", "ل"]
VOCABULARY_SIZE = 30_000
SENTENCE = 12


def store(uri: str | None) -> contextlib.AbstractContextManager[str]:
    """``uri`` itself, or the URI of an embedded server started for the block."""
    return temporary_store(uri, prefix="neardup-lookup-")


def vocabulary(seed: int = 7) -> list[str]:
    """Distinct Arabic-looking words (2 to 6 letters, some with a clitic prefix)."""
    rng = np.random.default_rng(seed)
    words: dict[str, None] = {}
    while len(words) < VOCABULARY_SIZE:
        length = int(rng.integers(2, 7))
        stem = "".join(LETTERS[i] for i in rng.integers(0, len(LETTERS), length))
        words[PREFIXES[int(rng.integers(0, len(PREFIXES)))] + stem] = None
    return list(words)


_WORDS = vocabulary()
_WEIGHTS = 1.0 / np.arange(1, VOCABULARY_SIZE + 1)
_WEIGHTS /= _WEIGHTS.sum()


def article_text(number: int, salt: int = 0) -> str:
    """Synthetic article ``number``: the same text every time for the same arguments."""
    rng = np.random.default_rng([number, salt])
    length = int(rng.integers(120, 401))
    picks = rng.choice(VOCABULARY_SIZE, size=length, p=_WEIGHTS)
    words = [_WORDS[i] for i in picks]
    sentences = [" ".join(words[i : i + SENTENCE]) + "." for i in range(0, length, SENTENCE)]
    return "\n".join(" ".join(sentences[i : i + 3]) for i in range(0, len(sentences), 3))


def edited_copy(number: int) -> str:
    """Article ``number`` as another site would run it: lead added, a sentence dropped, and
    every twentieth word replaced."""
    rng = np.random.default_rng([number, 99])
    sentences = article_text(number).replace("\n", " ").split(". ")
    del sentences[int(rng.integers(1, len(sentences)))]
    words = " ".join(sentences).split()
    for i in range(0, len(words), 20):
        words[i] = _WORDS[int(rng.integers(0, VOCABULARY_SIZE))]
    lead = article_text(number, salt=1).split(".")[0]
    return lead + ".\n" + " ".join(words)


def _sketch(number: int) -> tuple[str, Sketch | None]:
    return f"synthetic-{number}", make_sketch(article_text(number), SketchParams())


def fill(index: NearDupIndex, n: int, workers: int) -> float:
    """Sketch ``n`` articles in ``workers`` processes and add them; return seconds taken."""
    started = time.perf_counter()
    done = 0
    with multiprocessing.Pool(workers) as pool:
        batch: list[tuple[str, Sketch]] = []
        for article_id, sketch in pool.imap(_sketch, range(n), chunksize=200):
            if sketch is not None:
                batch.append((article_id, sketch))
            if len(batch) >= 500:
                done += index.add_many(batch)
                batch = []
                if done % 5_000 == 0:
                    elapsed = time.perf_counter() - started
                    print(
                        f"  {done} articles in {elapsed:.0f} s ({done / elapsed:.0f}/s)", flush=True
                    )
        done += index.add_many(batch)
    return time.perf_counter() - started


def _quantiles(values: list[float]) -> str:
    ordered = sorted(values)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return (
        f"median {statistics.median(ordered) * 1000:.2f} ms  p99 {p99 * 1000:.2f} ms  "
        f"mean {statistics.fmean(ordered) * 1000:.2f} ms"
    )


def time_lookups(index: NearDupIndex, n: int, lookups: int) -> None:
    """Time lookups of new articles and of edited copies of stored ones."""
    rng = np.random.default_rng(2024)
    index.sketch("warm up: imports and MinHash permutations")
    kinds: dict[str, list[tuple[str, str | None]]] = {
        "new article": [(article_text(n + i), None) for i in range(lookups)],
        "edited copy": [
            (edited_copy(int(k)), f"synthetic-{int(k)}")
            for k in rng.choice(n, size=min(lookups, n), replace=False)
        ],
    }
    for kind, cases in kinds.items():
        sketch_times: list[float] = []
        find_times: list[float] = []
        found = candidates_hit = 0
        for text, expected in cases:
            started = time.perf_counter()
            sketch = index.sketch(text)
            sketched = time.perf_counter()
            if sketch is None:
                continue
            matches = index.find_sketch(sketch)
            find_times.append(time.perf_counter() - sketched)
            sketch_times.append(sketched - started)
            ids = [m.article_id for m in matches]
            found += expected is not None and expected in ids
            candidates_hit += bool(ids)
        print(f"{kind}: {len(find_times)} lookups")
        print(f"  lookup (database):  {_quantiles(find_times)}")
        print(f"  sketch (CPU):       {_quantiles(sketch_times)}")
        if kind == "edited copy":
            print(f"  original found in {found} of {len(cases)}")
        else:
            print(f"  lookups with any match: {candidates_hit} (expected 0)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=100_000, help="articles in the index")
    parser.add_argument("--lookups", type=int, default=1000, help="lookups of each kind")
    parser.add_argument("--workers", type=int, default=2, help="sketching processes")
    parser.add_argument("--uri", help="MongoDB URI (default: an embedded nx-27017 server)")
    args = parser.parse_args(argv)
    # A plain kill must still stop the embedded server (the ``finally`` blocks run).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    with store(args.uri) as uri:
        client: MongoClient[dict[str, object]] = MongoClient(uri)
        name = f"neardup_lookup_{uuid.uuid4().hex[:8]}"
        try:
            index = NearDupIndex(client[name])
            index.ensure_indexes()
            print(
                f"filling {args.n} synthetic articles ({'given URI' if args.uri else 'nx-27017'})"
            )
            seconds = fill(index, args.n, args.workers)
            bands = client[name]["neardup_bands"].estimated_document_count()
            print(
                f"filled {index.count()} articles, {bands} band documents in {seconds:.1f} s "
                f"({index.count() / seconds:.0f} articles/s)"
            )
            time_lookups(index, args.n, args.lookups)
        finally:
            client.drop_database(name)
            client.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
