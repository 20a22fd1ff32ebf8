"""Decide, for a batch of articles, which are new stories and which copy a stored one.

An article is, in this order:

1. **re-fetched** when its ``_id`` (the canonical URL's id) is already in ``articles``: it
   keeps its stored ``cluster_id`` and ``duplicate_of``; ``changed`` says whether its text's
   fingerprint differs (its sketch is then replaced);
2. a **duplicate** of an earlier article when one has the same exact fingerprint, else a
   near-duplicate sketch (:mod:`pipelines.similarity.sketch`), whether that article is in
   :class:`~pipelines.similarity.index.NearDupIndex` (this or another process, this run or
   an earlier one) or earlier in the same batch;
3. else **unique**: the first article of its story, its own cluster.

A whole batch costs a fixed number of round trips (ids in ``articles``, the index's two
lookup queries, the clusters of the originals, and the index writes), not a handful per
article, which is what kept a crawl from using its cores.

A duplicate's ``duplicate_of`` is the first article of the story (the original's own
``duplicate_of`` when the match was itself a copy) and its ``cluster_id`` that article's
cluster; a copy found while its original still waits in the store's write buffer takes
the original as the first article (every unique article is its own cluster, so nothing
needs rewriting later).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from pymongo.collection import Collection

from pipelines.similarity.fingerprint import (
    EMPTY_FINGERPRINT,
    fingerprint_of_normalized,
    normalize_for_fingerprint,
    text_fingerprint,
)
from pipelines.similarity.index import Entry, Match, NearDupIndex, Query
from pipelines.similarity.sketch import Sketch, SketchParams, compare, make_sketch
from pipelines.storage.inlists import in_lists

UNIQUE = "unique"
REFETCHED = "refetched"
DUPLICATE = "duplicate"

Document = dict[str, Any]


@dataclass(frozen=True)
class Article:
    """One article to check: its id and text, and optionally its fingerprint and sketch.

    ``prepared`` says that ``fingerprint`` and ``sketch`` were already computed (by
    :func:`prepare`, in a worker process, say); otherwise they are computed here.
    """

    doc_id: str
    text: str
    fingerprint: str | None = None
    sketch: Sketch | None = field(default=None, repr=False, compare=False)
    prepared: bool = False


@dataclass(frozen=True)
class Decision:
    """What the dedup check found for one article.

    ``outcome``: :data:`UNIQUE`, :data:`REFETCHED` or :data:`DUPLICATE`. For a duplicate,
    ``duplicate_of`` is the first article of the story, ``cluster_id`` its cluster,
    ``similarity`` the match score and ``match`` ``"exact"`` or ``"near"``. A unique
    article is its own cluster; a re-fetch leaves both fields ``None`` (kept as stored).
    """

    outcome: str
    fingerprint: str | None
    cluster_id: str | None = None
    duplicate_of: str | None = None
    similarity: float | None = None
    match: str | None = None
    #: For a re-fetch: whether the text's fingerprint differs from the stored one.
    changed: bool = False
    sketch: Sketch | None = field(default=None, repr=False, compare=False)
    #: The lookup found nothing recorded under this id, so recording it need not read its
    #: earlier keys (see :meth:`NearDupIndex.record`).
    fresh: bool = field(default=False, compare=False)


def fingerprint_of(text: str) -> str | None:
    """The text's exact fingerprint, ``None`` for a text without words."""
    fingerprint = text_fingerprint(text)
    return None if fingerprint == EMPTY_FINGERPRINT else fingerprint


def prepare(doc_id: str, text: str, params: SketchParams) -> Article:
    """The article with its fingerprint and sketch, from one normalization of the text."""
    normalized = normalize_for_fingerprint(text)
    fingerprint = fingerprint_of_normalized(normalized)
    return Article(
        doc_id,
        text,
        None if fingerprint == EMPTY_FINGERPRINT else fingerprint,
        make_sketch(text, params, normalized=normalized),
        prepared=True,
    )


