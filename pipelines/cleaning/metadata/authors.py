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
    author_trailing_words,
    author_wa_names,
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
_DASH = re.compile(r"\s+[-–—]\s+")
_URL = re.compile(r"https?://\S+|www\.\S+|\S+@\S+\.\w+")
#: A number that is not part of a word ("فرانس24" keeps its digits).
_DATE_START = re.compile(r"(?<![^\W\d_])\d")
_ATTACHED_WA = re.compile(r"\sو(?=[^\W\d_])")
#: Punctuation around the words between a name and the date after it.
_JUNK_PUNCT = " :：،,|-–—•·()"
#: "بغداد: سلام الجاف": a place of one or two words, a colon, then the name.
_DATELINE = re.compile(r"^[^\W\d_][^\s:：]*(?:\s[^\s:：]+)?\s*[:：]\s*(?P<rest>\S.*)$")
_EDGE = re.compile(r"^[\s:：،,\-–—|.()]+|[\s:：،,\-–—|.()]+$")
_COMMA_TAIL = re.compile(r"[,،]\s*[^\s,،]+\s*$")
#: "Elena Oberholzer (obe)": initials or a desk code in brackets after a name.
_BRACKETED = re.compile(r"\s*[(\[][^()\[\]]{0,25}[)\]]")
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
    """Whether a byline line describes the author or credits a photo ("صفة المؤلف، …")."""
    return author_role_pattern().match(fold(text)) is not None


def is_person_name(name: str, site_names: Sequence[str]) -> bool:
    """Whether ``name`` can be a person: not an agency, desk or site, not a URL or a sentence."""
    if len(name) < 2 or len(name) > _MAX_NAME_CHARS or _NOT_NAME.search(name):
        return False
    if len(name.split()) > _MAX_NAME_WORDS or (name.isascii() and len(name) <= 3):
        return False  # a sentence, or initials such as "jse"
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
    text = " ".join(_BRACKETED.sub("", _URL.sub(" ", text)).split())
    if not text or len(text) > _MAX_BYLINE or _is_role_line(text):
        return []
    text = _strip_prefix(_EDGE.sub("", _before_date(text)))
    names: list[str] = []
    for raw_part in _without_place(_split_names(text), text):
        part = _strip_prefix(_EDGE.sub("", raw_part))
        if not part or _is_role_line(part):
            continue  # "تصوير: …", "Photos: …": credited, but not for the text
        dateline = _DATELINE.match(part)
        if dateline:
            part = _strip_prefix(dateline["rest"])
        pieces = [_EDGE.sub("", s) for s in _DASH.split(part)]
        segments = [(_EDGE.sub("", _strip_prefix(p)), p) for p in pieces if p]
        for segment, raw in segments:
            if len(segments) > 1 and len(segment.split()) < 2 and segment == raw:
                continue  # "أحمد علي - القاهرة": a city or desk beside the name
            name = _person_part(segment, site_names) if segment else None
            if name:
                names.append(name)
    return _unique(names)


def _before_date(text: str) -> str:
    """``text`` up to a date or time that follows the name ("أحمد علي الخميس، 14 مارس")."""
    match = _DATE_START.search(text)
    cut = match.start() if match else -1
    if cut <= 0:
        return text
    words = text[:cut].split()
    junk = author_trailing_words() | {""}
    while words and fold(words[-1]).strip(_JUNK_PUNCT) in junk:
        words.pop()
    return " ".join(words)


def _without_place(parts: list[str], text: str) -> list[str]:
    """Drop a one-word last part after a comma when the names have two words or more:
    "Anna Martel und Lea Wagner, Nairobi", "أحمد علي، القاهرة"."""
    if len(parts) < 2 or len(parts[-1].split()) != 1:
        return parts
    if not _COMMA_TAIL.search(text) or not any(len(p.split()) >= 2 for p in parts[:-1]):
        return parts
    return parts[:-1]


def _split_names(text: str) -> list[str]:
    """Split a byline into names at commas, "and", " و " and an attached "و" between names."""
    parts: list[str] = []
    for part in _SPLIT.split(text):
        parts.extend(_split_attached_wa(part))
    return parts


