"""The appended-article search's remembered chrome test answers as the plain walk does."""

from __future__ import annotations

import lxml.html
from lxml import etree

from pipelines.cleaning.appended import _inside_chrome
from pipelines.cleaning.dom import CHROME_TAGS, inside

PAGE = """<html><body>
<header><h1>Site</h1><nav><ul><li><a href="/">Home</a></li></ul></nav></header>
<main><article><h1>Headline</h1><p>Body <b>text</b></p>
<aside><div><p>Box <a href="/r">related</a></p></div></aside>
<footer><span>Article footer</span></footer></article>
<div><form><p>Search <input name="q"></p></form></div></main>
<footer><div><p>Site footer</p></div></footer>
</body></html>"""


def test_inside_chrome_matches_inside_in_any_order() -> None:
    root = lxml.html.document_fromstring(PAGE)
    elements = list(root.iter(etree.Element))
    for order in (elements, elements[::-1], elements[1::2] + elements[::2]):
        known: dict[lxml.html.HtmlElement, bool] = {}
        answers = [_inside_chrome(el, known) for el in order]
        assert answers == [inside(el, CHROME_TAGS - {"header"}) for el in order]
    assert [_inside_chrome(el, {}) for el in elements if el.tag in {"h1", "span", "b"}] == [
        False,  # the site name in the page header (a header may hold the headline)
        False,  # the headline
        False,  # bold text in the body
        True,  # the article's footer
    ]
    assert [_inside_chrome(el, {}) for el in elements if el.tag == "p"] == [
        False,  # the body paragraph
        True,  # in the aside
        True,  # in the form
        True,  # in the site footer
    ]
