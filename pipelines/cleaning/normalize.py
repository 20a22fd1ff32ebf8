"""Text normalization for matching (never for output).

Arabic script text comes with many spellings of the same word: hamza and madda forms of
alef, alef maqsura for ya, ta marbuta for ha, optional diacritics and tatweel, Persian kaf and
ya, and three digit systems. Phrase matching, month names and duplicate fingerprints all fold
these differences away with :func:`fold`; the stored text keeps the page's own spelling.
"""

from __future__ import annotations

import re
import unicodedata

#: Arabic diacritics (tanween, harakat, shadda, sukun, superscript alef, Quranic marks) and
#: tatweel; zero-width characters that carry no meaning for matching (ZWNJ, ZWJ, ZWSP, BOM,
#: direction marks). Inclusive ranges of code points, all deleted by :func:`fold`.
_REMOVED = (
    (0x0610, 0x061A),
    (0x064B, 0x065F),
    (0x0670, 0x0670),
    (0x06D6, 0x06ED),
    (0x0640, 0x0640),
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x2066, 0x2069),
    (0xFEFF, 0xFEFF),
)

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


class _FoldTable(dict[int, int | str | None]):
    """:data:`_LETTERS`, :data:`_DIGITS` and the removals of :func:`fold` as one table that
    also maps every other character it is asked about to itself.

    ``str.translate`` raises and swallows a ``LookupError`` for each character missing from
    its table, which made translating most of the cost of folding Arabic text; answering
    (and remembering) the identity instead keeps the result and takes a third of the time.
    It grows by the distinct characters met in texts that need the table at all (Arabic
    script and what is mixed with it), a few hundred entries.
    """

    def __missing__(self, key: int) -> int:
        self[key] = key
        return key


def _fold_table() -> _FoldTable:
    """Zero-width characters and diacritics deleted, letters and digits folded, in one pass.

    The three parts touch disjoint characters and none maps to a character another part
    touches, so one pass gives what deleting, then folding letters, then digits did in turn.
    """
    table = _FoldTable({c: None for first, last in _REMOVED for c in range(first, last + 1)})
    table.update(_LETTERS)
    table.update(_DIGITS)
    return table


_FOLD_TABLE = _fold_table()
#: Any character the table changes: text without one is left as it is.
_FOLDED = re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(_FOLD_TABLE)) + "]")


def fold(text: str) -> str:
    """Fold ``text`` for matching: NFKC, lower case, Arabic letter variants, digits.

    Removes diacritics, tatweel and zero-width characters and collapses whitespace. The
    result is only for comparison; it is never stored as article text. ASCII text is its own
    NFKC form and holds no character to fold: it is only lower-cased and collapsed.
    """
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
        if _FOLDED.search(text):
            text = text.translate(_FOLD_TABLE)
    return " ".join(text.lower().split())
