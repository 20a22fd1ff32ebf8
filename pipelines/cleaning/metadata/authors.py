"""Personal bylines: found in the header zone, JSON-LD and meta tags, then cleaned.

A byline is cleaned of its prefix ("كتب-", "بقلم", "By", "نویسنده،"), of a dateline
("بغداد: …"), split into names ("X و Y", "X and Y", commas), and every name that is an
agency, a desk or the site itself is dropped (lists in ``author_*.txt``). Organizations in
JSON-LD are never authors.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import lxml.html

from pipelines.cleaning.metadata.layout import HeaderZone, class_string
from pipelines.cleaning.metadata.lexicon import (
    author_prefix_pattern,
    author_role_pattern,
    non_person_keys,
    non_person_pattern,
    squash,
)
from pipelines.cleaning.metadata.sources import PageSources, node_types
from pipelines.cleaning.metadata.titles import element_text
from pipelines.cleaning.normalize import fold

_BYLINE_CLASS = re.compile(
    r"author|byline|by-line|writer|writeby|reporter|kateb|katib|journalist|contributor|"
    r"creator|signature|editor-name",
    re.IGNORECASE,
)
_AUTHOR_HREF = re.compile(
    r"/(?:authors?|writers?|kuttab|kateb|katib|journalists?|reporters?|people|staff|profile|"
    r"byline|contributors?|columnists?)(?:/|$|\?|-)|[?&]author=",
    re.IGNORECASE,
)
_SPLIT = re.compile(r"\s*(?:[,،;؛&/|]|\s(?:و|and|und|y|et|e|en|og|ve|и)\s)\s*", re.IGNORECASE)
_DATELINE = re.compile(r"^[^:：]{2,30}[:：]\s*(?P<rest>\S.*)$")
_EDGE = re.compile(r"^[\s:：،,\-–—|.(]+|[\s:：،,\-–—|.)]+$")
_NOT_NAME = re.compile(r"https?://|www\.|@|\d|[<>{}=#]")
#: A byline line longer than this is prose (an author bio), not a byline.
_MAX_BYLINE = 120
#: Names have one to six words.
_MAX_NAME_WORDS = 6
_MAX_NAME_CHARS = 60


def _strip_prefix(text: str) -> str:
    """``text`` without its byline prefixes ("كتب-", "By", "بقلم:"), repeatedly."""
    pattern = author_prefix_pattern()
    while True:
        folded = fold(text)
        match = pattern.match(folded)
        if not match or match.end() >= len(folded):
            return text
        text = _cut_folded_prefix(text, match.end())


def _cut_folded_prefix(text: str, folded_length: int) -> str:
    """Drop from ``text`` the characters that fold to its first ``folded_length`` folded ones."""
    for index in range(len(text) + 1):
        if len(fold(text[:index] + "x")) - 1 >= folded_length:
            return text[index:].strip()
    return ""


def _is_role_line(text: str) -> bool:
    return author_role_pattern().match(fold(text)) is not None


def is_person_name(name: str, site_names: Sequence[str]) -> bool:
    """Whether ``name`` can be a person: not an agency, desk or site, not a URL or a sentence."""
    if len(name) < 2 or len(name) > _MAX_NAME_CHARS or _NOT_NAME.search(name):
        return False
    if len(name.split()) > _MAX_NAME_WORDS:
        return False
    folded = fold(name)
    if non_person_pattern().search(folded):
        return False
    key = squash(name)
    if key in non_person_keys():
        return False
    for site in site_names:
        other = squash(site)
        if other and (key == other or (len(other) >= 3 and other in key)):
            return False
    return True


def clean_byline(text: str, site_names: Sequence[str] = ()) -> list[str]:
    """Personal names from one byline string ("كتب- إسلام مجدي:", "By A and B")."""
    text = " ".join(text.split())
    if not text or len(text) > _MAX_BYLINE or _is_role_line(text):
        return []
    text = _strip_prefix(_EDGE.sub("", text))
    dateline = _DATELINE.match(text)
    if dateline:
        text = _strip_prefix(dateline["rest"])
    names: list[str] = []
    for part in _SPLIT.split(text):
        name = _EDGE.sub("", _strip_prefix(_EDGE.sub("", part)))
        if name and is_person_name(name, site_names):
            names.append(name)
    return _unique(names)


def _unique(names: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    result: list[str] = []
    for name in names:
        key = squash(name)
        if key and key not in seen:
            seen.add(key)
            result.append(name)
    return result


def _byline_named(element: lxml.html.HtmlElement) -> bool:
    return bool(_BYLINE_CLASS.search(class_string(element))) or (
        (element.get("rel") or "").lower() == "author"
    )


def _starts_with_prefix(text: str) -> bool:
    folded = fold(text)
    match = author_prefix_pattern().match(folded)
    return match is not None and match.end() < len(folded)


def _names_from_element(element: lxml.html.HtmlElement, site_names: Sequence[str]) -> list[str]:
    links = [
        element_text(link)
        for link in element.iter("a")
        if _AUTHOR_HREF.search(link.get("href") or "") or link.get("rel") == "author"
    ]
    if links:
        return _unique(n for text in links for n in clean_byline(text, site_names))
    items = [item for item in element.iter("li") if item is not element]
    lines = [element_text(item) for item in items] if items else [element_text(element)]
    return _unique(n for line in lines for n in clean_byline(line, site_names))


def visible_authors(zone: HeaderZone, site_names: Sequence[str]) -> tuple[bool, list[str]]:
    """The byline of the header zone: (whether one was found, the personal names in it)."""
    named = [e for e in zone.after if _byline_named(e)] + [
        e for e in zone.before if _byline_named(e)
    ]
    for element in named:
        if len(element.text_content()) > _MAX_BYLINE * 4:
            continue
        text = element_text(element)
        if not text or len(text) > _MAX_BYLINE * 2:
            continue
        return True, _names_from_element(element, site_names)
    for element in zone.after:
        if len(element.text_content()) > _MAX_BYLINE * 2:
            continue
        text = element_text(element)
        if text and len(text) <= _MAX_BYLINE and _starts_with_prefix(text):
            return True, _names_from_element(element, site_names)
    return False, []


def jsonld_authors(sources: PageSources, site_names: Sequence[str]) -> list[str]:
    """Names of the ``Person`` authors of the first JSON-LD article that names any."""
    for node in sources.articles():
        raw = node.get("author") or node.get("creator")
        if raw is None:
            continue
        people = raw if isinstance(raw, list) else [raw]
        names: list[str] = []
        for person in people:
            if isinstance(person, dict):
                types = node_types(person)
                if types and "person" not in types:
                    continue
                name = person.get("name")
                if isinstance(name, str):
                    names.extend(clean_byline(name, site_names))
            elif isinstance(person, str):
                names.extend(clean_byline(person, site_names))
        if names:
            return _unique(names)
    return []


def meta_authors(sources: PageSources, site_names: Sequence[str]) -> list[str]:
    """Names from ``<meta name="author">`` and its relatives (URLs are skipped)."""
    for key in (
        "author",
        "article:author",
        "parsely-author",
        "sailthru.author",
        "dc.creator",
        "dcterms.creator",
        "byl",
        "twitter:creator",
    ):
        names = [n for value in sources.all_meta(key) for n in clean_byline(value, site_names)]
        if names:
            return _unique(names)
    return []


def choose_authors(zone: HeaderZone, sources: PageSources, site_names: Sequence[str]) -> list[str]:
    """The article's personal authors.

    JSON-LD ``Person`` names are the cleanest; they are used when the visible byline
    names the same people or names nobody. A visible byline that names other people wins
    (JSON-LD is copied between articles more often than bylines are). Without JSON-LD
    people, a visible byline that credits only an agency or desk gives no authors, and
    meta tags are asked only when there is no visible byline.
    """
    found, visible = visible_authors(zone, site_names)
    structured = jsonld_authors(sources, site_names)
    if structured:
        if not visible or all(_named_in(name, visible) for name in structured):
            return structured
        return visible
    if found:
        return visible
    return meta_authors(sources, site_names)


def _named_in(name: str, names: Sequence[str]) -> bool:
    key = squash(name)
    return any(key in squash(other) or squash(other) in key for other in names)
