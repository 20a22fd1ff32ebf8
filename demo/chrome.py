"""Page furniture shared by every demo page: head, header, ticker, sidebar, ads, footer.

This is the noise a cleaner must drop. It follows the templates of real Arabic news sites:
a nav menu, a breaking-news ticker ("عاجل"), ad slots labelled "إعلان", share and follow
prompts ("شارك", "تابعنا على"), a most-read box and a footer full of links.
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from demo.model import SECTION_LABELS, SITE_NAME, SITE_ORIGIN, Article

LABELS: dict[str, dict[str, str]] = {
    "ar": {
        "home": "الرئيسية",
        "breaking": "عاجل",
        "share": "شارك",
        "follow": "تابعنا على",
        "read_also": "اقرأ أيضاً:",
        "related": "أخبار ذات صلة",
        "tags": "الوسوم:",
        "ad": "إعلان",
        "ad_space": "مساحة إعلانية",
        "most_read": "الأكثر قراءة",
        "comments": "التعليقات",
        "add_comment": "أضف تعليقك",
        "byline": "كتب: ",
        "updated": "آخر تحديث: ",
        "newsletter": "اشترك في نشرتنا البريدية ليصلك أهم الأخبار يومياً",
        "subscribe": "اشترك",
        "search": "ابحث في الموقع",
        "more": "المزيد",
        "latest": "آخر الأخبار",
        "english": "English",
        "rights": "© 2024 موقع الديمو. جميع الحقوق محفوظة",
        "about": "من نحن",
        "contact": "اتصل بنا",
        "privacy": "سياسة الخصوصية",
        "terms": "شروط الاستخدام",
        "advertise": "أعلن معنا",
        "copy_link": "نسخ الرابط",
    },
    "en": {
        "home": "Home",
        "breaking": "Breaking",
        "share": "Share",
        "follow": "Follow us on",
        "read_also": "Read more:",
        "related": "Related stories",
        "tags": "Tags:",
        "ad": "Advertisement",
        "ad_space": "Ad space",
        "most_read": "Most read",
        "comments": "Comments",
        "add_comment": "Add your comment",
        "byline": "By ",
        "updated": "Updated: ",
        "newsletter": "Sign up for our daily newsletter",
        "subscribe": "Subscribe",
        "search": "Search",
        "more": "More",
        "latest": "Latest",
        "english": "العربية",
        "rights": "© 2024 Demo Site. All rights reserved",
        "about": "About us",
        "contact": "Contact",
        "privacy": "Privacy policy",
        "terms": "Terms of use",
        "advertise": "Advertise",
        "copy_link": "Copy link",
    },
}

SOCIAL = (
    ("facebook", "فيسبوك", "Facebook"),
    ("x", "إكس", "X"),
    ("whatsapp", "واتساب", "WhatsApp"),
    ("telegram", "تيليغرام", "Telegram"),
)

CSS = """
body{font-family:Tahoma,Arial,sans-serif;margin:0;background:#f3f3f3;color:#222}
a{color:#0b4f8a;text-decoration:none}
.topbar,.site-footer{background:#102a43;color:#ddd;padding:6px 16px;font-size:13px}
.topbar a,.site-footer a{color:#ddd;margin:0 6px}
.site-header{background:#fff;padding:8px 16px;border-bottom:3px solid #b71c1c}
.main-nav ul{list-style:none;margin:0;padding:0;display:flex;gap:14px;flex-wrap:wrap}
.ticker{background:#b71c1c;color:#fff;padding:4px 16px;font-size:14px}
.ticker .label{font-weight:bold;margin-inline-end:10px}
.ticker ul{display:inline;list-style:none;margin:0;padding:0}
.ticker li{display:inline;margin-inline-end:24px}
.container{display:flex;gap:20px;max-width:1100px;margin:16px auto;padding:0 12px}
.content{flex:1;background:#fff;padding:16px}
.sidebar{width:300px}
.breadcrumb{font-size:13px;color:#777;margin-bottom:8px}
.article-meta,.card .date{color:#777;font-size:13px}
.lead-image img,.card img{max-width:100%;height:auto}
figcaption{font-size:12px;color:#666}
.ad-slot{background:#eee;color:#999;text-align:center;font-size:11px;padding:8px;margin:12px 0}
.share-bar button{margin:0 3px}
.tags a{background:#eef;padding:2px 6px;margin:2px;display:inline-block}
.related,.comments,.most-read,.follow,.newsletter{background:#fff;padding:10px;margin:12px 0}
.read-also{border-inline-start:3px solid #b71c1c;padding-inline-start:8px}
.card{border-bottom:1px solid #eee;padding:10px 0}
""".strip()


@dataclass(frozen=True)
class SiteContext:
    """What page templates need to know about the whole site."""

    by_path: Mapping[str, Article]
    #: Language code -> paths shown in the "most read" box.
    most_read: Mapping[str, tuple[str, ...]]
    #: Language code -> plain-text headlines in the breaking-news ticker.
    ticker: Mapping[str, tuple[str, ...]]
    #: Language code -> section names that have a section page.
    sections: Mapping[str, tuple[str, ...]]


def text(value: str) -> str:
    """Escape text content (quotes stay as they are, so body text is stored verbatim)."""
    return html.escape(value, quote=False)


def attr(value: str) -> str:
    """Escape an attribute value."""
    return html.escape(value, quote=True)


def url(path: str) -> str:
    """The absolute URL of a site path, under the origin the files are written for."""
    return SITE_ORIGIN + path


def direction(language: str) -> str:
    """``rtl`` for Arabic pages, ``ltr`` otherwise."""
    return "rtl" if language == "ar" else "ltr"


def charset_tag(encoding: str, http_equiv: bool = False) -> str:
    """``<meta charset>`` or the older ``http-equiv`` form some sites still use."""
    if http_equiv:
        return f'<meta http-equiv="Content-Type" content="text/html; charset={encoding}">'
    return f'<meta charset="{encoding}">'


def head(
    *,
    language: str,
    title: str,
    description: str,
    path: str,
    og_type: str,
    charset: str,
    extra_meta: Sequence[str] = (),
    jsonld: Mapping[str, Any] | None = None,
    image: str | None = None,
) -> str:
    """The ``<head>`` element: title with site suffix, OpenGraph, canonical, JSON-LD."""
    lines = [
        "<head>",
        charset,
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{text(title)} - {SITE_NAME}</title>",
        f'<meta name="description" content="{attr(description)}">',
        f'<link rel="canonical" href="{attr(url(path))}">',
        f'<meta property="og:site_name" content="{SITE_NAME}">',
        f'<meta property="og:type" content="{og_type}">',
        f'<meta property="og:title" content="{attr(title)}">',
        f'<meta property="og:url" content="{attr(url(path))}">',
        f'<meta property="og:description" content="{attr(description)}">',
    ]
    if image:
        lines.append(f'<meta property="og:image" content="{attr(url(image))}">')
    lines.extend(extra_meta)
    lines.append('<link rel="icon" href="/img/logo.svg" type="image/svg+xml">')
    lines.append(
        f'<link rel="alternate" type="application/rss+xml" title="{SITE_NAME}" href="/feed.xml">'
    )
    if jsonld is not None:
        body = json.dumps(jsonld, ensure_ascii=False, indent=1)
        lines.append(f'<script type="application/ld+json">{body}</script>')
    lines.append(f"<style>\n{CSS}\n</style>")
    lines.append(
        "<script>window.dataLayer=window.dataLayer||[];"
        "function track(){dataLayer.push(arguments);}track('pageview');</script>"
    )
    lines.append("</head>")
    return "\n".join(lines)


def _social_links(language: str) -> str:
    names = [
        f'<a class="social-{key}" href="https://www.{key}.com/demo.news" rel="noopener">'
        f"{ar if language == 'ar' else en}</a>"
        for key, ar, en in SOCIAL
    ]
    return " ".join(names)


def topbar(language: str) -> str:
    """The thin bar above the header: follow links and the language switch."""
    labels = LABELS[language]
    switch = "/en/section/world.html" if language == "ar" else "/"
    return (
        '<div class="topbar">'
        f'<span class="follow-label">{labels["follow"]}</span> {_social_links(language)}'
        f' | <a href="{switch}" class="lang-switch">{labels["english"]}</a>'
        "</div>"
    )


def site_header(language: str, ctx: SiteContext, current: str | None = None) -> str:
    """Logo, search box, main menu and the breaking-news ticker."""
    labels = LABELS[language]
    home = "/" if language == "ar" else "/en/section/world.html"
    items = [f'<li><a href="{home}">{labels["home"]}</a></li>']
    for name in ctx.sections[language]:
        css = ' class="active"' if name == current else ""
        items.append(
            f'<li{css}><a href="/{language}/section/{name}.html">'
            f"{SECTION_LABELS[language][name]}</a></li>"
        )
    ticker = "".join(f"<li>{text(line)}</li>" for line in ctx.ticker[language])
    return "\n".join(
        [
            '<header class="site-header">',
            f'<a class="logo" href="/"><img src="/img/logo.svg" alt="{SITE_NAME}" '
            'width="160" height="40"></a>',
            f'<form class="search" action="/" method="get"><input type="search" name="q" '
            f'placeholder="{labels["search"]}"><button type="submit">&#128269;</button></form>',
            f'<nav class="main-nav"><ul>{"".join(items)}</ul></nav>',
            "</header>",
            f'<div class="ticker"><span class="label">{labels["breaking"]}</span>'
            f"<ul>{ticker}</ul></div>",
        ]
    )


def ad_slot(language: str, name: str) -> str:
    """An empty ad slot with its label, as ad servers leave them in the HTML."""
    labels = LABELS[language]
    size = "300×250" if name in ("sidebar", "in-article") else "728×90"
    return (
        f'<div class="ad-slot ad-{name}" data-ad-unit="demo/{name}">'
        f'<span class="ad-label">{labels["ad"]}</span>'
        f'<div class="ad-placeholder">{labels["ad_space"]} {size}</div></div>'
    )


def share_bar(language: str, where: str) -> str:
    """Share buttons ("شارك") as rendered next to the headline and after the body."""
    labels = LABELS[language]
    buttons = " ".join(
        f'<button type="button" data-network="{key}">{ar if language == "ar" else en}</button>'
        for key, ar, en in SOCIAL[:3]
    )
    return (
        f'<div class="share-bar share-{where}"><span class="share-label">{labels["share"]}'
        f'</span> {buttons} <button type="button" data-network="copy">'
        f"{labels['copy_link']}</button></div>"
    )


def sidebar(language: str, ctx: SiteContext) -> str:
    """Ad, most-read box, follow box and newsletter sign-up."""
    labels = LABELS[language]
    most_read = "".join(
        f'<li><a href="{path}">{text(ctx.by_path[path].title)}</a></li>'
        for path in ctx.most_read[language]
    )
    return "\n".join(
        [
            '<aside class="sidebar">',
            ad_slot(language, "sidebar"),
            f'<section class="most-read"><h2>{labels["most_read"]}</h2><ol>{most_read}</ol>'
            "</section>",
            f'<section class="follow"><h2>{labels["follow"]}</h2>{_social_links(language)}'
            "</section>",
            f'<section class="newsletter"><p>{labels["newsletter"]}</p>'
            '<form action="/" method="get"><input type="email" name="email">'
            f'<button type="submit">{labels["subscribe"]}</button></form></section>',
            "</aside>",
        ]
    )


def footer(language: str, ctx: SiteContext) -> str:
    """Footer with section links, corporate links and the copyright line."""
    labels = LABELS[language]
    sections = " ".join(
        f'<a href="/{language}/section/{name}.html">{SECTION_LABELS[language][name]}</a>'
        for name in ctx.sections[language]
    )
    corporate = " ".join(
        f'<a href="#{key}">{labels[key]}</a>'
        for key in ("about", "contact", "privacy", "terms", "advertise")
    )
    return (
        '<footer class="site-footer">'
        f'<nav class="footer-sections">{sections}</nav>'
        f'<nav class="footer-links">{corporate}</nav>'
        f'<p class="follow-footer">{labels["follow"]} {_social_links(language)}</p>'
        f'<p class="copyright">{labels["rights"]}</p>'
        "</footer>"
    )


def page(language: str, head_html: str, body_parts: Sequence[str]) -> str:
    """Assemble a whole HTML document."""
    body = "\n".join(body_parts)
    return (
        f'<!DOCTYPE html>\n<html lang="{language}" dir="{direction(language)}">\n'
        f"{head_html}\n<body>\n{body}\n</body>\n</html>\n"
    )
