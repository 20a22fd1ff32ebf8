"""The cleaning chain: page bytes in, one :class:`CleanArticle` out.

Steps, in order (the crawl, ``scrapy extract`` and the benchmarks all run exactly this):

1. decode the bytes (BOM, HTTP charset, ``<meta>``, detection) — :mod:`.decode`;
2. parse once with lxml;
3. metadata on the untouched tree — :mod:`.metadata`;
4. page verdict from the structure (listing, video, gallery) — :mod:`.verdict`;
5. site hints (``noise_css`` removed, ``body_css`` as the only body);
6. the visible tag list becomes ``tags`` — :mod:`.tags`;
7. cut an appended second article — :mod:`.appended`;
8. noise rules on the tree — :mod:`.noise`;
9. trafilatura, once, on the cleaned tree (zero-width joiners protected) — :mod:`.extract`;
10. noise rules on the paragraphs — :mod:`.textnoise`;
11. language of the clean text, then the article verdict — :func:`detect_language`,
    :func:`judge`.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from typing import Any

import lxml.html
from lxml import etree
from lxml.html import HtmlElement

from pipelines.cleaning import zwnj
from pipelines.cleaning.appended import article_container, cut_appended, keep_only, main_heading
from pipelines.cleaning.decode import decode_page
from pipelines.cleaning.dom import TextIndex, text_of
from pipelines.cleaning.extract import run_trafilatura
from pipelines.cleaning.language import detect_language
from pipelines.cleaning.metadata import extract_metadata
from pipelines.cleaning.model import CleanArticle, PageInput, SiteHints
from pipelines.cleaning.noise import (
    remove_chrome,
    remove_embeds,
    remove_figures,
    remove_headline_links,
    remove_hidden,
    remove_labelled_boxes,
    remove_read_also_lines,
    remove_related_containers,
    remove_skip_ranges,
)
from pipelines.cleaning.phrases import phrase_book
from pipelines.cleaning.tags import find_tags
from pipelines.cleaning.textnoise import clean_blocks
from pipelines.cleaning.verdict import judge, page_markup, page_signals, structural_reason

__all__ = ["clean_page", "detect_language", "judge", "parse_html"]

logger = logging.getLogger(__name__)

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_INVISIBLE = ("head", "script", "style", "noscript", "template", "svg", "math", "canvas")
_METADATA_FIELDS = (
    "title",
    "published",
    "modified",
    "authors",
    "tags",
    "site_name",
    "section",
    "image",
    "canonical_url",
    "description",
)


def parse_html(text: str) -> HtmlElement | None:
    """Parse decoded page text into an lxml tree, or ``None`` for an empty/unparsable page."""
    text = _XML_DECLARATION.sub("", text, count=1)
    if _CONTROL.search(text):
        # NUL and other C0 controls (binary or broken pages) are not allowed in lxml text.
        text = _CONTROL.sub("", text)
    if not text.strip():
        return None
    try:
        return lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError):
        logger.debug("Unparsable page", exc_info=True)
        return None


def _metadata(root: HtmlElement, page: PageInput) -> dict[str, Any]:
    """The metadata extractor's fields as a dict, read from the untouched tree."""
    meta = extract_metadata(root, page.url, page.fetched_at, site_name_hint=page.hints.site_name)
    return {name: getattr(meta, name, None) for name in _METADATA_FIELDS}


def _apply_hints(
    root: HtmlElement, index: TextIndex, hints: SiteHints, removed: Counter[str]
) -> TextIndex:
    """Remove the seed's ``noise_css`` elements, keep only its ``body_css`` element.

    Returns the index of the tree as it now is: ``index`` brought up to date when only
    ``noise_css`` elements went (cheap: only their ancestors are measured again), a new one
    when ``body_css`` rebuilt the body.
    """
    for selector in hints.noise_css:
        for el in root.cssselect(selector):
            if el.getparent() is not None:
                index.remove(el)
                removed["hint/noise_css"] += 1
    if hints.body_css:
        matches = root.cssselect(hints.body_css)
        body = root.find("body")
        if matches and body is not None:
            chosen = matches[0]
            chosen.getparent().remove(chosen)
            chosen.tail = None
            for child in list(body):
                body.remove(child)
            body.text = None
            body.append(chosen)
            removed["hint/body_css"] += 1
            return TextIndex(root)
    index.refresh()
    return index


