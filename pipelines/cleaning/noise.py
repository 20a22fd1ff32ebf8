"""Noise removal on the parsed page, before trafilatura sees it.

General rules, by what a block *says* (phrase categories in ``phrases/``) and how it is
*built* (links only, a form, a media wrapper), never by a site's class names:

- hidden and screen-reader-only elements, media figures with their captions and credits;
- skip-link ranges ("تخطى البودكاست وواصل القراءة" … "نهاية البودكاست");
- video and embed wrappers with only a title and a source line around them;
- labelled boxes: "read also", related, most read, newsletter, share/follow, comments —
  the label and the link list or form that belongs to it;
- in-body "read also" lines (label + headline link) and headline-only link lists;
- ad labels. (Disclaimers and sign-up prompts are judged per paragraph in :mod:`.textnoise`.)

The tag list and appended articles have their own modules (:mod:`.tags`, :mod:`.appended`).
"""

from __future__ import annotations

import logging
import re
from collections import Counter

from lxml.html import HtmlElement

from pipelines.cleaning.dom import (
    HEADINGS,
    TextIndex,
    remove,
    tokens,
)
from pipelines.cleaning.phrases import PhraseBook, label_key

logger = logging.getLogger(__name__)

#: Labels of boxes that are noise together with the links or form that follow them.
BOX_CATEGORIES = ("read_also", "related", "most_read", "newsletter", "share_follow", "next_article")
#: Label categories that mark a line to drop on their own.
LINE_CATEGORIES = ("ad_label", "caption_credit", "skip_marker", "share_follow", "comments")
#: Longest text (characters) an element may have to count as a label.
LABEL_MAX = 60
#: Longest "label + headline" line (characters) that is dropped as a read-also line.
READ_ALSO_LINE_MAX = 240
#: Largest hidden element (characters) that is removed.
HIDDEN_MAX = 200
#: Largest box (characters) removed between a skip link and its target.
SKIP_RANGE_MAX = 2000
#: Largest prose (characters) in a teaser box removed with its headline link.
TEASER_PROSE_MAX = 200
#: Longest text of a headline-only link paragraph.
HEADLINE_MAX = 200

_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_SR_CLASSES = (
    "sr-only",
    "sr_only",
    "visually-hidden",
    "visuallyhidden",
    "screen-reader",
    "offscreen",
)
_SR_NAMES = re.compile("|".join(_SR_CLASSES))
_SOCIAL_EMBEDS = re.compile(
    "twitter-tweet|twitter-timeline|instagram-media|tiktok-embed|fb-post|reddit-embed|"
    "telegram-post|bluesky-embed|threads-post"
)
_RELATED_NAMES = re.compile("related|most-?read|popular|taboola|outbrain|revcontent|mgid")
_RELATED_TOKENS = frozenset({"related", "mostread", "relatedposts", "relatedarticles"})
_RELATED_EXACT = re.compile(
    "related-(?:articles|posts|news|stories|content|links)|inline-related|most-?read|"
    "taboola|outbrain|revcontent|mgid"
)
_CAPTION_NAMES = re.compile("caption|credit|copyright")
_CAPTION_TOKENS = frozenset(
    {"caption", "figcaption", "credit", "credits", "copyright", "photocredit", "imagecredit"}
)
_MEDIA_TAGS = frozenset({"img", "picture", "video", "iframe", "svg", "audio", "embed", "object"})
_KEEP_IN_FIGURE = frozenset({"table", "blockquote", "pre", "code", "ul", "ol"})
_EMBED_TAGS = frozenset({"iframe", "video", "embed", "object", "audio"})
_LABEL_TAGS = frozenset(
    {
        "p",
        "span",
        "strong",
        "b",
        "em",
        "i",
        "div",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "li",
        "a",
        "label",
        "button",
        "small",
        "td",
        "dt",
        "header",
        "section",
        "aside",
    }
)
_INLINE_TAGS = frozenset({"a", "span", "strong", "b", "em", "i", "small"})
#: Plain text around a label that makes it part of a sentence.
INLINE_CONTEXT = 40
_FORM_TAGS = frozenset({"input", "button", "textarea", "select", "form"})


