"""Duplicate checks in batches: copies within one batch, fixed round trips, a store outage."""

from __future__ import annotations

import random
import textwrap
from pathlib import Path
from typing import Any

from pymongo import MongoClient, monitoring
from pymongo.database import Database
from scrapy.utils.test import get_crawler

from pipelines.dedup import DUPLICATE, REFETCHED, UNIQUE, DedupPipeline, _Job
from pipelines.similarity.deduplicator import Article, Deduplicator
from pipelines.similarity.index import NearDupIndex
from pipelines.storage.embedded import free_port
from tests.helpers import run_python_json
from tests.test_similarity_index import COPY, OTHER, STORY

ROOT = Path(__file__).resolve().parent.parent
DB = Database[dict[str, Any]]


class _Commands(monitoring.CommandListener):
    """Counts the commands a client sends (one per round trip)."""

    def __init__(self) -> None:
        self.names: list[str] = []

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        self.names.append(event.command_name)

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass


def _dedup(db: DB) -> Deduplicator:
    index = NearDupIndex(db)
    index.ensure_indexes()
    return Deduplicator(db.articles, index)


def _unrelated_texts(count: int, seed: int = 3) -> list[str]:
    """``count`` long texts drawn from one vocabulary, none a copy of another."""
    rng = random.Random(seed)
    vocabulary = [f"كلمة{n}" for n in range(3000)]
    return [" ".join(rng.choice(vocabulary) for _ in range(120)) for _ in range(count)]


def test_copies_within_one_batch_are_linked_to_the_first(db: DB) -> None:
    respelled = STORY.replace("إلى", "الى").replace("،", ",")
    batch = [
        Article("a", STORY),
        Article("b", COPY),
        Article("c", OTHER),
        Article("d", respelled),
        Article("e", "عاجل: " + COPY),
    ]
    decisions = _dedup(db).decide(batch)
    summary = [(d.outcome, d.match, d.duplicate_of, d.cluster_id) for d in decisions]
    assert summary == [
        (UNIQUE, None, None, "a"),
        (DUPLICATE, "near", "a", "a"),
        (UNIQUE, None, None, "c"),
        (DUPLICATE, "exact", "a", "a"),
        (DUPLICATE, "near", "a", "a"),  # the flash marker only changes the fingerprint
    ]
    assert decisions[3].similarity == 1.0
    assert db.neardup_sketches.count_documents({}) == 5  # linked copies are recorded too


def test_a_later_batch_and_another_process_find_the_batch(db: DB) -> None:
    _dedup(db).decide([Article("a", STORY), Article("c", OTHER)])
    later = _dedup(db).decide([Article("b", COPY), Article("a", STORY)])
    assert [(d.outcome, d.duplicate_of) for d in later] == [(DUPLICATE, "a"), (UNIQUE, None)]
    # "a" is not in ``articles`` (the store pipeline writes it): found by the index only,
    # and seen again in a batch it is matched by its own id, never as its own duplicate.


def test_drop_policy_neither_records_nor_matches_dropped_copies(db: DB) -> None:
    decisions = _dedup(db).decide(
        [Article("a", STORY), Article("b", COPY), Article("c", COPY + " الخبر")], link=False
    )
    assert [(d.outcome, d.duplicate_of) for d in decisions] == [
        (UNIQUE, None),
        (DUPLICATE, "a"),
        (DUPLICATE, "a"),
    ]
    assert [d["_id"] for d in db.neardup_sketches.find()] == ["a"]


def test_a_changed_refetch_replaces_its_sketch(db: DB) -> None:
    dedup = _dedup(db)
    dedup.decide([Article("a", STORY)])
    db.articles.insert_one({"_id": "a", "fingerprint": dedup.check("x", STORY).fingerprint})
    edited = STORY.replace("18", "21")
    decisions = dedup.decide([Article("a", STORY), Article("a", edited)])
    assert [(d.outcome, d.changed) for d in decisions] == [(REFETCHED, False), (REFETCHED, True)]
    stored = db.neardup_sketches.find_one({"_id": "a"})
    assert stored is not None and stored["nums"] == ["21"]
    assert (
        db.neardup_bands.count_documents({"ids": "a"})
        == len(
            set(dedup.index.sketch(edited).band_keys)  # type: ignore[union-attr]
        )
        + 1
    )  # and the fingerprint's key


