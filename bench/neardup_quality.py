"""Near-duplicate precision and recall on the labelled pair set.

Usage::

    python bench/neardup_quality.py [--pairs tests/data/neardup/pairs.jsonl] [--index]
                                    [--uri mongodb://…] [--verbose]

Scores the decision of :mod:`pipelines.similarity.sketch` (shared band key, then verified)
on every pair and prints precision, recall, the counts per kind of pair, the pairs decided
wrongly, and the margin: the least similarity among duplicates found and the greatest among
pairs rejected by the final rule. With ``--index`` it also runs the same pairs through the
MongoDB-backed :class:`~pipelines.similarity.index.NearDupIndex` (every "a" text added to
one index, every "b" text looked up, a pair counts as found when its own "a" comes back),
on ``--uri`` or on an embedded nx-27017 server it starts and stops.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pymongo import MongoClient  # noqa: E402

from pipelines.similarity.evaluate import LabelledPair, Scores, evaluate, load_pairs  # noqa: E402
from pipelines.similarity.index import NearDupIndex  # noqa: E402
from pipelines.similarity.sketch import (  # noqa: E402
    SketchParams,
    compare,
    is_candidate,
    make_sketch,
)
from pipelines.storage.embedded import temporary_store  # noqa: E402

DEFAULT_PAIRS = ROOT / "tests" / "data" / "neardup" / "pairs.jsonl"


def store(uri: str | None) -> contextlib.AbstractContextManager[str]:
    """``uri`` itself, or the URI of an embedded server started for the block."""
    return temporary_store(uri, prefix="neardup-")


def print_scores(label: str, scores: Scores, seconds: float) -> None:
    print(
        f"{label}: {scores.pairs} pairs  precision {scores.precision:.3f}  "
        f"recall {scores.recall:.3f}  (tp {scores.true_positive}, fp {scores.false_positive}, "
        f"fn {scores.false_negative}, tn {scores.true_negative})  "
        f"{seconds * 1000 / max(scores.pairs, 1):.2f} ms per pair"
    )
    for kind, by_kind in sorted(scores.by_kind.items()):
        print(
            f"  {kind:12s} {by_kind.pairs:3d} pairs  tp {by_kind.true_positive:2d}  "
            f"fp {by_kind.false_positive:2d}  fn {by_kind.false_negative:2d}  "
            f"tn {by_kind.true_negative:2d}"
        )
    print(f"  wrong: {', '.join(scores.errors) or 'none'}")


def run_pure(pairs: list[LabelledPair], params: SketchParams, verbose: bool) -> Scores:
    """The decision without a database, with margins and optional per-pair lines."""
    least_found: dict[str, tuple[float, str]] = {}
    closest_rejected: dict[str, tuple[float, str, str]] = {}

    def decide(pair: LabelledPair) -> bool:
        a, b = make_sketch(pair.text_a, params), make_sketch(pair.text_b, params)
        if a is None or b is None:
            return False
        comparison = compare(a, b, params)
        candidate = is_candidate(a, b)
        predicted = candidate and comparison.duplicate
        rule = "short" if min(a.n_tokens, b.n_tokens) < params.short_tokens else "long"
        similarity = comparison.similarity
        if predicted and similarity < least_found.get(rule, (2.0, ""))[0]:
            least_found[rule] = (similarity, pair.id)
        if not predicted and similarity > closest_rejected.get(rule, (-1.0, "", ""))[0]:
            closest_rejected[rule] = (similarity, pair.id, comparison.reason or "no shared band")
        if verbose:
            mark = "ok " if predicted == pair.duplicate else "BAD"
            print(
                f"  {mark} {pair.id:38s} label={pair.duplicate!s:5s} {rule:5s} "
                f"similarity={similarity:.3f} candidate={candidate!s:5s} {comparison.reason}"
            )
        return predicted

    make_sketch("warm up: imports and MinHash permutations", params)
    started = time.perf_counter()
    scores = evaluate(pairs, decide)
    print_scores("sketch decision", scores, time.perf_counter() - started)
    for rule in ("long", "short"):
        if rule in least_found:
            similarity, pid = least_found[rule]
            print(f"  {rule} texts: least similar pair matched {pid} ({similarity:.3f})")
        if rule in closest_rejected:
            similarity, pid, reason = closest_rejected[rule]
            print(f"  {rule} texts: most similar pair rejected {pid} ({similarity:.3f}, {reason})")
    return scores


def run_index(pairs: list[LabelledPair], uri: str | None) -> Scores:
    """The same pairs through the MongoDB-backed index."""
    with store(uri) as mongo_uri:
        client: MongoClient[dict[str, object]] = MongoClient(mongo_uri)
        name = f"neardup_quality_{uuid.uuid4().hex[:8]}"
        try:
            index = NearDupIndex(client[name])
            index.ensure_indexes()
            started = time.perf_counter()
            for pair in pairs:
                index.add(f"{pair.id}/a", pair.text_a)

            def decide(pair: LabelledPair) -> bool:
                return any(m.article_id == f"{pair.id}/a" for m in index.find(pair.text_b))

            scores = evaluate(pairs, decide)
            print_scores("MongoDB index", scores, time.perf_counter() - started)
            return scores
        finally:
            client.drop_database(name)
            client.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=Path, default=DEFAULT_PAIRS)
    parser.add_argument("--index", action="store_true", help="also run through NearDupIndex")
    parser.add_argument("--uri", help="MongoDB URI for --index (default: embedded server)")
    parser.add_argument("--verbose", action="store_true", help="one line per pair")
    args = parser.parse_args(argv)

    pairs = load_pairs(args.pairs)
    duplicates = sum(p.duplicate for p in pairs)
    print(f"{args.pairs}: {len(pairs)} pairs, {duplicates} duplicates")
    scores = run_pure(pairs, SketchParams(), args.verbose)
    if args.index:
        run_index(pairs, args.uri)
    return 0 if scores.precision >= 0.99 and scores.recall >= 0.95 else 1


if __name__ == "__main__":
    sys.exit(main())