def _is_hidden(el: HtmlElement) -> bool:
    """``True`` for what a reader never sees: ``hidden``, ``display:none``, screen-reader text."""
    if el.get("hidden") is not None:
        return True
    style = el.get("style")
    if style and _HIDDEN_STYLE.search(style):
        return True
    classes = (el.get("class") or "").lower()
    return bool(classes) and any(name in classes for name in _SR_CLASSES)


def remove_hidden(index: TextIndex, removed: Counter[str]) -> None:
    """Drop small hidden and screen-reader-only elements ("صدر الصورة، ", "Image source, ").

    Large hidden blocks stay: paywalled article text is often served hidden.
    """
    for el in index.styled + index.named(_SR_NAMES):
        if index.size.get(el, 0) > HIDDEN_MAX or not _is_hidden(el) or index.prose_within(el):
            continue
        if el.getparent() is not None and el.tag not in {"html", "body"}:
            remove(el)
            removed["hidden"] += 1


def remove_figures(index: TextIndex, removed: Counter[str]) -> None:
    """Drop media figures with their captions and credits, and caption/credit elements."""
    doomed: list[HtmlElement] = []
    for el in index.tagged("figure", "figcaption") + index.named(_CAPTION_NAMES):
        if el.tag == "figure":
            descendants = {d.tag for d in el.iterdescendants()}
            if descendants & _KEEP_IN_FIGURE or not descendants & _MEDIA_TAGS:
                # A table or quote in a figure is text; only its caption goes.
                doomed.extend(d for d in el.iterdescendants() if d.tag == "figcaption")
                continue
            doomed.append(el)
        elif el.tag == "figcaption" or (
            _CAPTION_TOKENS & tokens(el)
            and index.prose_within(el) < 300
            and el.tag not in {"body", "html"}
        ):
            doomed.append(el)
    for el in doomed:
        if el.getparent() is not None:
            remove(el)
            removed["caption"] += 1


def remove_skip_ranges(index: TextIndex, book: PhraseBook, removed: Counter[str]) -> None:
    """Drop promo boxes fenced by a skip link and its target ("Skip … / End of …")."""
    targets: dict[str, HtmlElement] | None = None
    for link in index.tagged("a"):
        href = link.get("href") or ""
        if not href.startswith("#") or len(href) < 2 or link.getparent() is None:
            continue
        if not 0 < index.size[link] <= LABEL_MAX:
            continue
        if targets is None:
            targets = {el.get("id"): el for el in index.classed if el.get("id")}
        target = targets.get(href[1:])
        if target is None:
            continue
        if not book.contains(index.text(link), ("skip_marker",)):
            continue
        common = link.getparent()
        ancestors = set(target.iterancestors())
        while common is not None and common not in ancestors:
            common = common.getparent()
        small = common is not None and index.size.get(common, 0) <= SKIP_RANGE_MAX
        if (
            small
            and common.tag not in {"body", "html", "main", "article"}
            and index.prose_within(common) < 300
        ):
            remove(common)
        else:
            # "Skip to content" and the like: only the link and an end marker go.
            remove(link)
            if (
                target.getparent() is not None
                and index.size.get(target, 0) <= LABEL_MAX
                and book.contains(index.text(target), ("skip_marker",))
            ):
                remove(target)
        removed["skip_range"] += 1


