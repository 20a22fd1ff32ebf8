"""The headline: the visible ``<h1>`` when it is the article's, else the cleaned meta title.

Meta titles carry the site's name (" - اليوم السابع", "إيلاف - …", " | Reuters") and
JSON-LD headlines are sometimes cut ("… خل..."), so the visible ``<h1>`` that matches
them is preferred. An ``<h1>`` that matches no meta title is a logo or a section name
unless there is nothing else.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import lxml.html

from pipelines.cleaning.metadata.lexicon import squash
from pipelines.cleaning.metadata.sources import PageSources, jsonld_text
from pipelines.cleaning.normalize import fold

#: Separators between a headline and the site name in a meta title.
_SEPARATOR = re.compile(r"\s+[|\-–—•·»«/~]\s+|\s*[|｜]\s*|\s+::\s+|\s+[-–—]{2}\s+")
_PREFIX_COLON = re.compile(r"^(?P<name>[^:：]{2,40})\s*[:：]\s+(?P<rest>.+)$")
#: Soft hyphen, zero-width space, word joiner, BOM: invisible in a rendered headline.
_INVISIBLE = re.compile("[\u00ad\u200b\u2060\ufeff]")
_TRUNCATED = re.compile(r"\s*(?:\.\.\.|…)\s*$")
_WORD = re.compile(r"\w+")
_HIDDEN_CLASS = re.compile(r"visually-hidden|sr-only|screen-reader|hidden", re.IGNORECASE)

_CHROME_CLASS = re.compile(
    r"\b(?:menu|nav|navbar|sidebar|widget|related|popular|footer|teaser|ticker)", re.IGNORECASE
)
_HEADLINE_CLASS = re.compile(r"title|headline|heading|\bhed\b", re.IGNORECASE)
#: A visible headline has at least this many words (section names have fewer).
_MIN_HEADLINE_WORDS = 3
#: A trailing " | …" segment this short is the site's name even when it is not known.
_MAX_SUFFIX_WORDS = 4
#: Two titles are the same headline when this share of their words agree.
_SIMILAR = 0.6
#: A cut-off JSON-LD headline must keep at least this many characters to vouch for an h1.
_MIN_PREFIX = 15


def element_text(element: lxml.html.HtmlElement, *, skip_hidden: bool = True) -> str:
    """Visible text of ``element`` with whitespace collapsed.

    Scripts, styles and buttons are left out, and with ``skip_hidden`` so are
    screen-reader-only spans. Where two elements' words touch ("<span>Kicker</span><span>
    Headline</span>"), a space is put between them.
    """
    parts: list[str] = []
    _collect_text(element, parts, top=True, skip_hidden=skip_hidden)
    return " ".join("".join(parts).split())


def _append(parts: list[str], text: str, *, boundary: bool) -> None:
    if boundary and parts and parts[-1] and text and parts[-1][-1].isalnum() and text[0].isalnum():
        parts.append(" ")
    parts.append(text)


def _collect_text(
    element: lxml.html.HtmlElement, parts: list[str], *, top: bool, skip_hidden: bool
) -> None:
    tag = element.tag
    skip = not isinstance(tag, str) or tag in {"script", "style", "noscript", "button", "template"}
    if not skip and skip_hidden and not top:
        skip = bool(_HIDDEN_CLASS.search(element.get("class") or ""))
    if not skip:
        if element.text:
            _append(parts, element.text, boundary=not top)
        for child in element:
            _collect_text(child, parts, top=False, skip_hidden=skip_hidden)
    if not top and element.tail:
        _append(parts, element.tail, boundary=True)


def _has_text_children(element: lxml.html.HtmlElement) -> bool:
    return any(
        isinstance(child.tag, str) and (child.text_content() or "").strip() for child in element
    )


def _name_matches(segment: str, names: Sequence[str]) -> bool:
    """Whether ``segment`` is one of the site's ``names`` (or a short form of one)."""
    key = squash(segment)
    if not key:
        return False
    for name in names:
        other = squash(name)
        if not other:
            continue
        if key == other:
            return True
        shorter, longer = sorted((key, other), key=len)
        if len(shorter) >= 3 and shorter in longer and len(longer) <= 2 * len(shorter) + 6:
            return True
    return False


