"""A small run of the crawl benchmark (30 pages): every run completes and reports figures.

The full benchmark (``python -m bench.crawl``) is not part of the test suite; this checks
that its pieces work together on a tiny site: the generated site is crawled end to end
into the store by the real ``scrapy crawl news`` with worker processes, the baselines
extract and store the same pages, and the table and summary are printed.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

from bench.sitegen import generate_site, read_manifest
from bench.sitetext import VOCABULARIES, paragraph, story_vocabulary
from pipelines.similarity.sketch import SketchParams, is_candidate, make_sketch

ROOT = Path(__file__).resolve().parent.parent
N = 30


def test_generated_site_is_deterministic_and_sized_like_news_pages(tmp_path: Path) -> None:
    one = generate_site(tmp_path / "one", n=12, seed=5)
    two = generate_site(tmp_path / "two", n=12, seed=5)
    files = [path for path, _ in one.article_files()]
    assert [p.read_bytes() for p in files] == [p.read_bytes() for p, _ in two.article_files()]
    sizes = [p.stat().st_size for p in files]
    assert all(58 * 1024 <= size <= 160 * 1024 for size in sizes)
    languages = [language for _, _, language in one.articles]
    assert languages.count("ar") == 8 and languages.count("en") == 4
    for language in ("ar", "en"):
        site = one.site_dir(language)
        robots = (site / "robots.txt").read_text()
        assert f"/{language}/sitemap.xml" in robots
        assert (site / language / "rss.xml").is_file()
        assert (site / language / "section" / "politics" / "index.html").is_file()
    assert read_manifest(tmp_path / "one") == one


def test_generated_stories_share_few_phrases_like_real_news() -> None:
    """Unrelated generated articles must not look like near-duplicates of each other.

    Real articles share almost no three-word phrases (Jaccard about 0.0005 on the corpora);
    articles drawn from one small phrase list shared a tenth of them, and a third of the
    English pairs shared a band key, which made the duplicate check compare every article
    with ~150 others.
    """
    params = SketchParams()
    for language, vocab in VOCABULARIES.items():
        rng = random.Random(5)
        sketches = []
        for _ in range(40):
            story = story_vocabulary(rng, vocab)
            sketch = make_sketch(" ".join(paragraph(rng, story) for _ in range(14)), params)
            assert sketch is not None
            sketches.append(sketch)
        pairs = [(a, b) for i, a in enumerate(sketches) for b in sketches[i + 1 :]]
        sets = {id(s): set(s.shingles.tolist()) for s in sketches}
        shared = [len(sets[id(a)] & sets[id(b)]) / len(sets[id(a)] | sets[id(b)]) for a, b in pairs]
        assert sum(shared) / len(shared) < 0.08, language
        assert sum(is_candidate(a, b) for a, b in pairs) / len(pairs) < 0.02, language


def test_benchmark_smoke_run(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    done = subprocess.run(
        [
            sys.executable, "-m", "bench.crawl", "--n", str(N), "--seed", "11",
            "--work-dir", str(tmp_path / "runs"), "--sites-dir", str(tmp_path / "sites"),
            "--json", str(out),
        ],
        cwd=ROOT, capture_output=True, text=True, timeout=180, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    lines = done.stdout.splitlines()
    assert lines[0].startswith("run ")
    assert any(line.startswith("crawl (scrapy crawl news)") for line in lines)
    assert any(line.startswith("flow: first page fetched at ") for line in lines)
    assert lines[-1].startswith("end to end ")
    assert "× plain trafilatura in 1 process" in lines[-1]
    assert "× the naive crawl" in lines[-1]

    runs: dict[str, Any] = json.loads(out.read_text())["runs"]
    assert set(runs) == {"trafilatura", "naive", "crawl", "chain"}
    for run in runs.values():
        assert run["pages"] == N
        assert run["wall_seconds"] > 0
    crawl = runs["crawl"]
    # Every page went through the workers and into the store in batches.
    assert crawl["stats"]["newscrawl/extract/extracted"] == N
    assert crawl["stats"]["newscrawl/mongo/inserted"] == N
    assert crawl["stats"]["extract/pool/workers"] >= 1
    assert not any(key.startswith("newscrawl/extract/errors/") for key in crawl["stats"])
    assert {"scrapy", "server", "store", "forkserver", "worker 1"} <= set(crawl["peak_kib"])
    assert crawl["cpu"]["workers"] > 0
    # Article writes are batched: fewer round trips to the articles collection than articles
    # (the near-duplicate index and URL aliases have writes of their own).
    by_collection = crawl["commands_by_collection"]
    article_writes = by_collection.get("insert:articles", 0) + by_collection.get(
        "update:articles", 0
    )
    assert 0 < article_writes < N
    # The flow samples follow the pages: counts never go down and end with every page.
    samples = crawl["flow"]
    assert samples, "no flow samples"
    cleaned = [sample["cleaned"] for sample in samples]
    assert cleaned == sorted(cleaned) and cleaned[-1] <= N
    assert all(sample["pool_in_flight"] >= 0 for sample in samples)
    naive = runs["naive"]
    assert naive["commands"]["insert"] == N
    assert naive["round_trips"] >= N
