"""HTML of the generated benchmark site: article pages in four templates, and listing pages.

Article pages look like real news pages to an extractor: 60 to 150 KB each, of which the
article is a small part; the rest is what real sites carry — inline CSS and scripts, a
JSON-LD block, menus, a breaking-news ticker, share buttons with SVG icons, inline "read
more" links inside the body, related and most-read cards, comments, a newsletter box and a
large footer. Four templates use different markup (semantic HTML5, a WordPress-like theme,
an old portal layout, and hashed class names as CSS-in-JS sites produce) so the extractor
cannot lean on one structure.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from html import escape

from bench.sitetext import Vocabulary, headline, paragraph, short_line, story_vocabulary

TEMPLATES = ("semantic", "wordpress", "portal", "hashed")

_SVG_ICON = (
    '<svg class="icon" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">'
    '<path d="M{a} {b}c-.8.4-1.6.6-2.5.7.9-.5 1.6-1.4 1.9-2.4-.8.5-1.8.9-2.8 1.1A4.4 4.4 0 0 0 '
    "{c}.3 {d}c0 .3 0 .7.1 1A12.4 12.4 0 0 1 3 4.5a4.4 4.4 0 0 0 1.4 5.9c-.7 0-1.4-.2-2-.5 0 "
    "2.1 1.5 3.9 3.5 4.3-.6.2-1.3.2-2 .1.6 1.8 2.2 3 4.1 3A8.8 8.8 0 0 1 2 19.1 12.4 12.4 0 0 0"
    ' 8.7 21c8.1 0 12.5-6.7 12.5-12.5v-.6c.9-.6 1.6-1.4 2.2-2.3z"/></svg>'
)


@dataclass(frozen=True)
class ArticleRef:
    """What other pages need to know about an article to link to it."""

    index: int
    language: str
    path: str
    title: str
    published: datetime
    section: int


@dataclass(frozen=True)
class PageContext:
    """Everything one article page is built from."""

    article: ArticleRef
    origin: str
    site_name: str
    vocab: Vocabulary
    related: Sequence[ArticleRef]
    most_read: Sequence[ArticleRef]
    author: str
    target_bytes: int


def _attr(value: str) -> str:
    return escape(value, quote=True)


def _link(origin: str, ref: ArticleRef, cls: str = "") -> str:
    klass = f' class="{cls}"' if cls else ""
    return f'<a{klass} href="{origin}{ref.path}">{escape(ref.title)}</a>'


def _css(rng: random.Random, kb: int) -> str:
    """An inline stylesheet of roughly ``kb`` kilobytes."""
    rules: list[str] = []
    size = 0
    while size < kb * 1024:
        name = f".{rng.choice('abcdefghijklmnopqrstuvwxyz')}{rng.randint(100, 99999):x}"
        rule = (
            f"{name}{{display:{rng.choice(['flex', 'block', 'grid', 'inline-block'])};"
            f"margin:{rng.randint(0, 32)}px {rng.randint(0, 32)}px;padding:{rng.randint(0, 24)}px;"
            f"color:#{rng.randint(0, 0xFFFFFF):06x};font-size:{rng.randint(11, 28)}px}}"
        )
        rules.append(rule)
        size += len(rule)
    return "<style>" + "\n".join(rules) + "</style>"


def _scripts(rng: random.Random, kb: int) -> str:
    """Analytics and ad-configuration scripts of roughly ``kb`` kilobytes."""
    slots = []
    size = 0
    while size < kb * 1024:
        slot = {
            "id": f"div-gpt-ad-{rng.randint(10**9, 10**10)}",
            "sizes": [[rng.choice([300, 728, 970]), rng.choice([90, 250, 600])]],
            "targeting": {"pos": rng.choice(["top", "mid", "bottom"]), "kw": rng.randint(1, 999)},
        }
        text = json.dumps(slot)
        slots.append(text)
        size += len(text)
    return (
        "<script>window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments)}"
        f"gtag('js',new Date());gtag('config','G-{rng.randint(10**7, 10**8)}');</script>\n"
        f"<script>var adSlots=[{','.join(slots)}];</script>"
    )


def _json_ld(ctx: PageContext, description: str) -> str:
    a = ctx.article
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": a.title,
        "description": description,
        "datePublished": a.published.isoformat(),
        "dateModified": a.published.isoformat(),
        "inLanguage": a.language,
        "author": [{"@type": "Person", "name": ctx.author}],
        "publisher": {"@type": "NewsMediaOrganization", "name": ctx.site_name},
        "mainEntityOfPage": f"{ctx.origin}{a.path}",
    }
    return f'<script type="application/ld+json">{json.dumps(data, ensure_ascii=False)}</script>'


def _head(ctx: PageContext, rng: random.Random, description: str) -> str:
    a = ctx.article
    url = f"{ctx.origin}{a.path}"
    return (
        f'<head><meta charset="utf-8"><title>{escape(a.title)} | {escape(ctx.site_name)}</title>'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta name="description" content="{_attr(description)}">'
        f'<meta property="og:title" content="{_attr(a.title)}">'
        f'<meta property="og:type" content="article"><meta property="og:url" content="{url}">'
        f'<meta property="og:site_name" content="{_attr(ctx.site_name)}">'
        f'<meta property="article:published_time" content="{a.published.isoformat()}">'
        f'<link rel="canonical" href="{url}">'
        f"{_json_ld(ctx, description)}{_css(rng, rng.randint(2, 8))}"
        f"{_scripts(rng, rng.randint(2, 6))}"
        "</head>"
    )


def _nav(ctx: PageContext, rng: random.Random) -> str:
    lang = ctx.article.language
    items = [
        f'<li><a href="{ctx.origin}/{lang}/">{"الرئيسية" if lang == "ar" else "Home"}</a></li>'
    ]
    for slug, name in zip(ctx.vocab.section_slugs, ctx.vocab.sections, strict=True):
        items.append(f'<li><a href="{ctx.origin}/{lang}/section/{slug}/">{escape(name)}</a></li>')
    for _ in range(rng.randint(10, 30)):
        topic = rng.choice(ctx.vocab.topics)
        items.append(f'<li class="sub"><a href="{ctx.origin}/{lang}/">{escape(topic)}</a></li>')
    return '<nav class="main-menu"><ul>' + "".join(items) + "</ul></nav>"


def _ticker(ctx: PageContext, rng: random.Random) -> str:
    label = "عاجل" if ctx.article.language == "ar" else "Breaking"
    lines = "".join(
        f"<li>{escape(short_line(rng, ctx.vocab))}</li>" for _ in range(rng.randint(5, 10))
    )
    return f'<div class="breaking-ticker"><strong>{label}</strong><ul>{lines}</ul></div>'


def _cookie(ctx: PageContext) -> str:
    if ctx.article.language == "ar":
        text = "نستخدم ملفات تعريف الارتباط لتحسين تجربتك. بمتابعة التصفح فإنك توافق على ذلك."
        button = "موافق"
    else:
        text = "We use cookies to improve your experience. By browsing on you agree to this."
        button = "Accept"
    return (
        f'<div id="cookie-consent" class="cookie-banner"><p>{text}</p>'
        f"<button>{button}</button></div>"
    )


def _share(rng: random.Random) -> str:
    nets = ("facebook", "x", "whatsapp", "telegram", "linkedin", "email")
    buttons = "".join(
        f'<a class="share-{net}" href="#share-{net}">'
        + _SVG_ICON.format(
            a=rng.randint(10, 23), b=rng.randint(4, 9), c=rng.randint(10, 16), d=rng.randint(3, 9)
        )
        + "</a>"
        for net in nets
    )
    return f'<div class="share-bar">{buttons}</div>'


def _cards(ctx: PageContext, refs: Sequence[ArticleRef], cls: str, rng: random.Random) -> str:
    cards = []
    for ref in refs:
        teaser = escape(short_line(rng, ctx.vocab))
        cards.append(
            f'<div class="{cls}-card"><img src="/img/{ref.index}.jpg" alt="" loading="lazy">'
            f"<h3>{_link(ctx.origin, ref)}</h3><p>{teaser}</p>"
            f'<time datetime="{ref.published.isoformat()}">{ref.published:%Y-%m-%d}</time></div>'
        )
    return "".join(cards)


def _comments(ctx: PageContext, rng: random.Random) -> str:
    count = rng.randint(0, 12)
    if not count:
        return ""
    items = "".join(
        f'<li class="comment"><span class="comment-author">{escape(rng.choice(ctx.vocab.names))}'
        f"</span><p>{escape(paragraph(rng, ctx.vocab, (1, 2)))}</p></li>"
        for _ in range(count)
    )
    title = "التعليقات" if ctx.article.language == "ar" else "Comments"
    return (
        f'<section id="comments" class="comments"><h2>{title} ({count})</h2>'
        f"<ol>{items}</ol></section>"
    )


def _footer(ctx: PageContext, rng: random.Random) -> str:
    lang = ctx.article.language
    links = "".join(
        f'<li><a href="{ctx.origin}/{lang}/section/{rng.choice(ctx.vocab.section_slugs)}/">'
        f"{escape(rng.choice(ctx.vocab.topics))}</a></li>"
        for _ in range(rng.randint(30, 70))
    )
    rights = "جميع الحقوق محفوظة" if lang == "ar" else "All rights reserved"
    return (
        f'<footer class="site-footer"><ul class="footer-links">{links}</ul>'
        f"<p>© 2026 {escape(ctx.site_name)} — {rights}</p></footer>"
    )


def _newsletter(ctx: PageContext) -> str:
    if ctx.article.language == "ar":
        return (
            '<aside class="newsletter"><h3>النشرة البريدية</h3><p>اشترك ليصلك أهم الأخبار'
            ' يومياً</p><input type="email"><button>اشترك</button></aside>'
        )
    return (
        '<aside class="newsletter"><h3>Newsletter</h3><p>Sign up for the day\'s top stories'
        '</p><input type="email"><button>Subscribe</button></aside>'
    )


def _body_paragraphs(ctx: PageContext, rng: random.Random) -> list[str]:
    """The article body as HTML blocks: paragraphs, subheadings, a quote, read-more lines."""
    blocks: list[str] = []
    story = story_vocabulary(rng, ctx.vocab)
    count = rng.randint(7, 22)
    for number in range(count):
        blocks.append(f"<p>{escape(paragraph(rng, story))}</p>")
        if number and number % 6 == 0:
            blocks.append(f"<h2>{escape(headline(rng, story))}</h2>")
        if ctx.related and rng.random() < 0.12:
            ref = rng.choice(ctx.related)
            blocks.append(
                f'<p class="read-also"><strong>{ctx.vocab.read_more}:</strong> '
                f"{_link(ctx.origin, ref)}</p>"
            )
    if rng.random() < 0.5:
        blocks.insert(
            rng.randint(1, len(blocks)),
            f"<blockquote><p>{escape(rng.choice(story.quotes))}</p></blockquote>",
        )
    return blocks


def _byline(ctx: PageContext) -> str:
    a = ctx.article
    return (
        f'<div class="byline"><span class="author">{ctx.vocab.by} {escape(ctx.author)}</span> '
        f'<time datetime="{a.published.isoformat()}">{a.published:%Y-%m-%d %H:%M}</time></div>'
    )


def _grid_card(ctx: PageContext, rng: random.Random) -> str:
    section = rng.randrange(len(ctx.vocab.sections))
    slug = ctx.vocab.section_slugs[section]
    return (
        f'<div class="grid-item"><a href="{ctx.origin}/{ctx.article.language}/section/{slug}/">'
        f'<div class="thumb"><img src="/img/t{rng.randint(1, 9999)}.jpg" alt=""></div>'
        f'<div class="meta"><span class="cat">{escape(ctx.vocab.sections[section])}</span>'
        f"<h4>{escape(short_line(rng, ctx.vocab))}</h4></div></a></div>"
    )


def _padding(ctx: PageContext, rng: random.Random, missing: int) -> str:
    """More-news grids and embedded page state, to bring the page to its target size.

    About a third of the padding is markup (grids of teaser cards, as news sites put
    under the article) and the rest is JSON state as single-page-app sites embed it, which
    keeps the markup density and the script share of the page close to real pages.
    """
    if missing <= 0:
        return ""
    parts: list[str] = []
    size = 0
    markup_share = rng.uniform(0.25, 0.45)
    while size < missing * markup_share:
        cards = "".join(_grid_card(ctx, rng) for _ in range(12))
        block = f'<section class="more-news"><div class="grid">{cards}</div></section>'
        parts.append(block)
        size += len(block.encode())
    entries = []
    while size < missing:
        entry = json.dumps(
            {
                "id": rng.randint(1, 10**7),
                "title": short_line(rng, ctx.vocab),
                "section": rng.choice(ctx.vocab.sections),
                "views": rng.randint(10, 10**6),
            },
            ensure_ascii=False,
        )
        entries.append(entry)
        size += len(entry.encode())
    if entries:
        parts.append(
            f'<script id="__STATE__" type="application/json">[{",".join(entries)}]</script>'
        )
    return "".join(parts)


def _semantic(ctx: PageContext, rng: random.Random, body: str) -> str:
    return (
        f"<header>{_nav(ctx, rng)}</header>{_ticker(ctx, rng)}<main>"
        f'<article class="story"><h1 class="headline">{escape(ctx.article.title)}</h1>'
        f'{_byline(ctx)}{_share(rng)}<figure><img src="/img/{ctx.article.index}.jpg" alt="">'
        f"<figcaption>{escape(short_line(rng, ctx.vocab))}</figcaption></figure>"
        f'<div class="story-body">{body}</div>{_share(rng)}</article>'
        f'<aside class="related"><h2>{ctx.vocab.read_more}</h2>'
        f"{_cards(ctx, ctx.related, 'related', rng)}</aside>{_comments(ctx, rng)}</main>"
        f'<aside class="most-read">{_cards(ctx, ctx.most_read, "popular", rng)}</aside>'
        f"{_newsletter(ctx)}{_footer(ctx, rng)}"
    )


def _wordpress(ctx: PageContext, rng: random.Random, body: str) -> str:
    return (
        f'<div id="page" class="site"><div class="top-bar">{_ticker(ctx, rng)}</div>'
        f'<header id="masthead">{_nav(ctx, rng)}</header><div id="content" class="site-content">'
        f'<div class="post type-post status-publish"><header class="entry-header">'
        f'<h1 class="entry-title">{escape(ctx.article.title)}</h1>{_byline(ctx)}</header>'
        f'{_share(rng)}<div class="entry-content">{body}</div>'
        f'<div class="jp-relatedposts">{_cards(ctx, ctx.related, "jp", rng)}</div></div>'
        f'{_comments(ctx, rng)}<div id="secondary" class="widget-area">{_newsletter(ctx)}'
        f'<section class="widget popular-posts">{_cards(ctx, ctx.most_read, "widget", rng)}'
        f"</section></div></div>{_footer(ctx, rng)}</div>"
    )


def _portal(ctx: PageContext, rng: random.Random, body: str) -> str:
    return (
        f'<table class="layout" width="100%"><tr><td colspan="2">{_nav(ctx, rng)}</td></tr>'
        f'<tr><td class="main-col"><div class="news-details"><span class="section-label">'
        f"{escape(ctx.vocab.sections[ctx.article.section])}</span>"
        f'<h1>{escape(ctx.article.title)}</h1>{_byline(ctx)}<div id="NewsStory">{body}</div>'
        f'{_share(rng)}</div><div class="more-news">{_cards(ctx, ctx.related, "more", rng)}</div>'
        f'{_comments(ctx, rng)}</td><td class="side-col">{_ticker(ctx, rng)}'
        f"{_cards(ctx, ctx.most_read, 'side', rng)}{_newsletter(ctx)}</td></tr></table>"
        f"{_footer(ctx, rng)}"
    )


def _hashed(ctx: PageContext, rng: random.Random, body: str) -> str:
    def c() -> str:
        return f"css-{rng.randint(0, 36**6):x}"

    return (
        f'<div id="__next"><div class="{c()}">{_nav(ctx, rng)}</div><div class="{c()}">'
        f'{_ticker(ctx, rng)}</div><div class="{c()}"><div class="{c()}" data-testid="headline">'
        f'<h1 class="{c()}">{escape(ctx.article.title)}</h1></div>{_byline(ctx)}'
        f'<div class="{c()}" data-component="text-block">{body}</div>{_share(rng)}</div>'
        f'<div class="{c()}" data-component="related">{_cards(ctx, ctx.related, c(), rng)}</div>'
        f'<div class="{c()}">{_comments(ctx, rng)}</div>'
        f'<div class="{c()}">{_cards(ctx, ctx.most_read, c(), rng)}</div>{_footer(ctx, rng)}</div>'
    )


_LAYOUTS: dict[str, Callable[[PageContext, random.Random, str], str]] = {
    "semantic": _semantic,
    "wordpress": _wordpress,
    "portal": _portal,
    "hashed": _hashed,
}


def article_page(ctx: PageContext, template: str, rng: random.Random) -> bytes:
    """One article page in ``template``, padded to about ``ctx.target_bytes``."""
    blocks = _body_paragraphs(ctx, rng)
    description = escape(paragraph(rng, ctx.vocab, (1, 1)))
    head = _head(ctx, rng, description)
    layout = _LAYOUTS[template](ctx, rng, "".join(blocks))
    direction = "rtl" if ctx.article.language == "ar" else "ltr"
    start = f'<!DOCTYPE html>\n<html lang="{ctx.article.language}" dir="{direction}">{head}<body>'
    page = f"{start}{_cookie(ctx)}{layout}"
    missing = ctx.target_bytes - len(page.encode()) - 20
    return f"{page}{_padding(ctx, rng, missing)}</body></html>\n".encode()


def listing_page(
    origin: str,
    language: str,
    title: str,
    refs: Sequence[ArticleRef],
    extra_links: Sequence[tuple[str, str]] = (),
) -> bytes:
    """A home or section page: links to listing pages and to articles with teasers."""
    direction = "rtl" if language == "ar" else "ltr"
    nav = "".join(
        f'<li><a href="{origin}{path}">{escape(text)}</a></li>' for path, text in extra_links
    )
    items = "".join(
        f'<li class="teaser"><a href="{origin}{ref.path}?utm_source=home">{escape(ref.title)}</a>'
        f'<time datetime="{ref.published.isoformat()}">{ref.published:%Y-%m-%d}</time></li>'
        for ref in refs
    )
    return (
        f'<!DOCTYPE html>\n<html lang="{language}" dir="{direction}"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title></head><body><nav><ul>{nav}</ul></nav>"
        f'<h1>{escape(title)}</h1><ul class="teasers">{items}</ul></body></html>\n'
    ).encode()
