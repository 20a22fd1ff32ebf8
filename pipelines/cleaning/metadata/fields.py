"""The simpler fields: site name, section, tags and description."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from pipelines.cleaning.metadata.layout import HeaderZone, class_string
from pipelines.cleaning.metadata.lexicon import squash
from pipelines.cleaning.metadata.sources import PageSources, jsonld_text
from pipelines.cleaning.metadata.titles import element_text
from pipelines.cleaning.normalize import fold

_DOMAIN_SUFFIX = re.compile(
    r"^(?P<name>.+?)\s*\.\s*(?:com|net|org|info|co|news|tv|كوم|نت|أورج|اورج)\s*$",
    re.IGNORECASE,
)
_NEWSPAPER = re.compile(r"^(?:جريدة|صحيفة|روزنامه)\s+(?P<name>\S.*)$")
_URLISH = re.compile(r"\s*(?:https?://|www\.)", re.IGNORECASE)
_TAG_SPLIT = re.compile(r"\s*[,،;؛]\s*")
_BREADCRUMB = re.compile(r"breadcrumb|breadcumb|crumbs|\bpath\b", re.IGNORECASE)
#: Breadcrumb entries that lead home rather than to a section.
_HOME = frozenset(
    fold(word)
    for word in (
        "الرئيسية",
        "الصفحة الرئيسية",
        "home",
        "accueil",
        "inicio",
        "startseite",
        "صفحه اول",
        "صفحه نخست",
        "خانه",
        "ہوم",
        "سرورق",
    )
)
_MAX_TAG_CHARS = 80


def site_name_candidates(sources: PageSources, hint: str | None) -> list[str]:
    """Names the site calls itself, most trusted first."""
    names: list[str | None] = [sources.first_meta("og:site_name")]
    for node in sources.articles():
        names.append(jsonld_text(sources.resolve(node.get("publisher"))))
    names.extend(jsonld_text(node.get("name")) for node in sources.organizations())
    names.append(sources.first_meta("application-name", "apple-mobile-web-app-title"))
    names.append(hint)
    result: list[str] = []
    for name in names:
        if name and name not in result and not _URLISH.match(name):
            result.append(" ".join(name.split()))
    return result


def choose_site_name(candidates: Sequence[str]) -> str | None:
    """The first candidate, as the site shows its name.

    A domain ending (".com", ".كوم") that another candidate lacks comes off, and so does
    a leading "جريدة"/"صحيفة" (newspaper) before a name of one or two words: "جريدة الغد"
    presents itself as "الغد".
    """
    if not candidates:
        return None
    first = candidates[0]
    bare = _DOMAIN_SUFFIX.match(first)
    if bare:
        key = squash(bare["name"])
        for other in candidates[1:]:
            if squash(other) == key:
                return other
    generic = _NEWSPAPER.match(first)
    if generic and len(generic["name"].split()) <= 2:
        return generic["name"]
    return first


def choose_section(zone: HeaderZone, sources: PageSources, title: str | None) -> str | None:
    """``article:section``, JSON-LD ``articleSection``, else the last breadcrumb section.

    Visible breadcrumbs are looked for in the header zone around the headline only.
    """
    section = sources.first_meta("article:section", "og:article:section", "section")
    if section:
        return section
    for node in sources.articles():
        text = jsonld_text(node.get("articleSection"))
        if text:
            return text
    for node in sources.nodes_of_type("BreadcrumbList"):
        name = _last_crumb(_crumb_names(node.get("itemListElement")), title)
        if name:
            return name
    for element in (*zone.before, *zone.after):
        if _BREADCRUMB.search(class_string(element)):
            name = _last_crumb([element_text(a) for a in element.iter("a")], title)
            if name:
                return name
    return None


def _crumb_names(items: Any) -> list[str]:
    if not isinstance(items, list):
        return []
    names: list[str] = []
    for item in items:
        if isinstance(item, dict):
            text = jsonld_text(item.get("name")) or jsonld_text(item.get("item"))
            if text:
                names.append(text)
    return names


def _last_crumb(names: list[str], title: str | None) -> str | None:
    title_key = fold(title) if title else None
    for name in reversed(names):
        key = fold(name)
        if key and key not in _HOME and key != title_key and len(name) <= _MAX_TAG_CHARS:
            return name
    return None


def choose_tags(sources: PageSources, site_names: Sequence[str]) -> list[str]:
    """Keywords from JSON-LD and ``article:tag``; ``<meta name="keywords">`` if neither."""
    specific: list[str] = []
    for node in sources.articles():
        specific.extend(_split_keywords(node.get("keywords")))
        if specific:
            break
    specific.extend(sources.all_meta("article:tag"))
    specific.extend(sources.all_meta("og:article:tag"))
    tags = _clean_tags(specific, site_names)
    if tags:
        return tags
    generic = [*sources.all_meta("news_keywords"), *sources.all_meta("keywords")]
    return _clean_tags((t for raw in generic for t in _split_keywords(raw)), site_names)


def _split_keywords(value: Any) -> list[str]:
    if isinstance(value, str):
        return _TAG_SPLIT.split(value)
    if isinstance(value, list):
        return [t for item in value for t in _split_keywords(item)]
    if isinstance(value, dict):
        text = jsonld_text(value)
        return [text] if text else []
    return []


def _clean_tags(raw: Iterable[str], site_names: Sequence[str]) -> list[str]:
    site_keys = {squash(name) for name in site_names}
    seen: set[str] = set()
    tags: list[str] = []
    for raw_tag in raw:
        tag = " ".join(raw_tag.split()).strip(" #")
        key = squash(tag)
        if not key or key in seen or key in site_keys or len(tag) > _MAX_TAG_CHARS:
            continue
        seen.add(key)
        tags.append(tag)
    return tags


def choose_description(sources: PageSources) -> str | None:
    """``<meta name="description">``, ``og:description``, ``twitter:description``, JSON-LD."""
    text = sources.first_meta("description", "og:description", "twitter:description")
    if text:
        return text
    for node in sources.articles():
        text = jsonld_text(node.get("description"))
        if text:
            return text
    return None