def strip_site_name(title: str, site_names: Sequence[str]) -> str:
    """``title`` without a leading or trailing site name ("Site - Title", "Title | Site").

    ``site_names`` are the names the site goes by (og:site_name, JSON-LD publisher, the
    host's main label). A segment is removed only when it matches one of them, so a
    headline that merely contains " - " or ":" keeps all its words.
    """
    title = " ".join(title.split())
    parts = _SEPARATOR.split(title)
    separators = _SEPARATOR.findall(title)
    while len(parts) > 1 and _name_matches(parts[-1], site_names):
        parts.pop()
        separators.pop()
    while len(parts) > 1 and _name_matches(parts[0], site_names):
        parts.pop(0)
        separators.pop(0)
    result = parts[0] + "".join(sep + part for sep, part in zip(separators, parts[1:], strict=True))
    colon = _PREFIX_COLON.match(result)
    if colon and _name_matches(colon["name"], site_names):
        result = colon["rest"]
    else:
        # "Headline | Section | Site": the section left after the site's name is chrome too.
        result = _strip_unknown_suffix(result)
    return result.strip()


def _strip_unknown_suffix(title: str) -> str:
    """Drop a short last " | …" segment: pipes separate a headline from the site's name."""
    head, sep, tail = title.rpartition(" | ")
    if sep and len(tail.split()) <= _MAX_SUFFIX_WORDS and len(head.split()) >= _MIN_HEADLINE_WORDS:
        return head
    return title


def _words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


def _vouches(meta_words: list[str], truncated: bool, h1_words: list[str]) -> float:
    """How well a meta title vouches for an h1: 1.0 when a cut title begins it, else the
    share of words they have in common (Dice coefficient on folded words)."""
    if truncated:
        prefix = " ".join(meta_words[:-1])
        if len(prefix) >= _MIN_PREFIX and " ".join(h1_words).startswith(prefix):
            return 1.0
    a, b = set(meta_words), set(h1_words)
    if not a or not b:
        return 0.0
    return 2 * len(a & b) / (len(a) + len(b))


def meta_titles(sources: PageSources, site_names: Sequence[str]) -> list[tuple[str, bool]]:
    """Cleaned meta titles in order of trust, each with "was cut off" flag."""
    raw: list[str | None] = [sources.first_meta("og:title")]
    for node in sources.articles():
        raw.append(jsonld_text(node.get("headline")))
        break
    raw.append(sources.first_meta("twitter:title"))
    raw.append(sources.first_meta("title", "dc.title", "headline"))
    titles: list[tuple[str, bool]] = []
    seen: set[str] = set()
    for value in raw:
        if not value:
            continue
        truncated = bool(_TRUNCATED.search(value))
        cleaned = strip_site_name(_TRUNCATED.sub("", value), site_names)
        key = fold(cleaned)
        if not key or key in seen or _name_matches(cleaned, site_names):
            continue
        seen.add(key)
        titles.append((cleaned, truncated))
    return titles


def choose_title(
    tree: lxml.html.HtmlElement, sources: PageSources, site_names: Sequence[str]
) -> tuple[str | None, lxml.html.HtmlElement | None]:
    """The article's headline and the element that shows it (``None`` when not visible).

    In order: the ``<h1>`` that a meta title vouches for; an ``<h1>`` that looks like an
    article headline; the first whole meta title; any ``<h1>``; a cut-off meta title.
    Soft hyphens and other invisible break hints are removed (ZWNJ stays: Persian and
    Urdu words need it).
    """
    title, element = _choose_title(tree, sources, site_names)
    if title is not None:
        title = " ".join(_INVISIBLE.sub("", title).split()) or None
    return title, element


