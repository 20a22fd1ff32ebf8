"""Single-process extraction over the generated site's pages: the per-core limit.

``--mode trafilatura`` runs plain ``trafilatura.extract(page, url=url)`` (library
defaults); ``--mode chain`` runs the project's whole cleaning chain
(:func:`pipelines.cleaning.chain.clean_page`) with the seed's hints, as one crawl worker
does. Pages are read from disk one at a time (the page cache makes that negligible), and
one JSON line is printed: pages, wall seconds, CPU seconds, peak memory::

    python -m bench.baseline /tmp/newscrawl-bench/site-2000-s7 --mode trafilatura
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from bench.sitegen import read_manifest


def _extractor(mode: str, site: Path) -> Callable[[bytes, str], object]:
    if mode == "trafilatura":
        import trafilatura

        def plain(body: bytes, url: str) -> object:
            return trafilatura.extract(body, url=url)

        return plain
    from crawler.seeds import load_seed
    from pipelines.cleaning.chain import clean_page
    from pipelines.cleaning.model import PageInput

    hints = {lang: load_seed(site / "seeds" / f"bench_{lang}.toml").hints for lang in ("ar", "en")}
    fetched_at = datetime.now(UTC)

    def chain(body: bytes, url: str) -> object:
        language = "ar" if "/ar/" in url else "en"
        return clean_page(
            PageInput(body=body, url=url, fetched_at=fetched_at, hints=hints[language])
        )

    return chain


def run(site: Path, mode: str, limit: int | None = None) -> dict[str, float]:
    """Extract every article page of ``site`` (or the first ``limit``) in this process."""
    manifest = read_manifest(site)
    if manifest is None:
        raise SystemExit(f"{site} is not a generated site (no site.json)")
    extract = _extractor(mode, site)
    files = list(manifest.article_files())[:limit]
    extract(files[0][0].read_bytes(), files[0][1])  # imports and caches, outside the timing
    cpu0, wall0 = time.process_time(), time.perf_counter()
    for path, url in files:
        extract(path.read_bytes(), url)
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    return {
        "pages": len(files),
        "wall_seconds": wall,
        "cpu_seconds": cpu,
        "peak_rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--mode", choices=("trafilatura", "chain"), default="trafilatura")
    parser.add_argument("--limit", type=int, default=None)
    args = parser.parse_args(argv)
    print(json.dumps(run(args.site, args.mode, args.limit)), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
