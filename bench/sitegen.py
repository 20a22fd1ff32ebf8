"""Generate a local news site of N article pages for the crawl benchmark.

Two sites, an Arabic one (two thirds of the articles) and an English one, each served on
its own port so each has its own robots.txt and seed. Every site has a home page, eight
section pages, an RSS feed, a sitemap index with sitemaps of 1,000 URLs, a news sitemap
of the latest 100 articles, and a robots.txt naming both sitemaps. Article pages are 60 to
150 KB with realistic noise (see :mod:`bench.sitepages`).

Deterministic: the same ``n`` and ``seed`` give byte-identical files. Pages are written for
fixed origins (``http://127.0.0.1:18701`` and ``:18702``); :mod:`bench.server` rewrites the
origin when it serves them on other ports. The site is written under ``/tmp`` (or a given
folder), never into the repository::

    python -m bench.sitegen --n 2000 --out /tmp/newscrawl-bench/site-2000
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import shutil
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

from bench.sitepages import TEMPLATES, ArticleRef, PageContext, article_page, listing_page
from bench.sitetext import VOCABULARIES, headline

logger = logging.getLogger(__name__)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_N = 2000
DEFAULT_SEED = 7
DEFAULT_ROOT = Path("/tmp/newscrawl-bench")
#: The origin each language's site is written for (the server rewrites it when needed).
ORIGINS: dict[str, str] = {"ar": "http://127.0.0.1:18701", "en": "http://127.0.0.1:18702"}
SITE_NAMES: dict[str, str] = {"ar": "أخبار المنصة", "en": "The Platform News"}
#: Newest article's publication time; older ones go back 37 minutes each.
NEWEST = datetime(2026, 11, 1, 9, 30, tzinfo=UTC)
SITEMAP_CHUNK = 1000
MIN_PAGE_KB = 60
MAX_PAGE_KB = 150
#: Bumped whenever the generator's output changes, so cached sites are rebuilt.
GENERATOR_VERSION = 3
MANIFEST = "site.json"


@dataclass(frozen=True)
class SiteManifest:
    """What was generated, as ``site.json`` records it."""

    root: Path
    n: int
    seed: int
    total_bytes: int
    #: Article page files relative to ``root``, with their URL paths and languages.
    articles: tuple[tuple[str, str, str], ...]

    def site_dir(self, language: str) -> Path:
        """The folder served as the ``language`` site."""
        return self.root / language

    def article_files(self) -> Iterator[tuple[Path, str]]:
        """Every article file with the URL it is served under (at the written origin)."""
        for relative, path, language in self.articles:
            yield self.root / relative, f"{ORIGINS[language]}{path}"


def _slug(rng: random.Random) -> str:
    words = ("report", "update", "story", "analysis", "news", "brief", "plan", "talks")
    return f"{rng.choice(words)}-{rng.choice(words)}"


def article_refs(n: int, seed: int) -> list[ArticleRef]:
    """The articles of a site of ``n`` pages, newest first."""
    refs = []
    for index in range(n):
        rng = random.Random(f"{seed}:ref:{index}")
        language = "en" if index % 3 == 2 else "ar"
        vocab = VOCABULARIES[language]
        published = NEWEST - timedelta(minutes=37 * index)
        path = f"/{language}/news/{published:%Y/%m/%d}/{_slug(rng)}-{index}.html"
        refs.append(
            ArticleRef(
                index=index,
                language=language,
                path=path,
                title=headline(rng, vocab),
                published=published,
                section=rng.randrange(len(vocab.sections)),
            )
        )
    return refs


def _neighbours(
    refs: Sequence[ArticleRef], ref: ArticleRef, rng: random.Random, k: int
) -> list[ArticleRef]:
    same = [r for r in refs[max(0, ref.index - 60) : ref.index + 60] if r.language == ref.language]
    same = [r for r in same if r.index != ref.index]
    return rng.sample(same, min(k, len(same)))


def _write(path: Path, data: bytes) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return len(data)


def _rss(language: str, refs: Sequence[ArticleRef]) -> bytes:
    origin = ORIGINS[language]
    items = "".join(
        f"<item><title>{xml_escape(r.title)}</title><link>{origin}{r.path}</link>"
        f"<guid>{origin}{r.path}</guid>"
        f"<pubDate>{r.published:%a, %d %b %Y %H:%M:%S} +0000</pubDate></item>"
        for r in refs
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
        f"<title>{xml_escape(SITE_NAMES[language])}</title><link>{origin}/{language}/</link>"
        f"{items}</channel></rss>\n"
    ).encode()


def _urlset(language: str, refs: Sequence[ArticleRef]) -> bytes:
    origin = ORIGINS[language]
    urls = "".join(
        f"<url><loc>{origin}{r.path}</loc><lastmod>{r.published.isoformat()}</lastmod></url>"
        for r in refs
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>\n'
    ).encode()


def _news_sitemap(language: str, refs: Sequence[ArticleRef]) -> bytes:
    origin = ORIGINS[language]
    urls = "".join(
        f"<url><loc>{origin}{r.path}</loc><news:news><news:publication>"
        f"<news:name>{xml_escape(SITE_NAMES[language])}</news:name>"
        f"<news:language>{language}</news:language></news:publication>"
        f"<news:publication_date>{r.published.isoformat()}</news:publication_date>"
        f"<news:title>{xml_escape(r.title)}</news:title></news:news></url>"
        for r in refs
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<urlset '
        'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        f'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">{urls}</urlset>\n'
    ).encode()


def _sitemap_index(language: str, chunks: int) -> bytes:
    origin = ORIGINS[language]
    entries = "".join(
        f"<sitemap><loc>{origin}/{language}/sitemaps/articles-{k}.xml</loc></sitemap>"
        for k in range(1, chunks + 1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</sitemapindex>\n'
    ).encode()


def seed_toml(language: str, origin: str) -> str:
    """The seed file of one generated site served at ``origin``."""
    domain = origin.split("//", 1)[1]
    return (
        f"# Generated by bench.sitegen: the {language} site of the benchmark.\n"
        f'id = "bench_{language}"\nname = "{SITE_NAMES[language]}"\ndomain = "{domain}"\n'
        f'language = "{language}"\nfeeds = ["{origin}/{language}/rss.xml"]\n'
        f'sections = ["{origin}/{language}/"]\n'
        f"article_url_pattern = '^/{language}/news/\\d{{4}}/\\d{{2}}/\\d{{2}}/[a-z0-9-]+\\.html$'\n"
        'noise_css = ["div.breaking-ticker", "aside.newsletter"]\n'
    )


def _write_listings(root: Path, language: str, refs: Sequence[ArticleRef]) -> int:
    """Home, section pages, feed, sitemaps and robots.txt of one language's site."""
    vocab = VOCABULARIES[language]
    site = root / language
    origin = ORIGINS[language]
    total = 0
    sections = [
        (f"/{language}/section/{slug}/", name)
        for slug, name in zip(vocab.section_slugs, vocab.sections, strict=True)
    ]
    total += _write(
        site / language / "index.html",
        listing_page(origin, language, SITE_NAMES[language], refs[:40], sections),
    )
    for number, (path, name) in enumerate(sections):
        in_section = [r for r in refs if r.section == number][:30]
        total += _write(
            site / path.strip("/") / "index.html",
            listing_page(origin, language, name, in_section, sections),
        )
    total += _write(site / language / "rss.xml", _rss(language, refs[:50]))
    chunks = max(1, -(-len(refs) // SITEMAP_CHUNK))
    for k in range(chunks):
        part = refs[k * SITEMAP_CHUNK : (k + 1) * SITEMAP_CHUNK]
        total += _write(
            site / language / "sitemaps" / f"articles-{k + 1}.xml", _urlset(language, part)
        )
    total += _write(site / language / "sitemap.xml", _sitemap_index(language, chunks))
    total += _write(site / language / "news-sitemap.xml", _news_sitemap(language, refs[:100]))
    robots = (
        f"User-agent: *\nDisallow: /{language}/search\n"
        f"Sitemap: {origin}/{language}/sitemap.xml\nSitemap: {origin}/{language}/news-sitemap.xml\n"
    )
    total += _write(site / "robots.txt", robots.encode())
    seeds = root / "seeds"
    seeds.mkdir(exist_ok=True)
    (seeds / f"bench_{language}.toml").write_text(seed_toml(language, origin), encoding="utf-8")
    return total


def _check_out(out: Path) -> None:
    resolved = out.resolve()
    if resolved == PROJECT_ROOT or PROJECT_ROOT in resolved.parents:
        raise SystemExit(f"refusing to write the benchmark site into the repository: {out}")


def read_manifest(root: Path) -> SiteManifest | None:
    """The manifest of a site generated earlier under ``root``, or ``None``."""
    try:
        data = json.loads((root / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if data.get("version") != GENERATOR_VERSION:
        return None
    return SiteManifest(
        root=root,
        n=int(data["n"]),
        seed=int(data["seed"]),
        total_bytes=int(data["total_bytes"]),
        articles=tuple(tuple(entry) for entry in data["articles"]),
    )


def generate_site(out: Path, n: int = DEFAULT_N, seed: int = DEFAULT_SEED) -> SiteManifest:
    """Write a site of ``n`` article pages under ``out`` (replacing what was there)."""
    _check_out(out)
    if out.exists():
        shutil.rmtree(out)
    refs = article_refs(n, seed)
    by_language = {lang: [r for r in refs if r.language == lang] for lang in ORIGINS}
    total = 0
    articles: list[tuple[str, str, str]] = []
    for ref in refs:
        rng = random.Random(f"{seed}:page:{ref.index}")
        vocab = VOCABULARIES[ref.language]
        pool = by_language[ref.language]
        ctx = PageContext(
            article=ref,
            origin=ORIGINS[ref.language],
            site_name=SITE_NAMES[ref.language],
            vocab=vocab,
            related=_neighbours(pool, ref, rng, rng.randint(6, 16)),
            most_read=_neighbours(pool, ref, rng, 10),
            author=rng.choice(vocab.names),
            target_bytes=rng.randint(MIN_PAGE_KB * 1024, MAX_PAGE_KB * 1024),
        )
        page = article_page(ctx, TEMPLATES[ref.index % len(TEMPLATES)], rng)
        relative = f"{ref.language}{ref.path}"
        total += _write(out / relative, page)
        articles.append((relative, ref.path, ref.language))
    for language, lang_refs in by_language.items():
        total += _write_listings(out, language, lang_refs)
    manifest = {
        "version": GENERATOR_VERSION,
        "n": n,
        "seed": seed,
        "total_bytes": total,
        "origins": ORIGINS,
        "articles": articles,
    }
    (out / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    logger.info("Generated %s article pages (%s MB) under %s", n, total // 2**20, out)
    result = read_manifest(out)
    assert result is not None
    return result


def ensure_site(out: Path, n: int = DEFAULT_N, seed: int = DEFAULT_SEED) -> SiteManifest:
    """The site under ``out``, generated unless an identical one is already there."""
    manifest = read_manifest(out)
    if manifest is not None and manifest.n == n and manifest.seed == seed:
        return manifest
    return generate_site(out, n, seed)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=DEFAULT_N, help="article pages (default 2000)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed (default 7)")
    parser.add_argument("--out", type=Path, help="folder (default /tmp/newscrawl-bench/site-N)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    out = args.out or DEFAULT_ROOT / f"site-{args.n}-s{args.seed}"
    manifest = generate_site(out, args.n, args.seed)
    print(f"{manifest.n} article pages, {manifest.total_bytes / 2**20:.1f} MB in {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