def _choose_title(
    tree: lxml.html.HtmlElement, sources: PageSources, site_names: Sequence[str]
) -> tuple[str | None, lxml.html.HtmlElement | None]:
    candidates = meta_titles(sources, site_names)
    head_title = _document_title(tree)
    if head_title:
        cleaned = strip_site_name(head_title, site_names)
        known = {fold(text) for text, _ in candidates}
        if cleaned and not _name_matches(cleaned, site_names) and fold(cleaned) not in known:
            candidates.append((cleaned, False))
    headings = [
        (element, text)
        for element in tree.iter("h1")
        if (text := element_text(element, skip_hidden=False))
        and not _name_matches(text, site_names)
    ]
    matched = _vouched_heading(headings, candidates)
    if matched is not None:
        return matched
    fallback = _fallback_headline(headings)
    if fallback and _headline_like(*fallback):
        # The editors' visible headline, when meta titles carry an SEO variant.
        return fallback[1], fallback[0]
    whole = [text for text, cut in candidates if not cut]
    element = fallback[0] if fallback else None
    if whole:
        return whole[0], element
    if fallback:
        return fallback[1], element
    return (candidates[0][0] if candidates else None), None


def _vouched_heading(
    headings: list[tuple[lxml.html.HtmlElement, str]], candidates: list[tuple[str, bool]]
) -> tuple[str, lxml.html.HtmlElement] | None:
    """The ``<h1>`` most similar to a meta title, when similar enough."""
    best: tuple[float, lxml.html.HtmlElement, str] | None = None
    meta_words = [(_words(meta), cut) for meta, cut in candidates]
    for element, text in headings:
        words = _words(text)
        score = max((_vouches(meta, cut, words) for meta, cut in meta_words), default=0.0)
        if score >= _SIMILAR and (best is None or score > best[0]):
            best = (score, element, text)
    if best is None:
        return None
    _, element, text = best
    if _has_text_children(element):
        # A kicker and a headline in separate spans: the meta title knows how they join.
        words = _words(text)
        for meta, cut in candidates:
            if not cut and _words(meta) == words and len(meta) > len(text):
                return meta, element
    return text, element


def _fallback_headline(
    headings: list[tuple[lxml.html.HtmlElement, str]],
) -> tuple[lxml.html.HtmlElement, str] | None:
    """The first ``<h1>`` inside an ``<article>``/``<main>``, else the first one, leaving out
    headings in menus, sidebars and teaser lists."""
    usable = [(e, t) for e, t in headings if not _in_chrome(e)]
    for element, text in usable:
        if any(a.tag in {"article", "main"} for a in element.iterancestors()):
            return element, text
    return usable[0] if usable else None


def _in_chrome(element: lxml.html.HtmlElement) -> bool:
    for ancestor in element.iterancestors():
        if ancestor.tag in {"nav", "aside", "footer"}:
            return True
        if _CHROME_CLASS.search(ancestor.get("class") or ""):
            return True
    return False


def _headline_like(element: lxml.html.HtmlElement, text: str) -> bool:
    """An ``<h1>`` that is an article headline: three words or more, and in an
    ``<article>`` or ``<main>``, named like a headline, or the page's only ``<h1>``."""
    if len(text.split()) < _MIN_HEADLINE_WORDS:
        return False
    named = _HEADLINE_CLASS.search(
        " ".join(v for k in ("class", "id", "itemprop") if (v := element.get(k)))
    )
    if named or any(a.tag in {"article", "main"} for a in element.iterancestors()):
        return True
    return len(element.getroottree().getroot().xpath("//h1")) == 1


def _document_title(tree: lxml.html.HtmlElement) -> str | None:
    head = tree.find("head")
    for element in head.iter("title") if head is not None else ():
        text = " ".join((element.text_content() or "").split())
        if text:
            return text
    return None
