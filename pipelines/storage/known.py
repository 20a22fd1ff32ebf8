"""Which article URLs are already stored: batched ``_id`` lookups with a bounded LRU cache.

A scheduled crawl sees the same article links on every run; asking the store before a link
is requested saves the download, the extraction and the write. The spider asks about all the
article links of one listing response at once (:meth:`KnownUrls.lookup`), which costs at most
three ``find({_id: {$in: …}})`` queries per batch, whatever its size:

1. ``articles`` by ``_id`` (the id of a canonical link is :func:`article_id` of it);
2. ``url_aliases`` by ``_id`` for the links still unknown: another spelling of a stored
   article's URL (the requested URL before a redirect, a link whose page declared another
   ``rel=canonical``, a copy dropped as a duplicate of a stored story);
3. ``articles`` by ``_id`` for the articles those aliases point at.

Only ``_id`` lookups are used because nx-27017 serves ``$in`` from the ``_id`` index only (a
secondary index would mean a collection scan there). Positive answers are cached (bounded,
least recently used first out); negative ones are not, because a link that is unknown now is
requested and stored moments later.

``url_aliases`` documents: ``{_id: article_id(canonical link), article_id, url, reason,
created_at}``; :func:`alias_documents` builds them for a stored or dropped article.

When the store cannot be reached (down at the start of a crawl that goes on into the spool,
or gone mid-crawl), every lookup would wait for the driver's server-selection timeout.
:class:`RetryGate` remembers the failure so that lookups answer "nothing known" (every link
is fetched) for a while without touching the network (the spider keeps it closed for
``NEWSCRAWL_STORE_RETRY_SECONDS``).
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pymongo import UpdateOne
from pymongo.collection import Collection

from crawler.urls import canonicalize
from pipelines.storage.documents import article_id, to_utc
from pipelines.storage.inlists import in_lists

logger = logging.getLogger(__name__)

URL_ALIASES = "url_aliases"

Document = dict[str, Any]

#: Fields read from ``articles`` for a known URL (enough for the re-fetch decision).
_PROJECTION = {"first_seen": 1, "fetch_count": 1}


class RetryGate:
    """Whether to try the store now: not until ``seconds`` after the last failure.

    ``clock``: a monotonic clock in seconds (tests pass a fake one).
    """

    def __init__(self, seconds: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        if seconds < 0:
            raise ValueError("seconds must not be negative")
        self.seconds = seconds
        self._clock = clock
        self._until: float | None = None

    def ready(self) -> bool:
        """True when no failure happened, or the last one is ``seconds`` old."""
        return self._until is None or self._clock() >= self._until

    def failed(self) -> None:
        """Record a failure now: :meth:`ready` is False for the next ``seconds``."""
        self._until = self._clock() + self.seconds

    def succeeded(self) -> None:
        """Record a success: :meth:`ready` is True again."""
        self._until = None


@dataclass(frozen=True)
class StoredArticle:
    """What the store knows about a link: the article it leads to and how often it was fetched."""

    article_id: str
    first_seen: datetime | None
    fetch_count: int


@dataclass(frozen=True)
class RefetchPolicy:
    """Fetch stored articles again while they are young, a bounded number of times.

    ``hours``: only articles first seen less than this long ago; ``max_times``: re-fetches
    per article (an article fetched ``1 + max_times`` times is not fetched again).
    """

    hours: float = 48.0
    max_times: int = 3

    def due(self, stored: StoredArticle, now: datetime) -> bool:
        """Whether ``stored`` should be fetched again at ``now`` (timezone-aware)."""
        if stored.first_seen is None or stored.fetch_count - 1 >= self.max_times:
            return False
        first_seen = stored.first_seen
        if first_seen.tzinfo is None:  # a client without tz_aware=True
            first_seen = first_seen.replace(tzinfo=now.tzinfo)
        return now - first_seen < timedelta(hours=self.hours)


class KnownUrls:
    """Answer "is this canonical article URL already stored?" for batches of URLs.

    ``articles``/``aliases``: the two collections; ``cache_size``: stored answers kept in
    memory (least recently used evicted first). ``queries`` counts the ``find`` calls sent,
    for stats and tests.
    """

    def __init__(
        self,
        articles: Collection[Document],
        aliases: Collection[Document],
        *,
        cache_size: int = 100_000,
    ) -> None:
        if cache_size < 0:
            raise ValueError("cache_size must not be negative")
        self.articles = articles
        self.aliases = aliases
        self.cache_size = cache_size
        self.queries = 0
        self._cache: OrderedDict[str, StoredArticle] = OrderedDict()

    def __len__(self) -> int:
        """Answers currently cached."""
        return len(self._cache)

    def lookup(self, urls: Iterable[str]) -> dict[str, StoredArticle]:
        """The stored article of each URL that leads to one (URLs must be canonical)."""
        found: dict[str, StoredArticle] = {}
        missing: dict[str, str] = {}  # id of the link -> link
        asked = list(dict.fromkeys(urls))
        for url in asked:
            cached = self._cache.get(url)
            if cached is not None:
                self._cache.move_to_end(url)
                found[url] = cached
            else:
                missing[article_id(url)] = url
        if not missing:
            return found
        for doc in self._find(self.articles, list(missing), _PROJECTION):
            found[missing.pop(doc["_id"])] = _stored(doc["_id"], doc)
        if missing:
            found.update(self._through_aliases(missing))
        for url in asked:  # in the order asked: the last ones are the most recently used
            if url in found:
                self.remember(url, found[url])
        return found

    def _through_aliases(self, missing: Mapping[str, str]) -> dict[str, StoredArticle]:
        """Links (by id in ``missing``) that are aliases of stored articles."""
        targets: dict[str, list[str]] = {}
        for alias in self._find(self.aliases, list(missing), {"article_id": 1}):
            target = alias.get("article_id")
            if isinstance(target, str):
                targets.setdefault(target, []).append(missing[alias["_id"]])
        found: dict[str, StoredArticle] = {}
        if targets:
            for doc in self._find(self.articles, list(targets), _PROJECTION):
                for url in targets[doc["_id"]]:
                    found[url] = _stored(doc["_id"], doc)
        return found

    def remember(self, url: str, stored: StoredArticle) -> None:
        """Cache what is known about ``url`` (e.g. after deciding to re-fetch it)."""
        if self.cache_size == 0:
            return
        self._cache[url] = stored
        self._cache.move_to_end(url)
        while len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)

    def _find(
        self, collection: Collection[Document], ids: list[str], projection: Mapping[str, int]
    ) -> list[Document]:
        found: list[Document] = []
        for chunk in in_lists(ids):
            self.queries += 1
            found.extend(collection.find({"_id": {"$in": chunk}}, dict(projection)))
        return found


def _stored(doc_id: str, doc: Mapping[str, Any]) -> StoredArticle:
    first_seen = doc.get("first_seen")
    count = doc.get("fetch_count")
    return StoredArticle(
        article_id=doc_id,
        first_seen=first_seen if isinstance(first_seen, datetime) else None,
        fetch_count=int(count) if isinstance(count, int) else 1,
    )


def alias_documents(
    links: Iterable[str | None], target_id: str, target_url: str, reason: str, now: datetime
) -> list[UpdateOne]:
    """Upserts recording each link (canonicalized) as another spelling of ``target_id``.

    Links whose canonical form is ``target_url`` itself need no alias and are left out.
    ``reason``: ``"redirect"`` (a spelling of a stored article) or ``"duplicate"`` (a
    dropped copy of one).
    """
    target = canonicalize(target_url)
    seen = to_utc(now)
    updates = []
    for link in dict.fromkeys(canonicalize(link) for link in links if link):
        if link == target or not link:
            continue
        updates.append(
            UpdateOne(
                {"_id": article_id(link)},
                {
                    "$set": {"article_id": target_id, "url": link, "reason": reason},
                    "$setOnInsert": {"created_at": seen},
                },
                upsert=True,
            )
        )
    return updates


def write_aliases(collection: Collection[Document], updates: list[UpdateOne]) -> int:
    """Write alias upserts (idempotent); returns how many were sent."""
    if updates:
        collection.bulk_write(updates, ordered=False)
    return len(updates)
