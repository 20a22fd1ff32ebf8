"""Phrase lists: every spelling variant, word boundaries, prefixes, and the data files."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.cleaning.phrases import PHRASE_DIR, PhraseBook, load_phrases, phrase_book


@pytest.mark.parametrize(
    "label",
    [
        "اقرأ أيضاً", "اقرأ أيضا:", "إقرأ أيضاً:", "اقرأ ايضا", "أقرأ أيضًا", "إقرأ ايضاً",
        "اقـرأ أيضـاً",
        "اقْرَأْ أَيْضًا", "طالع أيضاً:", "شاهد أيضاً", "اقرأ المزيد", "قد يهمك أيضاً", "Read more:",
        "READ ALSO", "Lire aussi :", "بیشتر بخوانید", "یہ بھی پڑھیں:",
    ],
)  # fmt: skip
def test_read_also_in_every_spelling(label: str) -> None:
    assert phrase_book().label(label, ("read_also",)) == "read_also"


@pytest.mark.parametrize(
    ("label", "category"),
    [
        ("كلمات دلالية:", "tags_label"), ("الوسوم", "tags_label"), ("Tags:", "tags_label"),
        ("إعلان", "ad_label"), ("Advertisement · Scroll to continue", "ad_label"),
        ("التعليقات (3)", "comments"), ("الأكثر قراءة", "most_read"),
        ("پربیننده‌ترین‌ها", "most_read"), ("مواضيع ذات صلة", "related"),
        ("الخبر التالي", "next_article"), ("تابعونا على", "share_follow"),
    ],
)  # fmt: skip
def test_labels_by_category(label: str, category: str) -> None:
    assert (
        phrase_book().label(label) == category
        or phrase_book().label(label, (category,)) == category
    )


def test_a_label_must_be_the_whole_text() -> None:
    book = phrase_book()
    assert book.label("اقرأ أيضاً تقريرنا الكامل عن الموازنة الجديدة", ("read_also",)) is None
    assert book.label("تابعت الحكومة الملف", ("share_follow",)) is None


def test_prefix_needs_a_word_boundary_and_single_words_a_delimiter() -> None:
    book = phrase_book()
    assert book.prefix("اقرأ أيضاً: صحف عبرية تكشف التفاصيل", ("read_also",)) == "read_also"
    assert book.prefix("اقرأ أيضا صحف عبرية تكشف التفاصيل", ("read_also",)) == "read_also"
    assert book.prefix("شاهد | أهداف المباراة", ("read_also",)) == "read_also"
    assert book.prefix("شاهد العالم سقوط الجدار", ("read_also",)) is None
    assert book.prefix("Related: the budget", ("related",)) == "related"
    assert book.prefix("Relatedly, the budget grew", ("related",)) is None


def test_contains_matches_whole_words_only() -> None:
    book = phrase_book()
    text = "عرب خبر هو محرك بحث إخباري، وقد قام بنقل هذا الخبر ولا يتحمل أي مسؤولية عن محتواه."
    assert book.contains(text, ("aggregator_disclaimer",)) == "aggregator_disclaimer"
    assert book.contains("Sign up here.", ("signup_prompt",)) == "signup_prompt"
    assert book.contains("They designed a sign-upheaval", ("signup_prompt",)) is None


def test_every_shipped_file_loads_with_known_categories() -> None:
    files = sorted(p.stem for p in PHRASE_DIR.glob("*.toml"))
    assert files == ["ar", "en", "fa", "fr", "ur"]
    phrases = load_phrases()
    assert {"read_also", "related", "tags_label", "share_follow", "newsletter", "ad_label",
            "caption_credit", "comments", "most_read", "aggregator_disclaimer",
            "next_article"} <= set(phrases)  # fmt: skip


def test_a_new_phrase_file_extends_the_book(tmp_path: Path) -> None:
    (tmp_path / "xx.toml").write_text('read_also = ["Lees ook"]\n', encoding="utf-8")
    book = PhraseBook.from_phrases(load_phrases(tmp_path))
    assert book.label("Lees ook:", ("read_also",)) == "read_also"


def test_a_bad_phrase_file_is_rejected(tmp_path: Path) -> None:
    (tmp_path / "bad.toml").write_text('read_also = "not a list"\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad\.toml"):
        load_phrases(tmp_path)
