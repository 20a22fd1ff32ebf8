"""Keep zero-width joiners through trafilatura, which deletes every non-printable character.

Persian and Urdu spell many words with a zero-width non-joiner (U+200C: "خاموشی‌های") and
sometimes a zero-width joiner (U+200D); trafilatura's sanitizer drops both, gluing the word
parts together. Before extraction each one is swapped in the tree's text for a printable
stand-in that no news page uses (a Tai Xuan Jing symbol), and swapped back in the extracted
text: the result is the page's own text, exactly.
"""

from __future__ import annotations

from lxml.html import HtmlElement

ZWNJ = "\u200c"
ZWJ = "\u200d"
_STAND_INS = {ZWNJ: "\U0001d350", ZWJ: "\U0001d351"}
_PROTECT = str.maketrans(_STAND_INS)
_RESTORE = str.maketrans({v: k for k, v in _STAND_INS.items()})


def needs_protection(page_text: str) -> bool:
    """``True`` when the page has joiners to keep and no stand-in characters of its own."""
    return (ZWNJ in page_text or ZWJ in page_text) and not any(
        s in page_text for s in _STAND_INS.values()
    )


def protect(root: HtmlElement) -> None:
    """Replace joiners in every text and tail under ``root`` by their stand-ins."""
    for el in root.iter():
        if el.text and (ZWNJ in el.text or ZWJ in el.text):
            el.text = el.text.translate(_PROTECT)
        if el.tail and (ZWNJ in el.tail or ZWJ in el.tail):
            el.tail = el.tail.translate(_PROTECT)


def restore(text: str) -> str:
    """Turn stand-ins back into the joiners they replaced."""
    return text.translate(_RESTORE)
