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
    return root.iter(etree.Element)  # type: ignore[no-any-return]


def tokens(el: HtmlElement) -> set[str]:
    """Lower-cased tokens of the element's class and id ("newsStory infinite-item" → 4)."""
    raw = f"{el.get('class', '')} {el.get('id', '')}"
    return {t.lower() for t in _TOKEN_SPLIT.split(raw) if t}


def text_of(el: HtmlElement) -> str:
    """The element's text with whitespace collapsed.

    The same text as ``el.text_content()`` (every text node under ``el``, no comments), read
    through libxml2's text serialisation, which costs half as much as ``text_content()``'s
    XPath call on the small elements the rules read; an element without children has just
    its ``.text``.
    """
    if len(el):
        raw = etree.tostring(el, method="text", encoding="unicode", with_tail=False)
    else:
        raw = el.text or ""
    return " ".join(raw.split())


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


class Inside:
    """:func:`inside` for many elements of a tree that does not change meanwhile.

    Each answer is remembered for every element on the way up, so asking about every
    element of a page looks at each ancestor once instead of once per descendant.
    """

    def __init__(self, tags: frozenset[str]) -> None:
        self.tags = tags
        self._known: dict[HtmlElement, bool] = {}

    def __call__(self, el: HtmlElement) -> bool:
        """``True`` when ``el`` or an ancestor has one of the tags."""
        known, tags = self._known, self.tags
        path: list[HtmlElement] = []
        node: HtmlElement | None = el
        answer = False
        while node is not None:
            cached = known.get(node)
            if cached is not None:
                answer = cached
                break
            if node.tag in tags:
                answer = True
                break
            path.append(node)
            node = node.getparent()
        for visited in path:
            known[visited] = answer
        return answer


