"""Small lxml helpers shared by the DOM rules: text sizes, class tokens, safe removal.

The rules look at many elements; computing ``text_content()`` for each would be quadratic on
big pages. :class:`TextIndex` measures text and link-text length of every element in one pass
(children before parents) and numbers elements in document order, so the rules can ask
"how much prose lies between these two elements" in constant time.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator

from lxml import etree
from lxml.html import HtmlElement

#: Elements that never hold article text for the rules' purposes.
CHROME_TAGS = frozenset({"nav", "header", "footer", "aside", "form"})
HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_TOKEN_SPLIT = re.compile(r"[\s_\-]+|(?<=[a-z])(?=[A-Z])")
_SPACE = re.compile(r"\s+")


def is_element(node: object) -> bool:
    """``True`` for real elements (not comments or processing instructions)."""
    return isinstance(node, etree.ElementBase) and isinstance(node.tag, str)


def elements(root: HtmlElement) -> Iterator[HtmlElement]:
    """Every element under ``root`` (inclusive) in document order, skipping comments."""
    for el in root.iter():
        if isinstance(el.tag, str):
            yield el


def tokens(el: HtmlElement) -> set[str]:
    """Lower-cased tokens of the element's class and id ("newsStory infinite-item" → 4)."""
    raw = f"{el.get('class', '')} {el.get('id', '')}"
    return {t.lower() for t in _TOKEN_SPLIT.split(raw) if t}


def text_of(el: HtmlElement) -> str:
    """The element's text with whitespace collapsed."""
    return _SPACE.sub(" ", el.text_content()).strip()


def remove(el: HtmlElement) -> None:
    """Remove ``el`` but keep its tail text in the document."""
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail
    if tail and tail.strip():
        previous = el.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)


def cut_from(el: HtmlElement) -> None:
    """Remove ``el`` and everything after it in document order."""
    node: HtmlElement | None = el
    while node is not None and node.getparent() is not None:
        parent = node.getparent()
        for sibling in list(node.itersiblings()):
            parent.remove(sibling)
        node.tail = None
        node = parent
    if el.getparent() is not None:
        el.getparent().remove(el)


def inside(el: HtmlElement, tags: frozenset[str]) -> bool:
    """``True`` when ``el`` or an ancestor has one of ``tags``."""
    node: HtmlElement | None = el
    while node is not None:
        if node.tag in tags:
            return True
        node = node.getparent()
    return False


class TextIndex:
    """Text sizes and document positions of every element, measured once.

    ``size[el]``: characters of text under ``el`` (whitespace runs count as one).
    ``links[el]``: of those, characters inside ``<a>`` elements.
    ``order[el]``: position in document order.
    ``prose``: positions and sizes of paragraphs (``p`` with at least ``PROSE_MIN`` characters
    outside links), for "how much article text lies between two points".
    """

    PROSE_MIN = 60

    def __init__(self, root: HtmlElement) -> None:
        self.size: dict[HtmlElement, int] = {}
        self.links: dict[HtmlElement, int] = {}
        self.order: dict[HtmlElement, int] = {}
        ordered = list(elements(root))
        for position, el in enumerate(ordered):
            self.order[el] = position
        self.span: dict[HtmlElement, int] = {}
        for el in reversed(ordered):
            size = _measure(el.text)
            links = 0
            span = 0
            for child in el:
                size += _measure(child.tail)
                if isinstance(child.tag, str):
                    size += self.size[child]
                    links += self.links[child]
                    span += self.span[child] + 1
            self.size[el] = size
            self.links[el] = size if el.tag == "a" else links
            self.span[el] = span
        self._prose_pos: list[int] = []
        self._prose_cum: list[int] = [0]
        for el in ordered:
            if el.tag == "p":
                plain = self.size[el] - self.links[el]
                if plain >= self.PROSE_MIN:
                    self._prose_pos.append(self.order[el])
                    self._prose_cum.append(self._prose_cum[-1] + plain)

    def plain(self, el: HtmlElement) -> int:
        """Characters of text under ``el`` outside links."""
        return self.size.get(el, 0) - self.links.get(el, 0)

    def link_ratio(self, el: HtmlElement) -> float:
        """Share of ``el``'s text inside links (0 for an empty element)."""
        size = self.size.get(el, 0)
        return self.links.get(el, 0) / size if size else 0.0

    def prose_between(self, start: int, end: int) -> int:
        """Characters of paragraph text in document positions ``start < pos < end``."""
        lo = bisect_right(self._prose_pos, start)
        hi = bisect_left(self._prose_pos, end)
        return self._prose_cum[hi] - self._prose_cum[lo] if hi > lo else 0

    def prose_within(self, el: HtmlElement) -> int:
        """Characters of paragraph text inside ``el`` (by document positions)."""
        start = self.order.get(el)
        if start is None:
            return 0
        return self.prose_between(start - 1, start + self.span[el] + 1)


def _measure(text: str | None) -> int:
    if not text:
        return 0
    return len(_SPACE.sub(" ", text).strip())
