"""Seed files: one TOML file per news site, loaded into frozen :class:`Seed` objects.

A seed says where a site publishes its article URLs (feeds, sitemaps, section pages), what
its article URLs look like (``article_url_pattern``), which language to expect and which
page parts to drop on top of the general cleaning rules. The format is documented in
``docs/seeds.md``.

Loading validates every key and reports each problem with the file, the key and the fix,
for example ``seeds/eg/youm7.toml: unknown key 'feed' — did you mean 'feeds'?``, because a
seed is edited by hand and a crawl that silently finds nothing is the worst outcome.

This module does not import Scrapy: the spider, the ``crawl`` command and the tests all use
it the same way.
"""

from __future__ import annotations

import difflib
import logging
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

from cssselect import HTMLTranslator, SelectorError

from pipelines.cleaning.model import SiteHints

logger = logging.getLogger(__name__)

__all__ = [
    "ISO_639_1",
    "KNOWN_KEYS",
    "REQUIRED_KEYS",
    "Seed",
    "SeedError",
    "enabled_seeds",
    "load_seed",
    "load_seeds",
]

#: Keys a seed file may contain, in the order ``docs/seeds.md`` describes them.
KNOWN_KEYS: tuple[str, ...] = (
    "id",
    "name",
    "domain",
    "language",
    "enabled",
    "needs_js",
    "render_listings",
    "feeds",
    "sitemaps",
    "sections",
    "article_url_pattern",
    "noise_css",
    "body_css",
    "max_section_depth",
    "extra_hosts",
)

#: Keys every seed file must set.
REQUIRED_KEYS: tuple[str, ...] = ("id", "name", "domain", "language", "article_url_pattern")

#: The highest ``max_section_depth`` accepted: each hop multiplies the pages fetched.
MAX_SECTION_DEPTH = 5

# Every ISO 639-1 code with its English name (the name only makes suggestions readable).
_ISO_639_1_TABLE = """
aa Afar|ab Abkhazian|ae Avestan|af Afrikaans|ak Akan|am Amharic|an Aragonese|ar Arabic
as Assamese|av Avaric|ay Aymara|az Azerbaijani|ba Bashkir|be Belarusian|bg Bulgarian
bi Bislama|bm Bambara|bn Bengali|bo Tibetan|br Breton|bs Bosnian|ca Catalan|ce Chechen
ch Chamorro|co Corsican|cr Cree|cs Czech|cu Church Slavonic|cv Chuvash|cy Welsh|da Danish
de German|dv Divehi|dz Dzongkha|ee Ewe|el Greek|en English|eo Esperanto|es Spanish
et Estonian|eu Basque|fa Persian|ff Fulah|fi Finnish|fj Fijian|fo Faroese|fr French
fy Western Frisian|ga Irish|gd Scottish Gaelic|gl Galician|gn Guarani|gu Gujarati|gv Manx
ha Hausa|he Hebrew|hi Hindi|ho Hiri Motu|hr Croatian|ht Haitian|hu Hungarian|hy Armenian
hz Herero|ia Interlingua|id Indonesian|ie Interlingue|ig Igbo|ii Sichuan Yi|ik Inupiaq
io Ido|is Icelandic|it Italian|iu Inuktitut|ja Japanese|jv Javanese|ka Georgian|kg Kongo
ki Kikuyu|kj Kuanyama|kk Kazakh|kl Kalaallisut|km Khmer|kn Kannada|ko Korean|kr Kanuri
ks Kashmiri|ku Kurdish|kv Komi|kw Cornish|ky Kyrgyz|la Latin|lb Luxembourgish|lg Ganda
li Limburgish|ln Lingala|lo Lao|lt Lithuanian|lu Luba-Katanga|lv Latvian|mg Malagasy
mh Marshallese|mi Maori|mk Macedonian|ml Malayalam|mn Mongolian|mr Marathi|ms Malay
mt Maltese|my Burmese|na Nauru|nb Norwegian Bokmal|nd North Ndebele|ne Nepali|ng Ndonga
nl Dutch|nn Norwegian Nynorsk|no Norwegian|nr South Ndebele|nv Navajo|ny Chichewa
oc Occitan|oj Ojibwa|om Oromo|or Oriya|os Ossetian|pa Punjabi|pi Pali|pl Polish|ps Pashto
pt Portuguese|qu Quechua|rm Romansh|rn Kirundi|ro Romanian|ru Russian|rw Kinyarwanda
sa Sanskrit|sc Sardinian|sd Sindhi|se Northern Sami|sg Sango|si Sinhala|sk Slovak
sl Slovenian|sm Samoan|sn Shona|so Somali|sq Albanian|sr Serbian|ss Swati|st Southern Sotho
su Sundanese|sv Swedish|sw Swahili|ta Tamil|te Telugu|tg Tajik|th Thai|ti Tigrinya
tk Turkmen|tl Tagalog|tn Tswana|to Tonga|tr Turkish|ts Tsonga|tt Tatar|tw Twi|ty Tahitian
ug Uyghur|uk Ukrainian|ur Urdu|uz Uzbek|ve Venda|vi Vietnamese|vo Volapuk|wa Walloon
wo Wolof|xh Xhosa|yi Yiddish|yo Yoruba|za Zhuang|zh Chinese|zu Zulu
"""