class TextIndex:
    """Text sizes and document positions of every element, measured once.

    ``size[el]``: characters of text under ``el`` (whitespace runs count as one).
    ``links[el]``: of those, characters inside links (``<a href>``).
    ``order[el]``: position in document order.
    ``prose``: positions and sizes of paragraphs (``p`` with at least ``PROSE_MIN`` characters
    outside links), for "how much article text lies between two points".

    Measuring reads every element through lxml, which costs about a millisecond on a 100 KB
    page; :meth:`remove` and :meth:`refresh` keep an index up to date after removals (the
    site hints) without measuring the whole page again.
    """

    PROSE_MIN = 60
    #: Elements up to this many characters are listed in ``short`` (label and line rules).
    SHORT_MAX = 1200

    def __init__(self, root: HtmlElement) -> None:
        # Comments and processing instructions hold no text; without them every child of an
        # element is an element, which keeps the loops below simple and fast.
        etree.strip_tags(root, etree.Comment, etree.ProcessingInstruction)
        ordered = list(elements(root))
        #: Every element in document order.
        self.ordered = ordered
        self.order: dict[HtmlElement, int] = {}
        self.size: dict[HtmlElement, int] = {}
        self.links: dict[HtmlElement, int] = {}
        self.span: dict[HtmlElement, int] = {}
        self._texts: dict[HtmlElement, str] = {}
        #: The elements of each tag name, in document order.
        self.by_tag: dict[str, list[HtmlElement]] = {}
        #: Elements with some text but at most ``SHORT_MAX`` characters, in document order.
        self.short: list[HtmlElement] = []
        #: Elements with a class or id attribute, in document order.
        self.classed: list[HtmlElement] = []
        #: Lower-cased "class id" of each element in ``classed``.
        self.names: dict[HtmlElement, str] = {}
        #: Elements with a ``hidden`` or ``style`` attribute.
        self.styled: list[HtmlElement] = []
        self._tag: dict[HtmlElement, str] = {}
        #: Elements removed through :meth:`remove` and their parents, until :meth:`refresh`.
        self._removed: list[tuple[HtmlElement, HtmlElement | None]] = []
        self._prose_pos: list[int] = []
        self._prose_cum: list[int] = [0]
        self._measure(ordered)
        self._attributes(ordered)
        self._catalogue()

    def _measure(self, ordered: list[HtmlElement]) -> None:
        """Text, link-text and descendant counts, and tag names, of ``ordered``.

        ``ordered`` is in document order and measured backwards, children before parents;
        children not in it must have been measured before.
        """
        size_of, links_of, span_of, tag_of = self.size, self.links, self.span, self._tag
        for el in reversed(ordered):
            text = el.text
            size = len(text.strip()) if text else 0
            links = 0
            span = 0
            for child in el:
                tail = child.tail
                if tail:
                    size += len(tail.strip())
                size += size_of[child]
                links += links_of[child]
                span += span_of[child] + 1
            tag = tag_of[el] = el.tag
            size_of[el] = size
            # An anchor without href ("<a name>", "<a id>") is a target, not a link.
            links_of[el] = size if tag == "a" and "href" in el.attrib else links
            span_of[el] = span

    def _attributes(self, ordered: list[HtmlElement]) -> None:
        """The elements with a class or id (and those names), and those with a style."""
        classed, names, styled = self.classed, self.names, self.styled
        for el in ordered:
            attrib = el.attrib
            if attrib:
                if "class" in attrib or "id" in attrib:
                    classed.append(el)
                    names[el] = f"{attrib.get('class', '')} {attrib.get('id', '')}".lower()
                if "style" in attrib or "hidden" in attrib:
                    styled.append(el)

    def remove(self, el: HtmlElement) -> None:
        """Remove ``el`` from the tree as :func:`remove` does, noting it for :meth:`refresh`."""
        self._removed.append((el, el.getparent()))
        remove(el)

    def refresh(self) -> bool:
        """Bring the index up to date after :meth:`remove` calls; ``True`` if any were made.

        The result is what ``TextIndex(root)`` would build on the tree as it now is (same
        positions, sizes, lists and an empty text cache), at a fraction of the cost: only the
        ancestors of removed elements are measured again (their own text may have gained a
        removed element's tail); everything else is reused.
        """
        self._texts = {}
        if not self._removed:
            return False
        dead: set[HtmlElement] = set()
        for el, _ in self._removed:
            dead.update(el.iter())
        order = self.order
        dirty: set[HtmlElement] = set()
        for _, parent in self._removed:
            # A parent inside an earlier removed subtree is gone too: nothing to measure.
            node = parent
            while node is not None and node in order and node not in dead and node not in dirty:
                dirty.add(node)
                node = node.getparent()
        self._removed = []
        self._measure(sorted(dirty, key=order.__getitem__))
        for table in (self.size, self.links, self.span, self._tag, self.names):
            for el in dead:
                table.pop(el, None)
        self.ordered = [el for el in self.ordered if el not in dead]
        self.classed = [el for el in self.classed if el not in dead]
        self.styled = [el for el in self.styled if el not in dead]
        self._catalogue()
        return True

    def keep_attached(self, root: HtmlElement) -> None:
        """List only elements still under ``root`` in ``short``, ``by_tag``, ``classed`` and
        ``styled``, the lists the rules walk.

        After the structural cuts (an appended article, everything outside the article
        container) most of a page's elements are out of the tree, and a rule that only ever
        removes the element it looks at (or its box, its neighbours) changes nothing by
        looking at them. Sizes, positions and prose stay as measured: the rules judge
        against the page as it was indexed.
        """
        attached = set(root.iter())
        self.short = [el for el in self.short if el in attached]
        self.classed = [el for el in self.classed if el in attached]
        self.styled = [el for el in self.styled if el in attached]
        self.by_tag = {
            tag: kept
            for tag, els in self.by_tag.items()
            if (kept := [el for el in els if el in attached])
        }

    def _catalogue(self) -> None:
        """Positions, the lists by tag and by size, and the prose paragraphs.

        Reads only what :meth:`_measure` stored, so :meth:`refresh` can run it again cheaply.
        """
        ordered = self.ordered
        self.order = {el: position for position, el in enumerate(ordered)}
        short_max, prose_min = self.SHORT_MAX, self.PROSE_MIN
        size_of, links_of, tag_of = self.size, self.links, self._tag
        by_tag: dict[str, list[HtmlElement]] = {}
        short: list[HtmlElement] = []
        prose_pos: list[int] = []
        prose_cum: list[int] = [0]
        for position, el in enumerate(ordered):
            tag = tag_of[el]
            if tag in by_tag:
                by_tag[tag].append(el)
            else:
                by_tag[tag] = [el]
            size = size_of[el]
            if 0 < size <= short_max:
                short.append(el)
            if tag == "p":
                plain = size - links_of[el]
                if plain >= prose_min:
                    prose_pos.append(position)
                    prose_cum.append(prose_cum[-1] + plain)
        self.by_tag, self.short = by_tag, short
        self._prose_pos, self._prose_cum = prose_pos, prose_cum

    def named(self, pattern: re.Pattern[str]) -> list[HtmlElement]:
        """Elements whose lower-cased class or id matches ``pattern`` (a cheap pre-filter)."""
        names = self.names
        return [el for el in self.classed if pattern.search(names[el])]

    def text(self, el: HtmlElement) -> str:
        """:func:`text_of` of ``el``, computed once (the tree only loses elements later)."""
        cached = self._texts.get(el)
        if cached is None:
            cached = self._texts[el] = text_of(el)
        return cached

    def tagged(self, *tags: str) -> list[HtmlElement]:
        """Elements with one of ``tags``, in document order within each tag."""
        if len(tags) == 1:
            return list(self.by_tag.get(tags[0], ()))
        found = [el for tag in tags for el in self.by_tag.get(tag, ())]
        found.sort(key=self.order.__getitem__)
        return found

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