def _clean_tree(
    root: HtmlElement,
    index: TextIndex,
    page: PageInput,
    removed: Counter[str],
    *,
    headline: HtmlElement | None,
    title: str | None,
) -> list[str]:
    """Run the DOM rules; returns the visible tags."""
    book = phrase_book()
    if page.hints.noise_css or page.hints.body_css:
        # The index was built before the hints so that page_signals saw the whole page.
        index = _apply_hints(root, index, page.hints, removed)
        if removed["hint/noise_css"] or removed["hint/body_css"]:
            headline = main_heading(root, title)
    head_pos = index.order.get(headline, -1) if headline is not None else -1
    tag_result = find_tags(root, index, book, after=head_pos)
    removed["tag_blocks"] += tag_result.blocks
    reason = cut_appended(index, book, headline)
    if reason:
        removed[f"appended/{reason}"] += 1
    container = article_container(index, headline)
    if container is not None:
        keep_only(container)
        removed["outside_article"] += 1
    remove_hidden(index, removed)
    remove_skip_ranges(index, book, removed)
    # The rules below only remove the element they look at, its box or its neighbours, so
    # elements already out of the page cannot change it: they stop looking at them. (A skip
    # link out of the page can still remove its live target, so that rule comes first.)
    index.keep_attached(root)
    remove_figures(index, removed)
    remove_embeds(index, removed)
    remove_labelled_boxes(index, book, removed)
    remove_read_also_lines(index, book, removed)
    remove_headline_links(index, removed, title)
    remove_related_containers(index, removed)
    remove_chrome(index, removed)
    return tag_result.tags


def clean_page(page: PageInput) -> CleanArticle:
    """Clean one fetched page into an article (or a non-article with a reason)."""
    text, _encoding = decode_page(page.body, page.encoding)
    root = parse_html(text)
    if root is None:
        return CleanArticle(url=page.url, is_article=False, reason="empty_page")
    meta = _metadata(root, page)
    markup = page_markup(root)
    # What no reader sees goes first (trafilatura drops it too): scripts, styles, the head.
    etree.strip_elements(root, *_INVISIBLE, with_tail=False)
    removed: Counter[str] = Counter()
    index = TextIndex(root)
    signals = page_signals(index, page.url, markup)
    headline = main_heading(root, meta.get("title"))
    headline_text = text_of(headline) if headline is not None else None
    title = meta.get("title") or headline_text
    tags = _clean_tree(root, index, page, removed, headline=headline, title=title)
    protected = zwnj.needs_protection(text)
    if protected:
        zwnj.protect(root)
    blocks = run_trafilatura(root, page.url)
    if protected:
        for block in blocks:
            block.text = zwnj.restore(block.text)
    blocks = clean_blocks(blocks, phrase_book(), title, removed)
    body = "\n".join(block.text for block in blocks)
    logger.debug("Cleaned %s: %s", page.url, dict(removed))
    article = CleanArticle(
        url=page.url,
        title=title,
        text=body,
        published=meta.get("published"),
        modified=meta.get("modified"),
        authors=list(meta.get("authors") or []),
        tags=tags or list(meta.get("tags") or []),
        site_name=meta.get("site_name") or page.hints.site_name,
        section=meta.get("section"),
        image=meta.get("image"),
        canonical_url=meta.get("canonical_url") or page.url,
        description=meta.get("description"),
    )
    article.reason = structural_reason(signals, body)
    article.is_article = article.reason is None
    sample = body or " ".join(filter(None, [title, article.description]))
    article.language, article.language_confidence = (
        detect_language(sample) if sample else (None, 0.0)
    )
    article.is_article, article.reason = judge(article)
    if not article.is_article:
        article.text = ""
    return article
