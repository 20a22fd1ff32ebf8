"""Run trafilatura once on the pre-cleaned tree and read its result as blocks.

trafilatura returns its result tree (``<p>``, ``<head>``, ``<list><item>``, ``<quote>``,
``<table>``); reading that tree directly keeps paragraph and heading boundaries without
serializing to XML and parsing again. Each block is one paragraph of the final text.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Literal

import trafilatura
from lxml import etree
from lxml.html import HtmlElement

from pipelines.cleaning import stoplist

logger = logging.getLogger(__name__)

# Once per process (in the fork server, before the workers are forked): see the module.
stoplist.install()

BlockKind = Literal["p", "head", "item", "quote", "cell"]


@dataclass
class Block:
    """One paragraph of extracted text: its kind and its text (whitespace collapsed)."""

    kind: BlockKind
    text: str


def _text(el: etree._Element) -> str:
    """Text of a result element; ``<lb/>`` becomes a line break, other whitespace collapses."""
    parts: list[str] = []

    def walk(node: etree._Element) -> None:
        if node.text:
            parts.append(node.text)
        for child in node:
            if child.tag == "lb":
                parts.append("\n")
            else:
                walk(child)
            if child.tail:
                parts.append(child.tail)

    walk(el)
    lines = "".join(parts).split("\n")
    return "\n".join(" ".join(line.split()) for line in lines if line.strip())


def _loose(text: str | None) -> list[Block]:
    """Text that sits directly in the result body, outside any element (a paragraph too)."""
    if not text or not text.strip():
        return []
    return [Block("p", " ".join(line.split())) for line in text.split("\n") if line.strip()]


def _blocks(body: etree._Element) -> list[Block]:
    blocks: list[Block] = _loose(body.text)
    for child in body:
        blocks.extend(_child_blocks(child))
        blocks.extend(_loose(child.tail))
    return blocks


def _child_blocks(child: etree._Element) -> list[Block]:
    """The blocks of one element of the result body (a list gives one block per item)."""
    tag = child.tag
    if tag in {"graphic", "img"}:
        return []
    if tag == "list":
        return [
            Block("item", line)
            for item in child.iter("item")
            for line in _text(item).split("\n")
            if line
        ]
    if tag == "table":
        rows = (
            " | ".join(_text(c).replace("\n", " ") for c in row if c.tag == "cell" and _text(c))
            for row in child.iter("row")
        )
        return [Block("cell", line) for line in rows if line]
    kind: BlockKind = "head" if tag == "head" else "quote" if tag == "quote" else "p"
    return [Block(kind, line) for line in _text(child).split("\n") if line]


#: Below this many characters of text the fast extraction is checked by the full one.
FULL_RETRY_CHARS = 2000


def run_trafilatura(
    tree: HtmlElement, url: str | None, prune_xpath: list[str] | None = None
) -> list[Block]:
    """Extract the main text of ``tree`` as blocks (``[]`` when trafilatura finds nothing).

    Why two passes: trafilatura's full mode also runs readability and jusText and keeps the
    best of three, which costs about a third of the whole cleaning chain on a 100 KB page
    and changes nothing on a page whose noise the DOM rules already removed. So the fast
    mode goes first, and the full mode only when the fast one found little text (under
    :data:`FULL_RETRY_CHARS`), where the other algorithms can rescue an article; the longer
    result wins. trafilatura copies the tree it is given, so both passes see the same one.
    """
    blocks = _extract(tree, url, prune_xpath, fast=True)
    if _chars(blocks) < FULL_RETRY_CHARS:
        full = _extract(tree, url, prune_xpath, fast=False)
        if _chars(full) > _chars(blocks):
            return full
    return blocks


def _chars(blocks: list[Block]) -> int:
    return sum(len(block.text) for block in blocks)


def _extract(
    tree: HtmlElement, url: str | None, prune_xpath: list[str] | None, *, fast: bool
) -> list[Block]:
    try:
        document = trafilatura.bare_extraction(
            tree,
            url=url,
            include_comments=False,
            include_tables=True,
            include_images=False,
            include_links=False,
            with_metadata=False,
            prune_xpath=prune_xpath,
            fast=fast,
        )
    except (ValueError, TypeError, etree.XPathError):
        logger.debug("trafilatura failed on %s", url, exc_info=True)
        return []
    if document is None or isinstance(document, dict):
        return []
    body = getattr(document, "body", None)
    if body is None:
        return []
    return _blocks(body)
