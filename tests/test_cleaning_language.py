"""Language detection: langdetect for most scripts, letters for Arabic, Persian and Urdu."""

from __future__ import annotations

import pytest

from pipelines.cleaning.language import detect_language

ARABIC = (
    "قال وزير الخارجية الإيراني إن بلاده مستعدة للحوار مع جيرانها، وإن العلاقات مع باكستان "
    "تمر بمرحلة جديدة من التعاون في مجالات الأمن والتجارة والطاقة."
)
PERSIAN = (
    "خاموشی‌های برنامه‌ریزی‌شده برق در تهران و چند کلان‌شهر دیگر ایران در هفته‌های اخیر "
    "گسترش یافته و به گفته صاحبان کسب‌وکارهای کوچک، زیان‌های سنگینی به آن‌ها وارد کرده است."
)
URDU = (
    "وزیر اعظم نے کہا ہے کہ حکومت مہنگائی پر قابو پانے کے لیے تمام ضروری اقدامات کر رہی ہے "
    "اور آئندہ بجٹ میں عام آدمی کو ریلیف دیا جائے گا۔"
)
ENGLISH = (
    "Major container lines will keep routing most vessels around Africa for at least the next "
    "several months, industry sources said on Thursday."
)
FRENCH = (
    "Le gouvernement a présenté mercredi un projet de loi visant à réduire la consommation "
    "d'énergie des bâtiments publics d'ici la fin de la décennie."
)


@pytest.mark.parametrize(
    ("text", "language"),
    [(ARABIC, "ar"), (PERSIAN, "fa"), (URDU, "ur"), (ENGLISH, "en"), (FRENCH, "fr")],
)
def test_language(text: str, language: str) -> None:
    found, confidence = detect_language(text)
    assert found == language
    assert 0.5 <= confidence <= 1.0


def test_arabic_with_persian_names_stays_arabic() -> None:
    text = ARABIC + " وقال پژمان چگینی في تصريح لوكالة الأنباء إن المحادثات كانت مثمرة جدا."
    assert detect_language(text)[0] == "ar"


def test_persian_without_zwnj_is_still_persian() -> None:
    assert detect_language(PERSIAN.replace("\u200c", ""))[0] == "fa"


def test_no_letters_no_language() -> None:
    assert detect_language("2024 - 12:30 | 100%") == (None, 0.0)
    assert detect_language("") == (None, 0.0)


def test_same_answer_every_time() -> None:
    mixed = "Breaking news update today " * 3
    assert len({detect_language(mixed) for _ in range(5)}) == 1
