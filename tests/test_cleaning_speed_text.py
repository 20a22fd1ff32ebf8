"""The fast text helpers give exactly what their plain definitions give.

:func:`fold` translates with one self-filling table and skips ASCII and untouched text;
:func:`key` and :func:`label_key` skip substitutions with nothing to replace; :func:`text_of`
reads libxml2's text serialisation instead of ``text_content()``. Each is checked here
against the step-by-step definition it replaced.
"""

from __future__ import annotations

import random
import re
import unicodedata

import lxml.html
from lxml import etree

from pipelines.cleaning.dom import text_of
from pipelines.cleaning.normalize import fold
from pipelines.cleaning.phrases import key, label_key

_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_ZERO_WIDTH = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_LETTERS = str.maketrans(
    "أإآٱٲٳىیئؤةۀکګہھے",
    "اااااايييوههككههي",
)
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


def reference_fold(text: str) -> str:
    """:func:`fold` as specified: NFKC, delete zero-width and diacritics, letters, digits."""
    text = unicodedata.normalize("NFKC", text)
    text = _ZERO_WIDTH.sub("", text)
    text = _DIACRITICS.sub("", text)
    text = text.translate(_LETTERS).translate(_DIGITS)
    return " ".join(text.lower().split())


def test_fold_of_every_bmp_character_matches_the_definition() -> None:
    differ = [
        hex(c)
        for c in range(0x10000)
        if not 0xD800 <= c < 0xE000 and fold(chr(c)) != reference_fold(chr(c))
    ]
    assert differ == []


def test_fold_of_mixed_texts_matches_the_definition() -> None:
    assert fold("  إقرأ أيضاً:  الخبر ٣ ") == "اقرا ايضا: الخبر 3"
    assert fold("خاموشی\u200cهای ۱۴۰۳") == "خاموشيهاي 1403"
    assert fold("Ｔａｇｓ：\tNEWS") == "tags: news"
    pool = (
        [chr(c) for c in range(0x600, 0x700)]
        + list(" \t\nabcXYZ:،0123")
        + ["\u200c", "\u200d", "\ufeff", "\ufb50", "\ufdf2", "\u0130", "\ufb01", "é", "e\u0301"]
    )
    rng = random.Random(7)
    for _ in range(5000):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(0, 40)))
        assert fold(text) == reference_fold(text), repr(text)


def reference_key(text: str) -> str:
    """:func:`key` as specified: delimiters to " : ", runs of other non-word characters to " "."""
    folded = re.sub(r"[:：|»>–—]|(?<=\s)-(?=\s)", " : ", reference_fold(text))
    return " ".join(re.sub(r"[^\w:]+", " ", folded).split())


def reference_label_key(text: str) -> str:
    """:func:`label_key` as specified: the key without colons and trailing counts."""
    return re.sub(r"(?: \d+)+$", "", " ".join(reference_key(text).replace(":", " ").split()))


def test_keys_match_the_definition() -> None:
    # "»" and a dash between spaces are delimiters too.
    assert key("إقرأ أيضاً: «الخبر» - عاجل") == "اقرا ايضا : الخبر : : عاجل"
    assert label_key("التعليقات (3)") == "التعليقات"
    assert label_key("Comments (١٢)") == "comments"
    assert label_key("Tags") == "tags"
    pool = [*" :：|»>–—-_.,،؛()«»0123٣x\tA\u00a0\u3000\x1c", "ال", "خبر", "ﷺ", "①", "²"]
    rng = random.Random(11)
    for _ in range(5000):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(0, 20)))
        assert key(text) == reference_key(text), repr(text)
        assert label_key(text) == reference_label_key(text), repr(text)


def test_text_of_equals_collapsed_text_content() -> None:
    root = lxml.html.document_fromstring(
        "<html><body><div id='d'> Lead <!-- hidden note --> text <b>bold\n part</b>"
        "<?pi skipped?> tail <span></span><i>x</i>y </div><p>  only  text </p><br></body></html>"
    )
    for el in root.iter(etree.Element):
        assert text_of(el) == " ".join(el.text_content().split())
    assert text_of(root.get_element_by_id("d")) == "Lead text bold part tail xy"
    assert text_of(root.find(".//br")) == ""
