"""TextIndex kept up to date after removals equals one built anew on the changed tree.

The cleaning chain measures a page once, before the site hints, and brings that index up to
date after the hints removed elements (:meth:`TextIndex.refresh`) instead of measuring the
whole page again; the rules after it must see exactly what a new index would show. After
the structural cuts, :meth:`TextIndex.keep_attached` stops listing what is out of the page
while keeping every measurement.
"""

from __future__ import annotations

import lxml.html
from lxml.html import HtmlElement

from pipelines.cleaning.dom import TextIndex

PAGE = """<html><body>
<div id="top" class="ticker" style="color:red"><a href="/x">Breaking: markets fall</a></div>
<main><article class="story">
<h1>Headline of the story</h1>
<p>First paragraph of the article, long enough to count as prose for the index.<span
 class="ad">Ad text</span> tail after the ad that stays with the paragraph.</p>
<aside class="newsletter"><p>Sign up for our newsletter <a href="/nl">here</a></p>
<div class="inner">Inner box</div></aside>
trailing text after the aside
<p>Second paragraph of the article, also long enough to count as prose for the index.</p>
<!-- a comment -->
</article></main>
<footer><a href="/about">About us</a> <a name="anchor">target</a></footer>
</body></html>"""


def _state(index: TextIndex) -> dict[str, object]:
    """Everything the rules read from an index, by element position."""
    pos = index.order
    return {
        "ordered": [el.tag for el in index.ordered],
        "order": sorted(pos.values()),
        "size": [index.size[el] for el in index.ordered],
        "links": [index.links[el] for el in index.ordered],
        "span": [index.span[el] for el in index.ordered],
        "by_tag": {tag: [pos[el] for el in els] for tag, els in index.by_tag.items()},
        "short": [pos[el] for el in index.short],
        "classed": [pos[el] for el in index.classed],
        "names": [index.names[el] for el in index.classed],
        "styled": [pos[el] for el in index.styled],
        "prose": (
            index.prose_between(-1, len(index.ordered)),
            index.prose_within(index.ordered[0]),
        ),
        "tables": (len(index.size), len(index.links), len(index.span), len(index.names)),
    }


def _page() -> HtmlElement:
    return lxml.html.document_fromstring(PAGE)


def test_refresh_equals_a_new_index_after_removals() -> None:
    root = _page()
    index = TextIndex(root)
    paragraph = index.tagged("p")[0]
    before = index.size[paragraph]
    assert index.text(paragraph).endswith("tail after the ad that stays with the paragraph.")
    # The ad inside a paragraph (its tail stays), a whole box, and an element inside that
    # box after the box went (a nested match of a second selector).
    inner = root.cssselect("div.inner")[0]
    index.remove(root.cssselect("span.ad")[0])
    index.remove(root.cssselect("aside.newsletter")[0])
    assert inner.getparent() is not None  # still in the removed box, not in the page
    index.remove(inner)
    assert index.refresh() is True
    # The ad's tail joined the paragraph's text: its leading space now counts.
    assert index.size[paragraph] == before - len("Ad text") + 1
    assert index.text(paragraph).endswith(
        "for the index. tail after the ad that stays with the paragraph."
    )
    assert _state(index) == _state(TextIndex(root))


def test_refresh_without_removals_changes_nothing() -> None:
    root = _page()
    index = TextIndex(root)
    state = _state(index)
    assert index.refresh() is False
    assert _state(index) == state == _state(TextIndex(root))


def test_removed_link_box_updates_link_counts_up_the_tree() -> None:
    root = _page()
    index = TextIndex(root)
    body = root.find("body")
    ticker = root.get_element_by_id("top")
    links_before, size_before = index.links[body], index.size[body]
    index.remove(ticker)
    index.refresh()
    removed = len("Breaking: markets fall")
    assert (index.size[body], index.links[body]) == (size_before - removed, links_before - removed)
    assert ticker not in index.order
    assert ticker not in index.names
    assert all(el is not ticker for el in index.styled)


def test_keep_attached_lists_only_elements_in_the_page() -> None:
    root = _page()
    index = TextIndex(root)
    aside = root.cssselect("aside.newsletter")[0]
    inner = root.cssselect("div.inner")[0]
    body = root.find("body")
    sizes = dict(index.size)
    positions = dict(index.order)
    prose = index.prose_within(body)
    aside.getparent().remove(aside)  # as a rule's cut does: the index is not told
    index.keep_attached(root)
    gone = {aside, inner, *aside.iter()}
    for listed in (index.short, index.classed, index.styled, *index.by_tag.values()):
        assert not gone & set(listed)
    assert [el.get("class") for el in index.classed] == ["ticker", "story", "ad"]
    assert index.tagged("aside") == []
    assert len(index.tagged("p")) == 2
    # Measurements stay those of the page as indexed.
    assert (index.size, index.order, index.prose_within(body)) == (sizes, positions, prose)
