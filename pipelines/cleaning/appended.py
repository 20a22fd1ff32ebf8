"""Find where an appended second article starts (infinite scroll, "read also" bodies) and cut.

A news page is about one article; anything that starts a *second* one is cut, with everything
after it, so only the first article reaches trafilatura. Signals, each needing real article
text before it (the first body) and a real body after it (two paragraphs or more), so an
in-body subheading or a related card never triggers a cut:

1. a second ``<h1>`` after the headline;
2. a second article container after the headline: an ``<article>`` element, an element
   whose class/id says "next"/"infinite", one carrying ``data-url``, or one with the same tag
   and class as the first article's container;
3. a repeated header block: the byline/date element that followed the headline (same tag and
   class) appears again, under a new heading;
4. a "next article" label ("الخبر التالي", "Next article") followed by a body.

A "read also" or "next" label right before the cut point goes with it.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from lxml.html import HtmlElement

from pipelines.cleaning.dom import (
    CHROME_TAGS,
    HEADINGS,
    Inside,
    TextIndex,
    cut_from,
    inside,
    text_of,
    tokens,
)
from pipelines.cleaning.phrases import PhraseBook, label_key

logger = logging.getLogger(__name__)

#: Paragraph text (characters) the first article must have before a cut point.
FIRST_BODY_MIN = 200
#: Paragraph text (characters) a second article must have to count as one.
SECOND_BODY_MIN = 200
#: Class/id tokens of containers that hold a next article ("next" needs a second token).
_CONTAINER_TOKENS = frozenset({"infinite", "nextarticle", "nextpost", "nextstory", "appended"})
_CONTAINER_NAMES = re.compile("next|infinite|append")
_NEXT_PARTNERS = frozenset({"article", "post", "story", "news", "item", "entry"})
#: Words a second article's headline has at least.
HEADLINE_MIN_WORDS = 4
#: Below this much first-article text, the first article must also be at least this share
#: of the candidate second one (a short lead before the real body is not an article).
FIRST_BODY_ENOUGH = 1000
FIRST_BODY_SHARE = 0.3
_LABEL_CATEGORIES = ("read_also", "related", "next_article")
#: Page chrome that holds neither the headline nor a second article (a header may).
_CHROME_NOT_HEADER = CHROME_TAGS - {"header"}


def _matches_title(text: str, title_key: str) -> bool:
    key = label_key(text)
    if not key or not title_key:
        return False
    shorter, longer = sorted((key, title_key), key=len)
    return len(shorter) >= 0.6 * len(longer) and shorter in longer


def main_heading(root: HtmlElement, title: str | None = None) -> HtmlElement | None:
    """The page's headline.

    The first ``<h1>`` (outside nav/aside/footer) whose text matches the page title (the
    metadata title, when known), else the first ``<h2>`` that does, else the first ``<h1>``:
    sites put their logo in an ``<h1>`` too.
    """
    h1s = [h for h in root.iter("h1") if text_of(h) and not inside(h, _CHROME_NOT_HEADER)]
    if title:
        title_key = label_key(title)
        for heading in h1s:
            if _matches_title(text_of(heading), title_key):
                return heading
        for heading in root.iter("h2"):
            if _matches_title(text_of(heading), title_key) and not inside(heading, CHROME_TAGS):
                return heading
    return h1s[0] if h1s else None


def _paragraphs_within(el: HtmlElement, index: TextIndex) -> int:
    return sum(1 for p in el.iter("p") if index.plain(p) >= TextIndex.PROSE_MIN)


def _is_article_like(el: HtmlElement, index: TextIndex) -> bool:
    """A real headline (h1-h3, four words or more) before any prose, then two paragraphs."""
    if index.prose_within(el) < SECOND_BODY_MIN or _paragraphs_within(el, index) < 2:
        return False
    start = index.order[el]
    for heading in el.iter("h1", "h2", "h3"):
        if len(index.text(heading).split()) < HEADLINE_MIN_WORDS:
            continue
        return index.prose_between(start - 1, index.order[heading]) == 0
    return False


def _container_start(
    el: HtmlElement, headline: HtmlElement | None, index: TextIndex
) -> HtmlElement:
    """Climb from a second headline to its article wrapper (not past the first article)."""
    node = el
    parent = node.getparent()
    while parent is not None and parent.tag not in {"body", "html"}:
        if headline is not None and (parent is headline or headline in parent.iterdescendants()):
            break
        if index.prose_between(index.order[parent] - 1, index.order[node]) > 0:
            break
        if (
            index.size.get(parent, 0) - index.size.get(node, 0) > 0
            and node.getprevious() is not None
        ):
            before = sum(index.size.get(s, 0) for s in node.itersiblings(preceding=True))
            if before > 120:
                break
        node = parent
        parent = node.getparent()
    return node


def _with_label(el: HtmlElement, index: TextIndex, book: PhraseBook) -> HtmlElement:
    """Include a "read also"/"next" label placed right before ``el``."""
    node = el
    while node is not None:
        previous = node.getprevious()
        while previous is not None and not index.size.get(previous, 0):
            previous = previous.getprevious()
        if previous is not None:
            if index.size.get(previous, 0) <= 60 and book.label(
                index.text(previous), _LABEL_CATEGORIES
            ):
                return previous
            return el
        parent = node.getparent()
        if parent is None or index.size.get(parent, 0) - index.size.get(node, 0) > 60:
            return el
        node = parent
    return el


def _header_signature(headline: HtmlElement, index: TextIndex) -> set[tuple[str, str]]:
    """Tag and class of the elements between the headline and the first paragraph."""
    signature: set[tuple[str, str]] = set()
    start = index.order[headline]
    for el in headline.itersiblings():
        if not isinstance(el.tag, str):
            continue
        if index.prose_within(el) > 0 or index.size.get(el, 0) > 200:
            break
        cls = el.get("class")
        if cls and el.tag not in HEADINGS and el.tag not in {"figure", "img", "picture"}:
            signature.add((el.tag, cls))
        if index.order[el] - start > 60:
            break
    return signature


def _is_container(el: HtmlElement) -> bool:
    if el.tag == "article" or el.get("data-url"):
        return True
    names = f"{el.get('class', '')} {el.get('id', '')}".lower()
    if not _CONTAINER_NAMES.search(names):
        return False
    found = tokens(el)
    return bool(found & _CONTAINER_TOKENS) or ("next" in found and bool(found & _NEXT_PARTNERS))


_CANDIDATE_TAGS = frozenset(
    {"h1", "article", "div", "p", "span", "h2", "h3", "h4", "strong", "b", "a", "section"}
)
_LABEL_TAGS = frozenset({"div", "p", "span", "h2", "h3", "h4", "strong", "b", "a"})


def _heading_before(el: HtmlElement, index: TextIndex) -> HtmlElement | None:
    """The heading right before ``el`` (only empty elements may sit between them)."""
    heading = el.getprevious()
    while heading is not None and heading.tag not in HEADINGS and not index.size.get(heading, 0):
        heading = heading.getprevious()
    return heading if heading is not None and heading.tag in HEADINGS else None


def _first_container(headline: HtmlElement, index: TextIndex) -> tuple[str, str] | None:
    """Tag and class of the first article's container: the headline's nearest classed
    ancestor that also holds body paragraphs."""
    for ancestor in headline.iterancestors():
        if ancestor.tag in {"body", "html"}:
            return None
        cls = ancestor.get("class")
        if cls and index.prose_within(ancestor) >= SECOND_BODY_MIN:
            return ancestor.tag, cls
    return None


@dataclass(frozen=True)
class _FirstArticle:
    """What the first article looks like: its headline, header block and container."""

    headline: HtmlElement
    signature: frozenset[tuple[str, str]]
    container: tuple[str, str] | None


def _second_h1(
    el: HtmlElement, headline: HtmlElement, index: TextIndex
) -> tuple[HtmlElement, str] | None:
    """A second ``<h1>`` that is not the headline nor a subheading inside the body."""
    if index.text(el) == text_of(headline):
        return None
    parent = el.getparent()
    if parent is not None and index.prose_between(index.order[parent], index.order[el]):
        return None  # an <h1> used as a subheading, after paragraphs of the same block
    return _container_start(el, headline, index), "second_h1"


def _signal(
    el: HtmlElement, first: _FirstArticle, index: TextIndex, book: PhraseBook
) -> tuple[HtmlElement, str] | None:
    """``(start, signal)`` when a second article starts at ``el``, else ``None``.

    The cheap index look-ups go first: most elements hold no prose of their own, so the
    container tests (class names, attributes) rarely need to run.
    """
    headline = first.headline
    if el.tag == "h1":
        return _second_h1(el, headline, index)
    if (
        index.prose_within(el) >= SECOND_BODY_MIN
        and (_is_container(el) or (el.tag, el.get("class")) == first.container)
        and _is_article_like(el, index)
    ):
        return el, "second_container"
    if first.signature and (el.tag, el.get("class") or "") in first.signature:
        heading = _heading_before(el, index)
        if heading is not None and index.link_ratio(heading) < 0.5:
            return _container_start(heading, headline, index), "repeated_header"
        return None
    if el.tag in _LABEL_TAGS and index.size.get(el, 0) <= 40:
        pos = index.order[el]
        if index.prose_between(pos, pos + 10_000) >= SECOND_BODY_MIN and book.label(
            index.text(el), ("next_article",)
        ):
            return el, "next_label"
    return None


def _first_article_is_enough(start: HtmlElement, head_pos: int, index: TextIndex) -> bool:
    """The text before the cut is a real first article next to the second one."""
    second = index.prose_within(start)
    first = index.prose_between(head_pos, index.order[start])
    return second >= SECOND_BODY_MIN and first >= min(FIRST_BODY_ENOUGH, FIRST_BODY_SHARE * second)


def find_cut(
    index: TextIndex, book: PhraseBook, headline: HtmlElement | None
) -> tuple[HtmlElement, str] | None:
    """Where the first appended article starts, and which signal found it; ``None`` if none.

    ``headline`` is the page's headline (:func:`main_heading`). Without one there is no
    telling a first article from a second: nothing is cut.
    """
    if headline is None or headline not in index.order:
        return None
    head_pos = index.order[headline]
    first = _FirstArticle(
        headline,
        frozenset(_header_signature(headline, index)),
        _first_container(headline, index),
    )
    # Paragraph text since the headline only grows with the position: once there is enough,
    # it need not be counted again.
    enough = False
    # The tree does not change while it is searched: remember the chrome test up the tree.
    in_chrome = Inside(_CHROME_NOT_HEADER)
    for pos in range(head_pos + 1, len(index.ordered)):
        el = index.ordered[pos]
        if el.tag not in _CANDIDATE_TAGS and not first.signature:
            continue
        if el.getparent() is None:
            continue
        if not enough:
            if index.prose_between(head_pos, pos) < FIRST_BODY_MIN:
                continue
            enough = True
        if in_chrome(el):
            continue
        found = _signal(el, first, index, book)
        if found is None:
            continue
        start, reason = found
        if reason != "next_label" and not _first_article_is_enough(start, head_pos, index):
            continue
        return _with_label(start, index, book), reason
    return None


#: Share of the page's paragraph text the article container must hold.
CONTAINER_PROSE_SHARE = 0.9
#: A run of text this long outside any paragraph is body text, not page furniture.
LONG_RUN = 150
#: Long runs outside, as a share of the paragraph text inside, that keep the whole page.
OUTSIDE_RUN_SHARE = 0.5


def article_container(index: TextIndex, headline: HtmlElement | None) -> HtmlElement | None:
    """The headline's nearest ancestor that holds nearly all paragraph text of the page.

    ``None`` when there is no headline, no paragraph text, or only ``<body>`` qualifies.
    """
    if headline is None or headline not in index.order:
        return None
    total = index.prose_within(index.ordered[0])
    if total < FIRST_BODY_MIN:
        return None
    for ancestor in headline.iterancestors():
        if ancestor.tag in {"body", "html"}:
            return None
        if index.prose_within(ancestor) >= CONTAINER_PROSE_SHARE * total:
            # Long runs of text outside, not in paragraphs (a body of <br> lines), keep it all.
            outside = _long_runs_outside(ancestor)
            limit = max(FIRST_BODY_MIN, OUTSIDE_RUN_SHARE * index.prose_within(ancestor))
            return None if outside >= limit else ancestor
    return None


def _long_runs_outside(container: HtmlElement) -> int:
    """Characters in long lines broken by ``<br>`` (a body without paragraphs) outside
    ``container``."""
    runs: list[str | None] = []
    node = container
    for ancestor in container.iterancestors():
        for sibling in ancestor:
            if sibling is not node:
                breaks = list(sibling.iter("br"))
                runs.extend(br.tail for br in breaks)
                runs.extend({id(b.getparent()): b.getparent().text for b in breaks}.values())
        node = ancestor
    lengths = (len(run.strip()) for run in runs if run)
    return sum(length for length in lengths if length >= LONG_RUN)


def keep_only(container: HtmlElement) -> None:
    """Remove everything outside ``container`` (its ancestors stay, holding only it)."""
    node = container
    parent = node.getparent()
    while parent is not None:
        for sibling in list(parent):
            if sibling is not node:
                parent.remove(sibling)
        parent.text = None
        node.tail = None
        node = parent
        parent = node.getparent()


def cut_appended(index: TextIndex, book: PhraseBook, headline: HtmlElement | None) -> str | None:
    """Cut the page at the first appended article; returns the signal that fired, or ``None``."""
    found = find_cut(index, book, headline)
    if found is None:
        return None
    start, reason = found
    logger.debug(
        "Cutting appended article (%s) at <%s class=%r>", reason, start.tag, start.get("class")
    )
    cut_from(start)
    return reason
