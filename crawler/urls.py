"""URL canonicalization: one spelling per page, for ids, dedup and skip lists.

The same article reaches the crawler under many URLs: with tracking parameters from feeds and
social networks, as an AMP or mobile variant, with Arabic slugs raw or percent-encoded in
either hex case, with a fragment, with the default port spelled out. :func:`canonicalize`
maps all of them to one string, so a document id derived from it is stable across runs and
across links.

Only changes that cannot point to a different page are made, plus the AMP and mobile mappings
that news sites use by convention. Deliberately *not* changed: the path's letter case, a
trailing slash, a trailing ``index.html`` (servers may serve different pages for ``/x/`` and
``/x/index.html``; the page's own ``rel=canonical`` settles that case), ``http`` versus
``https`` and a ``www.`` prefix. Everything here is plain Python (w3lib and tldextract, both
Scrapy dependencies); nothing imports Scrapy.
"""

from __future__ import annotations

import functools
import re
from urllib.parse import unquote_plus, urljoin, urlsplit, urlunsplit

import tldextract
from w3lib.url import canonicalize_url

#: Query parameters that only track where a click came from; removed wherever they appear.
#: Compared case-insensitively. Keep this list sorted within each group when adding names.
TRACKING_PARAMS: frozenset[str] = frozenset(
    {
        # ad click ids
        "dclid",
        "fbclid",
        "gbraid",
        "gclid",
        "gclsrc",
        "li_fat_id",
        "msclkid",
        "rb_clickid",
        "ttclid",
        "twclid",
        "wbraid",
        "yclid",
        # analytics and mail campaigns
        "_ga",
        "_gl",
        "_hsenc",
        "_hsmi",
        "cmpid",
        "icid",
        "igsh",
        "igshid",
        "intcmp",
        "ito",
        "mc_cid",
        "mc_eid",
        "mkt_tok",
        "ncid",
        "ocid",
        "oly_anon_id",
        "oly_enc_id",
        "s_cid",
        "smid",
        "spm",
        "sr_share",
        "vero_conv",
        "vero_id",
        "wt.mc_id",
        "wt_mc_id",
        "xtor",
        "xtref",
        # social sharing
        "__twitter_impression",
        "fb_action_ids",
        "fb_action_types",
        "fb_ref",
        "fb_source",
        "ref_src",
        "ref_url",
        # AMP viewers and caches
        "__amp_source_origin",
        "amp_gsa",
        "amp_js_v",
        "usqp",
    }
)

#: Parameter name prefixes that mark tracking parameters (``utm_source``, ``at_medium``, …).
TRACKING_PREFIXES: tuple[str, ...] = ("utm_", "at_", "ns_", "pk_", "mtm_", "hsa_", "piwik_")

#: Query parameters that select the AMP rendering of a page, with the values that do so.
AMP_PARAMS: dict[str, frozenset[str]] = {
    "amp": frozenset({"", "1", "true", "yes"}),
    "outputtype": frozenset({"amp"}),
    "output": frozenset({"amp"}),
}

#: First host labels of AMP and mobile variants (``m.youm7.com``, ``amp.dw.com``).
VARIANT_HOST_LABELS: frozenset[str] = frozenset({"amp", "m", "mobile"})

#: Host suffix of Google's AMP cache; its paths wrap the publisher's URL.
_AMP_CACHE_SUFFIX = ".cdn.ampproject.org"
_AMP_CACHE_PATH = re.compile(r"^/(?:[cv]/)(?:(s)/)?(.+)$")

_DEFAULT_PORTS = {"http": "80", "https": "443"}
_WEB_SCHEMES = frozenset(_DEFAULT_PORTS)
#: ``canonicalize`` is idempotent by construction; this bounds the safety loop that proves it.
_MAX_PASSES = 4


@functools.cache
def _extractor() -> tldextract.TLDExtract:
    """The public-suffix splitter, built from tldextract's bundled snapshot.

    ``suffix_list_urls=()`` and ``cache_dir=None`` keep it offline and stateless: no download
    of the suffix list, no cache files. Private suffixes (``blogspot.com``) count, so two
    blogs on one hosting domain are different sites.
    """
    return tldextract.TLDExtract(
        suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True
    )


