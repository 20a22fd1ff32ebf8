"""The pages the mock news site adds to the demo site: broken cases and a JavaScript page.

All of them sit under the article URL pattern and are listed on one extra section page,
``/ar/section/latest.html``, so a crawl that starts from that section meets every one:

- ``server-error-article``: always HTTP 500;
- ``slow-response-article``: a good article sent only after a delay (at most 10 s);
- ``wrong-charset-article``: UTF-8 bytes that declare windows-1256, no charset in the header;
- ``huge-page-article``: a good article followed by about 5 MB of archive links;
- ``pdf-report-article``: ``application/pdf`` at an article URL;
- ``deleted-article``: linked, but HTTP 404;
- ``js-only-article``: an app shell whose body an inline script builds from a JSON blob.

Their manifest entries use the demo manifest's format (see ``demo/build_site.py``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from demo.build_site import ARTICLES_DIR as DEMO_ARTICLES_DIR
from demo.build_site import Discovery, make_context, manifest_entry
from demo.chrome import SiteContext, url
from demo.dates import arabic_date
from demo.listings import svg_image
from demo.model import SITE_NAME, Article, load_articles
from demo.pages import byline, render_article, render_section

MOCK_DIR = Path(__file__).resolve().parent
ARTICLES_DIR = MOCK_DIR / "articles"
SECTION_PATH = "/ar/section/latest.html"
SECTION_LABEL = "آخر الأخبار"
#: The huge page is at least this many bytes.
HUGE_BYTES = 5 * 1024 * 1024
HTML_UTF8 = "text/html; charset=utf-8"


@dataclass(frozen=True)
class Case:
    """How the mock site answers one of its extra pages."""

    name: str
    http_status: int
    content_type: str | None
    is_article: bool
    needs_js: bool = False


CASES: dict[str, Case] = {
    "server-error-article": Case("server_error", 500, HTML_UTF8, is_article=False),
    "slow-response-article": Case("timeout", 200, HTML_UTF8, is_article=True),
    "wrong-charset-article": Case("wrong_charset", 200, "text/html", is_article=True),
    "huge-page-article": Case("huge", 200, HTML_UTF8, is_article=True),
    "pdf-report-article": Case("not_html", 200, "application/pdf", is_article=False),
    "deleted-article": Case("not_found", 404, HTML_UTF8, is_article=False),
    "js-only-article": Case("needs_js", 200, HTML_UTF8, is_article=True, needs_js=True),
}

SERVER_ERROR_PAGE = (
    '<!DOCTYPE html>\n<html lang="ar" dir="rtl"><head><meta charset="utf-8">'
    "<title>خطأ في الخادم - موقع الديمو</title></head><body><h1>500</h1>"
    "<p>حدث خطأ داخلي في الخادم. يرجى المحاولة لاحقاً.</p></body></html>\n"
).encode()

#: A minimal one-page PDF document.
PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)

_JS_BUILDER = """(function () {
  var data = JSON.parse(document.getElementById("article-data").textContent);
  var app = document.getElementById("app");
  var article = document.createElement("article");
  article.className = "article";
  var h1 = document.createElement("h1");
  h1.textContent = data.title;
  article.appendChild(h1);
  var meta = document.createElement("div");
  meta.className = "article-meta";
  var author = document.createElement("span");
  author.className = "byline";
  author.textContent = data.byline;
  var time = document.createElement("time");
  time.setAttribute("datetime", data.published);
  time.textContent = data.date;
  meta.appendChild(author);
  meta.appendChild(time);
  article.appendChild(meta);
  var body = document.createElement("div");
  body.className = "article-body";
  data.paragraphs.forEach(function (text) {
    var p = document.createElement("p");
    p.textContent = text;
    body.appendChild(p);
  });
  article.appendChild(body);
  app.appendChild(article);
  document.title = data.title + " - " + data.site;
})();"""


@dataclass
class MockPages:
    """Everything the mock site serves on top of the demo files."""

    articles: list[Article]
    #: Path -> body of every extra page that exists (not the 404 one).
    bodies: dict[str, bytes] = field(default_factory=dict)
    #: Path -> manifest entry, in the demo manifest's format.
    entries: dict[str, dict[str, Any]] = field(default_factory=dict)

    def path_of(self, slug: str) -> str:
        """The URL path of a mock page by slug."""
        return next(a.path for a in self.articles if a.slug == slug)


def render_js_only(article: Article) -> str:
    """An app shell: empty ``#app``, a ``<noscript>`` prompt, the article as inline JSON."""
    data = {
        "title": article.title,
        "byline": byline(article),
        "published": article.published.isoformat(),
        "date": arabic_date(article.published, article.date_style),
        "paragraphs": list(article.paragraphs),
        "tags": list(article.tags),
        "site": SITE_NAME,
    }
    blob = json.dumps(data, ensure_ascii=False)
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="ar" dir="rtl">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{SITE_NAME}</title>",
            f'<link rel="canonical" href="{url(article.path)}">',
            f'<meta property="og:site_name" content="{SITE_NAME}">',
            f'<meta property="og:url" content="{url(article.path)}">',
            "</head>",
            "<body>",
            f'<header class="app-header"><a href="/">{SITE_NAME}</a></header>',
            '<div id="app"></div>',
            "<noscript>يرجى تفعيل JavaScript في المتصفح لعرض هذا المقال.</noscript>",
            f'<script type="application/json" id="article-data">{blob}</script>',
            f"<script>\n{_JS_BUILDER}\n</script>",
            "</body>",
            "</html>",
            "",
        ]
    )