_LANGUAGE_NAMES: dict[str, str] = dict(
    entry.strip().split(" ", 1)
    for entry in _ISO_639_1_TABLE.replace("\n", "|").split("|")
    if entry.strip()
)

#: Every ISO 639-1 language code.
ISO_639_1: frozenset[str] = frozenset(_LANGUAGE_NAMES)

# Three-letter codes (ISO 639-2/B, 639-2/T, 639-3) and local names people write instead of
# the two-letter code, for the "did you mean" hint.
_LANGUAGE_ALIASES: dict[str, str] = {
    "ara": "ar", "arb": "ar", "arz": "ar", "ary": "ar", "apc": "ar", "عربي": "ar",
    "العربية": "ar", "eng": "en", "fas": "fa", "per": "fa", "pes": "fa", "prs": "fa",
    "farsi": "fa", "فارسی": "fa", "urd": "ur", "اردو": "ur", "fra": "fr", "fre": "fr",
    "deu": "de", "ger": "de", "spa": "es", "tur": "tr", "heb": "he", "iw": "he",
    "kur": "ku", "ckb": "ku", "kmr": "ku", "pus": "ps", "hin": "hi", "rus": "ru",
    "zho": "zh", "chi": "zh", "cmn": "zh", "ind": "id", "in": "id", "msa": "ms",
    "may": "ms", "swa": "sw", "som": "so", "amh": "am", "ber": "", "tzm": "",
}  # fmt: skip
_LANGUAGE_ALIASES.update({name.lower(): code for code, name in _LANGUAGE_NAMES.items()})

_ID_RE = re.compile(r"[a-z0-9][a-z0-9_]*")
_HOST_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_HOST_RE = re.compile(rf"{_HOST_LABEL}(?:\.{_HOST_LABEL})*")
_DOMAIN_RE = re.compile(rf"(?P<host>{_HOST_RE.pattern})(?::(?P<port>\d{{1,5}}))?")
_DEFAULT_PORTS = {"http": 80, "https": 443}
_URL_LIST_KEYS = ("feeds", "sitemaps", "sections")
_BOOL_KEYS = ("enabled", "needs_js", "render_listings")
_CSS = HTMLTranslator()

# What to write for a missing required key.
_REQUIRED_EXAMPLES = {
    "id": 'id = "{stem}"  (the file name without .toml)',
    "name": 'name = "اليوم السابع"  (the site\'s own name)',
    "domain": 'domain = "www.example.com"  (host, or host:port)',
    "language": 'language = "ar"  (ISO 639-1)',
    "article_url_pattern": (
        "article_url_pattern = '/news/\\d{{4}}/'  "
        "(a regular expression in single quotes, searched in the URL path)"
    ),
}


class SeedError(ValueError):
    """One or more seed files are wrong; each line names the file, the key and the fix.

    ``problems`` holds those lines (each starts with the file path), so a caller can show
    them one by one; ``str(error)`` joins them with newlines.
    """

    def __init__(self, problems: Iterable[str]) -> None:
        self.problems: tuple[str, ...] = tuple(problems)
        super().__init__("\n".join(self.problems))


