"""Band buckets of the near-duplicate index: in the store, or in a local SQLite file.

The local file must give the index exactly the answers the store collection gives, be shared
by several connections (processes) safely, and be refilled from the stored sketches when it
is new or lost.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest
from pymongo.database import Database

from pipelines.similarity.bands import BandStoreError, LocalBands, StoreBands
from pipelines.similarity.evaluate import load_pairs
from pipelines.similarity.index import NearDupIndex, fingerprint_key
from pipelines.similarity.sketch import SketchParams, make_sketch

ROOT = Path(__file__).resolve().parent.parent
PAIRS = ROOT / "tests" / "data" / "neardup" / "pairs.jsonl"

DB = Database[dict[str, Any]]


def _rows(path: Path) -> dict[int, str]:
    with sqlite3.connect(path) as db:
        return dict(db.execute("SELECT key, ids FROM neardup_bands"))


def _buckets(path: Path) -> dict[int, set[str]]:
    return {key: set(json.loads(ids)) for key, ids in _rows(path).items()}


# --- LocalBands on its own ------------------------------------------------------------------


def test_local_buckets_append_in_order_and_keep_the_newest(tmp_path: Path) -> None:
    bands = LocalBands(tmp_path / "b.sqlite3", max_bucket=3)
    assert bands.is_empty()
    bands.add([("a", 1), ("b", 1), ("a", 2), ("a", 1)])
    assert bands.buckets([1, 2, 3]) == {1: {"a", "b"}, 2: {"a"}}
    bands.add([("c", 1), ("d", 1)])
    # newest three kept, in order: b, c, d (a was the oldest)
    assert _rows(tmp_path / "b.sqlite3")[1] == '["b", "c", "d"]'
    bands.add([("b", 1)])  # already there: moves to the newest end, no second copy
    assert _rows(tmp_path / "b.sqlite3")[1] == '["c", "d", "b"]'
    assert bands.buckets([-(2**63), 2**63 - 1]) == {}
    bands.close()


def test_local_leave_takes_ids_out_and_drops_empty_buckets(tmp_path: Path) -> None:
    bands = LocalBands(tmp_path / "b.sqlite3")
    bands.add([("a", 1), ("b", 1), ("a", 2), ("b", 3)])
    bands.leave({"a": [1, 2, 99], "b": [3]})
    assert bands.buckets([1, 2, 3]) == {1: {"b"}}
    assert set(_rows(tmp_path / "b.sqlite3")) == {1}
    bands.clear()
    assert bands.is_empty()


def test_full_64_bit_keys_round_trip(tmp_path: Path) -> None:
    keys = [-(2**63), -1, 0, 2**31, 2**63 - 1]
    bands = LocalBands(tmp_path / "b.sqlite3")
    bands.add([("x", k) for k in keys])
    assert bands.buckets(keys) == {k: {"x"} for k in keys}


def test_two_connections_on_one_file_see_each_others_postings(tmp_path: Path) -> None:
    path = tmp_path / "shared.sqlite3"
    first, second = LocalBands(path), LocalBands(path)
    barrier = threading.Barrier(2)

    def write(bands: LocalBands, prefix: str) -> None:
        barrier.wait()
        for i in range(50):
            bands.add([(f"{prefix}{i}", k) for k in range(20)])

    threads = [
        threading.Thread(target=write, args=(first, "p")),
        threading.Thread(target=write, args=(second, "q")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # every posting of both writers is there: no merge lost another's ids
    found = LocalBands(path).buckets(range(20))
    assert all(len(ids) == 100 for ids in found.values())
    assert len(found) == 20


def test_an_unusable_file_is_a_band_store_error(tmp_path: Path) -> None:
    (tmp_path / "dir.sqlite3").mkdir()
    bands = LocalBands(tmp_path / "dir.sqlite3")
    with pytest.raises(BandStoreError, match=r"dir\.sqlite3"):
        bands.buckets([1])
    (tmp_path / "file").write_text("not a folder")
    with pytest.raises(BandStoreError, match=r"file/b\.sqlite3"):
        LocalBands(tmp_path / "file" / "b.sqlite3").ensure()
    not_sqlite = tmp_path / "junk.sqlite3"
    not_sqlite.write_bytes(b"this is not a database" * 100)
    with pytest.raises(BandStoreError, match=r"junk\.sqlite3"):
        LocalBands(not_sqlite).add([("a", 1)])


def test_table_names_are_checked() -> None:
    with pytest.raises(ValueError, match="band table name"):
        LocalBands(Path("x.sqlite3"), table='x"; DROP TABLE y; --')


# --- the index on either store --------------------------------------------------------------


def _both(db: DB, tmp_path: Path, **kwargs: Any) -> tuple[NearDupIndex, NearDupIndex]:
    in_store = NearDupIndex(db, sketches="s_store", bands="b_store", **kwargs)
    local = NearDupIndex(
        db, sketches="s_local", band_store=LocalBands(tmp_path / "bands.sqlite3"), **kwargs
    )
    for index in (in_store, local):
        index.ensure_indexes()
    return in_store, local


def test_local_buckets_give_the_same_answers_as_the_store(db: DB, tmp_path: Path) -> None:
    pairs = load_pairs(PAIRS)
    in_store, local = _both(db, tmp_path, cache_size=0)
    for pair in pairs:
        for index in (in_store, local):
            index.add(f"{pair.id}/a", pair.text_a)
    found = 0
    for pair in pairs:
        store_matches = in_store.find(pair.text_b)
        local_matches = local.find(pair.text_b)
        assert local_matches == store_matches, pair.id
        found += bool(store_matches)
    assert found >= len(pairs) // 3  # the pair set has real duplicates to find
    # an edited text leaves its old buckets in both; a removed article leaves all of them
    first = pairs[0]
    for index in (in_store, local):
        index.add(f"{first.id}/a", "a different text about something else " * 20)
        assert index.remove(f"{pairs[1].id}/a")
    assert local.find(first.text_a) == in_store.find(first.text_a)
    assert local.find(pairs[1].text_a) == in_store.find(pairs[1].text_a)
    keys_in_store = {int(d["_id"]) for d in db["b_store"].find({"ids": {"$ne": []}})}
    assert set(_rows(tmp_path / "bands.sqlite3")) == keys_in_store


def test_a_new_band_file_is_refilled_from_the_stored_sketches(db: DB, tmp_path: Path) -> None:
    params = SketchParams()
    texts = {f"p{i}": pair.text_a for i, pair in enumerate(load_pairs(PAIRS)[:40])}
    first = NearDupIndex(db, band_store=LocalBands(tmp_path / "one.sqlite3"))
    first.ensure_indexes()
    for article_id, text in texts.items():
        sketch = make_sketch(text, params)
        assert sketch is not None
        first.add_sketch(article_id, sketch, fingerprint="ab" * 16)
    first.close()
    expected = set(_rows(tmp_path / "one.sqlite3"))
    assert fingerprint_key("ab" * 16) in expected

    # the file is lost: a new one is filled from the sketches before the first lookup
    again = NearDupIndex(db, band_store=LocalBands(tmp_path / "two.sqlite3"), cache_size=0)
    again.ensure_indexes()
    assert set(_rows(tmp_path / "two.sqlite3")) == expected
    assert _buckets(tmp_path / "two.sqlite3") == _buckets(tmp_path / "one.sqlite3")
    some_id, some_text = next(iter(texts.items()))
    assert [m.article_id for m in again.find(some_text)][:1] == [some_id]


def test_a_band_file_left_from_a_reset_store_is_emptied(db: DB, tmp_path: Path) -> None:
    path = tmp_path / "left.sqlite3"
    LocalBands(path).add([("gone", 1), ("gone", 2)])
    index = NearDupIndex(db, band_store=LocalBands(path))
    index.ensure_indexes()  # the store has no sketch at all
    assert _rows(path) == {}


def test_store_bands_keep_their_collection(db: DB) -> None:
    bands = StoreBands(db["nd_b"], max_bucket=2)
    bands.ensure()
    assert bands.is_empty()
    bands.add([("a", 5), ("b", 5), ("c", 5)])
    assert bands.buckets([5]) == {5: {"b", "c"}}
    bands.add([("d", 5)])
    assert bands.buckets([5]) == {5: {"c", "d"}}
    bands.leave({"c": [5]})
    assert db["nd_b"].find_one({"_id": 5}) == {"_id": 5, "ids": ["d"]}
    bands.clear()
    assert bands.is_empty()
