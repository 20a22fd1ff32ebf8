"""Absolute URLs for the canonical address and the lead image, and "same site" checks."""

from __future__ import annotations

import functools
from urllib.parse import urljoin, urlsplit

import lxml.html
import tldextract

from pipelines.cleaning.metadata.sources import PageSources, jsonld_url

_SKIPPED_SCHEMES = ("javascript:", "data:", "mailto:", "about:", "#")


@functools.cache
def _extractor() -> tldextract.TLDExtract:
    # The public suffix list bundled with tldextract: no network, no cache files.
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


def base_url(tree: lxml.html.HtmlElement, url: str) -> str:
    """The URL relative links resolve against: ``<base href>`` when present, else ``url``."""
    head = tree.find("head")
    for element in head.iter("base") if head is not None else ():
        href = str(element.get("href") or "").strip()
        if href:
            return urljoin(url, href)
    return url


def absolutize(href: str | None, base: str) -> str | None:
    """``href`` made absolute against ``base``; ``None`` for empty or script/data links."""
    if not href:
        return None
    href = href.strip()
    if not href or href.lower().startswith(_SKIPPED_SCHEMES):
        return None
    absolute = urljoin(base, href)
    if urlsplit(absolute).scheme not in {"http", "https"}:
        return None
    return absolute


@functools.lru_cache(maxsize=2048)
def _split_host(host: str) -> tuple[str, str]:
    parts = _extractor()(host)
    return parts.domain, parts.suffix


def site_of(url: str) -> str:
    """The registrable domain of ``url`` ("youm7.com" for "https://m.youm7.com/…")."""
    host = (urlsplit(url).hostname or "").lower()
    domain, suffix = _split_host(host)
    if domain and suffix:
        return f"{domain}.{suffix}"
    return host


def site_label(url: str) -> str | None:
    """The main label of the site's domain ("masrawy" for www.masrawy.com)."""
    host = (urlsplit(url).hostname or "").lower()
    return _split_host(host)[0] or None


def same_site(first: str, second: str) -> bool:
    """Whether two URLs belong to the same registrable domain."""
    site = site_of(first)
    return bool(site) and site == site_of(second)


def choose_canonical(sources: PageSources, url: str, base: str) -> str:
    """``rel=canonical`` or ``og:url``, absolute, when on the same site as ``url``; else ``url``."""
    for raw in (*sources.links.get("canonical", ()), sources.first_meta("og:url")):
        candidate = absolutize(raw, base)
        if candidate and same_site(candidate, url):
            return candidate
    return url


def choose_image(sources: PageSources, base: str) -> str | None:
    """The lead image: ``og:image``, JSON-LD ``image``/``thumbnailUrl``, ``twitter:image``."""
    raws: list[str | None] = [sources.first_meta("og:image", "og:image:url", "og:image:secure_url")]
    for node in sources.articles():
        raws.append(jsonld_url(node.get("image")))
        raws.append(jsonld_url(node.get("thumbnailUrl")))
    raws.append(sources.first_meta("twitter:image", "twitter:image:src"))
    raws.append(next(iter(sources.links.get("image_src", ())), None))
    for raw in raws:
        image = absolutize(raw, base)
        if image:
            return image
    return None
