"""Read the machine-readable metadata of a page once: meta tags, links and JSON-LD.

Every other module of the extractor asks a :class:`PageSources` instead of walking the
tree again, which keeps the extractor to one pass over the ``<head>``-like elements.
"""

from __future__ import annotations

import html
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import lxml.html

logger = logging.getLogger(__name__)

#: JSON-LD ``@type`` values that describe the article itself (the generic rule below also
#: accepts any type ending in "Article").
_ARTICLE_TYPES = frozenset(
    {
        "blogposting",
        "liveblogposting",
        "socialmediaposting",
        "discussionforumposting",
        "report",
        "creativework",
    }
)
_PAGE_TYPES = frozenset({"webpage", "itempage", "aboutpage", "medicalwebpage"})
_ORG_TYPES = frozenset({"organization", "newsmediaorganization", "corporation", "website"})

#: How deep nested JSON-LD objects are searched for typed nodes.
_MAX_DEPTH = 6
#: Keys under which JSON-LD nests the nodes the extractor reads.
_NESTED_KEYS = ("@graph", "mainEntity", "mainEntityOfPage", "breadcrumb", "hasPart", "subjectOf")

JsonObject = dict[str, Any]


@dataclass
class PageSources:
    """The machine-readable metadata of one page.

    ``meta`` maps a lower-cased ``name``/``property``/``itemprop``/``http-equiv`` to the
    non-empty ``content`` values in page order. ``links`` maps a lower-cased ``rel`` token
    to the ``href`` values. ``jsonld`` holds every typed JSON-LD node, ``@graph`` members and
    nested nodes included, in document order; ``jsonld_top`` only the nodes that stand at
    the top of a block or in its ``@graph`` (not those an article merely mentions).
    """

    meta: dict[str, list[str]] = field(default_factory=dict)
    links: dict[str, list[str]] = field(default_factory=dict)
    jsonld: list[JsonObject] = field(default_factory=list)
    jsonld_top: list[JsonObject] = field(default_factory=list)
    _articles: list[JsonObject] | None = field(default=None, repr=False)

    def first_meta(self, *names: str) -> str | None:
        """The first non-empty value of the first of ``names`` present."""
        for name in names:
            values = self.meta.get(name)
            if values:
                return values[0]
        return None

    def all_meta(self, name: str) -> list[str]:
        """Every value of meta ``name``, in page order."""
        return list(self.meta.get(name, ()))

    def articles(self) -> list[JsonObject]:
        """JSON-LD nodes typed as an article, then as a web page, in that order."""
        if self._articles is None:
            articles = [node for node in self.jsonld if _is_article(node)]
            pages = [node for node in self.jsonld if _has_type(node, _PAGE_TYPES)]
            self._articles = articles + pages
        return self._articles

    def resolve(self, value: Any) -> Any:
        """A JSON-LD reference (``{"@id": …}`` without data) replaced by the node it names.

        WordPress SEO plugins write ``"author": {"@id": "…#/schema/person/1"}`` and put the
        person in the ``@graph``.
        """
        if isinstance(value, list):
            return [self.resolve(item) for item in value]
        if isinstance(value, dict) and "@id" in value and "name" not in value:
            target = value["@id"]
            for node in self.jsonld:
                if node is not value and node.get("@id") == target and "name" in node:
                    return node
        return value

    def organizations(self) -> list[JsonObject]:
        """Top-level JSON-LD nodes typed as an organization or web site."""
        return [node for node in self.jsonld_top if _has_type(node, _ORG_TYPES)]

    def nodes_of_type(self, type_name: str) -> list[JsonObject]:
        """JSON-LD nodes with ``@type`` ``type_name`` (case-insensitive)."""
        return [node for node in self.jsonld if _has_type(node, frozenset({type_name.lower()}))]


def node_types(node: JsonObject) -> set[str]:
    """The lower-cased ``@type`` values of a JSON-LD node."""
    raw = node.get("@type")
    if isinstance(raw, str):
        return {raw.lower()}
    if isinstance(raw, list):
        return {item.lower() for item in raw if isinstance(item, str)}
    return set()


