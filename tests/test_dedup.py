"""Duplicate checks against a real MongoDB-protocol server: link and drop policies, re-fetches."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pymongo.database import Database
from scrapy.utils.test import get_crawler

from pipelines.dedup import (
    DUPLICATE,
    REFETCHED,
    UNIQUE,
    Decision,
    Deduplicator,
    DedupPipeline,
    _Job,
)
from pipelines.similarity.bands import BandStoreError, LocalBands
from pipelines.similarity.deduplicator import Article
from pipelines.similarity.evaluate import load_pairs
from pipelines.similarity.fingerprint import text_fingerprint
from pipelines.similarity.index import NearDupIndex
from pipelines.storage.documents import article_id, to_document
from pipelines.storage.known import KnownUrls
from tests.test_similarity_index import COPY, OTHER, PAIRS, STORY

DB = Database[dict[str, Any]]
NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
A = "https://www.site-a.example/ar/news/2024/05/oman-floods.html"
B = "https://www.site-b.example/ar/news/2024/05/oman-rain-toll.html"
C = "https://www.site-c.example/ar/news/2024/05/oman-18-dead.html"


def _dedup(db: DB) -> Deduplicator:
    index = NearDupIndex(db)
    index.ensure_indexes()
    return Deduplicator(db.articles, index)


def _store(db: DB, url: str, text: str, **fields: Any) -> None:
    flt, update = to_document({"url": url, "site": "s", "text": text, **fields}, NOW)
    db.articles.update_one(flt, update, upsert=True)


def test_first_article_is_its_own_cluster_and_copies_join_it(db: DB) -> None:
    dedup = _dedup(db)
    first = dedup.check(article_id(A), STORY)
    assert first.outcome == UNIQUE
    assert first.cluster_id == article_id(A)
    assert first.fingerprint == text_fingerprint(STORY)
    dedup.commit(article_id(A), STORY, first)

    copy = dedup.check(article_id(B), COPY)  # "مسقط - " lead and an agency tag added
    assert copy.outcome == DUPLICATE
    assert copy.match == "near"
    assert copy.duplicate_of == article_id(A)
    assert copy.cluster_id == article_id(A)
    assert copy.similarity is not None and 0.8 < copy.similarity < 1.0
    dedup.commit(article_id(B), COPY, copy)

    other = dedup.check(article_id(C), OTHER)
    assert other.outcome == UNIQUE
    assert other.cluster_id == article_id(C)


def test_copy_of_a_copy_points_at_the_first_article(db: DB) -> None:
    _store(db, A, STORY, cluster_id=article_id(A))
    _store(db, B, COPY, cluster_id=article_id(A), duplicate_of=article_id(A))
    dedup = _dedup(db)
    dedup.index.add(article_id(B), COPY)  # only the copy is in the index
    third = dedup.check(article_id(C), COPY + "\nالمصدر: وكالات")
    assert (third.outcome, third.duplicate_of, third.cluster_id) == (
        DUPLICATE,
        article_id(A),
        article_id(A),
    )


def test_same_fingerprint_is_an_exact_duplicate_across_processes(db: DB) -> None:
    # Recorded and stored by another process: in the store and the index, not in this
    # process's memory.
    other = _dedup(db)
    other.commit(article_id(A), STORY, other.check(article_id(A), STORY))
    _store(db, A, STORY, fingerprint=text_fingerprint(STORY), cluster_id=article_id(A))
    respelled = STORY.replace("إلى", "الى").replace("،", ",")
    decision = _dedup(db).check(article_id(B), respelled)
    assert (decision.outcome, decision.match, decision.similarity) == (DUPLICATE, "exact", 1.0)
    assert decision.duplicate_of == article_id(A)


def test_stored_article_is_a_refetch_and_keeps_its_cluster(db: DB) -> None:
    _store(db, A, STORY, cluster_id=article_id(A), fingerprint=text_fingerprint(STORY))
    dedup = _dedup(db)
    same = dedup.check(article_id(A), STORY)
    assert (same.outcome, same.changed) == (REFETCHED, False)
    dedup.commit(article_id(A), STORY, same)
    assert db.neardup_sketches.count_documents({}) == 0  # nothing to refresh
    edited = STORY.replace("18", "21")
    decision = dedup.check(article_id(A), edited)
    assert (decision.outcome, decision.changed) == (REFETCHED, True)
    assert decision.cluster_id is None and decision.duplicate_of is None
    dedup.commit(article_id(A), edited, decision)
    stored = db.neardup_sketches.find_one({"_id": article_id(A)})
    assert stored is not None and "21" in stored["nums"]


def test_labelled_pairs_through_the_deduplicator(db: DB) -> None:
    dedup = _dedup(db)
    pairs = load_pairs(PAIRS)
    wrong = []
    for pair in pairs:
        first_id, second_id = f"{pair.id}/a", f"{pair.id}/b"
        first = dedup.check(first_id, pair.text_a)
        dedup.commit(first_id, pair.text_a, first)
        second = dedup.check(second_id, pair.text_b)
        found = second.outcome == DUPLICATE and second.duplicate_of == first_id
        if found != pair.duplicate:
            wrong.append(pair.id)
        # keep pairs apart: the next pair must not match this one
        dedup.index.remove(first_id)
    assert wrong == []


def _pipeline(mongo_uri: str, db_name: str, policy: str) -> DedupPipeline:
    crawler = get_crawler(
        settings_dict={
            "NEWSCRAWL_MONGO_URI": mongo_uri,
            "NEWSCRAWL_MONGO_DATABASE": db_name,
            "NEWSCRAWL_DUPLICATES": policy,
        }
    )
    return DedupPipeline.from_crawler(crawler)


def _check(pipeline: DedupPipeline, url: str, text: str, fields: dict[str, Any]) -> Decision:
    """The pipeline's worker-thread step for one item (a batch of one)."""
    [result] = pipeline._run_batch([_Job(url, fields, Article(article_id(url), text))])
    assert isinstance(result, Decision), result
    return result


