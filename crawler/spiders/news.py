"""The one generic news spider, driven by the seed files.

Discovery per seed: RSS/Atom feeds, sitemaps and sitemap indexes (news sitemaps too, and the
sitemaps that robots.txt lists), and section pages (links matching the seed's article pattern,
plus same-site listing links up to ``NEWSCRAWL_SECTION_DEPTH`` hops). Every article URL is
canonicalized before it is requested, so a URL seen twice under tracking parameters is
fetched once. Article pages become :class:`~crawler.items.ArticleItem` objects with the raw
page; the cleaning happens in the item pipelines.

Article URLs already in the store are not requested again: the article links of each listing
response are looked up in one batch (:class:`~pipelines.storage.known.KnownUrls`, in a worker
thread, with an LRU cache) and the stored ones are counted as
``newscrawl/spider/skipped/already_stored``. When the store cannot be asked (it is
unreachable, e.g. a crawl going on into the spool), the failure is logged and counted once
(``newscrawl/spider/known/errors``) and the store is not asked again for
``NEWSCRAWL_STORE_RETRY_SECONDS`` (30): meanwhile every article link is
fetched, counted as ``newscrawl/spider/known/unasked``. Feeds, sitemaps and section pages
are fetched on every run. With ``NEWSCRAWL_REFETCH_ENABLED`` stored articles first seen less than
``NEWSCRAWL_REFETCH_HOURS`` ago are fetched again (at most ``NEWSCRAWL_REFETCH_MAX`` times
each) to catch corrections (``newscrawl/spider/refetch/requested``). Without the store
(``NEWSCRAWL_MONGO_ENABLED = False``, or ``NEWSCRAWL_SKIP_STORED = False``) every article
link is fetched. URLs given with ``-a url=`` are always fetched.

Arguments: ``-a site=ID[,ID…]`` narrows the crawl to those seeds (disabled seeds too);
``-a url=URL[,URL…]`` fetches the given article URLs only (the seed is the one owning the URL).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any, Self
from urllib.parse import urljoin, urlsplit

from pymongo.errors import PyMongoError
from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.asyncio import run_in_thread
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.response import get_base_url
from twisted.internet.defer import DeferredLock
from twisted.internet.error import (
    ConnectionRefusedError,
    DNSLookupError,
    TCPTimedOutError,
    TimeoutError,
)
from twisted.python.failure import Failure

from crawler.discovery import ListingKind, parse_listing, sitemaps_from_robots
from crawler.items import ArticleItem
from crawler.seeds import Seed, SeedError, load_seeds
from crawler.urls import canonicalize
from pipelines.storage.config import StoreConfig, setting_enabled
from pipelines.storage.connect import Store, open_store_from_config
from pipelines.storage.known import KnownUrls, RefetchPolicy, RetryGate, StoredArticle

logger = logging.getLogger(__name__)

#: Content types that can hold an article page.
_HTML_TYPES = (b"text/html", b"application/xhtml+xml")


def _split_arg(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def _charset(response: Response) -> str | None:
    """The charset named by the HTTP Content-Type header, if any."""
    content_type = response.headers.get(b"Content-Type", b"") or b""
    for part in content_type.decode("latin-1").split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key.lower() == "charset" and value:
            return value.strip("\"' ").lower()
    return None


class NewsSpider(Spider):
    """Find article URLs from feeds, sitemaps and section pages, and fetch the articles."""

    name = "news"

    def __init__(self, *args: Any, site: str | None = None, url: str | None = None, **kw: Any):
        super().__init__(*args, **kw)
        self.site_arg = _split_arg(site)
        self.url_arg = _split_arg(url)
        self.seeds: dict[str, Seed] = {}
        self.section_depth = 1
        self.sitemap_max_age: timedelta | None = None
        self._seen_articles: set[str] = set()
        self.store_config: StoreConfig | None = None
        self.known_cache_size = 100_000
        self.refetch: RefetchPolicy | None = None
        self._store: Store | None = None
        self._known: KnownUrls | None = None
        self._known_gate = RetryGate(StoreConfig.retry_seconds)
        self._known_lock = DeferredLock()

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        only = spider.site_arg or None
        try:
            seeds = load_seeds(settings.get("NEWSCRAWL_SEEDS"), only=only)
        except SeedError as exc:
            # Bad seeds are a configuration error: say which file and key, then stop.
            raise SeedError(str(exc)) from None
        if not only:
            seeds = {sid: seed for sid, seed in seeds.items() if seed.enabled}
        spider.seeds = seeds
        spider.section_depth = settings.getint("NEWSCRAWL_SECTION_DEPTH", 1)
        max_age_days = settings.getfloat("NEWSCRAWL_SITEMAP_MAX_AGE_DAYS", 0)
        spider.sitemap_max_age = timedelta(days=max_age_days) if max_age_days > 0 else None
        if setting_enabled(settings, "NEWSCRAWL_MONGO_ENABLED", True) and settings.getbool(
            "NEWSCRAWL_SKIP_STORED", True
        ):
            spider.store_config = StoreConfig.from_settings(settings)
            spider._known_gate = RetryGate(spider.store_config.retry_seconds)
            spider.known_cache_size = settings.getint("NEWSCRAWL_KNOWN_CACHE_SIZE", 100_000)
            if settings.getbool("NEWSCRAWL_REFETCH_ENABLED", False):
                spider.refetch = RefetchPolicy(
                    hours=settings.getfloat("NEWSCRAWL_REFETCH_HOURS", 48.0),
                    max_times=settings.getint("NEWSCRAWL_REFETCH_MAX", 3),
                )
        return spider

    # --- helpers --------------------------------------------------------------------

    def _count(self, key: str, value: int = 1) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(f"newscrawl/spider/{key}", value)

    def _seed_for(self, url: str) -> Seed | None:
        """The seed an article URL belongs to: one whose article pattern matches, else an owner.

        Several seeds can share a host (BBC Arabic, Persian and Urdu on www.bbc.com), so the
        article pattern decides first.
        """
        owners = [seed for seed in self.seeds.values() if seed.owns(url)]
        for seed in owners:
            if seed.is_article_url(url):
                return seed
        return owners[0] if owners else None

    def _depth_limit(self, seed: Seed) -> int:
        """Hops of listing links followed from section pages: the seed's own, else the setting."""
        return seed.max_section_depth if seed.max_section_depth is not None else self.section_depth

    def _too_old(self, date: datetime | None) -> bool:
        if date is None or self.sitemap_max_age is None:
            return False
        return datetime.now(UTC) - date > self.sitemap_max_age

    def _article_request(self, url: str, seed: Seed, source: str) -> Request | None:
        """A request for an article URL, or ``None`` when it was already requested."""
        canonical = canonicalize(url)
        if canonical in self._seen_articles:
            self._count("discovered/duplicate_url")
            return None
        self._seen_articles.add(canonical)
        self._count(f"discovered/{source}")
        return Request(
            canonical,
            callback=self.parse_article,
            errback=self.on_error,
            priority=10,
            cb_kwargs={"seed_id": seed.id},
            meta={
                "newscrawl_kind": "article",
                "newscrawl_seed": seed.id,
                "newscrawl_canonical": canonical,
            },
        )

    # --- already stored? ------------------------------------------------------------------

    async def _not_stored(self, requests: list[Request]) -> list[Request]:
        """The article requests whose URL is not stored yet (or is due for a re-fetch).

        One batched lookup per call, in a worker thread: pymongo blocks, and the reactor
        keeps downloading meanwhile. Lookups run one at a time: the LRU cache is not safe
        to share between threads, and while the store is unreachable only one of them waits
        for the driver's timeout. A store error lets every request through, and so does
        every call in the :class:`RetryGate` pause after it.
        """
        if not requests or self.store_config is None:
            return requests
        urls = [str(r.meta.get("newscrawl_canonical") or r.url) for r in requests]
        await maybe_deferred_to_future(self._known_lock.acquire())
        try:
            if not self._known_gate.ready():
                self._count("known/unasked", len(requests))
                return requests
            found, queries = await run_in_thread(self._lookup, urls)
        except PyMongoError as exc:
            self._known_gate.failed()
            logger.warning(
                "Could not ask the store which articles it has (%s); article links are "
                "fetched without asking it for the next %g s",
                exc,
                self._known_gate.seconds,
            )
            self._count("known/errors")
            self._count("known/unasked", len(requests))
            return requests
        finally:
            self._known_lock.release()
        self._known_gate.succeeded()
        if queries:
            self._count("known/queries", queries)
        now = datetime.now(UTC)
        keep = []
        for request, url in zip(requests, urls, strict=True):
            stored = found.get(url)
            if stored is None:
                keep.append(request)
            elif self.refetch is not None and self.refetch.due(stored, now):
                self._count("refetch/requested")
                self._remember_refetch(url, stored)
                request.meta["newscrawl_refetch"] = True
                keep.append(request)
            else:
                self._count("skipped/already_stored")
        return keep

    def _lookup(self, urls: list[str]) -> tuple[dict[str, StoredArticle], int]:
        """Blocking: open the store on first use, then look ``urls`` up (worker thread)."""
        if self._known is None:
            assert self.store_config is not None
            self._store = open_store_from_config(self.store_config)
            self._known = KnownUrls(
                self._store.articles, self._store.url_aliases, cache_size=self.known_cache_size
            )
        before = self._known.queries
        found = self._known.lookup(urls)
        return found, self._known.queries - before

    def _remember_refetch(self, url: str, stored: StoredArticle) -> None:
        """Count the coming fetch in the cache, so the limit holds in a long-running crawl."""
        if self._known is not None:
            self._known.remember(
                url,
                StoredArticle(stored.article_id, stored.first_seen, stored.fetch_count + 1),
            )

    def closed(self, reason: str) -> None:
        """Close the store connection of the lookups (the store itself stays up)."""
        if self._store is not None:
            self._store.close()
            self._store = None

    def _listing_request(self, url: str, seed: Seed, kind: str, depth: int = 0) -> Request:
        callback = self.parse_section if kind == "section" else self.parse_listing
        return Request(
            url,
            callback=callback,
            errback=self.on_error,
            cb_kwargs={"seed_id": seed.id, "depth": depth},
            meta={"newscrawl_kind": kind, "newscrawl_seed": seed.id},
            # Feeds, sitemaps and the seed's own section pages are read on every run, also
            # when a JOBDIR remembers them from an interrupted one; followed listing pages
            # (depth > 0) are filtered so section links cannot loop.
            dont_filter=kind != "section" or depth == 0,
        )

    # --- start ------------------------------------------------------------------------

    async def start(self) -> AsyncIterator[Any]:
        """Requests for the given URLs, or for every source of every selected seed."""
        if not self.seeds:
            logger.warning(
                "No seed to crawl (NEWSCRAWL_SEEDS=%s)", self.settings.get("NEWSCRAWL_SEEDS")
            )
        if self.url_arg:
            for url in self.url_arg:
                seed = self._seed_for(url)
                if seed is None:
                    logger.error("No seed owns %s; add a seed for its site or use -a site=", url)
                    self._count("skipped/no_seed")
                    continue
                if (request := self._article_request(url, seed, "argument")) is not None:
                    yield request
            return
        for seed in self.seeds.values():
            for request in self._seed_requests(seed):
                yield request

    def _seed_requests(self, seed: Seed) -> Iterator[Request]:
        for feed in seed.feeds:
            yield self._listing_request(feed, seed, "feed")
        for sitemap in seed.sitemaps:
            yield self._listing_request(sitemap, seed, "sitemap")
        origin = self._origin(seed)
        yield Request(
            f"{origin}/robots.txt",
            callback=self.parse_robots,
            errback=self.on_error,
            cb_kwargs={"seed_id": seed.id},
            meta={"newscrawl_kind": "robots", "newscrawl_seed": seed.id},
            # Each seed reads it, also when another seed shares the host (BBC Arabic and
            # BBC News on www.bbc.com): its sitemaps are filtered by each seed's pattern.
            dont_filter=True,
        )
        for section in seed.sections:
            yield self._listing_request(section, seed, "section")

    @staticmethod
    def _origin(seed: Seed) -> str:
        for url in (*seed.sections, *seed.feeds, *seed.sitemaps):
            parts = urlsplit(url)
            if parts.netloc == seed.domain:
                return f"{parts.scheme}://{parts.netloc}"
        return f"https://{seed.domain}"

    # --- callbacks --------------------------------------------------------------------

    def parse_robots(self, response: Response, seed_id: str) -> Iterator[Request]:
        """Follow the sitemaps that robots.txt lists."""
        seed = self.seeds[seed_id]
        text = (
            response.text
            if isinstance(response, TextResponse)
            else response.body.decode("utf-8", "replace")
        )
        for url in sitemaps_from_robots(text):
            if seed.owns(url):
                self._count("robots_sitemaps")
                yield self._listing_request(url, seed, "sitemap")

    async def parse_listing(
        self, response: Response, seed_id: str, depth: int = 0
    ) -> AsyncIterator[Request]:
        """Feeds, sitemaps and sitemap indexes: follow child sitemaps, request articles."""
        seed = self.seeds[seed_id]
        kind = response.meta.get("newscrawl_kind", "listing")
        try:
            listing = parse_listing(response.body)
        except ValueError as exc:
            logger.info("Not a feed or sitemap: %s (%s)", response.url, exc)
            self._count(f"listing_errors/{kind}")
            return
        self._count(f"listings/{listing.kind.value}")
        articles: list[Request] = []
        for entry in listing.entries:
            url = urljoin(response.url, entry.url)
            if self._too_old(entry.date):
                self._count("skipped/too_old")
                continue
            if listing.kind is ListingKind.SITEMAP_INDEX:
                if seed.owns(url):
                    yield self._listing_request(url, seed, "sitemap")
            elif seed.is_article_url(url):
                source = "feed" if listing.kind is ListingKind.FEED else "sitemap"
                if (request := self._article_request(url, seed, source)) is not None:
                    articles.append(request)
            else:
                self._count("skipped/not_article_url")
        for request in await self._not_stored(articles):
            yield request

    async def parse_section(
        self, response: Response, seed_id: str, depth: int = 0
    ) -> AsyncIterator[Request]:
        """Section and home pages: article links, and listing links up to the depth limit."""
        seed = self.seeds[seed_id]
        if not isinstance(response, TextResponse):
            self._count("skipped/not_html")
            return
        base = get_base_url(response)
        articles: list[Request] = []
        for href in response.css("a::attr(href)").getall():
            url = urljoin(base, href.strip())
            if urlsplit(url).scheme not in {"http", "https"}:
                continue
            if seed.is_article_url(url):
                if (request := self._article_request(url, seed, "section")) is not None:
                    articles.append(request)
            elif depth < self._depth_limit(seed) and seed.owns(url):
                yield self._listing_request(url.split("#", 1)[0], seed, "section", depth + 1)
        for request in await self._not_stored(articles):
            yield request

    def parse_article(self, response: Response, seed_id: str) -> Iterable[ArticleItem]:
        """Turn an article page into an item carrying the raw page."""
        content_type = (response.headers.get(b"Content-Type") or b"text/html").lower()
        if not any(content_type.startswith(t) for t in _HTML_TYPES):
            logger.info("Skipped %s: not an HTML page (%s)", response.url, content_type.decode())
            self._count("skipped/not_html")
            return
        self._count("fetched")
        if response.meta.get("newscrawl_refetch"):
            self._count("refetch/fetched")
        yield ArticleItem(
            request_url=response.request.url if response.request else response.url,
            url=response.url,
            site=seed_id,
            fetched_at=datetime.now(UTC),
            body=response.body,
            encoding=_charset(response),
            status=response.status,
            rendered="playwright" in response.flags,
        )

    def on_error(self, failure: Failure) -> None:
        """Count every failed request by kind, so a crawl whose requests fail is visible."""
        request = getattr(failure, "request", None)
        kind = request.meta.get("newscrawl_kind", "request") if request is not None else "request"
        error = failure.value
        if isinstance(error, IgnoreRequest) and not isinstance(error, HttpError):
            # Not a failure: robots.txt (or another policy) said not to fetch it.
            reason = "robots_txt" if "robots" in str(error).lower() else "ignored"
            self._count(f"skipped/{reason}")
            logger.debug("Not fetched %s: %s", request.url if request else "?", error)
            return
        if isinstance(error, HttpError):
            reason = f"http_{error.response.status}"
        elif (
            isinstance(error, TimeoutError | TCPTimedOutError) or "Timeout" in type(error).__name__
        ):
            reason = "timeout"
        elif isinstance(error, DNSLookupError):
            reason = "dns"
        elif isinstance(error, ConnectionRefusedError):
            reason = "connection_refused"
        else:
            reason = type(error).__name__
        self._count(f"errors/{kind}/{reason}")
        logger.info("Failed %s %s: %s", kind, request.url if request else "?", reason)