@dataclass(frozen=True, kw_only=True)
class Seed:
    """One news site, as its seed file describes it (see ``docs/seeds.md``).

    Build seeds with :func:`load_seed`, :func:`load_seeds` or :meth:`Seed.from_mapping`:
    they validate the values; the constructor trusts its arguments.
    """

    id: str
    """Unique id, equal to the seed's file name without ``.toml`` (``youm7``)."""
    name: str
    """The site's own name (``اليوم السابع``); the article's ``site_name`` fallback."""
    domain: str
    """The site's host, or ``host:port`` (``www.youm7.com``, ``127.0.0.1:8760``)."""
    language: str
    """The ISO 639-1 code of the language the site publishes in (``ar``)."""
    article_url_pattern: re.Pattern[str]
    """Searched in the percent-decoded URL path (and path?query): a match is an article."""
    feeds: tuple[str, ...] = ()
    """RSS or Atom feed URLs."""
    sitemaps: tuple[str, ...] = ()
    """Sitemap, sitemap index or news sitemap URLs (robots.txt ones are found anyway)."""
    sections: tuple[str, ...] = ()
    """Listing pages (home, sections) whose links are followed."""
    needs_js: bool = False
    """``True``: article pages are rendered in Chromium before extraction."""
    render_listings: bool = False
    """``True``: section pages are rendered in Chromium too (feeds and sitemaps stay plain)."""
    enabled: bool = True
    """``False``: crawled only when named explicitly (``-a site=ID``)."""
    noise_css: tuple[str, ...] = ()
    """CSS selectors of page parts to delete before extraction, on top of the general rules."""
    body_css: str | None = None
    """CSS selector of the article body, for sites the general rules get wrong."""
    max_section_depth: int | None = None
    """Link hops followed from section pages; ``None`` uses ``NEWSCRAWL_SECTION_DEPTH``."""
    extra_hosts: tuple[str, ...] = ()
    """Other hosts that belong to the site (feed hosts such as ``feeds.bbci.co.uk``)."""
    path: Path | None = field(default=None, compare=False, repr=False)
    """The file the seed was loaded from, when it came from a file."""

    # --- derived values ---------------------------------------------------------------

    @property
    def hints(self) -> SiteHints:
        """The site hints the cleaning chain applies on top of its general rules."""
        return SiteHints(
            noise_css=self.noise_css,
            body_css=self.body_css,
            language=self.language,
            site_name=self.name,
        )

    @property
    def host(self) -> str:
        """The domain's host, without the port."""
        return _split_domain(self.domain)[0]

    @property
    def port(self) -> int | None:
        """The domain's port, or ``None`` when the domain names none."""
        return _split_domain(self.domain)[1]

    @property
    def site(self) -> str:
        """The host that, with its subdomains, makes up the site: the domain without ``www.``.

        ``www.bbc.com`` gives ``bbc.com`` (so ``bbc.com`` and ``m.bbc.com`` are on the site);
        ``arabic.rt.com`` stays ``arabic.rt.com`` (RT's English site is another site).
        """
        return _site_of(self.domain)

    @property
    def allowed_domains(self) -> tuple[str, ...]:
        """The site and the extra hosts, in the form Scrapy's ``allowed_domains`` expects."""
        return (self.site, *self.extra_hosts)

    # --- URL tests --------------------------------------------------------------------

    def owns(self, url: str) -> bool:
        """Whether ``url`` is an http(s) URL on this seed's site.

        On the site means: the host is the site (see :attr:`site`) or one of its
        subdomains, or one of :attr:`extra_hosts` or their subdomains; and when the domain
        names a port, the URL uses that port.
        """
        return _on_site(url, self.domain, self.extra_hosts)

    def is_article_url(self, url: str) -> bool:
        """Whether ``url`` is on the site and matches :attr:`article_url_pattern`.

        The pattern is searched in the percent-decoded path (so patterns can name Arabic
        words as they read), then, when the URL has a query, in ``path?query``; the
        fragment is ignored. Trying the bare path first lets a pattern anchored with ``$``
        match URLs that carry tracking parameters.
        """
        if not self.owns(url):
            return False
        parts = urlsplit(url.strip())
        path = unquote(parts.path) or "/"
        if self.article_url_pattern.search(path):
            return True
        if parts.query:
            return self.article_url_pattern.search(f"{path}?{unquote(parts.query)}") is not None
        return False

    # --- construction -----------------------------------------------------------------

    @classmethod
    def from_mapping(
        cls,
        data: Mapping[str, Any],
        *,
        source: str = "<seed>",
        path: Path | None = None,
    ) -> Seed:
        """Validate ``data`` (the keys of a seed file) and build the seed.

        ``source`` names the seed in error messages (the file path when loading a file).
        With ``path``, the id must equal the file name without ``.toml``. Raises
        :class:`SeedError` listing every problem found.
        """
        result = _Validator(data, source=source, stem=path.stem if path else None).run()
        if isinstance(result, list):
            raise SeedError(result)
        return replace(result, path=path)

    def relocated(self, domain: str) -> Seed:
        """A copy of this seed on another ``host[:port]``, its own URLs moved along.

        Every feed, sitemap and section URL on exactly this seed's domain is rewritten to
        ``domain``; other URLs stay. Meant for tests and local mirrors, for example the demo
        site served on a free port.
        """
        if not _DOMAIN_RE.fullmatch(domain.lower()):
            raise SeedError([f"{self.id}: cannot relocate to {domain!r} — give host or host:port"])

        def move(url: str) -> str:
            parts = urlsplit(url)
            if parts.netloc.lower() != self.domain:
                return url
            return urlunsplit(parts._replace(netloc=domain.lower()))

        return replace(
            self,
            domain=domain.lower(),
            feeds=tuple(map(move, self.feeds)),
            sitemaps=tuple(map(move, self.sitemaps)),
            sections=tuple(map(move, self.sections)),
        )