def huge_archive(target_bytes: int) -> str:
    """An archive box of fragment links, at least ``target_bytes`` long when encoded."""
    rows = ['<aside class="archive-list"><h2>أرشيف الأخبار</h2><ul>']
    size = 0
    number = 0
    while size < target_bytes:
        number += 1
        row = (
            f'<li><a href="#archive-{number}">عنوان من أرشيف الأخبار رقم {number} '
            f"عن أحداث الأسبوع في المحافظات</a></li>"
        )
        rows.append(row)
        size += len(row.encode())
    rows.append("</ul></aside>")
    return "\n".join(rows)


def _body(article: Article, ctx: SiteContext) -> bytes:
    case = CASES[article.slug]
    if case.name == "server_error":
        return SERVER_ERROR_PAGE
    if case.name == "not_html":
        return PDF_BYTES
    if case.name == "needs_js":
        return render_js_only(article).encode()
    page = render_article(article, ctx)
    if case.name == "huge":
        cut = page.index('<footer class="site-footer">')
        page = page[:cut] + huge_archive(HUGE_BYTES) + "\n" + page[cut:]
    # The wrong-charset page is UTF-8 whatever it declares.
    return page.encode("utf-8")


def _entry(
    article: Article, ctx: SiteContext, found: Discovery, body: bytes | None
) -> dict[str, Any]:
    case = CASES[article.slug]
    entry = manifest_entry(article, ctx, found, case.content_type or "")
    html_body = body is not None and case.content_type != "application/pdf"
    entry.update(
        is_article=case.is_article,
        needs_js=case.needs_js,
        http_status=case.http_status,
        content_type=case.content_type,
        # The bytes are UTF-8 on every HTML page here, whatever the page declares.
        encoding="utf-8" if html_body else None,
        declared_charset=article.encoding if html_body else None,
    )
    # Charset labels of the shared renderer do not apply: these pages have their own case.
    inherited = [c for c in entry["cases"] if c not in {"windows_1256", "no_header_charset"}]
    entry["cases"] = [case.name, *inherited] if case.is_article else [case.name]
    if not case.is_article or case.needs_js:
        entry["must_not_contain"] = []
    if not case.is_article:
        entry.update(paragraphs=[], text="", word_count=0, authors=[], tags=[])
    return entry


def build_mock_pages() -> MockPages:
    """Render the extra pages, the extra section page and their manifest entries."""
    demo_articles = load_articles(DEMO_ARTICLES_DIR)
    articles = sorted(load_articles(ARTICLES_DIR), key=lambda a: a.published, reverse=True)
    unknown = {a.slug for a in articles} ^ set(CASES)
    if unknown:
        raise ValueError(f"mock pages and CASES disagree on {sorted(unknown)}")
    ctx = make_context(demo_articles, extra=articles)
    pages = MockPages(articles=articles)
    section_html = render_section("ar", "latest", articles, ctx, label=SECTION_LABEL)
    pages.bodies[SECTION_PATH] = section_html.encode()
    found = Discovery()
    found.add_page_links(SECTION_PATH, section_html, "section")
    for article in articles:
        pages.bodies[f"/img/{article.slug}.svg"] = svg_image(article.slug, article.slug).encode()
        body = None if CASES[article.slug].name == "not_found" else _body(article, ctx)
        if body is not None:
            pages.bodies[article.path] = body
        pages.entries[article.path] = _entry(article, ctx, found, body)
    return pages
