"""Fingerprints, sketches and the near-duplicate decision (no database)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.similarity.evaluate import evaluate, load_pairs
from pipelines.similarity.fingerprint import (
    EMPTY_FINGERPRINT,
    normalize_for_fingerprint,
    text_fingerprint,
)
from pipelines.similarity.sketch import (
    SketchParams,
    compare,
    is_candidate,
    is_near_duplicate,
    make_sketch,
    tokens,
)

PAIRS = Path(__file__).resolve().parent / "data" / "neardup" / "pairs.jsonl"
PARAMS = SketchParams()

# --- fingerprints ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "normalized"),
    [
        # hamza forms, ta marbuta, alef maqsura, diacritics, tatweel, Arabic-Indic digits,
        # Arabic decimal separator and percent sign, guillemets, Arabic comma
        (
            "قالَ الرئيسُ: «إنّ الإصلاحـــات ستستمرّ» في ٢٠٢٤، وارتفع المؤشر ٥٫٢٪.",
            "قال الرييس ان الاصلاحات ستستمر في 2024 وارتفع الموشر 5.2",
        ),
        ("على مستوى القرى", "علي مستوي القري"),
        # Persian digits and letters, ZWNJ
        ("زلزله\u200cای به بزرگی ۵٫۲ ریشتر", "زلزلهاي به بزرگي 5.2 ريشتر"),
        # English: case, abbreviations, thousands separator, symbols, underscores
        (
            "U.S. stocks rose 1,000 points #news big_deal",
            "u s stocks rose 1.000 points news big deal",
        ),
        # paragraph breaks and runs of spaces
        ("سطر أول\n\nسطر   ثان\t.", "سطر اول سطر ثان"),
        ("...!! ؟ -- ***", ""),
    ],
)
def test_normalize_for_fingerprint(text: str, normalized: str) -> None:
    assert normalize_for_fingerprint(text) == normalized


def test_fingerprint_ignores_spelling_digits_punctuation_and_spacing() -> None:
    plain = "قال الرئيس إن الاقتصاد سينمو 5.2% في 2024."
    variants = [
        "قالَ الرّئيسُ إنّ الاقتصـــاد سينمو ٥٫٢٪ في ٢٠٢٤",
        "قال الرئيس ان الاقتصاد سينمو 5.2 في 2024",
        "قال الرئيس\n\nإن الاقتصاد سينمو 5,2 % في 2024 !",
    ]
    assert {text_fingerprint(v) for v in variants} == {text_fingerprint(plain)}


def test_fingerprint_changes_with_a_word_or_a_number() -> None:
    plain = "قال الرئيس إن الاقتصاد سينمو 5.2% في 2024."
    assert text_fingerprint(plain) != text_fingerprint(plain.replace("سينمو", "سينكمش"))
    assert text_fingerprint(plain) != text_fingerprint(plain.replace("5.2", "5.3"))


def test_fingerprint_format_is_stable() -> None:
    # Stored fingerprints must keep their meaning: this value may only change together
    # with a migration of stored documents.
    assert text_fingerprint("قال الرئيس إن الاقتصاد سينمو 5.2% في 2024.") == (
        "260dc23ce36629565534de7858368475"
    )
    assert text_fingerprint("— ... —") == EMPTY_FINGERPRINT


# --- tokens and sketches --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("عاجل | خبر عاجل: BREAKING المجلس ينعقد غدا - (رويترز)", ["المجلس", "ينعقد", "غدا"]),
        ("فوری: زلزله در کرمان (ایرنا)", ["زلزله", "در", "كرمان"]),
        ("Breaking news: Fed holds rates - Reuters", ["fed", "holds", "rates"]),
        ("الجلسة تنعقد (أ ف ب)", ["الجلسه", "تنعقد"]),
        # markers and tags are never stripped down to nothing
        ("عاجل", ["عاجل"]),
        ("عاجل (رويترز)", ["رويترز"]),
        # a marker word inside the text stays
        ("وصف الوزير الوضع بأنه عاجل", ["وصف", "الوزير", "الوضع", "بانه", "عاجل"]),
    ],
)
def test_tokens_drop_flash_markers_and_source_tags(text: str, words: list[str]) -> None:
    assert tokens(text) == words


def test_sketch_of_text_without_words_is_none() -> None:
    assert make_sketch("", PARAMS) is None
    assert make_sketch(" ... ؟! ", PARAMS) is None


def test_sketch_contents() -> None:
    short = make_sketch("عاجل: ارتفاع حصيلة ضحايا الزلزال إلى 2012 قتيلا في 8 أقاليم", PARAMS)
    assert short is not None
    assert short.n_tokens == 10
    assert short.numbers == ("2012", "8")
    assert len(short.band_keys) == PARAMS.bands == 42
    assert len(short.shingles) == 8
    assert len(short.word_hashes) == 10
    long_text = " ".join(f"كلمة{i}" for i in range(150))
    long = make_sketch(long_text, PARAMS)
    assert long is not None
    assert long.n_tokens == 150
    assert long.word_hashes == ()
    assert len(long.shingles) == 148


def test_sketches_are_deterministic_and_pinned() -> None:
    # Sketches stored by other processes and earlier runs must stay comparable: a change
    # here needs a new SKETCH_VERSION (and a rebuild of stored sketches).
    text = "قال الرئيس إن الاقتصاد سينمو 5.2% في 2024."
    first, second = make_sketch(text, PARAMS), make_sketch(text, PARAMS)
    assert first is not None
    assert first == second
    assert first.band_keys[:3] == (785835997140159120, 7655740754901413100, -968554666360050877)


def test_params_are_validated() -> None:
    with pytest.raises(ValueError, match="exceeds num_perm"):
        SketchParams(num_perm=64, bands=42, rows=3)
    with pytest.raises(ValueError, match="short_overlap"):
        SketchParams(short_overlap=0.4)


# --- the decision ---------------------------------------------------------------------

STORY = [
    "قرر البنك المركزي المصري الإبقاء على أسعار الفائدة الرئيسية دون تغيير للمرة الثالثة "
    "على التوالي في خطوة جاءت متوافقة مع توقعات أغلب المحللين.",
    "وقالت لجنة السياسة النقدية في بيان إنها أبقت على سعري عائد الإيداع والإقراض لليلة "
    "واحدة عند 27.25 بالمئة و28.25 بالمئة على الترتيب.",
    "وأوضح البيان أن المعدل السنوي للتضخم العام في المدن تراجع إلى 24 بالمئة في الشهر "
    "الماضي من 25.5 بالمئة في الشهر السابق عليه.",
    "وأضافت اللجنة أن النشاط الاقتصادي المحلي أظهر بوادر تعاف خلال الربع الأخير مدعوما "
    "بزيادة تدفقات النقد الأجنبي من السياحة وتحويلات المصريين العاملين في الخارج.",
    "ومن المقرر أن تعقد لجنة السياسة النقدية اجتماعها المقبل في الثاني والعشرين من أغسطس.",
]


def _compare(a: str, b: str) -> tuple[bool, str]:
    sketch_a, sketch_b = make_sketch(a, PARAMS), make_sketch(b, PARAMS)
    assert sketch_a is not None
    assert sketch_b is not None
    result = compare(sketch_a, sketch_b, PARAMS)
    return result.duplicate, result.reason


def test_long_copy_with_a_paragraph_dropped_and_a_sign_off_matches() -> None:
    copy = "\n".join([*STORY[:2], *STORY[3:], "(رويترز)"])
    assert _compare("\n".join(STORY), copy) == (True, "")
    assert is_near_duplicate("\n".join(STORY), copy)


def test_long_brief_inside_a_longer_feature_is_not_a_copy() -> None:
    # a weekly roundup that carries the whole story among others
    others = {p.id: p.text_a for p in load_pairs(PAIRS)}
    feature = "\n".join([others["ar-quake-syndicated"], *STORY, others["ar-metro-syndicated"]])
    assert _compare("\n".join(STORY[1:4]), feature) == (False, "jaccard")


def test_long_texts_with_new_figures_are_different_stories() -> None:
    a = "\n".join(STORY)
    b = (
        a.replace("27.25", "26.25")
        .replace("28.25", "27.25")
        .replace("24 بالمئة", "22 بالمئة")
        .replace("25.5", "23.1")
    )
    assert _compare(a, b) == (False, "numbers")


def test_long_unrelated_texts_fail_containment() -> None:
    other = "\n".join(
        [
            "أعلنت الحكومة المغربية تسريع إنجاز مشاريع تحلية مياه البحر في إطار خطة طارئة "
            "لمواجهة الجفاف الذي تعيشه المملكة للسنة السادسة على التوالي.",
            *STORY[3:],
        ]
        + [f"وقال الوزير إن المشروع رقم {i} سيدخل الخدمة قريبا في المدن الكبرى." for i in range(5)]
    )
    assert _compare("\n".join(STORY), other) == (False, "containment")


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        # decoration only: flash markers, agency tags, an attribution clause
        (
            "عاجل | مجلس الأمن يعقد جلسة طارئة بشأن رفح غدا",
            "مجلس الأمن يعقد جلسة طارئة بشأن رفح غدا (أ ف ب)",
            (True, ""),
        ),
        (
            "عاجل: حريق ضخم في سوق شعبي وسط حلب",
            "عاجل: حريق ضخم في سوق شعبي وسط حلب وفق وسائل إعلام محلية",
            (True, ""),
        ),
        # one word changed anywhere is a different story
        (
            "عاجل: وزير الخارجية الأمريكي يصل إلى القاهرة",
            "عاجل: وزير الخارجية الأمريكي يصل إلى الرياض",
            (False, "substitution"),
        ),
        (
            "عاجل: وزير الخارجية الأمريكي يصل إلى القاهرة",
            "عاجل: وزير الخارجية الفرنسي يصل إلى القاهرة",
            (False, "substitution"),
        ),
        # a number added is a new fact
        (
            "عاجل: انفجار في مرفأ بيروت",
            "عاجل: انفجار في مرفأ بيروت و3 جرحى",
            (False, "numbers"),
        ),
        # too much added: a follow-up, not a copy
        (
            "عاجل: انفجار قوي يهز مرفأ بيروت",
            "عاجل: انفجار قوي يهز مرفأ بيروت وأنباء عن سقوط عدد من الجرحى في المنطقة",
            (False, "overlap"),
        ),
        # a flash is not a copy of a long report
        ("عاجل | البنك المركزي المصري يثبت أسعار الفائدة", "\n".join(STORY * 2), (False, "length")),
    ],
)
def test_short_text_rules(a: str, b: str, expected: tuple[bool, str]) -> None:
    assert _compare(a, b) == expected


def test_identical_texts_share_every_band() -> None:
    a = make_sketch("\n".join(STORY), PARAMS)
    assert a is not None
    assert is_candidate(a, a)
    assert not is_near_duplicate("", "\n".join(STORY))


# --- the labelled pair set ------------------------------------------------------------


def test_pair_set_is_large_and_varied() -> None:
    pairs = load_pairs(PAIRS)
    assert len(pairs) >= 40
    assert len({p.id for p in pairs}) == len(pairs)
    kinds = {(p.kind, p.duplicate) for p in pairs}
    assert {
        ("syndicated", True),
        ("same_site", True),
        ("same_topic", False),
        ("template", False),
        ("flash", True),
        ("flash", False),
    } <= kinds
    assert sum(1 for p in pairs if p.kind == "flash" and not p.duplicate) >= 8
    assert {"ar", "en", "fa"} <= {p.lang for p in pairs}
    assert any(p.id == "ar-corpus-d01-d02" for p in pairs)


def test_precision_and_recall_on_the_pair_set() -> None:
    pairs = load_pairs(PAIRS)
    scores = evaluate(pairs, lambda p: is_near_duplicate(p.text_a, p.text_b, PARAMS))
    assert scores.precision >= 0.99, scores.errors
    assert scores.recall >= 0.95, scores.errors