def enabled_seeds(seeds: Mapping[str, Seed]) -> dict[str, Seed]:
    """The seeds a crawl without ``-a site=`` covers: those with ``enabled = true``."""
    return {seed_id: seed for seed_id, seed in seeds.items() if seed.enabled}


def load_seed(path: Path | str) -> Seed:
    """Read and validate one seed file; raises :class:`SeedError` naming every problem."""
    path = Path(path)
    source = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SeedError([f"{source}: cannot read the file: {exc.strerror or exc}"]) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SeedError(
            [f"{source}: not UTF-8 (byte {exc.start}) — save the file as UTF-8"]
        ) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SeedError([f"{source}: not valid TOML: {exc} — {_toml_hint(str(exc))}"]) from None
    return Seed.from_mapping(data, source=source, path=path)


def load_seeds(folder: Path | str, *, only: Iterable[str] | None = None) -> dict[str, Seed]:
    """Load every ``*.toml`` seed under ``folder`` (recursively), sorted by id.

    Every seed is returned, enabled or not (see :func:`enabled_seeds`). ``only`` narrows
    the result to the given ids (a comma-separated string works too); only those files are
    parsed, so one broken seed does not stop a crawl of another. Raises
    :class:`SeedError` for a missing folder, a folder without seeds, duplicate ids, unknown
    ids in ``only``, and every problem of every file loaded (all reported at once).
    """
    root = Path(folder)
    if not root.is_dir():
        raise SeedError(
            [f"{root}: seeds folder not found — set NEWSCRAWL_SEEDS to the folder of seed files"]
        )
    files = sorted(
        p
        for p in root.rglob("*.toml")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(root).parts)
    )
    if not files:
        raise SeedError([f"{root}: no seed files (*.toml) — add one per site, see docs/seeds.md"])

    by_stem: dict[str, list[Path]] = {}
    for file in files:
        by_stem.setdefault(file.stem, []).append(file)
    problems = [
        f"{paths[0]}: duplicate seed id {stem!r}, also in "
        f"{', '.join(map(str, paths[1:]))} — rename one (the id equals the file name)"
        for stem, paths in sorted(by_stem.items())
        if len(paths) > 1
    ]

    wanted = sorted(by_stem)
    if only is not None:
        names = _split_ids(only)
        if not names:
            raise SeedError(
                ["no seed id given to narrow the seeds to — name at least one, e.g. youm7"]
            )
        unknown = [name for name in names if name not in by_stem]
        problems.extend(_unknown_id(name, root, sorted(by_stem)) for name in unknown)
        wanted = sorted(set(names) - set(unknown))
    if problems:
        raise SeedError(problems)

    seeds: dict[str, Seed] = {}
    for stem in wanted:
        try:
            seeds[stem] = load_seed(by_stem[stem][0])
        except SeedError as exc:
            problems.extend(exc.problems)
    if problems:
        raise SeedError(problems)
    logger.debug("Loaded %s seeds from %s", len(seeds), root)
    return seeds