def remove_embeds(index: TextIndex, removed: Counter[str]) -> None:
    """Drop social-media embeds, and video/embed wrappers with their short title and source."""
    for post in index.named(_SOCIAL_EMBEDS):
        if post.getparent() is not None and post.tag in {"blockquote", "div", "figure", "section"}:
            remove(post)
            removed["embed/social"] += 1
    for embed in index.tagged(*_EMBED_TAGS):
        if embed.getparent() is None:
            continue
        box = embed
        parent = box.getparent()
        while (
            parent is not None
            and parent.tag not in {"body", "html", "main", "article"}
            and index.prose_within(parent) == 0
            and index.size.get(parent, 0) <= 300
        ):
            box = parent
            parent = box.getparent()
        if box is not embed:
            remove(box)
            removed["embed"] += 1


def _label_elements(index: TextIndex) -> list[HtmlElement]:
    """Short elements that could be a label, innermost first within each block."""
    found = []
    for el in index.short:
        if el.tag in _LABEL_TAGS and index.size[el] <= LABEL_MAX:
            parent = el.getparent()
            # Prefer the outermost short element whose text is the same label.
            if (
                parent is not None
                and parent.tag in _LABEL_TAGS
                and index.size.get(parent, 0) == index.size[el]
            ):
                continue
            found.append(el)
    return found


def _box_of(label: HtmlElement, index: TextIndex) -> HtmlElement:
    """The box a label heads: climb while the parent adds nothing but links or a form."""
    box = label
    parent = box.getparent()
    while parent is not None and parent.tag not in {"body", "html", "main"}:
        extra_plain = index.plain(parent) - index.plain(box)
        has_form = any(d.tag in _FORM_TAGS for d in parent.iterdescendants())
        if extra_plain > (200 if has_form else 40) or index.prose_within(
            parent
        ) > index.prose_within(box) + (200 if has_form else 0):
            break
        if parent.tag == "article" and index.prose_within(parent) > 0:
            break
        box = parent
        parent = box.getparent()
    return box


def _drop_following_links(label: HtmlElement, index: TextIndex) -> int:
    """Remove the link-only siblings right after a label (the headlines it introduces)."""
    count = 0
    sibling = label.getnext()
    while sibling is not None:
        nxt = sibling.getnext()
        size = index.size.get(sibling, 0)
        if size == 0 and not any(d.tag in _MEDIA_TAGS for d in sibling.iter()):
            sibling = nxt
            continue
        if size and index.link_ratio(sibling) >= 0.8 and index.plain(sibling) <= 40:
            remove(sibling)
            count += 1
            sibling = nxt
            continue
        break
    return count


def _inline(el: HtmlElement, index: TextIndex) -> bool:
    """A label inside a sentence ("… newsletter. <a>Sign up here.</a>"): the text rules judge
    the whole paragraph instead."""
    parent = el.getparent()
    return (
        el.tag in _INLINE_TAGS
        and parent is not None
        and parent.tag in {"p", "li"}
        and index.plain(parent) - index.plain(el) > INLINE_CONTEXT
    )


def remove_labelled_boxes(index: TextIndex, book: PhraseBook, removed: Counter[str]) -> None:
    """Drop boxes headed by a noise label, and lines that are only a noise label."""
    for el in _label_elements(index):
        if el.getparent() is None or el.tag in {"body", "html"}:
            continue
        text = index.text(el)
        category = book.label(text, BOX_CATEGORIES + LINE_CATEGORIES + ("comments", "most_read"))
        if category is None or _inline(el, index):
            continue
        if category in BOX_CATEGORIES or category == "most_read":
            box = _box_of(el, index)
            if box is el:
                _drop_following_links(el, index)
            if box.getparent() is not None:
                remove(box)
                removed[f"box/{category}"] += 1
            continue
        if category == "comments":
            box = _box_of(el, index)
            if box.getparent() is not None:
                remove(box)
                removed["box/comments"] += 1
            continue
        remove(el)
        removed[f"label/{category}"] += 1


