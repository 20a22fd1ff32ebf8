"""Text normalization for matching (never for output).

Arabic script text comes with many spellings of the same word: hamza and madda forms of
alef, alef maqsura for ya, ta marbuta for ha, optional diacritics and tatweel, Persian kaf and
ya, and three digit systems. Phrase matching, month names and duplicate fingerprints all fold
these differences away with :func:`fold`; the stored text keeps the page's own spelling.
"""

from __future__ import annotations

import re
import unicodedata

#: Arabic diacritics (tanween, harakat, shadda, sukun, superscript alef, Quranic marks) and tatweel.
_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
#: Zero-width characters that carry no meaning for matching (ZWNJ, ZWJ, ZWSP, BOM, marks).
_ZERO_WIDTH = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")

_LETTERS = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ٲ": "ا",
        "ٳ": "ا",
        "ى": "ي",
        "ی": "ي",  # Persian ya
        "ئ": "ي",
        "ؤ": "و",
        "ة": "ه",
        "ۀ": "ه",
        "ک": "ك",  # Persian kaf
        "ګ": "ك",
        "ہ": "ه",  # Urdu heh goal
        "ھ": "ه",
        "ے": "ي",  # Urdu yeh barree
    }
)

_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


def to_ascii_digits(text: str) -> str:
    """Replace Arabic-Indic and Persian digits with ASCII digits."""
    return text.translate(_DIGITS)


def fold(text: str) -> str:
    """Fold ``text`` for matching: NFKC, lower case, Arabic letter variants, digits.

    Removes diacritics, tatweel and zero-width characters and collapses whitespace. The
    result is only for comparison; it is never stored as article text.
    """
    text = unicodedata.normalize("NFKC", text)
    text = _ZERO_WIDTH.sub("", text)
    text = _DIACRITICS.sub("", text)
    text = text.translate(_LETTERS).translate(_DIGITS)
    return " ".join(text.lower().split())