# --- validation ---------------------------------------------------------------------------


class _Validator:
    """Check the keys of one seed and build it, collecting every problem found."""

    def __init__(self, data: Mapping[str, Any], *, source: str, stem: str | None) -> None:
        self.data = data
        self.source = source
        self.stem = stem
        self.problems: list[str] = []

    def fail(self, message: str) -> None:
        self.problems.append(f"{self.source}: {message}")

    def run(self) -> Seed | list[str]:
        """The seed, or the list of problems when there is any."""
        self._check_keys()
        seed_id = self._id()
        name = self._text("name")
        domain = self._domain()
        language = self._language()
        flags = {key: self._bool(key) for key in _BOOL_KEYS}
        extra_hosts = self._extra_hosts()
        noise_css = self._css_list("noise_css")
        body_css = self._css("body_css")
        depth = self._depth()
        urls = {key: self._urls(key, domain, extra_hosts) for key in _URL_LIST_KEYS}
        pattern = self._pattern(urls["sections"])
        if not any(self.data.get(key) for key in _URL_LIST_KEYS):
            self.fail(
                "no source: feeds, sitemaps and sections are all empty — "
                "add at least one of feeds, sitemaps, sections"
            )
        if self.problems:
            return self.problems
        assert seed_id is not None and name is not None and domain is not None
        assert language is not None and pattern is not None
        return Seed(
            id=seed_id,
            name=name,
            domain=domain,
            language=language,
            article_url_pattern=pattern,
            feeds=urls["feeds"],
            sitemaps=urls["sitemaps"],
            sections=urls["sections"],
            needs_js=flags["needs_js"],
            render_listings=flags["render_listings"],
            enabled=flags["enabled"],
            noise_css=noise_css,
            body_css=body_css,
            max_section_depth=depth,
            extra_hosts=extra_hosts,
        )

    # --- keys -------------------------------------------------------------------------

    def _check_keys(self) -> None:
        for key in self.data:
            if key in KNOWN_KEYS:
                continue
            close = difflib.get_close_matches(str(key), KNOWN_KEYS, n=1, cutoff=0.6)
            hint = (
                f"did you mean {close[0]!r}?" if close else f"known keys: {', '.join(KNOWN_KEYS)}"
            )
            self.fail(f"unknown key {key!r} — {hint}")
        for key in REQUIRED_KEYS:
            if key not in self.data:
                example = _REQUIRED_EXAMPLES[key].format(stem=self.stem or "site_id")
                self.fail(f"missing key {key!r} — add {example}")

    def _text(self, key: str) -> str | None:
        if key not in self.data:
            return None
        value = self.data[key]
        if not isinstance(value, str) or not value.strip():
            self.fail(f"{key!r} must be a non-empty string (got {_show(value)})")
            return None
        return value.strip()

    def _id(self) -> str | None:
        seed_id = self._text("id")
        if seed_id is None:
            return None
        if not _ID_RE.fullmatch(seed_id):
            fixed = re.sub(r"[^a-z0-9_]+", "_", seed_id.lower()).strip("_") or "site"
            self.fail(
                f"'id' {seed_id!r} must be lowercase letters, digits and underscores — "
                f"e.g. id = {fixed!r} (and rename the file to {fixed}.toml)"
            )
            return None
        if self.stem is not None and seed_id != self.stem:
            self.fail(
                f"'id' is {seed_id!r} but the file is {self.stem}.toml — the id must equal "
                f"the file name: set id = {self.stem!r} or rename the file to {seed_id}.toml"
            )
            return None
        return seed_id

    def _domain(self) -> str | None:
        value = self._text("domain")
        if value is None:
            return None
        domain = value.lower()
        if "/" in domain or "@" in domain:
            parts = urlsplit(domain if "//" in domain else f"//{domain}")
            self.fail(
                f"'domain' must be a host or host:port, not a URL (got {value!r}) — "
                f"write domain = {(parts.netloc or domain.split('/')[0])!r}"
            )
            return None
        match = _DOMAIN_RE.fullmatch(domain)
        if match is None or (match["port"] and not 0 < int(match["port"]) < 65536):
            self.fail(
                f"'domain' {value!r} is not a host name or host:port — "
                'e.g. domain = "www.youm7.com" or "127.0.0.1:8760"'
            )
            return None
        return domain

    def _language(self) -> str | None:
        value = self._text("language")
        if value is None:
            return None
        if value in ISO_639_1:
            return value
        self.fail(f"'language' {value!r} is not an ISO 639-1 code — {_language_hint(value)}")
        return None

    def _bool(self, key: str) -> bool:
        default = key == "enabled"
        if key not in self.data:
            return default
        value = self.data[key]
        if not isinstance(value, bool):
            self.fail(f"{key!r} must be true or false, without quotes (got {_show(value)})")
            return default
        return value

    def _depth(self) -> int | None:
        if "max_section_depth" not in self.data:
            return None
        value = self.data["max_section_depth"]
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(
                f"'max_section_depth' must be a whole number, without quotes (got {_show(value)})"
            )
            return None
        if not 0 <= value <= MAX_SECTION_DEPTH:
            self.fail(
                f"'max_section_depth' must be between 0 and {MAX_SECTION_DEPTH} (got {value}) — "
                "0 reads only the listed section pages"
            )
            return None
        return value

    def _string_list(self, key: str, what: str, example: str) -> list[str] | None:
        """The key's list of non-empty strings, or ``None`` after reporting the problem."""
        value = self.data.get(key, [])
        if isinstance(value, str):
            self.fail(f"{key!r} must be a list of {what} — write {key} = [{value!r}]")
            return None
        if not isinstance(value, list):
            self.fail(f"{key!r} must be a list of {what}, e.g. {key} = [{example}]")
            return None
        items: list[str] = []
        for item in value:
            if not isinstance(item, str) or not item.strip():
                self.fail(
                    f"{key!r} must be a list of {what}: {_show(item)} is not one — "
                    f"e.g. {key} = [{example}]"
                )
                return None
            if item.strip() in items:
                self.fail(f"{key!r} lists {item.strip()!r} twice — remove one")
                return None
            items.append(item.strip())
        return items

    def _extra_hosts(self) -> tuple[str, ...]:
        hosts = self._string_list("extra_hosts", "host names", '"feeds.example.com"')
        if hosts is None:
            return ()
        good: list[str] = []
        for host in hosts:
            if not _HOST_RE.fullmatch(host.lower()):
                self.fail(
                    f"'extra_hosts' entry {host!r} is not a host name — "
                    'write the host only, e.g. "feeds.bbci.co.uk"'
                )
                continue
            good.append(host.lower())
        return tuple(good)

    def _urls(self, key: str, domain: str | None, extra_hosts: tuple[str, ...]) -> tuple[str, ...]:
        urls = self._string_list(key, "URLs", '"https://www.example.com/rss"')
        if urls is None:
            return ()
        for url in urls:
            try:
                parts = urlsplit(url)
                port_ok = parts.port is None or parts.port > 0
            except ValueError:
                port_ok = False
            if parts.scheme not in _DEFAULT_PORTS or not parts.hostname or not port_ok:
                self.fail(
                    f"{key!r} entry {url!r} is not an http(s) URL — "
                    'write the full address, e.g. "https://www.example.com/rss"'
                )
            elif domain is not None and not _on_site(url, domain, extra_hosts):
                self.fail(
                    f"{key!r} entry {url!r} is not on {domain} — use a URL on {_site_of(domain)} "
                    "or one of its subdomains, or add its host to extra_hosts"
                )
        return tuple(urls)

    def _selector_problem(self, selector: str) -> str | None:
        try:
            _CSS.css_to_xpath(selector)
        except SelectorError as exc:
            return str(exc)
        return None

    def _css_list(self, key: str) -> tuple[str, ...]:
        selectors = self._string_list(key, "CSS selectors", '"div.related", "aside.newsletter"')
        if selectors is None:
            return ()
        for selector in selectors:
            if (problem := self._selector_problem(selector)) is not None:
                self.fail(
                    f"{key!r} selector {selector!r} is not valid CSS ({problem}) — "
                    'write a plain CSS selector such as "div.related"'
                )
        return tuple(selectors)

    def _css(self, key: str) -> str | None:
        if key not in self.data:
            return None
        selector = self._text(key)
        if selector is None:
            return None
        if (problem := self._selector_problem(selector)) is not None:
            self.fail(
                f"{key!r} selector {selector!r} is not valid CSS ({problem}) — "
                'write a plain CSS selector such as "div.article-body"'
            )
            return None
        return selector

    def _pattern(self, sections: tuple[str, ...]) -> re.Pattern[str] | None:
        source = self._text("article_url_pattern")
        if source is None:
            return None
        try:
            pattern = re.compile(source)
        except re.error as exc:
            self.fail(
                f"'article_url_pattern' is not a valid regular expression: {exc.msg} "
                f"at position {exc.pos} of {source!r} — fix the expression "
                "(write it in single quotes so backslashes stay as they are)"
            )
            return None
        if pattern.search("/"):
            self.fail(
                f"'article_url_pattern' {source!r} matches the home page '/' — "
                "make it specific to article URLs, e.g. '/news/\\d{4}/\\d{2}/[^/]+$'"
            )
            return None
        for url in sections:
            path = unquote(urlsplit(url).path) or "/"
            if pattern.search(path):
                self.fail(
                    f"'article_url_pattern' {source!r} matches the section page {url} — "
                    "sections are listing pages: make the pattern specific to articles, "
                    "or remove the URL from sections"
                )
                return None
        return pattern