def _host_of(url_or_host: str) -> str:
    if "/" in url_or_host or ":" in url_or_host:
        parts = urlsplit(url_or_host if "//" in url_or_host else "//" + url_or_host)
        host = parts.hostname or ""
    else:
        host = url_or_host
    return host.lower().rstrip(".")


def registrable_domain(url_or_host: str) -> str:
    """The registrable domain ("eTLD+1") of a URL or host name, lower case.

    ``https://www.bbc.co.uk/x`` → ``bbc.co.uk``; ``m.youm7.com`` → ``youm7.com``;
    ``www.spa.gov.sa`` → ``spa.gov.sa``. Hosts without a public suffix (IP addresses,
    ``localhost``) are returned whole.
    """
    host = _host_of(url_or_host)
    if not host:
        return ""
    extracted = _extractor()(host)
    return extracted.top_domain_under_public_suffix or host


def same_site(a: str, b: str) -> bool:
    """``True`` when two URLs (or host names) share a registrable domain.

    Scheme and port are ignored, as in the browser's notion of a site:
    ``https://www.aljazeera.net/a`` and ``http://mubasher.aljazeera.net/b`` are the same
    site, ``bbc.co.uk`` and ``bbc.com`` are not.
    """
    domain_a = registrable_domain(a)
    return bool(domain_a) and domain_a == registrable_domain(b)


def canonicalize(url: str, *, page_canonical: str | None = None) -> str:
    """Return the canonical spelling of ``url``.

    - scheme and host in lower case, IDN hosts in punycode, trailing dot and default port
      dropped, an empty path spelled ``/``;
    - the fragment dropped;
    - tracking parameters (:data:`TRACKING_PARAMS`, :data:`TRACKING_PREFIXES`) dropped and the
      remaining query sorted (blank values kept: ``?a`` becomes ``?a=``);
    - percent-encoding normalized: unreserved characters decoded, everything else encoded
      as UTF-8 with upper-case hex, so a raw Arabic slug and its encoded forms agree;
    - AMP variants mapped to the main page: a leading or trailing ``amp`` path segment,
      a ``.amp`` suffix (BBC), ``?amp=1`` and ``?outputType=amp``, Google AMP cache URLs;
    - AMP and mobile hosts (``amp.``, ``m.``, ``mobile.``) mapped to ``www.`` when they sit
      directly on the registrable domain (``m.youm7.com`` → ``www.youm7.com``), otherwise
      the label is dropped (``m.arabic.example.com`` → ``arabic.example.com``).

    ``page_canonical`` is the page's ``rel=canonical`` or ``og:url`` (may be relative). It
    wins when it is an http(s) URL on the same site as ``url`` and does not point to the
    site's home page from a deeper page (a common CMS misconfiguration).

    Credentials (``user:password@``) are dropped so they never reach ids, logs or the store.
    Canonicalization never raises: relative URLs, URLs that are not http(s) and URLs that
    cannot be parsed (a port out of range, a broken IPv6 literal) are returned stripped of
    surrounding whitespace and otherwise unchanged.

    The result is idempotent: ``canonicalize(canonicalize(u)) == canonicalize(u)``.
    """
    base = _canonical(url)
    if not page_canonical or not page_canonical.strip():
        return base
    candidate = _canonical(urljoin(url.strip(), page_canonical.strip()))
    if _adoptable(base, candidate):
        return candidate
    return base


def _adoptable(base: str, candidate: str) -> bool:
    """Whether a page's declared canonical URL may replace the fetched URL."""
    if urlsplit(candidate).scheme not in _WEB_SCHEMES or not same_site(base, candidate):
        return False
    candidate_root = urlsplit(candidate).path == "/" and not urlsplit(candidate).query
    base_root = urlsplit(base).path == "/" and not urlsplit(base).query
    return base_root or not candidate_root


def _canonical(url: str) -> str:
    """Canonicalize without ``page_canonical``, repeated until nothing changes."""
    current = url.strip()
    for _ in range(_MAX_PASSES):
        following = _canonical_once(current)
        if following == current:
            break
        current = following
    return current


