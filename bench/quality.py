"""Score the cleaning chain on corpora in the shared layout and time it beside trafilatura.

Usage::

    python bench/quality.py CORPUS_DIR... [--compare-trafilatura] [--rounds N] [--verbose]

For each corpus (``pages/`` + ``gold/``, see ``../shared/corpus/README.md``) it prints:
shingle precision/recall/F1 over the article pages (empty outputs counted separately), pages
with noise leaks (``must_not_contain``), non-articles kept, articles lost, title / published
(day) / language / authors accuracy where the gold has them, and pages per second of the chain
and of plain ``trafilatura.extract`` (default settings) on the same pages in the same run
(CPU time of this process, the two alternating page by page, the best of ``--rounds`` runs
per page, after an untimed warm-up round).
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import trafilatura

from pipelines.cleaning.chain import clean_page
from pipelines.cleaning.model import CleanArticle, PageInput
from pipelines.cleaning.scoring import (
    GoldPage,
    ShingleScore,
    leaks,
    load_corpus,
    same_authors,
    same_day,
    same_title,
    score_texts,
)

T = TypeVar("T")


@dataclass
class Accuracy:
    """Right answers out of pages whose gold has the field."""

    right: int = 0
    total: int = 0

    def add(self, ok: bool) -> None:
        self.right += ok
        self.total += 1

    def __str__(self) -> str:
        return f"{self.right}/{self.total}" if self.total else "n/a"


@dataclass
class CorpusReport:
    """Every figure the benchmark prints for one corpus."""

    name: str
    pages: int
    score: ShingleScore
    leak_pages: list[str] = field(default_factory=list)
    non_articles_kept: list[str] = field(default_factory=list)
    articles_lost: list[str] = field(default_factory=list)
    title: Accuracy = field(default_factory=Accuracy)
    published: Accuracy = field(default_factory=Accuracy)
    language: Accuracy = field(default_factory=Accuracy)
    authors: Accuracy = field(default_factory=Accuracy)
    chain_pps: float = 0.0
    trafilatura_pps: float = 0.0
    trafilatura_score: ShingleScore | None = None
    misses: list[str] = field(default_factory=list)


def _plain_text(body: bytes) -> str:
    """Plain trafilatura with its default settings, as the reference."""
    return trafilatura.extract(body) or ""


def _timed(run: Callable[[], T]) -> tuple[T, float]:
    start = time.process_time()
    result = run()
    return result, time.process_time() - start


def evaluate(corpus_dir: Path, rounds: int = 1, compare: bool = False) -> CorpusReport:
    """Run the chain and plain trafilatura on a corpus, time both, and score.

    Timing alternates the two on each page (so a change of machine load hits both alike) and
    keeps, per page and per side, the fastest of ``rounds`` runs.
    """
    pages = load_corpus(corpus_dir)
    bodies = [(page, page.body()) for page in pages]
    fetched_at = datetime.now(UTC)
    inputs = [PageInput(body, page.gold["url"], fetched_at) for page, body in bodies]
    # Warm-up round, untimed: language profiles, stop lists, phrase book, lazy imports.
    for page_input, (_, body) in zip(inputs, bodies, strict=True):
        clean_page(page_input)
        trafilatura.extract(body)
    results: list[CleanArticle] = []
    plain: list[str] = []
    chain_time = plain_time = 0.0
    for page_input, (_, body) in zip(inputs, bodies, strict=True):
        best_chain = best_plain = float("inf")
        for _ in range(max(1, rounds)):
            article, spent = _timed(partial(clean_page, page_input))
            best_chain = min(best_chain, spent)
            text, spent = _timed(partial(_plain_text, body))
            best_plain = min(best_plain, spent)
        results.append(article)
        plain.append(text)
        chain_time += best_chain
        plain_time += best_plain
    report = CorpusReport(corpus_dir.name, len(pages), score_texts([]))
    pairs: list[tuple[str, str]] = []
    plain_pairs: list[tuple[str, str]] = []
    for (page, _), article, plain_text in zip(bodies, results, plain, strict=True):
        _check_page(page, article, report)
        if page.gold.get("is_article", True):
            pairs.append((article.text if article.is_article else "", page.gold.get("text", "")))
            plain_pairs.append((plain_text, page.gold.get("text", "")))
    report.score = score_texts(pairs)
    report.trafilatura_score = score_texts(plain_pairs) if compare else None
    report.chain_pps = len(pages) / chain_time if chain_time else 0.0
    report.trafilatura_pps = len(pages) / plain_time if plain_time else 0.0
    return report


def _check_page(page: GoldPage, article: CleanArticle, report: CorpusReport) -> None:
    gold = page.gold
    if gold.get("must_not_contain") and leaks(article.text, gold["must_not_contain"]):
        report.leak_pages.append(page.name)
    if not gold.get("is_article", True):
        if article.is_article:
            report.non_articles_kept.append(page.name)
        return
    if not article.is_article:
        report.articles_lost.append(f"{page.name} ({article.reason})")
    checks = (
        ("title", report.title, lambda: same_title(article.title, gold["title"])),
        ("published", report.published, lambda: same_day(article.published, gold["published"])),
        ("language", report.language, lambda: article.language == gold["language"]),
        ("authors", report.authors, lambda: same_authors(article.authors, gold["authors"])),
    )
    for name, accuracy, check in checks:
        if name in gold and (name != "published" or gold[name] is not None):
            ok = check()
            accuracy.add(ok)
            if not ok:
                report.misses.append(
                    f"{page.name}: {name} {getattr(article, name)!r} != {gold[name]!r}"
                )


def format_report(report: CorpusReport, verbose: bool = False) -> str:
    """The report as the lines the benchmark prints."""
    s = report.score
    lines = [
        f"== {report.name}: {report.pages} pages",
        f"shingle precision {s.precision:.4f}  recall {s.recall:.4f}  F1 {s.f1:.4f}  "
        f"(article pages {s.documents}, empty outputs {s.empty})",
    ]
    if report.trafilatura_score is not None:
        t = report.trafilatura_score
        lines.append(
            f"plain trafilatura: precision {t.precision:.4f}  recall {t.recall:.4f}  "
            f"F1 {t.f1:.4f}  (empty outputs {t.empty})"
        )
    lines += [
        f"noise-leak pages {len(report.leak_pages)}  "
        f"non-articles kept {len(report.non_articles_kept)}  "
        f"articles lost {len(report.articles_lost)}",
        f"title {report.title}  published(day) {report.published}  language {report.language}  "
        f"authors {report.authors}",
        f"pages/s (CPU): chain {report.chain_pps:.1f}  "
        f"plain trafilatura {report.trafilatura_pps:.1f}  "
        f"ratio {report.chain_pps / report.trafilatura_pps:.0%}"
        if report.trafilatura_pps
        else "pages/s: n/a",
    ]
    if verbose:
        lines += [f"  leak: {n}" for n in report.leak_pages]
        lines += [f"  non-article kept: {n}" for n in report.non_articles_kept]
        lines += [f"  article lost: {n}" for n in report.articles_lost]
        lines += [f"  {m}" for m in report.misses]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("corpora", nargs="+", type=Path, metavar="CORPUS_DIR")
    parser.add_argument(
        "--compare-trafilatura", action="store_true", help="also score plain trafilatura"
    )
    parser.add_argument("--rounds", type=int, default=3, help="timing runs per page (best is kept)")
    parser.add_argument("--verbose", action="store_true", help="list the pages behind each count")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.ERROR)
    for corpus in args.corpora:
        if not (corpus / "gold").is_dir():
            parser.error(f"{corpus} has no gold/ folder (expected the shared corpus layout)")
        print(
            format_report(evaluate(corpus, args.rounds, args.compare_trafilatura), args.verbose),
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