# --- helpers ------------------------------------------------------------------------------


def _split_domain(domain: str) -> tuple[str, int | None]:
    host, _, port = domain.partition(":")
    return host, int(port) if port else None


def _site_of(domain: str) -> str:
    """The domain's host without the port and without a leading ``www.``."""
    host = _split_domain(domain)[0]
    if host.startswith("www.") and "." in host[4:]:
        return host[4:]
    return host


def _on_site(url: str, domain: str, extra_hosts: Iterable[str]) -> bool:
    """Whether ``url`` is an http(s) URL on the site of ``domain`` or on an extra host."""
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").rstrip(".")
        port = parts.port
    except ValueError:
        return False
    if parts.scheme not in _DEFAULT_PORTS or not host:
        return False
    wanted_port = _split_domain(domain)[1]
    if wanted_port is not None and (port or _DEFAULT_PORTS[parts.scheme]) != wanted_port:
        return False
    return any(_within(host, base) for base in (_site_of(domain), *extra_hosts))


def _within(host: str, base: str) -> bool:
    """Whether ``host`` is ``base`` or one of its subdomains."""
    return host == base or host.endswith(f".{base}")


def _show(value: Any) -> str:
    """A value as the person wrote it in TOML terms, for messages."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    return repr(value)


def _language_hint(value: str) -> str:
    lowered = value.strip().lower().replace("_", "-")
    base = lowered.split("-", 1)[0]
    if base in ISO_639_1:
        code = base
    elif lowered in _LANGUAGE_ALIASES or base in _LANGUAGE_ALIASES:
        code = _LANGUAGE_ALIASES.get(lowered, _LANGUAGE_ALIASES.get(base, ""))
        if not code:
            return "it has no ISO 639-1 code: use the code of the site's main language"
    else:
        close = difflib.get_close_matches(lowered, sorted(ISO_639_1), n=1, cutoff=0.5)
        if not close:
            return 'use the two-letter code, e.g. "ar" (Arabic), "en", "fa", "ur"'
        code = close[0]
    return f"did you mean {code!r} ({_LANGUAGE_NAMES[code]})?"


def _toml_hint(message: str) -> str:
    if "Unescaped" in message or "escape" in message:
        return (
            "a backslash in a double-quoted string starts an escape: write regular "
            "expressions in single quotes, e.g. article_url_pattern = '/news/\\d+'"
        )
    if "overwrite" in message:
        return "a key appears twice: keep one"
    return "check the quotes, brackets and commas on that line"


def _split_ids(only: Iterable[str]) -> list[str]:
    """Seed ids from ``only``: an iterable of ids, or one comma-separated string."""
    items = [only] if isinstance(only, str) else list(only)
    names: list[str] = []
    for item in items:
        for name in str(item).split(","):
            if (name := name.strip()) and name not in names:
                names.append(name)
    return names


def _unknown_id(name: str, root: Path, known: list[str]) -> str:
    close = difflib.get_close_matches(name, known, n=3, cutoff=0.6)
    hint = f"did you mean {' or '.join(map(repr, close))}?" if close else "no similar id"
    return f"{root}: unknown seed id {name!r} — {hint} (known ids: {', '.join(known)})"
