"""``$in`` lists of power-of-two lengths: the embedded store's statement cache stays small."""

from __future__ import annotations

from typing import Any

import pytest
from pymongo.database import Database

from pipelines.storage.inlists import in_lists


def test_lists_are_cut_and_padded_to_powers_of_two() -> None:
    assert list(in_lists([])) == []
    assert list(in_lists(["a"])) == [["a"]]
    assert list(in_lists(["a", "b", "c"])) == [["a", "b", "c", "c"]]
    assert list(in_lists(range(10), limit=4)) == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    lengths = {len(chunk) for n in range(1, 3000) for chunk in in_lists(range(n), limit=1024)}
    assert lengths == {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024}


def test_duplicates_are_dropped_and_order_kept() -> None:
    assert list(in_lists(["b", "a", "b", "c", "a"])) == [["b", "a", "c", "c"]]


def test_the_limit_must_be_a_power_of_two() -> None:
    with pytest.raises(ValueError, match="power of two"):
        list(in_lists([1], limit=500))


def test_padded_lists_find_each_document_once(db: Database[dict[str, Any]]) -> None:
    db.docs.insert_many([{"_id": f"d{i}"} for i in range(5)])
    found: list[str] = []
    for chunk in in_lists(["d0", "d3", "d4", "missing", "d1"]):
        assert len(chunk) == 8
        found.extend(doc["_id"] for doc in db.docs.find({"_id": {"$in": chunk}}))
    assert sorted(found) == ["d0", "d1", "d3", "d4"]
