"""Build the offline demo news site and its manifest from ``demo/articles/*.toml``.

The output is deterministic: running the builder again rewrites ``demo/site`` and
``demo/manifest.json`` byte for byte, so both are committed and a test checks they are up
to date. Run::

    python -m demo.build_site            # rewrite demo/site and demo/manifest.json
    python -m demo.build_site --check    # exit 1 when the committed files are stale

The manifest records, for every page under the article URL pattern, the expected article
(title, body paragraphs, author, date, tags) and how a crawler can discover it; its format
is described in :func:`manifest_entry` and :func:`build_manifest`.
"""

from __future__ import annotations

import argparse
import filecmp
import json
import re
import shutil
import sys
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from demo.chrome import LABELS, SiteContext, text
from demo.listings import (
    feed_link,
    lastmod,
    news_sitemap,
    robots_txt,
    rss_feed,
    sitemap_index,
    svg_image,
    urlset,
)
from demo.model import (
    SECTION_LABELS,
    SITE_NAME,
    SITE_ORIGIN,
    TRACKING_QUERY,
    Article,
    ArticleDataError,
    load_articles,
)
from demo.pages import (
    PRIVATE_PATH,
    byline,
    render_home,
    render_page,
    render_private,
    render_section,
    visible_date,
)
from demo.server import HEADERS_FILE, content_type_for

DEMO_DIR = Path(__file__).resolve().parent
ARTICLES_DIR = DEMO_DIR / "articles"
SITE_DIR = DEMO_DIR / "site"
MANIFEST_PATH = DEMO_DIR / "manifest.json"
MANIFEST_VERSION = 1

MIN_WORDS, MAX_WORDS = 150, 600
MIN_PARAGRAPHS, MAX_PARAGRAPHS = 3, 8

#: Slugs shown in the "most read" box of every page, per language.
MOST_READ: dict[str, tuple[str, ...]] = {
    "ar": (
        "al-nahda-wins-cup-final",
        "central-bank-holds-interest-rates",
        "parliament-approves-2024-budget",
        "city-marathon-record-participation",
        "arabic-voice-assistant-startup",
    ),
    "en": (
        "desalination-plant-begins-operations",
        "cup-final-penalty-shootout",
        "heatwave-early-warning-system",
        "central-bank-keeps-rates-unchanged",
    ),
}
TICKER: dict[str, tuple[str, ...]] = {
    "ar": (
        "الأرصاد: أمطار متفرقة ورياح نشطة على المرتفعات الجبلية مساء اليوم",
        "إغلاق جزئي لطريق المطار حتى الخامسة فجراً لأعمال صيانة",
        "وزارة التربية تعلن موعد امتحانات نهاية الفصل الدراسي الثاني",
    ),
    "en": (
        "Weather office warns of strong winds in the highlands tonight",
        "Airport road partly closed overnight for maintenance",
    ),
}
#: Discovery sources, in the order the manifest lists them.
SOURCES = ("feed", "sitemap", "news_sitemap", "section", "home")
_HREF = re.compile(r'(?:href|src|poster)="([^"]*)"')


class BuildError(RuntimeError):
    """The article data breaks a rule of the demo site; the message says which."""


@dataclass
class BuiltSite:
    """The generated site: files by URL path, plus the manifest."""

    files: dict[str, bytes] = field(default_factory=dict)
    manifest: dict[str, Any] = field(default_factory=dict)


# --- context and checks -------------------------------------------------------------------


def make_context(articles: Sequence[Article], extra: Sequence[Article] = ()) -> SiteContext:
    """The site-wide data templates need (``extra`` pages are linkable but not in menus)."""
    everything = [*articles, *extra]
    by_path = {a.path: a for a in everything}
    by_slug = {a.slug: a for a in everything}
    sections = {
        lang: tuple(
            name
            for name in SECTION_LABELS[lang]
            if any(a.language == lang and a.section == name for a in articles)
        )
        for lang in SECTION_LABELS
    }
    return SiteContext(
        by_path=by_path,
        most_read={
            lang: tuple(by_slug[slug].path for slug in slugs) for lang, slugs in MOST_READ.items()
        },
        ticker=TICKER,
        sections=sections,
    )


