"""Is this page a news article? Page-structure signals and the text-based verdict.

:func:`page_signals` reads the parsed page (before noise removal) for what makes a page a
non-article: teasers (section, tag and index pages), video players, image galleries; once the
text is extracted, :func:`structural_reason` decides with it (a listing's text is teaser text,
a video page has little text). :func:`judge` gives the verdict on a cleaned article: it keeps a
reason already set and adds the text-based ones (no text, too short, an error page).

Reasons (used in stats keys ``newscrawl/quality/dropped/<reason>``): ``index_page``,
``tag_page``, ``video_only``, ``gallery``, ``error_page``, ``empty_text``, ``too_short``,
``garbled_text``, and ``empty_page`` (nothing to parse).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from lxml.html import HtmlElement

from pipelines.cleaning.dom import CHROME_TAGS, TextIndex, inside
from pipelines.cleaning.model import CleanArticle
from pipelines.cleaning.normalize import fold

#: Teasers (headings that are a link) on a page before it may be a listing.
MIN_TEASERS = 5
#: Paragraphs of prose outside teasers an article has at least.
MIN_BODY_PARAGRAPHS = 2
BODY_PARAGRAPH_CHARS = 120
#: Shortest article text, in characters (see :func:`text_weight` for CJK text).
MIN_TEXT_CHARS = 250
#: Mean characters per word above which a text is not language but garbage.
MAX_MEAN_WORD = 20
#: Text below which a video/gallery page is a video/gallery rather than an article.
MEDIA_TEXT_CHARS = 400

_LISTING_TYPES = frozenset(
    {"collectionpage", "itemlist", "searchresultspage", "profilepage", "website"}
)
_TAG_PATH = re.compile(r"/(?:tags?|topics?|keywords?|hashtags?)(?:/|$)", re.IGNORECASE)
_SECTION_PATH = re.compile(
    r"/(?:section|sections|category|categories|categorie|rubrique|ressort|archive|author|authors|search)(?:/|$)",
    re.IGNORECASE,
)
_VIDEO_HOSTS = re.compile(
    r"youtube\.com|youtu\.be|vimeo\.com|dailymotion\.com|facebook\.com/plugins/video|jwplayer|brightcove",
    re.IGNORECASE,
)
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


@dataclass(frozen=True)
class PageMarkup:
    """What the page's markup says about its kind (read before scripts are stripped)."""

    json_ld_types: frozenset[str]
    og_type: str


def page_markup(root: HtmlElement) -> PageMarkup:
    """JSON-LD ``@type`` values (lower case) and ``og:type`` of the page."""
    return PageMarkup(frozenset(_json_ld_types(root)), _og_type(root))


def _og_type(root: HtmlElement) -> str:
    for meta in root.iter("meta"):
        if (meta.get("property") or meta.get("name") or "").lower() == "og:type":
            return (meta.get("content") or "").strip().lower()
    return ""


#: Largest prose (characters) a teaser box holds; a heading-link over more is an article title.
TEASER_PROSE_MAX = 400
#: Words of a list item's link that make it a teaser headline.
TEASER_LINK_WORDS = 4
#: Share of a list teaser's text in links (a list article's items are mostly plain text).
TEASER_LINK_SHARE = 0.5
#: Share of the extracted text found inside teasers that makes a listing.
TEASER_SHARE = 0.6
_SPACE = re.compile(r"\s+")


@dataclass
class PageSignals:
    """Structure of the page before cleaning, for the verdict once the text is known."""

    teasers: int = 0
    body_paragraphs: int = 0
    teaser_text: str = ""
    listing_markup: bool = False
    media: str | None = None
    tag_path: bool = False
    section_path: bool = False