def remove_read_also_lines(index: TextIndex, book: PhraseBook, removed: Counter[str]) -> None:
    """Drop "اقرأ أيضاً: <headline>" lines: a read-also/related label followed by a link."""
    for el in index.short:
        if (
            el.tag not in {"p", "div", "li", "span", "section", "aside", "dd", "blockquote"}
            or el.getparent() is None
        ):
            continue
        size = index.size.get(el, 0)
        if not size or size > READ_ALSO_LINE_MAX or index.links.get(el, 0) == 0:
            continue
        parent = el.getparent()
        if parent is not None and parent.tag == el.tag and index.size.get(parent, 0) == size:
            continue
        if book.prefix(index.text(el), ("read_also", "related", "next_article")):
            remove(el)
            removed["line/read_also"] += 1


def remove_headline_links(
    index: TextIndex, removed: Counter[str], title: str | None = None
) -> None:
    """Drop paragraphs and lists that are only headline links (related stories in the body)."""
    title_key = label_key(title) if title else ""
    for el in index.tagged("ul", "ol", "p", "h2", "h3", "h4", "h5", "h6"):
        if el.getparent() is None:
            continue
        if el.tag in {"ul", "ol"}:
            items = [li for li in el if isinstance(li.tag, str) and li.tag == "li"]
            if (
                len(items) >= 2
                and all(
                    index.size.get(li, 0)
                    and index.link_ratio(li) >= 0.9
                    and len(index.text(li).split()) >= 3
                    for li in items
                )
                and index.size.get(el, 0) <= HEADLINE_MAX * len(items)
            ):
                remove(el)
                removed["headline_list"] += 1
        elif el.tag in HEADINGS and el.tag != "h1":
            if not index.size.get(el, 0) or index.link_ratio(el) < 0.9:
                continue
            if any((a.get("href") or "").startswith("#") for a in el.iter("a")):
                continue
            if title_key and label_key(index.text(el)) == title_key:
                continue  # the article's own headline, linked to itself
            box = el.getparent()
            if (
                box is not None
                and box.tag not in {"body", "main", "html"}
                and index.prose_within(box) <= TEASER_PROSE_MAX
                and index.size.get(box, 0) <= HEADLINE_MAX * 2
                and not any(True for _ in box.iter("h1"))
            ):
                remove(box)
            else:
                remove(el)
            removed["headline_heading"] += 1
        elif el.tag == "p":
            size = index.size.get(el, 0)
            if (
                0 < size <= HEADLINE_MAX
                and index.link_ratio(el) >= 0.95
                and len(index.text(el).split()) >= 3
            ):
                remove(el)
                removed["headline_line"] += 1


def remove_related_containers(index: TextIndex, removed: Counter[str]) -> None:
    """Drop containers whose class or id names them related / most-read stories.

    The same job as a trafilatura ``prune_xpath``, done on the class names the index already
    holds (an XPath over every element costs more than the rest of this pass), and only for
    containers without article prose, in case a template names its body "related".
    """
    for el in index.named(_RELATED_NAMES):
        if el.getparent() is None or el.tag in {"body", "html", "main", "article"}:
            continue
        if not _RELATED_TOKENS & tokens(el) and not _RELATED_EXACT.search(index.names[el]):
            continue
        if index.prose_within(el) < 400 or index.link_ratio(el) >= 0.5:
            remove(el)
            removed["related_container"] += 1


def remove_chrome(index: TextIndex, removed: Counter[str]) -> None:
    """Drop navigation, footers and link-heavy headers and asides that hold no article prose.

    Forms are left alone (some sites wrap the whole page in one), and so is a header or aside
    of plain text (an article header with its lead, a fact box).
    """
    for el in index.tagged("nav", "header", "footer", "aside"):
        if el.getparent() is None or index.prose_within(el) >= 400:
            continue
        if el.tag in {"header", "aside"} and index.link_ratio(el) < 0.5:
            continue
        if el.tag == "header" and any(d.tag == "h1" for d in el.iterdescendants()):
            continue
        remove(el)
        removed[f"chrome/{el.tag}"] += 1