def test_round_trips_per_batch_do_not_grow_with_its_size(mongo_uri: str, db_name: str) -> None:
    counts = {}
    texts = _unrelated_texts(85)
    for size, offset in ((5, 0), (80, 5)):
        listener = _Commands()
        client: MongoClient[dict[str, Any]] = MongoClient(mongo_uri, event_listeners=[listener])
        try:
            dedup = _dedup(client[db_name])
            listener.names.clear()
            batch = [Article(f"n{offset + i}", texts[offset + i]) for i in range(size)]
            decisions = dedup.decide(batch)
            assert {d.outcome for d in decisions} == {UNIQUE}
            counts[size] = list(listener.names)
        finally:
            client.close()
    # ids in articles, buckets (none of these ids is recorded yet, so their earlier keys
    # are not asked for), sketches, new buckets
    assert counts[5] == ["find", "find", "update", "insert"]
    assert counts[80] == counts[5]


def test_an_unreachable_store_fails_one_batch_then_items_pass_unchecked() -> None:
    crawler = get_crawler(
        settings_dict={
            "NEWSCRAWL_MONGO_URI": f"mongodb://127.0.0.1:{free_port()}/",
            "NEWSCRAWL_MONGO_TIMEOUT_MS": 200,
            "NEWSCRAWL_DEDUP_RETRY_SECONDS": 60,
        }
    )
    pipeline = DedupPipeline.from_crawler(crawler)
    url = "https://www.site-a.example/ar/news/1.html"
    jobs = [_Job(url, {"url": url}, Article("x", STORY)), _Job(url, {"url": url}, None)]
    assert pipeline.gate.ready()
    results = pipeline._run_batch(jobs)
    assert [type(r).__name__ for r in results] == ["StoreUnavailableError"] * 2
    assert not pipeline.gate.ready()


def test_micro_batcher_sends_what_arrives_while_a_batch_runs() -> None:
    script = textwrap.dedent(
        """
        import asyncio, json
        from scrapy.utils.reactor import install_reactor
        install_reactor("twisted.internet.asyncioreactor.AsyncioSelectorReactor")
        from twisted.internet import reactor
        from scrapy.utils.defer import deferred_from_coro
        from pipelines.batching import MicroBatcher

        sizes = []
        def double(items):
            sizes.append(len(items))
            if 13 in items:
                raise ValueError("bad batch")
            return [2 * i for i in items]

        async def main():
            batcher = MicroBatcher(double, max_size=16)
            tasks = [asyncio.ensure_future(batcher.submit(i)) for i in range(50)]
            results = await asyncio.gather(*tasks, return_exceptions=True)
            out = [r if isinstance(r, int) else type(r).__name__ for r in results]
            out.append(await batcher.submit(100))  # alone: sent at once, not held back
            # with a linger, items that trickle in within it share one batch
            lingering = MicroBatcher(double, max_size=16, linger=0.5)
            async def later(i):
                await asyncio.sleep(0.02 * i)
                return await lingering.submit(200 + i)
            trickled = await asyncio.gather(*(later(i) for i in range(5)))
            # items that are all there and then nothing more: they go once arrivals stop
            # (a fifth of the linger), not after the whole linger
            patient = MicroBatcher(double, max_size=16, linger=5.0)
            started = asyncio.get_running_loop().time()
            await asyncio.gather(*(patient.submit(300 + i) for i in range(3)))
            waited = asyncio.get_running_loop().time() - started
            print(json.dumps({"sizes": sizes, "results": out, "batches": batcher.batches,
                              "trickled": trickled, "lingering": lingering.batches,
                              "patient": patient.batches, "waited": waited}))

        def run():
            d = deferred_from_coro(main())
            d.addBoth(lambda _: reactor.stop())
        reactor.callWhenRunning(run)
        reactor.run()
        """
    )
    report = run_python_json(script, timeout=60)
    assert report["sizes"] == [16, 16, 16, 2, 1, 5, 3]
    assert report["trickled"] == [400, 402, 404, 406, 408]
    assert report["lingering"] == 1
    assert report["patient"] == 1
    assert 0.9 <= report["waited"] < 3.0  # one quiet gap of 1 s, not the 5 s linger
    assert report["batches"] == 5
    # items 0..15 shared a batch with 13: each of them got the batch's error
    expected = ["ValueError"] * 16 + [2 * i for i in range(16, 50)] + [200]
    assert report["results"] == expected