def _fields(url: str, request_url: str | None = None) -> dict[str, Any]:
    return {"url": url, "request_url": request_url or url}


def test_link_policy_indexes_copies_and_records_redirect_aliases(
    mongo_uri: str, db_name: str, db: DB
) -> None:
    pipeline = _pipeline(mongo_uri, db_name, "link")
    try:
        first = _check(pipeline, A, STORY, _fields(A, "http://www.site-a.example/x?id=1"))
        copy = _check(pipeline, B, COPY, _fields(B))
    finally:
        if pipeline.store is not None:
            pipeline.store.close()
    assert first.outcome == UNIQUE
    assert (copy.outcome, copy.duplicate_of, copy.cluster_id) == (
        DUPLICATE,
        article_id(A),
        article_id(A),
    )
    # both sketches are in the index: a third copy finds them
    assert db.neardup_sketches.count_documents({}) == 2
    # the requested URL (before a redirect) leads to the article on the next run
    found = KnownUrls(db.articles, db.url_aliases).lookup(["http://www.site-a.example/x?id=1"])
    assert found == {}  # the article itself is not stored yet (the store pipeline does that)
    alias = db.url_aliases.find_one({"_id": article_id("http://www.site-a.example/x?id=1")})
    assert alias is not None and alias["article_id"] == article_id(A)


def test_drop_policy_keeps_copies_out_and_remembers_their_urls(
    mongo_uri: str, db_name: str, db: DB
) -> None:
    pipeline = _pipeline(mongo_uri, db_name, "drop")
    try:
        _check(pipeline, A, STORY, _fields(A))
        _store(db, A, STORY, cluster_id=article_id(A))  # what the store pipeline does
        copy = _check(pipeline, B, COPY, _fields(B, B + "?utm_source=rss"))
    finally:
        if pipeline.store is not None:
            pipeline.store.close()
    assert copy.outcome == DUPLICATE
    assert db.neardup_sketches.count_documents({}) == 1  # the dropped copy is not indexed
    found = KnownUrls(db.articles, db.url_aliases).lookup([B])
    assert {url: s.article_id for url, s in found.items()} == {B: article_id(A)}


def test_unknown_policy_is_refused(mongo_uri: str, db_name: str) -> None:
    with pytest.raises(ValueError, match="NEWSCRAWL_DUPLICATES"):
        _pipeline(mongo_uri, db_name, "merge")


def test_unknown_band_place_is_refused(mongo_uri: str, db_name: str) -> None:
    crawler = get_crawler(
        settings_dict={"NEWSCRAWL_MONGO_URI": mongo_uri, "NEWSCRAWL_NEARDUP_BANDS": "redis"}
    )
    with pytest.raises(ValueError, match="NEWSCRAWL_NEARDUP_BANDS is 'redis'"):
        DedupPipeline.from_crawler(crawler)


def test_band_buckets_stay_in_the_store_behind_a_uri_or_when_asked(
    mongo_uri: str, db_name: str, db: DB, tmp_path: Path
) -> None:
    """With a URI (another machine may share the store) the buckets are documents of the
    store; the local file is only for the embedded store, and ``store`` turns it off."""
    for bands in ("auto", "store"):
        crawler = get_crawler(
            settings_dict={
                "NEWSCRAWL_MONGO_URI": mongo_uri,
                "NEWSCRAWL_MONGO_DATABASE": db_name,
                "NEWSCRAWL_DATA_DIR": str(tmp_path),
                "NEWSCRAWL_NEARDUP_BANDS": bands,
            }
        )
        pipeline = DedupPipeline.from_crawler(crawler)
        try:
            _check(pipeline, A, STORY, _fields(A))
        finally:
            if pipeline.store is not None:
                pipeline.store.close()
        assert db.neardup_bands.count_documents({"ids": article_id(A)}) == 43
        assert not (tmp_path / "neardup").exists()
        db.neardup_bands.delete_many({})
        db.neardup_sketches.delete_many({})


def test_a_broken_band_file_fails_the_batch_and_a_later_batch_reuses_the_store(
    mongo_uri: str, db_name: str, tmp_path: Path
) -> None:
    pipeline = _pipeline(mongo_uri, db_name, "link")
    path = tmp_path / "bands.sqlite3"
    path.mkdir()  # a folder where the file should be
    pipeline._band_store = lambda store: LocalBands(path)  # type: ignore[method-assign]
    job = _Job(A, _fields(A), Article(article_id(A), STORY))
    try:
        [failed] = pipeline._run_batch([job])
        assert isinstance(failed, BandStoreError)
        store = pipeline.store
        assert store is not None
        path.rmdir()
        [decision] = pipeline._run_batch([job])
        assert isinstance(decision, Decision) and decision.outcome == UNIQUE
        assert pipeline.store is store  # no second client for the retry
        assert path.is_file()
    finally:
        if pipeline.store is not None:
            pipeline.store.close()
