"""HTML pages of the demo site: articles, non-article pages, sections, home, private page.

Every function returns the page as ``str``; the builder encodes it (one page is
windows-1256). Body paragraphs are written verbatim (they contain no ``&``, ``<`` or ``>``),
so the expected paragraphs in the manifest occur literally in the decoded HTML.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from demo.chrome import (
    LABELS,
    SiteContext,
    ad_slot,
    attr,
    charset_tag,
    footer,
    head,
    page,
    share_bar,
    sidebar,
    site_header,
    text,
    topbar,
    url,
)
from demo.dates import arabic_date, english_date, short_date
from demo.model import SECTION_LABELS, SITE_NAME, Article

PRIVATE_PATH = "/private/ar/news/2024/04/draft-budget-notes.html"


def image_path(article: Article) -> str:
    """The lead image of a page (a small generated SVG)."""
    return f"/img/{article.slug}.svg"


def visible_date(article: Article) -> str:
    """The date line shown under the headline."""
    if article.language == "ar":
        return arabic_date(article.published, article.date_style)
    return english_date(article.published)


def byline(article: Article) -> str:
    """``كتب: name`` / ``By name`` for a person, the bare credit for desks and agencies."""
    if article.author:
        return LABELS[article.language]["byline"] + article.author
    return article.credit or ""


def read_also_line(article: Article, ctx: SiteContext) -> str:
    """The inline "اقرأ أيضاً: <linked headline>" paragraph placed inside the body.

    Some templates mark it with a class, others leave a bare ``<p><strong>`` that only its
    wording gives away; pages alternate so noise rules meet both.
    """
    assert article.read_also is not None
    target = ctx.by_path[article.read_also]
    marker = ' class="read-also"' if article.read_also_after % 2 else ""
    return (
        f"<p{marker}><strong>{LABELS[article.language]['read_also']}</strong> "
        f'<a href="{target.path}">{text(target.title)}</a></p>'
    )


def _jsonld(article: Article) -> dict[str, Any]:
    author: list[dict[str, str]] | dict[str, str]
    if article.author:
        author = [{"@type": "Person", "name": article.author}]
    else:
        author = {"@type": "Organization", "name": article.credit or SITE_NAME}
    modified = article.modified or article.published
    return {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": url(article.path)},
        "headline": article.title,
        "description": article.teaser,
        "image": [url(image_path(article))],
        "datePublished": article.published.isoformat(),
        "dateModified": modified.isoformat(),
        "author": author,
        "publisher": {
            "@type": "Organization",
            "name": SITE_NAME,
            "logo": {"@type": "ImageObject", "url": url("/img/logo.svg")},
        },
        "articleSection": SECTION_LABELS[article.language][article.section],
        "keywords": ", ".join(article.tags),
        "inLanguage": article.language,
    }


def _article_meta(article: Article) -> list[str]:
    meta = [f'<meta property="article:published_time" content="{article.published.isoformat()}">']
    if article.modified:
        meta.append(
            f'<meta property="article:modified_time" content="{article.modified.isoformat()}">'
        )
    meta.append(
        f'<meta property="article:section" '
        f'content="{SECTION_LABELS[article.language][article.section]}">'
    )
    meta.extend(f'<meta property="article:tag" content="{attr(tag)}">' for tag in article.tags)
    if article.author:
        meta.append(f'<meta name="author" content="{attr(article.author)}">')
    return meta


def _charset(article: Article) -> str:
    # The page served without a charset in its HTTP header declares it the old way.
    return charset_tag(article.encoding, http_equiv=not article.header_charset)


def _breadcrumb(article: Article) -> str:
    labels = LABELS[article.language]
    home = "/" if article.language == "ar" else "/en/section/world.html"
    sep = " › "
    return (
        f'<nav class="breadcrumb"><a href="{home}">{labels["home"]}</a>{sep}'
        f'<a href="{article.section_path}">'
        f"{SECTION_LABELS[article.language][article.section]}</a>{sep}"
        f"<span>{text(article.title)}</span></nav>"
    )


def _figure(article: Article) -> str:
    return (
        '<figure class="lead-image">'
        f'<img src="{image_path(article)}" alt="{attr(article.title)}" width="800" height="450">'
        f"<figcaption>{text(article.image_caption)} "
        f'<span class="photo-credit">{text(article.photo_credit)}</span></figcaption></figure>'
    )


def _header_block(article: Article) -> str:
    labels = LABELS[article.language]
    updated = ""
    if article.modified:
        updated = (
            f' <span class="updated">{labels["updated"]}'
            f"{text(_date_for(article, article.modified))}</span>"
        )
    return (
        '<header class="article-header">'
        f'<h1 class="article-title">{text(article.title)}</h1>'
        f'<p class="article-subtitle">{text(article.teaser)}</p>'
        f'<div class="article-meta"><span class="byline">{text(byline(article))}</span> '
        f'<time datetime="{article.published.isoformat()}">{text(visible_date(article))}</time>'
        f"{updated}</div></header>"
    )


def _date_for(article: Article, moment: Any) -> str:
    if article.language == "ar":
        return arabic_date(moment, article.date_style)
    return english_date(moment)


def _body(article: Article, ctx: SiteContext) -> str:
    parts = ['<div class="article-body" itemprop="articleBody">']
    middle = len(article.paragraphs) // 2 + 1
    for number, paragraph in enumerate(article.paragraphs, start=1):
        parts.append(f"<p>{text(paragraph)}</p>")
        if article.read_also and number == article.read_also_after:
            parts.append(read_also_line(article, ctx))
        if number == middle and len(article.paragraphs) >= 4:
            parts.append(ad_slot(article.language, "in-article"))
    parts.append("</div>")
    return "\n".join(parts)


def _tags(article: Article) -> str:
    labels = LABELS[article.language]
    links = " ".join(f'<a href="#" rel="tag">{text(tag)}</a>' for tag in article.tags)
    return f'<div class="tags"><span class="tags-label">{labels["tags"]}</span> {links}</div>'


def _related(article: Article, ctx: SiteContext) -> str:
    if not article.related:
        return ""
    labels = LABELS[article.language]
    items = "".join(
        f'<li><a href="{path}"><img src="{image_path(ctx.by_path[path])}" alt="" width="120" '
        f'height="68">{text(ctx.by_path[path].title)}</a></li>'
        for path in article.related
    )
    return f'<section class="related"><h2>{labels["related"]}</h2><ul>{items}</ul></section>'


def _comments(article: Article) -> str:
    if not article.comments:
        return ""
    labels = LABELS[article.language]
    items = "".join(
        f'<div class="comment"><span class="comment-author">{text(c.name)}</span> '
        f'<span class="comment-date">{text(c.when)}</span><p>{text(c.text)}</p></div>'
        for c in article.comments
    )
    return (
        f'<section class="comments" id="comments"><h2>{labels["comments"]} '
        f"({len(article.comments)})</h2>{items}"
        f'<form class="comment-form" action="/" method="get"><textarea name="c" '
        f'placeholder="{labels["add_comment"]}"></textarea>'
        f'<button type="submit">{labels["add_comment"]}</button></form></section>'
    )


def render_article(article: Article, ctx: SiteContext) -> str:
    """A news article page with all the real-world noise around its body."""
    lang = article.language
    head_html = head(
        language=lang,
        title=article.title,
        description=article.teaser,
        path=article.path,
        og_type="article",
        charset=_charset(article),
        extra_meta=_article_meta(article),
        jsonld=_jsonld(article) if article.jsonld else None,
        image=image_path(article),
    )
    main = [
        '<main class="container"><div class="content">',
        _breadcrumb(article),
        f'<article class="article" data-section="{article.section}">',
        _header_block(article),
        share_bar(lang, "top"),
        _figure(article),
        _body(article, ctx),
        _tags(article),
        share_bar(lang, "bottom"),
        ad_slot(lang, "below-article"),
        _related(article, ctx),
        _comments(article),
        "</article></div>",
        sidebar(lang, ctx),
        "</main>",
    ]
    return page(
        lang,
        head_html,
        [
            topbar(lang),
            site_header(lang, ctx, article.section),
            ad_slot(lang, "leaderboard"),
            *main,
            footer(lang, ctx),
        ],
    )


def card(article: Article, heading: str = "h3") -> str:
    """A listing card: image, linked headline, teaser and date."""
    return (
        f'<article class="card"><a href="{article.path}"><img src="{image_path(article)}" '
        f'alt="" width="240" height="135"></a><{heading}><a href="{article.path}">'
        f"{text(article.title)}</a></{heading}>"
        f'<p class="teaser">{text(article.teaser)}</p>'
        f'<span class="date">{short_date(article.published, article.language)}</span>'
        "</article>"
    )


def render_listing(article: Article, ctx: SiteContext) -> str:
    """A live-coverage index under an article URL: only headline links and teasers."""
    lang = article.language
    head_html = head(
        language=lang,
        title=article.title,
        description=article.teaser,
        path=article.path,
        og_type="website",
        charset=_charset(article),
        jsonld={
            "@context": "https://schema.org",
            "@type": "CollectionPage",
            "name": article.title,
            "url": url(article.path),
        },
        image=image_path(article),
    )
    cards = "\n".join(card(ctx.by_path[path]) for path in article.items)
    main = [
        '<main class="container"><div class="content">',
        _breadcrumb(article),
        f'<section class="live-index"><h1>{text(article.title)}</h1>',
        f'<p class="live-note">{text(article.teaser)}</p>',
        share_bar(lang, "top"),
        cards,
        "</section></div>",
        sidebar(lang, ctx),
        "</main>",
    ]
    return page(
        lang,
        head_html,
        [topbar(lang), site_header(lang, ctx, article.section), *main, footer(lang, ctx)],
    )


def render_video(article: Article, ctx: SiteContext) -> str:
    """A video-only page under an article URL: a player, one caption line, tags, related."""
    lang = article.language
    head_html = head(
        language=lang,
        title=article.title,
        description=article.teaser,
        path=article.path,
        og_type="video.other",
        charset=_charset(article),
        extra_meta=_article_meta(article),
        jsonld={
            "@context": "https://schema.org",
            "@type": "VideoObject",
            "name": article.title,
            "description": article.teaser,
            "uploadDate": article.published.isoformat(),
            "duration": article.video_duration,
            "thumbnailUrl": url(image_path(article)),
        },
        image=image_path(article),
    )
    main = [
        '<main class="container"><div class="content">',
        _breadcrumb(article),
        '<article class="video-page">',
        f'<h1 class="article-title">{text(article.title)}</h1>',
        f'<div class="article-meta"><time datetime="{article.published.isoformat()}">'
        f"{text(visible_date(article))}</time></div>",
        f'<div class="video-player"><video controls preload="none" '
        f'poster="{image_path(article)}" width="800" height="450"></video></div>',
        f'<p class="video-caption">{text(article.video_caption)}</p>',
        share_bar(lang, "bottom"),
        _tags(article),
        _related(article, ctx),
        "</article></div>",
        sidebar(lang, ctx),
        "</main>",
    ]
    return page(
        lang,
        head_html,
        [topbar(lang), site_header(lang, ctx, article.section), *main, footer(lang, ctx)],
    )


def render_page(article: Article, ctx: SiteContext) -> str:
    """Render any page under the article URL pattern by its kind."""
    if article.kind == "listing":
        return render_listing(article, ctx)
    if article.kind == "video":
        return render_video(article, ctx)
    return render_article(article, ctx)


def render_section(
    language: str,
    section: str,
    entries: Sequence[Article],
    ctx: SiteContext,
    label: str | None = None,
) -> str:
    """A section page listing its articles (headline + teaser), newest first.

    ``label`` overrides the section's display name (for sections outside the main menu).
    """
    label = label or SECTION_LABELS[language][section]
    path = f"/{language}/section/{section}.html"
    head_html = head(
        language=language,
        title=label,
        description=f"{label} - {SITE_NAME}",
        path=path,
        og_type="website",
        charset=charset_tag("utf-8"),
    )
    cards = "\n".join(card(article, "h2") for article in entries)
    more = "الصفحة التالية" if language == "ar" else "Next page"
    main = [
        '<main class="container"><div class="content">',
        f'<h1 class="section-title">{label}</h1>',
        ad_slot(language, "section-top"),
        f'<div class="section-list">\n{cards}\n</div>',
        f'<nav class="pagination"><a href="#page-2">{more}</a></nav>',
        "</div>",
        sidebar(language, ctx),
        "</main>",
    ]
    return page(
        language,
        head_html,
        [
            topbar(language),
            site_header(language, ctx, section),
            ad_slot(language, "leaderboard"),
            *main,
            footer(language, ctx),
        ],
    )


def render_home(
    latest: Sequence[Article],
    english: Sequence[Article],
    specials: Sequence[Article],
    ctx: SiteContext,
) -> str:
    """The home page: lead story, latest news, section links, specials, a private link."""
    lead, rest = latest[0], latest[1:]
    head_html = head(
        language="ar",
        title="الرئيسية",
        description="موقع الديمو: آخر الأخبار السياسية والاقتصادية والرياضية والثقافية",
        path="/",
        og_type="website",
        charset=charset_tag("utf-8"),
        jsonld={
            "@context": "https://schema.org",
            "@type": "WebSite",
            "name": SITE_NAME,
            "url": url("/"),
        },
    )
    sections = "".join(
        f'<li><a href="/ar/section/{name}.html">{SECTION_LABELS["ar"][name]}</a></li>'
        for name in ctx.sections["ar"]
    )
    en_sections = "".join(
        f'<li><a href="/en/section/{name}.html">{SECTION_LABELS["en"][name]}</a></li>'
        for name in ctx.sections["en"]
    )
    main = [
        '<main class="container"><div class="content">',
        f'<section class="lead-story">{card(lead, "h2")}</section>',
        ad_slot("ar", "home-top"),
        f'<section class="latest"><h2>{LABELS["ar"]["latest"]}</h2>',
        "\n".join(card(article) for article in rest),
        "</section>",
        f'<section class="home-sections"><h2>الأقسام</h2><ul>{sections}</ul></section>',
        '<section class="specials"><h2>تغطيات خاصة</h2>',
        "\n".join(card(article) for article in specials),
        "</section>",
        '<section class="english"><h2>English</h2>',
        "\n".join(card(article) for article in english),
        f"<ul>{en_sections}</ul></section>",
        '<section class="staff"><h2>للمحررين</h2>'
        f'<p><a href="{PRIVATE_PATH}">مسودة داخلية: ملاحظات الموازنة</a></p></section>',
        "</div>",
        sidebar("ar", ctx),
        "</main>",
    ]
    return page(
        "ar",
        head_html,
        [
            topbar("ar"),
            site_header("ar", ctx),
            ad_slot("ar", "leaderboard"),
            *main,
            footer("ar", ctx),
        ],
    )


def render_private() -> str:
    """An unpublished draft under /private/, forbidden by robots.txt."""
    head_html = "\n".join(
        [
            "<head>",
            charset_tag("utf-8"),
            '<meta name="robots" content="noindex, nofollow">',
            f"<title>مسودة داخلية: ملاحظات الموازنة - {SITE_NAME}</title>",
            "</head>",
        ]
    )
    body = [
        "<main><h1>مسودة داخلية: ملاحظات الموازنة</h1>",
        "<p>هذه الصفحة مخصصة لفريق التحرير ولا يجوز نشرها أو أرشفتها.</p>",
        "<p>ملاحظات أولية على بنود الإنفاق الرأسمالي بانتظار مراجعة رئيس القسم.</p>",
        "</main>",
    ]
    return page("ar", head_html, body)