def _canonical_once(url: str) -> str:
    try:
        return _canonical_web_url(url)
    except ValueError:
        return url


def _canonical_web_url(url: str) -> str:
    parts = urlsplit(url)
    _ = parts.port  # raises ValueError for a port out of range
    scheme = parts.scheme.lower()
    if scheme not in _WEB_SCHEMES or not parts.netloc:
        return url
    url = _unwrap_amp_cache(url)
    # w3lib: lower-case scheme and host, IDNA, percent-encoding, sorted query, no fragment.
    parts = urlsplit(canonicalize_url(url))
    netloc = _normalize_netloc(parts.scheme, parts.netloc)
    path = _strip_amp_path(parts.path) or "/"
    query = _clean_query(parts.query)
    return urlunsplit((parts.scheme, netloc, path, query, ""))


def _unwrap_amp_cache(url: str) -> str:
    """``https://www-x-com.cdn.ampproject.org/c/s/www.x.com/a`` → ``https://www.x.com/a``."""
    parts = urlsplit(url)
    if not (parts.hostname or "").endswith(_AMP_CACHE_SUFFIX):
        return url
    match = _AMP_CACHE_PATH.match(parts.path)
    if match is None:
        return url
    scheme = "https" if match.group(1) else "http"
    inner = f"{scheme}://{match.group(2)}"
    if parts.query:
        inner += "?" + parts.query
    return inner


def _normalize_netloc(scheme: str, netloc: str) -> str:
    hostport = netloc.rpartition("@")[2]
    host, port = hostport, ""
    if not hostport.endswith("]") and ":" in hostport:
        host, _, port = hostport.rpartition(":")
    host = host.lower().rstrip(".")
    if port == _DEFAULT_PORTS.get(scheme) or port == "":
        port = ""
    host = _main_host(host)
    return host + (f":{port}" if port else "")


def _main_host(host: str) -> str:
    """Map AMP and mobile host variants to the main host of the site."""
    extracted = _extractor()(host)
    if not extracted.suffix or not extracted.subdomain:
        return host
    labels = extracted.subdomain.split(".")
    stripped = 0
    while stripped < len(labels) and labels[stripped] in VARIANT_HOST_LABELS:
        stripped += 1
    if stripped == 0:
        return host
    rest = labels[stripped:] or ["www"]
    return ".".join([*rest, extracted.domain, extracted.suffix])


def _strip_amp_path(path: str) -> str:
    """Drop ``amp`` path segments at either end and a ``.amp`` suffix of the last segment."""
    trailing_slash = path.endswith("/")
    segments = path.split("/")
    # segments[0] is "" (paths start with "/"); a trailing slash gives a final "".
    inner = segments[1:-1] if trailing_slash else segments[1:]
    while len(inner) > 1 and inner[0].lower() == "amp":
        inner = inner[1:]
    while len(inner) > 1 and inner[-1].lower() == "amp":
        inner = inner[:-1]
    if inner:
        last = inner[-1]
        lowered = last.lower()
        if lowered.endswith(".amp.html") and len(last) > len(".amp.html"):
            inner[-1] = last[: -len(".amp.html")] + ".html"
        elif lowered.endswith(".amp") and len(last) > len(".amp"):
            inner[-1] = last[: -len(".amp")]
    rebuilt = "/" + "/".join(inner)
    if trailing_slash and inner:
        rebuilt += "/"
    return rebuilt


def _is_tracking(key: str) -> bool:
    return key in TRACKING_PARAMS or key.startswith(TRACKING_PREFIXES)


def _is_amp_switch(key: str, value: str) -> bool:
    values = AMP_PARAMS.get(key)
    return values is not None and value.lower() in values


def _clean_query(query: str) -> str:
    """Drop tracking and AMP parameters from an already sorted, encoded query string."""
    if not query:
        return ""
    kept = []
    for pair in query.split("&"):
        raw_key, _, raw_value = pair.partition("=")
        key = unquote_plus(raw_key).strip().lower()
        if _is_tracking(key) or _is_amp_switch(key, unquote_plus(raw_value).strip()):
            continue
        kept.append(pair)
    return "&".join(kept)