def check_article(article: Article, ctx: SiteContext) -> None:
    """Raise :class:`BuildError` when a page breaks the demo's rules."""
    where = article.source_file
    for target in (*article.related, *article.items, *filter(None, [article.read_also])):
        linked = ctx.by_path.get(target)
        if linked is None:
            raise BuildError(f"{where}: links to unknown page {target}")
        if linked.language != article.language:
            raise BuildError(f"{where}: links to {target} in another language")
    strings = [article.title, article.teaser, article.image_caption, article.photo_credit]
    strings += [*article.paragraphs, *article.tags, *(c.text for c in article.comments)]
    for value in strings:
        if text(value) != value or '"' in value:
            raise BuildError(f"{where}: avoid &, <, > and double quotes in {value[:40]!r}")
    if not article.is_article:
        if article.paragraphs:
            raise BuildError(f"{where}: a {article.kind} page has no body paragraphs")
        return
    words = sum(len(p.split()) for p in article.paragraphs)
    if not MIN_WORDS <= words <= MAX_WORDS:
        raise BuildError(f"{where}: {words} words; write {MIN_WORDS}-{MAX_WORDS}")
    if not MIN_PARAGRAPHS <= len(article.paragraphs) <= MAX_PARAGRAPHS:
        raise BuildError(f"{where}: {len(article.paragraphs)} paragraphs; write 3-8")
    if article.encoding != "utf-8":
        for paragraph in (article.title, *article.paragraphs):
            try:
                paragraph.encode(article.encoding)
            except UnicodeEncodeError as exc:
                raise BuildError(f"{where}: not encodable in {article.encoding}: {exc}") from exc


# --- discovery ----------------------------------------------------------------------------


def links_in(html_text: str) -> list[str]:
    """Same-site paths linked from a page (query strings and fragments dropped)."""
    paths = []
    for value in _HREF.findall(html_text):
        if not value.startswith("/"):
            continue
        paths.append(value.split("#", 1)[0].split("?", 1)[0])
    return paths


@dataclass
class Discovery:
    """Where each page is listed or linked."""

    sources: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    section_pages: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    linked_from: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    def add_listing(self, source: str, entries: Iterable[Article]) -> None:
        """Record that a feed or sitemap lists ``entries``."""
        for article in entries:
            self.sources[article.path].add(source)

    def add_page_links(self, page_path: str, html_text: str, kind: str | None) -> None:
        """Record the links of a rendered page; ``kind`` is "section", "home" or ``None``."""
        for target in set(links_in(html_text)):
            if target == page_path:
                continue
            if kind is not None:
                self.sources[target].add(kind)
            if kind == "section":
                self.section_pages[target].add(page_path)
            if kind is None:
                self.linked_from[target].add(page_path)


def check_discovery(articles: Sequence[Article], found: Discovery) -> None:
    """Every page is reachable; pages listed in one place only are linked nowhere else."""
    for article in articles:
        sources = found.sources.get(article.path, set())
        if not sources & {"feed", "sitemap", "news_sitemap", "section"}:
            raise BuildError(f"{article.source_file}: no feed, sitemap or section lists it")
        declared = {
            "feed": article.feed != "none",
            "sitemap": article.sitemap,
            "news_sitemap": article.news_sitemap,
            "section": article.section_listing,
            "home": article.home,
        }
        wanted = {name for name, on in declared.items() if on}
        if len(wanted) == 1 and (sources != wanted or found.linked_from.get(article.path)):
            raise BuildError(
                f"{article.source_file}: meant to be listed only by {wanted}, but found in "
                f"{sorted(sources)} and linked from {sorted(found.linked_from[article.path])}"
            )


# --- manifest -----------------------------------------------------------------------------


def cases_of(article: Article) -> list[str]:
    """Labels of the real-world pitfalls a page exercises (for tests to pick pages)."""
    cases = []
    if article.encoding != "utf-8":
        cases.append(article.encoding.replace("-", "_"))
    if not article.header_charset:
        cases.append("no_header_charset")
    if article.feed == "tracking":
        cases.append("tracking_duplicate")
    declared = [
        article.feed != "none",
        article.sitemap,
        article.news_sitemap,
        article.section_listing,
        article.home,
    ]
    if sum(declared) == 1:
        cases.append("only_news_sitemap" if article.news_sitemap else "only_section")
    if not article.is_article:
        cases.append(f"non_article_{article.kind}")
    if article.comments:
        cases.append("comments")
    if article.read_also:
        cases.append("read_also")
    if not article.jsonld:
        cases.append("no_jsonld")
    if article.language == "ar" and article.date_style != "eg":
        cases.append({"indic": "indic_digits", "levant": "levantine_months"}[article.date_style])
    if article.is_article and not article.author:
        cases.append("desk_credit")
    return cases