def _teasers(index: TextIndex) -> tuple[int, int, str]:
    """Teaser boxes (small boxes headed by a link-only heading), prose paragraphs outside
    them, and the teasers' text."""
    boxes: set[HtmlElement] = set()
    for heading in index.tagged("h2", "h3", "h4"):
        if (
            not index.size.get(heading, 0)
            or index.link_ratio(heading) < 0.9
            or inside(heading, CHROME_TAGS)
        ):
            continue
        parent = heading.getparent()
        if parent is not None and index.prose_within(parent) <= TEASER_PROSE_MAX:
            boxes.add(parent)
    for item in index.tagged("li"):
        # A list teaser: a headline link of a few words, maybe an excerpt or a picture.
        if (
            item in boxes
            or index.prose_within(item) > TEASER_PROSE_MAX
            or inside(item, CHROME_TAGS)
        ):
            continue
        if index.link_ratio(item) >= TEASER_LINK_SHARE and any(
            len(index.text(a).split()) >= TEASER_LINK_WORDS for a in item.iter("a")
        ):
            boxes.add(item)
    body = 0
    for p in index.tagged("p"):
        if index.plain(p) < BODY_PARAGRAPH_CHARS or inside(p, CHROME_TAGS):
            continue
        if any(a in boxes for a in p.iterancestors()):
            continue
        body += 1
    teaser_text = "\n".join(_SPACE.sub(" ", b.text_content()).strip() for b in boxes)
    return len(boxes), body, teaser_text


def page_signals(index: TextIndex, url: str, markup: PageMarkup) -> PageSignals:
    """Read the page's structure (call before any noise removal)."""
    teasers, body_paragraphs, teaser_text = _teasers(index)
    types = markup.json_ld_types
    article_types = {t for t in types if t.endswith("article") or t in {"blogposting", "report"}}
    path = unquote(urlsplit(url).path)
    signals = PageSignals(
        teasers=teasers,
        body_paragraphs=body_paragraphs,
        teaser_text=teaser_text,
        listing_markup=(bool(types & _LISTING_TYPES) and not article_types)
        or markup.og_type == "website",
        tag_path=bool(_TAG_PATH.search(path)),
        section_path=bool(_SECTION_PATH.search(path)),
    )
    videos = [
        e
        for e in index.tagged("video", "iframe")
        if e.tag == "video" or _VIDEO_HOSTS.search(e.get("src") or "")
    ]
    video_markup = markup.og_type.startswith("video") or (
        "videoobject" in types and not article_types
    )
    if videos or video_markup:
        signals.media = "video_only"
    elif (
        len([i for i in index.tagged("img") if not inside(i, CHROME_TAGS)]) >= 6
        or "imagegallery" in types
    ):
        signals.media = "gallery"
    return signals


def structural_reason(signals: PageSignals, text: str) -> str | None:
    """A non-article reason from the page's structure and its extracted text, or ``None``.

    A listing needs teasers, few paragraphs outside them, and an extracted text that is short
    or mostly teaser text; a video or gallery page needs a short text.
    """
    listing = signals.body_paragraphs < MIN_BODY_PARAGRAPHS and (
        signals.teasers >= MIN_TEASERS
        or (
            signals.teasers >= 2
            and (signals.listing_markup or signals.tag_path or signals.section_path)
        )
    )
    if listing:
        lines = [_SPACE.sub(" ", line).strip() for line in text.split("\n")]
        total = sum(len(line) for line in lines)
        in_teasers = sum(len(line) for line in lines if line and line in signals.teaser_text)
        if text_weight(text) < MEDIA_TEXT_CHARS or in_teasers >= TEASER_SHARE * total:
            return "tag_page" if signals.tag_path else "index_page"
    if signals.media and text_weight(text) < MEDIA_TEXT_CHARS:
        return signals.media
    return None


_CJK = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")


#: Scripts written without spaces between words: CJK, Thai, Lao, Tibetan, Myanmar, Khmer.
_UNSPACED = re.compile(
    "[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
    "\u0e00-\u0eff\u0f00-\u0fff\u1000-\u109f\u1780-\u17ff]"
)


def text_weight(text: str) -> int:
    """Length of ``text`` in Latin-script characters: a CJK character counts three."""
    return len(text) + 2 * len(_CJK.findall(text))


def is_garbled(text: str) -> bool:
    """``True`` for text that is not language: binary decoded as text, a run without spaces.

    Words in any spaced script average well under 20 characters; scripts written without
    spaces (CJK) are measured by their characters instead.
    """
    words = text.split()
    unspaced = len(_UNSPACED.findall(text))
    if unspaced > len(text) / 3:
        return False
    return not words or (len(text) - unspaced) / len(words) > MAX_MEAN_WORD


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
    if text_weight(text) < MIN_TEXT_CHARS:
        return False, "too_short"
    if is_garbled(text):
        return False, "garbled_text"
    return True, None
