"""The MongoDB-backed near-duplicate index, against a real MongoDB-protocol server."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path
from typing import Any

from pymongo import MongoClient
from pymongo.database import Database

from bench.probe import CommandCounter
from pipelines.similarity.evaluate import evaluate, load_pairs
from pipelines.similarity.index import NearDupIndex, Query, params_tag
from pipelines.similarity.sketch import SKETCH_VERSION, SketchParams
from tests.helpers import run_python_json

ROOT = Path(__file__).resolve().parent.parent
PAIRS = ROOT / "tests" / "data" / "neardup" / "pairs.jsonl"

DB = Database[dict[str, Any]]

STORY = "\n".join(
    [
        "ارتفع عدد ضحايا الأمطار الغزيرة والسيول التي تشهدها سلطنة عمان منذ الأحد إلى 18 "
        "شخصا، بينهم طلاب مدارس، وفق ما أعلنت اللجنة الوطنية لإدارة الحالات الطارئة.",
        "وقالت اللجنة إن فرق الإنقاذ انتشلت جثث ثلاثة أشخاص جرفتهم المياه في ولاية صحم "
        "بمحافظة شمال الباطنة، فيما لا يزال البحث جاريا عن مفقودين اثنين.",
        "وأعلنت وزارة التربية والتعليم تعليق الدراسة الحضورية في عدد من المحافظات حتى إشعار "
        "آخر، وتحويلها إلى التعلم عن بعد.",
        "وتوقعت هيئة الطيران المدني استمرار تأثير المنخفض الجوي حتى مساء الثلاثاء، مع هطول "
        "أمطار رعدية متفاوتة الغزارة، ودعت المواطنين إلى تجنب عبور الأودية.",
    ]
)
COPY = "مسقط - " + STORY + "\n(العمانية)"
OTHER = "\n".join(
    [
        "شهدت دولة الإمارات أغزر أمطار تسجل منذ بدء جمع البيانات قبل 75 عاما، ما أدى إلى "
        "غرق شوارع رئيسية في دبي وتعطل حركة الطيران في مطار دبي الدولي.",
        "وأعلن مطار دبي تحويل عشرات الرحلات القادمة إلى مطارات أخرى، فيما علقت شركة طيران "
        "الإمارات إجراءات السفر للمغادرين من دبي حتى منتصف الليل.",
        "وقررت الحكومة تمديد العمل عن بعد للموظفين الحكوميين والدراسة عن بعد حتى نهاية الأسبوع.",
    ]
)


def _index(db: DB, **kwargs: Any) -> NearDupIndex:
    index = NearDupIndex(db, **kwargs)
    index.ensure_indexes()
    return index


def test_pair_set_through_the_index(db: DB) -> None:
    pairs = load_pairs(PAIRS)
    index = _index(db)
    for pair in pairs:
        index.add(f"{pair.id}/a", pair.text_a)
    scores = evaluate(
        pairs, lambda p: any(m.article_id == f"{p.id}/a" for m in index.find(p.text_b))
    )
    assert scores.precision >= 0.99, scores.errors
    assert scores.recall >= 0.95, scores.errors
    assert index.count() == len(pairs)


def test_stored_documents(db: DB) -> None:
    index = _index(db)
    sketch = index.add("art-1", STORY)
    assert sketch is not None
    doc = db["neardup_sketches"].find_one({"_id": "art-1"})
    assert doc is not None
    assert doc["v"] == SKETCH_VERSION
    assert doc["p"] == params_tag(SketchParams()) == "mh128s1b42r3k3t50"
    assert doc["n"] == sketch.n_tokens == 93
    assert doc["nums"] == ["18"]
    assert doc["b"] == list(sketch.band_keys)
    assert len(doc["h"]) == 4 * len(sketch.shingles)
    assert len(doc["w"]) == 4 * 93  # short enough to keep its word sequence
    buckets = list(db["neardup_bands"].find({"ids": "art-1"}))
    assert sorted(b["_id"] for b in buckets) == sorted(set(sketch.band_keys))
    assert {tuple(b["ids"]) for b in buckets} == {("art-1",)}


def test_copies_are_found_and_other_stories_are_not(db: DB) -> None:
    index = _index(db)
    index.add("oman", STORY)
    index.add("uae", OTHER)
    matches = index.find(COPY)
    assert [m.article_id for m in matches] == ["oman"]
    assert 0.9 < matches[0].similarity < 1.0
    assert index.find(STORY, exclude=["oman"]) == []
    assert index.find("") == []
    assert index.add("empty", "... !!") is None
    assert db["neardup_sketches"].find_one({"_id": "empty"}) is None


def test_check_and_add_ignores_the_article_itself(db: DB) -> None:
    index = _index(db)
    assert index.check_and_add("first", STORY) == []
    assert index.check_and_add("first", STORY) == []  # a re-crawl of the same article
    assert [m.article_id for m in index.check_and_add("second", COPY)] == ["first"]
    assert [m.article_id for m in index.find(STORY)] == ["first", "second"]


def test_re_adding_an_article_replaces_its_keys(db: DB) -> None:
    index = _index(db)
    index.add("art", STORY)
    new = index.add("art", OTHER)
    assert new is not None
    assert index.find(COPY) == []
    assert [m.article_id for m in index.find(OTHER)] == ["art"]
    keys = [b["_id"] for b in db["neardup_bands"].find({"ids": "art"})]
    assert sorted(keys) == sorted(set(new.band_keys))
    doc = db["neardup_sketches"].find_one({"_id": "art"})
    assert doc is not None
    assert doc["nums"] == ["75"]


def test_remove(db: DB) -> None:
    index = _index(db)
    index.add("gone", STORY)
    index.add("kept", COPY)
    assert index.remove("gone") is True
    assert index.remove("gone") is False
    assert [m.article_id for m in index.find(STORY)] == ["kept"]
    assert db["neardup_bands"].count_documents({"ids": "gone"}) == 0
    assert index.count() == 1


def test_buckets_keep_the_newest_ids_only(db: DB) -> None:
    index = _index(db, max_bucket=3)
    for n in range(5):
        index.add(f"copy-{n}", STORY)
    sizes = {len(b["ids"]) for b in db["neardup_bands"].find()}
    assert sizes == {3}
    assert [m.article_id for m in index.find(STORY)] == ["copy-2", "copy-3", "copy-4"]


def test_add_many(db: DB) -> None:
    index = _index(db)
    texts = {"oman": STORY, "uae": OTHER, "copy": COPY}
    sketches = [(aid, index.sketch(text)) for aid, text in texts.items()]
    written = index.add_many((aid, s) for aid, s in sketches if s is not None)
    assert written == 3
    assert index.count() == 3
    assert [m.article_id for m in index.find(STORY)] == ["oman", "copy"]


def test_sketches_of_another_version_or_parameters_are_ignored(db: DB) -> None:
    _index(db).add("old", STORY)
    db["neardup_sketches"].update_one({"_id": "old"}, {"$set": {"v": SKETCH_VERSION - 1}})
    assert _index(db).find(COPY) == []  # a fresh process: nothing cached
    db["neardup_sketches"].update_one(
        {"_id": "old"}, {"$set": {"v": SKETCH_VERSION, "p": "mh64s1b16r4k3t50"}}
    )
    assert _index(db).find(COPY) == []


def test_sketches_recorded_or_read_once_are_not_read_again(db: DB) -> None:
    writer = _index(db)
    writer.add("oman", STORY)
    reader = _index(db, cache_size=1)
    assert [m.article_id for m in reader.find(COPY)] == ["oman"]
    db["neardup_sketches"].update_one({"_id": "oman"}, {"$set": {"v": SKETCH_VERSION - 1}})
    # both answer from memory (the writer recorded it, the reader read it)
    assert [m.article_id for m in writer.find(COPY)] == ["oman"]
    assert [m.article_id for m in reader.find(COPY)] == ["oman"]
    reader.add("uae", OTHER)  # cache_size 1: "oman" leaves the reader's cache
    assert reader.find(COPY) == []


def test_many_candidates_are_read_in_bounded_queries(db: DB, mongo_uri: str, db_name: str) -> None:
    """600 uncached candidates are read 512 at a time: one reply never holds them all."""
    writer = _index(db)
    stories = [STORY, OTHER, STORY.replace("18", "27").replace("عمان", "اليمن")]
    sketches = [writer.sketch(text) for text in stories]
    writer.add_many(
        (f"s{n}-{copy:03d}", sketch)
        for n, sketch in enumerate(sketches)
        if sketch is not None
        for copy in range(300)
    )
    commands = CommandCounter()
    client: MongoClient[dict[str, Any]] = MongoClient(mongo_uri, event_listeners=[commands])
    try:
        reader = NearDupIndex(client[db_name], cache_size=0)
        found = reader.find_many([Query(s) for s in sketches if s is not None])
    finally:
        client.close()
    # each query gets its 200 most-shared candidates, all copies of its own story
    assert [len(matches) for matches in found] == [200, 200, 200]
    assert all(m.article_id.startswith(f"s{n}-") for n, ms in enumerate(found) for m in ms)
    assert commands.by_collection["find:neardup_sketches"] == 2  # 512 + 88
    assert commands.by_collection["find:neardup_bands"] == 1


def test_ensure_indexes_creates_both_collections_once(db: DB) -> None:
    index = NearDupIndex(db, sketches="nd_s", bands="nd_b")
    index.ensure_indexes()
    index.ensure_indexes()
    assert {"nd_s", "nd_b"} <= set(db.list_collection_names())


def test_other_processes_see_the_same_index(db: DB, mongo_uri: str) -> None:
    """A sketch stored by one process is found by another (different hash seed) and back."""
    index = _index(db)
    index.add("parent", STORY)
    script = textwrap.dedent(
        f"""
        import json, sys
        from pymongo import MongoClient
        from pipelines.similarity.index import NearDupIndex
        client = MongoClient({mongo_uri!r})
        index = NearDupIndex(client[{db.name!r}])
        found = [m.article_id for m in index.find(sys.argv[1])]
        index.add("child", sys.argv[2])
        print(json.dumps(found))
        """
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    assert run_python_json(script, COPY, OTHER, env=env) == ["parent"]
    assert [m.article_id for m in index.find(OTHER)] == ["child"]