def noise_strings(article: Article, ctx: SiteContext) -> list[str]:
    """Exact strings on the page that must not end up in the cleaned text."""
    labels = LABELS[article.language]
    candidates = [
        article.image_caption,
        article.photo_credit,
        labels["ad"],
        labels["tags"],
        labels["share"],
        labels["follow"],
        labels["most_read"],
        labels["newsletter"],
        byline(article),
        visible_date(article),
        ctx.ticker[article.language][0],
    ]
    if article.read_also:
        candidates += [labels["read_also"], ctx.by_path[article.read_also].title]
    candidates += [ctx.by_path[p].title for p in article.related]
    candidates += [c.text for c in article.comments]
    candidates += [
        ctx.by_path[p].title for p in ctx.most_read[article.language] if p != article.path
    ][:2]
    body = "\n".join(article.paragraphs)
    unique: list[str] = []
    for value in candidates:
        if value and value not in body and value not in unique:
            unique.append(value)
    return unique


def manifest_entry(
    article: Article, ctx: SiteContext, found: Discovery, content_type: str
) -> dict[str, Any]:
    """The manifest record of one page under the article URL pattern."""
    sources = found.sources.get(article.path, set())
    return {
        "slug": article.slug,
        "language": article.language,
        "section": article.section,
        "kind": article.kind,
        "is_article": article.is_article,
        "needs_js": False,
        "title": article.title,
        "paragraphs": list(article.paragraphs),
        "text": "\n".join(article.paragraphs),
        "word_count": sum(len(p.split()) for p in article.paragraphs),
        "author": article.author,
        "authors": list(article.authors),
        "byline": byline(article),
        "published": article.published.isoformat(),
        "modified": article.modified.isoformat() if article.modified else None,
        "tags": list(article.tags),
        "site_name": SITE_NAME,
        "canonical": article.path,
        "http_status": 200,
        "content_type": content_type,
        "encoding": article.encoding,
        "declared_charset": article.encoding,
        "discovered_by": [s for s in SOURCES if s in sources],
        "feed_url": feed_link(article) if article.feed != "none" else None,
        "section_pages": sorted(found.section_pages.get(article.path, set())),
        "linked_from": sorted(found.linked_from.get(article.path, set())),
        "cases": cases_of(article),
        "must_not_contain": noise_strings(article, ctx) if article.is_article else [],
    }


def build_manifest(
    articles: Sequence[Article],
    ctx: SiteContext,
    found: Discovery,
    overrides: Mapping[str, str],
    section_paths: Sequence[str],
) -> dict[str, Any]:
    """The whole manifest: site-level listings plus one entry per article-pattern page."""
    return {
        "manifest_version": MANIFEST_VERSION,
        "site_name": SITE_NAME,
        "origin": SITE_ORIGIN,
        "paths_note": (
            "Keys and paths are relative to the server root; prefix the base URL the server "
            "reports. The files say http://127.0.0.1:8760 and the server rewrites it."
        ),
        "home": "/",
        "robots": "/robots.txt",
        "feeds": ["/feed.xml"],
        "sitemaps": ["/sitemap.xml", "/news-sitemap.xml"],
        "sitemap_children": {"/sitemap.xml": ["/sitemap-articles.xml"]},
        "sections": list(section_paths),
        "tracking_query": TRACKING_QUERY,
        "disallowed": [{"path": PRIVATE_PATH, "linked_from": pages_linking(found, PRIVATE_PATH)}],
        "articles": {
            a.path: manifest_entry(a, ctx, found, content_type_for(a.path, overrides))
            for a in articles
        },
    }


def pages_linking(found: Discovery, target: str) -> list[str]:
    """Every page (home, sections, articles) that links ``target``."""
    pages = set(found.section_pages.get(target, set())) | found.linked_from.get(target, set())
    if "home" in found.sources.get(target, set()):
        pages.add("/")
    return sorted(pages)


# --- build --------------------------------------------------------------------------------


def encode_page(article: Article, html_text: str) -> bytes:
    """Encode a page in its declared charset (template characters outside it as &#N;)."""
    return html_text.encode(article.encoding, errors="xmlcharrefreplace")


