"""The article's visible tag list: found, turned into ``tags``, removed from the text.

A tag block is a short, link-dominated block after the headline that is either labelled
("كلمات دلالية:", "الوسوم", "Tags", "برچسب‌ها" …), or carries a tag/keyword/topic class
token, or is a related/topics box whose links all point to tag or topic pages. Its items are
the links, preferring ``rel="tag"`` links and then links to tag/topic URLs when the block
mixes in trending or navigation links. A block with no links ("كلمات مفتاحية: أ، ب") is
split on commas.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

from lxml.html import HtmlElement

from pipelines.cleaning.dom import TextIndex, remove, text_of, tokens
from pipelines.cleaning.phrases import PhraseBook

#: Class/id tokens of tag containers.
_TAG_TOKENS = frozenset(
    {"tags", "tag", "keywords", "keyword", "topics", "tagcloud", "taglist", "hashtags"}
)
_TAG_NAMES = re.compile("tag|keyword|topic")
#: URL path segments of tag and topic pages.
_TAG_PATH = re.compile(
    r"/(?:tags?|topics?|keywords?|hashtags?|etiquetas?|themen|schlagworte?|sujets?|motcle|mots-cles)(?:/|$|\?)",
    re.IGNORECASE,
)
_LABEL_END = re.compile(r"[:：]")
_SPLIT = re.compile(r"\s*[،,;|•·]\s*")
#: A tag is a short phrase, not a sentence.
TAG_MAX_CHARS = 60
TAG_MAX_WORDS = 8
#: Longest "label: tag, tag, tag" line without links.
LINE_MAX = 300
#: Longest text of a whole tag block.
BLOCK_MAX = 1200


@dataclass
class TagResult:
    """Tags found on the page and how many blocks were removed."""

    tags: list[str] = field(default_factory=list)
    blocks: int = 0


def _clean_tag(text: str) -> str | None:
    text = " ".join(text.split()).strip(" #،,;:|")
    if not text or len(text) > TAG_MAX_CHARS or len(text.split()) > TAG_MAX_WORDS:
        return None
    return text


def _has_colon(text: str) -> bool:
    """A label's colon near the start ("الوسوم: …", "Tags: …"): a cheap pre-check."""
    head = text[:40]
    return ":" in head or "：" in head


def _is_tag_href(href: str | None) -> bool:
    """``True`` for a link to a tag or topic page (the path segments are ASCII words)."""
    if not href:
        return False
    return bool(_TAG_PATH.search(href.split("?", 1)[0].split("#", 1)[0]))


def _only_tag_links(el: HtmlElement) -> bool:
    """``True`` when ``el`` has links and every one points to a tag or topic page (the first
    other link ends the look: in a menu or a teaser list it is the first one)."""
    found = False
    for a in el.iter("a"):
        if not _is_tag_href(a.get("href")):
            return False
        found = True
    return found


def _items(block: HtmlElement, label: HtmlElement | None, book: PhraseBook) -> list[str]:
    links = [
        a
        for a in block.iter("a")
        if label is None or (a is not label and label not in a.iterancestors())
    ]
    chosen = [a for a in links if "tag" in (a.get("rel") or "").lower().split()]
    if not chosen:
        chosen = [a for a in links if _is_tag_href(a.get("href"))]
    if not chosen:
        chosen = links
    if chosen:
        texts = [text_of(a) for a in chosen]
    else:
        text = text_of(block)
        if label is not None:
            text = text.replace(text_of(label), "", 1)
        else:
            text = _LABEL_END.split(text, maxsplit=1)[-1]
        texts = _SPLIT.split(text.strip(" :："))
    tags: list[str] = []
    for raw in texts:
        tag = _clean_tag(raw)
        if tag and tag not in tags and not book.label(tag, ("read_also", "related", "tags_label")):
            tags.append(tag)
    return tags


def _block_for_label(label: HtmlElement, index: TextIndex) -> HtmlElement:
    """Climb from a label while the parent adds only links (the tag items)."""
    box = label
    parent = box.getparent()
    while parent is not None and parent.tag not in {"body", "html", "main", "article"}:
        if index.size.get(parent, 0) > BLOCK_MAX or index.plain(parent) - index.plain(box) > 30:
            break
        box = parent
        parent = box.getparent()
    return box


def find_tags(root: HtmlElement, index: TextIndex, book: PhraseBook, after: int = -1) -> TagResult:
    """Find tag blocks after document position ``after``, collect their items, remove them.

    The first block that yields items gives the tags; every tag block found is removed.
    """
    result = TagResult()
    candidates: list[tuple[HtmlElement, HtmlElement | None]] = []
    # ``short`` is in document order: start right after position ``after``.
    first = bisect_right(index.short, after, key=index.order.__getitem__)
    for el in index.short[first:]:
        if el.tag in {"body", "html", "main", "article"}:
            continue
        size = index.size[el]
        if size > BLOCK_MAX:
            continue
        linked = index.link_ratio(el)
        if (
            size <= 40
            and linked < 0.5
            and el.tag not in {"a", "ul", "ol"}
            and book.label(index.text(el), ("tags_label",))
        ):
            block = _block_for_label(el, index)
            if block is el and el.getnext() is not None and index.link_ratio(el.getnext()) >= 0.7:
                block = (
                    el.getparent()
                    if el.getparent() is not None and index.size.get(el.getparent(), 0) <= BLOCK_MAX
                    else el
                )
            candidates.append((block, el))
        elif (
            (
                size <= LINE_MAX
                and el.tag in {"p", "div", "span", "li", "section", "dd"}
                and (linked >= 0.3 or _has_colon(index.text(el)))
                and not any(c.tag in {"p", "div", "li"} for c in el)
                and book.prefix(index.text(el), ("tags_label",))
            )
            or (
                el in index.names
                and _TAG_NAMES.search(index.names[el])
                and linked >= 0.7
                and el.tag not in {"a", "li"}
                and _TAG_TOKENS & tokens(el)
            )
            or (
                el.tag in {"section", "div", "aside", "nav", "ul"}
                and linked >= 0.6
                and _only_tag_links(el)
            )
        ):
            candidates.append((el, None))
    seen: set[HtmlElement] = set()
    for block, label in candidates:
        if (
            block in seen
            or block.getparent() is None
            or any(a in seen for a in block.iterancestors())
        ):
            continue
        items = _items(block, label, book)
        if label is None and not items:
            continue
        seen.add(block)
        if items and not result.tags:
            result.tags = items
        remove(block)
        result.blocks += 1
    return result