class Deduplicator:
    """Find copies of articles in the store (Scrapy-free; blocking pymongo calls).

    ``articles``: the article collection; ``index``: the near-duplicate index in the same
    database; ``recent_size``: clusters of this process's decisions remembered in memory,
    so a copy of an article that still waits in the store's write buffer finds its
    cluster without a query.
    """

    def __init__(
        self, articles: Collection[Document], index: NearDupIndex, *, recent_size: int = 10_000
    ) -> None:
        self.articles = articles
        self.index = index
        self.recent_size = recent_size
        self._clusters: OrderedDict[str, tuple[str, str | None]] = OrderedDict()

    # --- one article (tests, tools) ------------------------------------------------------
    def check(self, doc_id: str, text: str) -> Decision:
        """Classify the article ``doc_id`` with ``text``; writes nothing."""
        return self.check_many([Article(doc_id, text)])[0]

    def commit(self, doc_id: str, text: str, decision: Decision) -> None:
        """Record a stored article: its sketch in the index, its cluster in memory."""
        self.commit_many([Article(doc_id, text)], [decision])

    # --- batches -------------------------------------------------------------------------
    def decide(self, articles: Sequence[Article], *, link: bool = True) -> list[Decision]:
        """Classify ``articles`` in order and record them; duplicates too when ``link``.

        With ``link = False`` (duplicates are dropped, not stored) a duplicate is neither
        recorded nor matched by later articles of the batch.
        """
        decisions = self.check_many(articles, link=link)
        keep = [
            (article, decision)
            for article, decision in zip(articles, decisions, strict=True)
            if link or decision.outcome != DUPLICATE
        ]
        self.commit_many([a for a, _ in keep], [d for _, d in keep])
        return decisions

    def check_many(self, articles: Sequence[Article], *, link: bool = True) -> list[Decision]:
        """Classify ``articles`` in order; each is compared with the store and with the
        earlier articles of the batch that will be recorded (all but duplicates when
        ``link`` is false). Writes nothing."""
        prepared = [_prepared(a, self.index) for a in articles]
        stored = self._stored_fingerprints([a.doc_id for a in articles])
        queries = [
            Query(a.sketch, a.fingerprint, exclude=a.doc_id)
            for a in prepared
            if a.doc_id not in stored
        ]
        found = iter(self.index.lookup(queries))
        lookups = [None if a.doc_id in stored else next(found) for a in prepared]
        decisions: list[Decision] = []
        earlier: dict[str, int] = {}  # doc_id -> position, for ids seen twice in a batch
        batch = _BatchIndex(self.index)
        for position, (article, lookup) in enumerate(zip(prepared, lookups, strict=True)):
            if lookup is None or article.doc_id in earlier:
                before = (
                    stored[article.doc_id]
                    if article.doc_id in stored
                    else decisions[earlier[article.doc_id]].fingerprint
                )
                decision = Decision(
                    REFETCHED,
                    article.fingerprint,
                    changed=before != article.fingerprint,
                    sketch=article.sketch,
                )
            else:
                best = _best([*lookup.matches, *batch.find(article)])
                decision = (
                    Decision(UNIQUE, article.fingerprint, cluster_id=article.doc_id)
                    if best is None
                    else Decision(
                        DUPLICATE,
                        article.fingerprint,
                        duplicate_of=best.article_id,  # resolved to the first article below
                        similarity=best.similarity,
                        match="exact" if best.exact else "near",
                    )
                )
                decision = replace(decision, sketch=article.sketch, fresh=not lookup.recorded)
                if link or decision.outcome != DUPLICATE:
                    batch.add(position, article)
            earlier.setdefault(article.doc_id, position)
            decisions.append(decision)
        return self._resolve_clusters(prepared, decisions)

    def commit_many(self, articles: Sequence[Article], decisions: Sequence[Decision]) -> None:
        """Record stored articles: sketches in the index (one batch), clusters in memory."""
        entries: list[Entry] = []
        for article, decision in zip(articles, decisions, strict=True):
            sketch = decision.sketch
            if decision.outcome == REFETCHED:
                if not decision.changed or decision.fingerprint is None:
                    continue
                sketch = sketch or self.index.sketch(article.text)
            elif decision.cluster_id is not None:
                self._remember(article.doc_id, (decision.cluster_id, decision.duplicate_of))
            if sketch is not None:
                entries.append(Entry(article.doc_id, sketch, decision.fingerprint))
        fresh = {a.doc_id for a, d in zip(articles, decisions, strict=True) if d.fresh}
        self.index.record(entries, fresh=fresh)

    # --- internals -----------------------------------------------------------------------
    def _stored_fingerprints(self, doc_ids: Sequence[str]) -> dict[str, str | None]:
        """Fingerprints of the ids already in ``articles`` (one query per 4,096 ids)."""
        found: dict[str, str | None] = {}
        for chunk in in_lists(doc_ids):
            for doc in self.articles.find({"_id": {"$in": chunk}}, {"fingerprint": 1}):
                fingerprint = doc.get("fingerprint")
                found[doc["_id"]] = fingerprint if isinstance(fingerprint, str) else None
        return found

    def _resolve_clusters(
        self, articles: Sequence[Article], decisions: list[Decision]
    ) -> list[Decision]:
        """Replace each duplicate's matched article by its story's first article and cluster.

        The match is an earlier article of the batch, one remembered by this process, or a
        stored one (looked up in one query for the whole batch).
        """
        in_batch: dict[str, int] = {}
        for position, (article, decision) in enumerate(zip(articles, decisions, strict=True)):
            if decision.outcome != REFETCHED:
                in_batch.setdefault(article.doc_id, position)
        unknown = {
            d.duplicate_of
            for d in decisions
            if d.outcome == DUPLICATE
            and d.duplicate_of is not None
            and d.duplicate_of not in in_batch
            and d.duplicate_of not in self._clusters
        }
        looked_up: dict[str, tuple[str, str]] = {}
        for chunk in in_lists(sorted(unknown)):
            for doc in self.articles.find(
                {"_id": {"$in": chunk}}, {"cluster_id": 1, "duplicate_of": 1}
            ):
                first = str(doc.get("duplicate_of") or doc["_id"])
                looked_up[doc["_id"]] = (str(doc.get("cluster_id") or first), first)
        resolved: list[Decision] = []
        for decision in decisions:
            original = decision.duplicate_of
            if decision.outcome != DUPLICATE or original is None:
                resolved.append(decision)
                continue
            if in_batch.get(original, len(resolved)) < len(resolved):
                own = resolved[in_batch[original]]
                cluster, first = own.cluster_id or original, own.duplicate_of or original
            elif original in self._clusters:
                cluster_id, first_of = self._clusters[original]
                cluster, first = cluster_id, first_of or original
            else:  # still in another process's write buffer: take it as the first
                cluster, first = looked_up.get(original, (original, original))
            own_id = articles[len(resolved)].doc_id
            if own_id in (first, cluster):  # its own copy (it was recorded, not stored)
                resolved.append(
                    Decision(
                        UNIQUE,
                        decision.fingerprint,
                        own_id,
                        sketch=decision.sketch,
                        fresh=decision.fresh,
                    )
                )
                continue
            resolved.append(replace(decision, cluster_id=cluster, duplicate_of=first))
        return resolved

    def _remember(self, key: str, value: tuple[str, str | None]) -> None:
        self._clusters[key] = value
        self._clusters.move_to_end(key)
        while len(self._clusters) > self.recent_size:
            self._clusters.popitem(last=False)


