"""Where bylines and date lines sit: the header zone around the headline.

Article templates put the byline and the date line between the headline and the first
paragraph of the body, or just above the headline in the same container. Looking only
there keeps the site-wide date in the page header, comment dates, related-article
dates and the byline of an appended second article out of the metadata.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import lxml.html
from lxml import etree

#: Containers whose dates and names are never the article's.
_EXCLUDED_TAGS = frozenset(
    {
        "figcaption",
        "figure",
        "aside",
        "nav",
        "footer",
        "form",
        "button",
        "script",
        "style",
        "noscript",
        "template",
        "select",
        "option",
        "textarea",
    }
)
_EXCLUDED_CLASS = re.compile(
    r"comment|caption|related|sidebar|widget|popular|most-?read|most-?view|trending|ticker|"
    r"breaking|newsletter|share(?!d)|social|promo|advert|\bads?\b|\bad[-_]|[-_]ads?\b|adslot|"
    r"cookie|consent|bio\b|"
    r"recommend|read-?more|more-?from|next-?post|infinite",
    re.IGNORECASE,
)
#: A paragraph this long is a standfirst or body text.
_BODY_TEXT = 100
#: The header zone ends at this many long blocks (a standfirst, then the body).
_BODY_BLOCKS = 2
#: Elements looked at after the headline at most.
_MAX_AFTER = 250
#: Levels above the headline searched for a date or byline placed before it.
_LEVELS_BEFORE = 3
#: Elements looked at before the headline at most.
_MAX_BEFORE = 60
#: A preceding block with more text than this is not part of the article's header.
_MAX_BEFORE_BLOCK = 1000
#: Longest text of an element before the headline that can be a byline or date line.
_MAX_BEFORE_TEXT = 200


@dataclass
class HeaderZone:
    """Elements that may hold the byline and the date line.

    ``after``: elements after the headline in document order, up to the second long
    block (a standfirst may come before the date line); ``after[:lead_end]`` are those
    before the first long block, where any short element may be a date line or byline.
    ``before``: elements before the headline in its nearest containers, nearest first.
    """

    after: list[lxml.html.HtmlElement] = field(default_factory=list)
    before: list[lxml.html.HtmlElement] = field(default_factory=list)
    lead_end: int = 0


def class_string(element: lxml.html.HtmlElement) -> str:
    """``class``, ``id`` and ``itemprop`` of an element, for matching by name."""
    return " ".join(value for key in ("class", "id", "itemprop") if (value := element.get(key)))


class _Exclusions:
    """Whether an element sits in a container that never holds the article's metadata.

    Answers are remembered per element, so every ancestor is examined once.
    """

    def __init__(self, stop: set[lxml.html.HtmlElement]) -> None:
        self._stop = stop
        self._known: dict[lxml.html.HtmlElement, bool] = {}

    def __call__(self, element: lxml.html.HtmlElement) -> bool:
        path: list[lxml.html.HtmlElement] = []
        current: lxml.html.HtmlElement | None = element
        answer = False
        while current is not None and current not in self._stop:
            known = self._known.get(current)
            if known is not None:
                answer = known
                break
            path.append(current)
            names = class_string(current)
            if current.tag in _EXCLUDED_TAGS or (names and _EXCLUDED_CLASS.search(names)):
                answer = True
                break
            current = current.getparent()
        for visited in path:
            self._known[visited] = answer
        return answer


def _is_body_text(element: lxml.html.HtmlElement) -> bool:
    if element.tag == "p":
        return len(" ".join(element.text_content().split())) >= _BODY_TEXT
    own = (element.text or "").strip()
    return len(own) >= _BODY_TEXT


def header_zone(tree: lxml.html.HtmlElement, headline: lxml.html.HtmlElement | None) -> HeaderZone:
    """The header zone of the article whose headline is ``headline``.

    Without a visible headline the zone starts at the first ``<article>`` or ``<main>``.
    """
    anchor = headline
    if anchor is None:
        anchor = next(tree.iter("article", "main"), None)
    if anchor is None:
        return HeaderZone()
    stop = {anchor, *anchor.iterancestors()}
    excluded = _Exclusions(stop)
    zone = HeaderZone()
    following = _following(anchor) if anchor is headline else _descendants(anchor)
    blocks = 0
    for count, element in enumerate(following):
        if count >= _MAX_AFTER or element.tag == "h1":
            break
        if _is_body_text(element):
            # A standfirst may stand between the headline and the date line: the zone
            # goes on past the first long block, up to the start of the body proper.
            blocks += 1
            if blocks == 1:
                zone.lead_end = len(zone.after)
            if blocks >= _BODY_BLOCKS:
                break
            continue
        if not excluded(element):
            zone.after.append(element)
    if blocks == 0:
        zone.lead_end = len(zone.after)
    if headline is not None:
        zone.before = _preceding(headline, excluded)
    return zone


def _descendants(anchor: lxml.html.HtmlElement) -> Iterator[lxml.html.HtmlElement]:
    yield from anchor.iterdescendants(tag=etree.Element)


def _following(anchor: lxml.html.HtmlElement) -> Iterator[lxml.html.HtmlElement]:
    """Elements after ``anchor`` and its subtree, in document order, lazily."""
    node: lxml.html.HtmlElement | None = anchor
    while node is not None:
        sibling = node.getnext()
        while sibling is not None:
            yield from sibling.iter(tag=etree.Element)
            sibling = sibling.getnext()
        node = node.getparent()


def _preceding(
    headline: lxml.html.HtmlElement, excluded: _Exclusions
) -> list[lxml.html.HtmlElement]:
    """Short elements before the headline inside its nearest containers, nearest first."""
    found: list[lxml.html.HtmlElement] = []
    seen = 0
    current = headline
    for _ in range(_LEVELS_BEFORE):
        sibling = current.getprevious()
        while sibling is not None and seen < _MAX_BEFORE:
            if not isinstance(sibling.tag, str):
                sibling = sibling.getprevious()
                continue
            if len(sibling.text_content()) > _MAX_BEFORE_BLOCK:
                break  # a menu or a whole teaser block: the header zone ends here
            for element in reversed(list(sibling.iter(tag=etree.Element))):
                seen += 1
                text = element.text_content()
                if text.strip() and len(text) <= _MAX_BEFORE_TEXT and not excluded(element):
                    found.append(element)
            sibling = sibling.getprevious()
        parent = current.getparent()
        if parent is None or parent.tag in {"body", "html"} or seen >= _MAX_BEFORE:
            break
        current = parent
    return found