def _split_attached_wa(part: str) -> list[str]:
    """Split "أحمد محمد وسارة علي" but not "محمد وليد" or "أحمد وليد حسن".

    Arabic writes "and" joined to the next word. A split is made only where both sides
    have at least two words and the joined word is not a name that starts with "و".
    """
    for match in _ATTACHED_WA.finditer(part):
        left, right = part[: match.start()].strip(), part[match.end() :].strip()
        next_word = "و" + right.split()[0] if right else ""
        if (
            len(left.split()) >= 2
            and len(right.split()) >= 2
            and fold(next_word) not in author_wa_names()
        ):
            return [left, *_split_attached_wa(right)]
    return [part]


def _person_part(segment: str, site_names: Sequence[str]) -> str | None:
    """``segment`` if it is a person; or the name before a trailing credit ("X Reuters")."""
    if is_person_name(segment, site_names):
        return segment
    words = segment.split()
    for size in (1, 2, 3):
        if len(words) - size < 2:
            break
        tail = " ".join(words[-size:])
        if non_person_pattern().fullmatch(fold(tail)) or squash(tail) in non_person_keys():
            rest = _EDGE.sub("", " ".join(words[:-size]))
            return rest if is_person_name(rest, site_names) else None
    return None


def _unique(names: Iterable[str]) -> list[str]:
    """``names`` without repeats (compared loosely), in their order."""
    seen: set[str] = set()
    result: list[str] = []
    for name in names:
        key = squash(name)
        if key and key not in seen:
            seen.add(key)
            result.append(name)
    return result


def _byline_named(element: lxml.html.HtmlElement) -> bool:
    """Whether an element is named like a byline (class, id, itemprop or ``rel=author``)."""
    return bool(_BYLINE_CLASS.search(class_string(element))) or (
        (element.get("rel") or "").lower() == "author"
    )


def _starts_with_prefix(text: str) -> bool:
    """Whether ``text`` opens with a byline prefix followed by something ("كتب أحمد")."""
    folded = fold(text)
    match = author_prefix_pattern().match(folded)
    return match is not None and match.end() < len(folded)


def _names_from_element(element: lxml.html.HtmlElement, site_names: Sequence[str]) -> list[str]:
    """Names in a byline element: its author-page links, else each list item, else its text."""
    links = [
        element_text(link)
        for link in element.iter("a")
        if _AUTHOR_HREF.search(link.get("href") or "") or link.get("rel") == "author"
    ]
    from_links = _unique(n for text in links for n in clean_byline(text, site_names))
    if from_links:
        return from_links
    items = [item for item in element.iter("li") if item is not element]
    lines = [element_text(item) for item in items] if items else [element_text(element)]
    return _unique(n for line in lines for n in clean_byline(line, site_names))


def visible_authors(zone: HeaderZone, site_names: Sequence[str]) -> tuple[bool, list[str]]:
    """The byline of the header zone: (whether one was found, the personal names in it)."""
    named = [e for e in zone.after if _byline_named(e)] + [
        e for e in zone.before if _byline_named(e)
    ]
    found = False
    for element in named:
        if len(element.text_content()) > _MAX_BYLINE * 4:
            continue
        text = element_text(element)
        if not text or len(text) > _MAX_BYLINE * 2:
            continue
        names = _names_from_element(element, site_names)
        if names:
            return True, names
        found = True  # an agency credit, or a byline box holding only the date
    if found:
        return True, []
    for element in zone.after[: zone.lead_end]:
        if len(element.text_content()) > _MAX_BYLINE * 2:
            continue
        text = element_text(element)
        if text and len(text) <= _MAX_BYLINE and _starts_with_prefix(text):
            return True, _names_from_element(element, site_names)
    return False, []


def jsonld_authors(sources: PageSources, site_names: Sequence[str]) -> list[str]:
    """Names of the ``Person`` authors of the first JSON-LD article that names any."""
    for node in sources.articles():
        raw = sources.resolve(node.get("author") or node.get("creator"))
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
    """Whether ``name`` is one of ``names``, or part of one, or one of them part of it."""
    key = squash(name)
    return any(key in squash(other) or squash(other) in key for other in names)
