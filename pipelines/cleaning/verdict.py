"""Is this page a news article? Page-structure signals and the text-based verdict.

:func:`page_verdict` looks at the parsed page (before noise removal) for what makes a page a
non-article: a listing of teasers (section, tag and index pages), a video-only or gallery page,
an error page served with status 200. :func:`judge` gives the verdict on a cleaned article:
it keeps a page-level reason, and adds the text-based ones (no text, too short, error text).

Reasons (used in stats keys ``newscrawl/quality/dropped/<reason>``): ``index_page``,
``tag_page``, ``video_only``, ``gallery``, ``error_page``, ``empty_text``, ``too_short``.
"""

from __future__ import annotations

import json
import re
from urllib.parse import unquote, urlsplit

from lxml.html import HtmlElement

from pipelines.cleaning.dom import CHROME_TAGS, TextIndex, inside, text_of
from pipelines.cleaning.model import CleanArticle
from pipelines.cleaning.normalize import fold

#: Teasers (headings that are a link) on a page before it may be a listing.
MIN_TEASERS = 5
#: Paragraphs of prose outside teasers an article has at least.
MIN_BODY_PARAGRAPHS = 2
BODY_PARAGRAPH_CHARS = 120
#: Shortest article text, in characters (scripts without spaces count the same).
MIN_TEXT_CHARS = 250
#: Text below which a video/gallery page is a video/gallery rather than an article.
MEDIA_TEXT_CHARS = 400

_LISTING_TYPES = frozenset({"collectionpage", "itemlist", "searchresultspage", "profilepage", "website"})
_TAG_PATH = re.compile(r"/(?:tags?|topics?|keywords?|hashtags?)(?:/|$)", re.IGNORECASE)
_SECTION_PATH = re.compile(r"/(?:section|sections|category|categories|categorie|rubrique|ressort|archive|author|authors|search)(?:/|$)", re.IGNORECASE)
_VIDEO_HOSTS = re.compile(r"youtube\.com|youtu\.be|vimeo\.com|dailymotion\.com|facebook\.com/plugins/video|jwplayer|brightcove", re.IGNORECASE)
_ERROR_TITLE = re.compile(
    r"\b404\b|not found|page not found|page introuvable|error 404|"
    r"الصفحة غير موجودة|الصفحه غير موجوده|الصفحة المطلوبة غير موجودة|الصفحه المطلوبه غير موجوده|"
    r"لم يتم العثور|صفحه پیدا نشد|صفحه مورد نظر یافت نشد|صفحہ نہیں ملا",
    re.IGNORECASE,
)


def _json_ld_types(root: HtmlElement) -> set[str]:
    types: set[str] = set()
    for script in root.iter("script"):
        if (script.get("type") or "").lower() != "application/ld+json" or not script.text:
            continue
        try:
            data = json.loads(script.text)
        except ValueError:
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                kind = item.get("@type")
                for k in kind if isinstance(kind, list) else [kind]:
                    if isinstance(k, str):
                        types.add(k.lower())
                stack.extend(v for key, v in item.items() if key == "@graph")
    return types


def _og_type(root: HtmlElement) -> str:
    for meta in root.iter("meta"):
        if (meta.get("property") or meta.get("name") or "").lower() == "og:type":
            return (meta.get("content") or "").strip().lower()
    return ""


def _teasers(root: HtmlElement, index: TextIndex) -> tuple[int, int]:
    """Count teasers (link-only headings) and prose paragraphs outside teaser boxes."""
    teaser_boxes: set[HtmlElement] = set()
    count = 0
    for heading in root.iter("h2", "h3", "h4"):
        if inside(heading, CHROME_TAGS) or not index.size.get(heading, 0):
            continue
        if index.link_ratio(heading) >= 0.9:
            count += 1
            parent = heading.getparent()
            if parent is not None:
                teaser_boxes.add(parent)
    body = 0
    for p in root.iter("p"):
        if index.plain(p) < BODY_PARAGRAPH_CHARS or inside(p, CHROME_TAGS):
            continue
        if any(a in teaser_boxes for a in p.iterancestors()):
            continue
        body += 1
    return count, body


def page_verdict(root: HtmlElement, index: TextIndex, url: str) -> str | None:
    """A non-article reason from the page's structure, or ``None`` when it may be an article."""
    teasers, body_paragraphs = _teasers(root, index)
    types = _json_ld_types(root)
    article_types = {t for t in types if t.endswith("article") or t in {"reportagenewsarticle", "blogposting"}}
    path = unquote(urlsplit(url).path)
    listing_markup = bool(types & _LISTING_TYPES) and not article_types or _og_type(root) == "website"
    if body_paragraphs < MIN_BODY_PARAGRAPHS and (teasers >= MIN_TEASERS or listing_markup and teasers >= 2):
        return "tag_page" if _TAG_PATH.search(path) else "index_page"
    if body_paragraphs == 0 and not article_types and (_TAG_PATH.search(path) or _SECTION_PATH.search(path)) and teasers >= 2:
        return "tag_page" if _TAG_PATH.search(path) else "index_page"
    prose = sum(index.plain(p) for p in root.iter("p") if not inside(p, CHROME_TAGS))
    if prose < MEDIA_TEXT_CHARS:
        og = _og_type(root)
        videos = [e for e in root.iter("video", "iframe") if e.tag == "video" or _VIDEO_HOSTS.search(e.get("src") or "")]
        if videos or og.startswith("video") or "videoobject" in types and not article_types:
            return "video_only"
        images = [i for i in root.iter("img") if not inside(i, CHROME_TAGS)]
        if len(images) >= 6 or "imagegallery" in types:
            return "gallery"
    return None


def is_error_title(title: str | None) -> bool:
    """``True`` when a title reads like an error page ("404", "الصفحة غير موجودة")."""
    return bool(title) and bool(_ERROR_TITLE.search(fold(title or "")))


def judge(article: CleanArticle) -> tuple[bool, str | None]:
    """``(is_article, reason)`` for a cleaned article; a reason already set is kept."""
    if not article.is_article or article.reason:
        return False, article.reason or "not_article"
    text = article.text.strip()
    if not text:
        return False, "empty_text"
    if is_error_title(article.title) and len(text) < 1500:
        return False, "error_page"
    if len(text) < MIN_TEXT_CHARS:
        return False, "too_short"
    return True, None
