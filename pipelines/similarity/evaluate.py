"""Score a near-duplicate decision on a labelled pair set (tests/data/neardup/pairs.jsonl).

Shared by ``bench/neardup_quality.py`` (prints the figures) and the tests (assert them), so
both measure the same thing.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class LabelledPair:
    """Two article texts and whether they are one story."""

    id: str
    lang: str
    kind: str
    duplicate: bool
    note: str
    url_a: str
    text_a: str
    url_b: str
    text_b: str


@dataclass
class Scores:
    """Confusion counts of a decision over labelled pairs, overall and per kind."""

    true_positive: int = 0
    false_positive: int = 0
    false_negative: int = 0
    true_negative: int = 0
    #: Ids of the pairs decided wrongly.
    errors: list[str] = field(default_factory=list)
    by_kind: dict[str, Scores] = field(default_factory=dict)

    def record(self, pair: LabelledPair, predicted: bool) -> None:
        for scores in (self, self.by_kind.setdefault(pair.kind, Scores())):
            if pair.duplicate and predicted:
                scores.true_positive += 1
            elif pair.duplicate:
                scores.false_negative += 1
                scores.errors.append(pair.id)
            elif predicted:
                scores.false_positive += 1
                scores.errors.append(pair.id)
            else:
                scores.true_negative += 1

    @property
    def pairs(self) -> int:
        return self.true_positive + self.false_positive + self.false_negative + self.true_negative

    @property
    def precision(self) -> float:
        """Share of predicted duplicates that are duplicates (1.0 when none predicted)."""
        predicted = self.true_positive + self.false_positive
        return self.true_positive / predicted if predicted else 1.0

    @property
    def recall(self) -> float:
        """Share of duplicates found (1.0 when there are none)."""
        actual = self.true_positive + self.false_negative
        return self.true_positive / actual if actual else 1.0


def load_pairs(path: Path) -> list[LabelledPair]:
    """Read a pairs.jsonl file."""
    pairs = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            raw = json.loads(line)
            pairs.append(
                LabelledPair(
                    id=raw["id"],
                    lang=raw["lang"],
                    kind=raw["kind"],
                    duplicate=bool(raw["duplicate"]),
                    note=raw.get("note", ""),
                    url_a=raw["a"]["url"],
                    text_a=raw["a"]["text"],
                    url_b=raw["b"]["url"],
                    text_b=raw["b"]["text"],
                )
            )
    return pairs


def evaluate(pairs: Iterable[LabelledPair], decide: Callable[[LabelledPair], bool]) -> Scores:
    """Apply ``decide`` to every pair and count the outcomes."""
    scores = Scores()
    for pair in pairs:
        scores.record(pair, decide(pair))
    return scores
