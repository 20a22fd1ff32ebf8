"""The benchmark's scoring: shingles, precision/recall, empty outputs, leaks."""

from __future__ import annotations

import pytest

from pipelines.cleaning.scoring import leaks, precision_recall, score_texts, shingles, tokens


def test_tokens_drop_zero_width_and_tatweel_keep_diacritics() -> None:
    assert tokens("خاموشی‌های") == ["خاموشیهای"]
    assert tokens("العـــربية") == ["العربية"]
    assert tokens("عَرَبِيّ") == ["عَرَبِيّ"]
    assert tokens("Ｆｕｌｌ width") == ["full", "width"]


def test_shingles_are_a_bag_of_four_tokens() -> None:
    assert sum(shingles("a b c d e").values()) == 2
    assert shingles("a b") == {("a", "b"): 1}
    assert shingles("") == {}


def test_precision_and_recall() -> None:
    gold = "one two three four five six"
    assert precision_recall(gold, gold) == (1.0, 1.0)
    p, r = precision_recall("one two three four five six seven eight", gold)
    assert (round(p, 2), r) == (0.6, 1.0)


def test_empty_output_counts_as_recall_zero_and_is_reported() -> None:
    score = score_texts([("", "a b c d e"), ("a b c d e", "a b c d e")])
    assert (score.empty, score.documents) == (1, 2)
    assert score.recall == 0.5
    assert score.precision == 1.0
    assert score.f1 == pytest.approx(2 / 3)


def test_leaks_collapse_whitespace() -> None:
    assert leaks("اقرأ   أيضاً:\nعنوان", ["اقرأ أيضاً: عنوان", "غير موجود"]) == ["اقرأ أيضاً: عنوان"]