def _has_type(node: JsonObject, wanted: frozenset[str]) -> bool:
    return bool(node_types(node) & wanted)


def _is_article(node: JsonObject) -> bool:
    types = node_types(node)
    return any(t.endswith("article") for t in types) or bool(types & _ARTICLE_TYPES)


def collect_sources(tree: lxml.html.HtmlElement) -> PageSources:
    """Collect the meta tags, link relations and JSON-LD nodes of ``tree``."""
    sources = PageSources()
    for element in tree.iter("meta", "link", "script"):
        tag = element.tag
        if tag == "meta":
            _add_meta(sources, element)
        elif tag == "link":
            href = (element.get("href") or "").strip()
            if href:
                for rel in (element.get("rel") or "").lower().split():
                    sources.links.setdefault(rel, []).append(href)
        elif (element.get("type") or "").strip().lower() == "application/ld+json":
            data = _parse_jsonld(element.text or "")
            sources.jsonld.extend(_typed_nodes(data, 0))
            sources.jsonld_top.extend(_top_nodes(data))
    return sources


def _add_meta(sources: PageSources, element: lxml.html.HtmlElement) -> None:
    content = element.get("content")
    if content is None:
        content = element.get("datetime")
    if content is None:
        return
    content = " ".join(content.split())
    if not content:
        return
    for attribute in ("property", "name", "itemprop", "http-equiv"):
        key = element.get(attribute)
        if key:
            for part in key.lower().split():
                sources.meta.setdefault(part, []).append(content)


def _parse_jsonld(text: str) -> Any:
    text = text.strip()
    if text.startswith("<!--"):
        text = text.removeprefix("<!--").removesuffix("-->").strip()
    if not text:
        return None
    try:
        data = json.loads(text, strict=False)
    except ValueError:
        # Trailing semicolons and doubled documents are the usual breakage.
        try:
            data = json.loads(text.rstrip(";"), strict=False)
        except ValueError:
            logger.debug("unparseable JSON-LD block of %s characters", len(text))
            return None
    return data


def _top_nodes(data: Any) -> list[JsonObject]:
    items = data if isinstance(data, list) else [data]
    nodes: list[JsonObject] = []
    for item in items:
        if not isinstance(item, dict):
            continue
        if "@type" in item:
            nodes.append(item)
        graph = item.get("@graph")
        if isinstance(graph, list):
            nodes.extend(node for node in graph if isinstance(node, dict) and "@type" in node)
    return nodes


def _typed_nodes(data: Any, depth: int) -> Iterator[JsonObject]:
    """Typed nodes of a JSON-LD document: top-level ones, ``@graph`` members, and the
    article or breadcrumb a page node points to. Lists of other things (live-blog
    updates, item lists) are not walked: they can hold thousands of nodes.
    """
    if depth > _MAX_DEPTH:
        return
    if isinstance(data, list):
        for item in data:
            yield from _typed_nodes(item, depth + 1)
    elif isinstance(data, dict):
        if "@type" in data:
            yield data
        for key in _NESTED_KEYS:
            value = data.get(key)
            if isinstance(value, list | dict):
                yield from _typed_nodes(value, depth + 1)


def jsonld_text(value: Any) -> str | None:
    """A JSON-LD value as one string: a string, the first string of a list, or a name."""
    if isinstance(value, str):
        value = " ".join(html.unescape(value).split())
        return value or None
    if isinstance(value, list):
        for item in value:
            text = jsonld_text(item)
            if text:
                return text
        return None
    if isinstance(value, dict):
        return jsonld_text(value.get("name") or value.get("@value"))
    return None


def jsonld_url(value: Any) -> str | None:
    """A URL from a JSON-LD value: a string, a list, or an object with ``url``/``@id``."""
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, list):
        for item in value:
            url = jsonld_url(item)
            if url:
                return url
        return None
    if isinstance(value, dict):
        return jsonld_url(value.get("url") or value.get("contentUrl") or value.get("@id"))
    return None
