"""The remembered ancestor test (:class:`Inside`) answers as the plain walk does."""

from __future__ import annotations

import lxml.html
from lxml import etree

from pipelines.cleaning.dom import CHROME_TAGS, Inside, inside

PAGE = """<html><body>
<header><h1>Site</h1><nav><ul><li><a href="/">Home</a></li></ul></nav></header>
<main><article><h1>Headline</h1><p>Body <b>text</b></p>
<aside><div><p>Box <a href="/r">related</a></p></div></aside>
<footer><span>Article footer</span></footer></article>
<div><form><p>Search <input name="q"></p></form></div></main>
<footer><div><p>Site footer</p></div></footer>
</body></html>"""


def test_inside_matches_the_plain_walk_in_any_order() -> None:
    root = lxml.html.document_fromstring(PAGE)
    elements = list(root.iter(etree.Element))
    for tags in (CHROME_TAGS, CHROME_TAGS - {"header"}, frozenset({"p"})):
        for order in (elements, elements[::-1], elements[1::2] + elements[::2]):
            remembered = Inside(tags)
            assert [remembered(el) for el in order] == [inside(el, tags) for el in order]


def test_inside_answers_for_chrome_but_header() -> None:
    root = lxml.html.document_fromstring(PAGE)
    elements = list(root.iter(etree.Element))
    in_chrome = Inside(CHROME_TAGS - {"header"})
    assert [in_chrome(el) for el in elements if el.tag in {"h1", "span", "b"}] == [
        False,  # the site name in the page header (a header may hold the headline)
        False,  # the headline
        False,  # bold text in the body
        True,  # the article's footer
    ]
    assert [in_chrome(el) for el in elements if el.tag == "p"] == [
        False,  # the body paragraph
        True,  # in the aside
        True,  # in the form
        True,  # in the site footer
    ]
