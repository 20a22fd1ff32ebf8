"""Accuracy and speed of the metadata extractor on corpora with gold answers.

Usage::

    python bench/metadata_accuracy.py /work/shared/corpus/arabic-news \\
        /work/shared/corpus/fundus-multilingual [--show-errors]

For every article page (``is_article: true``) whose gold has the field, prints the share
of pages where the extractor's value equals the gold: ``title`` (whitespace collapsed),
``published`` by day (the first ten characters) and exactly, ``authors`` and ``tags``
(same list, same order); ``site_name`` counts on every page. Also prints the CPU
milliseconds per page spent in ``extract_metadata`` (the HTML parse and the first,
warming call not included).

Pages are decoded as UTF-8 when their bytes are valid UTF-8, else in their declared
charset (see :func:`decode`).
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

import lxml.html

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipelines.cleaning.metadata import Metadata, extract_metadata

_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w:.-]+)""", re.IGNORECASE)
FIELDS = ("title", "published_day", "published", "authors", "tags", "site_name")


def decode(raw: bytes) -> str:
    """Page bytes as text: UTF-8 when they are valid UTF-8, else the declared charset.

    The fundus pages were stored as UTF-8 whatever their ``<meta charset>`` says; bytes in
    another charset (d07, windows-1256) are almost never valid UTF-8.
    """
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    match = _CHARSET.search(raw[:4096])
    encoding = match.group(1).decode("ascii") if match else "utf-8"
    try:
        return raw.decode(encoding, errors="replace")
    except LookupError:
        return raw.decode("utf-8", errors="replace")


def read_page(path: Path) -> str:
    """Decoded text of a page file (``.html`` or ``.html.gz``)."""
    raw = path.read_bytes()
    if path.name.endswith(".gz"):
        raw = gzip.decompress(raw)
    return decode(raw)


def _norm(text: str | None) -> str | None:
    return " ".join(text.split()) if text else text


def compare(gold: dict[str, object], meta: Metadata) -> dict[str, bool]:
    """Per field: whether the extracted value equals the gold (only fields the gold has).

    Non-article pages count for ``site_name`` only.
    """
    result: dict[str, bool] = {}
    if isinstance(gold.get("site_name"), str):
        result["site_name"] = meta.site_name == gold["site_name"]
    if not gold.get("is_article", True):
        return result
    if isinstance(gold.get("title"), str) and gold["title"]:
        result["title"] = _norm(meta.title) == _norm(str(gold["title"]))
    published = gold.get("published")
    if isinstance(published, str):
        result["published_day"] = (meta.published or "")[:10] == published[:10]
        result["published"] = meta.published == published
    if isinstance(gold.get("authors"), list):
        result["authors"] = meta.authors == gold["authors"]
    if isinstance(gold.get("tags"), list):
        result["tags"] = meta.tags == gold["tags"]
    return result


def run(corpus: Path, show_errors: bool) -> None:
    """Score one corpus directory and print its figures."""
    hits: dict[str, int] = defaultdict(int)
    totals: dict[str, int] = defaultdict(int)
    elapsed = 0.0
    pages = 0
    fetched_at = datetime.now(UTC)
    golds = [
        json.loads(p.read_text(encoding="utf-8")) for p in sorted((corpus / "gold").glob("*.json"))
    ]
    if golds:  # first call loads word lists and the public suffix list: not timed
        warm = lxml.html.document_fromstring(read_page(corpus / "pages" / golds[0]["file"]))
        extract_metadata(warm, golds[0]["url"], fetched_at)
    for gold in golds:
        tree = lxml.html.document_fromstring(read_page(corpus / "pages" / gold["file"]))
        start = time.process_time()
        meta = extract_metadata(tree, gold["url"], fetched_at)
        elapsed += time.process_time() - start
        pages += gold.get("is_article", True)
        for name, ok in compare(gold, meta).items():
            totals[name] += 1
            hits[name] += ok
            if not ok and show_errors:
                value = getattr(meta, name.removesuffix("_day"))
                expected = gold[name.removesuffix("_day")]
                print(f"  {gold['file']}: {name}: got {value!r}, gold {expected!r}")
    print(
        f"{corpus.name}: {len(golds)} pages ({pages} articles),"
        f" metadata {1000 * elapsed / max(len(golds), 1):.2f} ms CPU/page"
    )
    for name in FIELDS:
        if totals[name]:
            print(f"  {name:14} {hits[name]:4d}/{totals[name]:<4d} {hits[name] / totals[name]:.3f}")


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpora", nargs="+", type=Path, help="corpus directories (pages/, gold/)")
    parser.add_argument("--show-errors", action="store_true", help="print every wrong value")
    args = parser.parse_args()
    for corpus in args.corpora:
        run(corpus, args.show_errors)


if __name__ == "__main__":
    main()