class _BatchIndex:
    """The articles of the current batch that later ones may duplicate (in memory)."""

    def __init__(self, index: NearDupIndex) -> None:
        self.index = index
        self.articles: dict[int, Article] = {}
        self.buckets: dict[int, list[int]] = {}
        self.fingerprints: dict[str, int] = {}

    def add(self, position: int, article: Article) -> None:
        self.articles[position] = article
        if article.fingerprint:
            self.fingerprints.setdefault(article.fingerprint, position)
        if article.sketch is not None:
            for key in set(article.sketch.band_keys):
                self.buckets.setdefault(key, []).append(position)

    def find(self, article: Article) -> list[Match]:
        if article.fingerprint in self.fingerprints:
            same = self.articles[self.fingerprints[article.fingerprint]]
            return [Match(same.doc_id, 1.0, exact=True)]
        if article.sketch is None:
            return []
        candidates = sorted(
            {p for key in set(article.sketch.band_keys) for p in self.buckets.get(key, ())}
        )
        matches = []
        for position in candidates:
            other = self.articles[position]
            if other.sketch is None or other.doc_id == article.doc_id:
                continue
            comparison = compare(article.sketch, other.sketch, self.index.params)
            if comparison.duplicate:
                matches.append(Match(other.doc_id, round(comparison.similarity, 4)))
        return matches


def _prepared(article: Article, index: NearDupIndex) -> Article:
    """``article`` with its fingerprint and sketch computed (when not given)."""
    return article if article.prepared else prepare(article.doc_id, article.text, index.params)


def _best(matches: Sequence[Match]) -> Match | None:
    """Exact copies first, then the most similar; on a tie the stored (older) article."""
    best: Match | None = None
    for match in matches:
        if best is None or (match.exact, match.similarity) > (best.exact, best.similarity):
            best = match
    return best