def build(articles_dir: Path = ARTICLES_DIR) -> BuiltSite:
    """Render every file of the site and the manifest, checking the site's rules."""
    try:
        articles = load_articles(articles_dir)
    except ArticleDataError as exc:
        raise BuildError(str(exc)) from exc
    ctx = make_context(articles)
    for article in articles:
        check_article(article, ctx)
    site = BuiltSite()
    found = Discovery()
    pages: dict[str, str] = {}

    for article in articles:
        pages[article.path] = render_page(article, ctx)
        site.files[article.path] = encode_page(article, pages[article.path])
        site.files[f"/img/{article.slug}.svg"] = svg_image(article.slug, article.slug).encode()
    site.files["/img/logo.svg"] = svg_image("logo", SITE_NAME).encode()

    section_paths = []
    for lang, names in ctx.sections.items():
        for name in names:
            entries = sorted(
                (
                    a
                    for a in articles
                    if a.language == lang and a.section == name and a.section_listing
                ),
                key=lambda a: a.published,
                reverse=True,
            )
            path = f"/{lang}/section/{name}.html"
            section_paths.append(path)
            pages[path] = render_section(lang, name, entries, ctx)

    by_date = sorted(articles, key=lambda a: a.published, reverse=True)
    home_html = render_home(
        latest=[a for a in by_date if a.home and a.language == "ar" and a.is_article],
        english=[a for a in by_date if a.home and a.language == "en" and a.is_article],
        specials=[a for a in by_date if a.home and not a.is_article],
        ctx=ctx,
    )
    pages["/index.html"] = home_html
    site.files[PRIVATE_PATH] = render_private().encode()

    for path, html_text in pages.items():
        kind = "home" if path == "/index.html" else "section" if "/section/" in path else None
        found.add_page_links(path, html_text, kind)
        site.files.setdefault(path, html_text.encode())

    feed_entries = [a for a in articles if a.feed != "none"]
    sitemap_entries = sorted((a for a in articles if a.sitemap), key=lambda a: a.path)
    news_entries = [a for a in articles if a.news_sitemap]
    found.add_listing("feed", feed_entries)
    found.add_listing("sitemap", sitemap_entries)
    found.add_listing("news_sitemap", news_entries)
    site.files["/feed.xml"] = rss_feed(feed_entries).encode()
    newest = max(lastmod(a) for a in sitemap_entries)
    site.files["/sitemap.xml"] = sitemap_index([("/sitemap-articles.xml", newest)]).encode()
    site.files["/sitemap-articles.xml"] = urlset(sitemap_entries).encode()
    site.files["/news-sitemap.xml"] = news_sitemap(news_entries).encode()
    site.files["/robots.txt"] = robots_txt().encode()
    check_discovery(articles, found)
    _check_links(site, pages)

    overrides = {"/feed.xml": "application/rss+xml; charset=utf-8"}
    for article in articles:
        if article.encoding != "utf-8" or not article.header_charset:
            charset = f"; charset={article.encoding}" if article.header_charset else ""
            overrides[article.path] = f"text/html{charset}"
    site.files["/" + HEADERS_FILE] = (json.dumps(overrides, indent=1) + "\n").encode()
    site.manifest = build_manifest(articles, ctx, found, overrides, section_paths)
    return site


def _check_links(site: BuiltSite, pages: Mapping[str, str]) -> None:
    for path, html_text in pages.items():
        for target in links_in(html_text):
            if target != "/" and target not in site.files:
                raise BuildError(f"{path} links to {target}, which the site does not have")


def write_site(site: BuiltSite, out_dir: Path, manifest_path: Path) -> None:
    """Replace ``out_dir`` with the site files and write the manifest."""
    if out_dir.exists():
        shutil.rmtree(out_dir)
    for path, data in sorted(site.files.items()):
        target = out_dir / path.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    manifest_text = json.dumps(site.manifest, ensure_ascii=False, indent=1) + "\n"
    manifest_path.write_text(manifest_text, encoding="utf-8")


def same_tree(left: Path, right: Path) -> bool:
    """Whether two directories hold the same files with the same bytes."""

    def files(root: Path) -> list[str]:
        return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())

    names = files(left)
    if names != files(right):
        return False
    return all(filecmp.cmp(left / n, right / n, shallow=False) for n in names)


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: rebuild the demo site, or check that the committed copy is current."""
    parser = argparse.ArgumentParser(description="Build the offline demo news site.")
    parser.add_argument("--out", type=Path, default=SITE_DIR)
    parser.add_argument("--manifest", type=Path, default=MANIFEST_PATH)
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    args = parser.parse_args(argv)
    site = build()
    if not args.check:
        write_site(site, args.out, args.manifest)
        size = sum(len(b) for b in site.files.values())
        print(f"Wrote {len(site.files)} files ({size / 1024:.0f} KiB) to {args.out}")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / "site"
        write_site(site, fresh, Path(tmp) / "manifest.json")
        manifest_same = filecmp.cmp(Path(tmp) / "manifest.json", args.manifest, shallow=False)
        if same_tree(fresh, args.out) and manifest_same:
            print("demo site is up to date")
            return 0
    print("demo site is stale: run python -m demo.build_site", file=sys.stderr)
    return 1


if __name__ == "__main__":
    raise SystemExit(main())
