"""Page bytes to text: the charset from the BOM, HTTP, ``<meta>``, or detection.

Order (as browsers do): a byte-order mark wins; then the HTTP ``Content-Type`` charset; then
``<meta charset>`` / ``<meta http-equiv>`` in the first bytes; then strict UTF-8; only then
charset-normalizer's guess, restricted to the encodings Arabic-script news sites use.

Two real-world lies are caught: a page that declares UTF-8 but is not valid UTF-8 goes to
detection, and a page that declares a legacy charset (windows-1256, iso-8859-6, latin-1, GBK)
but is valid UTF-8 with non-ASCII characters is read as UTF-8 (text in a legacy encoding is
almost never valid UTF-8).
"""

from __future__ import annotations

import codecs
import logging
import re

logger = logging.getLogger(__name__)

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_META_CHARSET = re.compile(
    rb"""<meta[^>]+?charset\s*=\s*["']?\s*([a-zA-Z0-9_\-:.]+)""", re.IGNORECASE
)
#: How far into the page a ``<meta>`` charset is looked for (the HTML standard says 1024).
_META_WINDOW = 4096
#: Labels whose bytes are really another codec (the WHATWG encoding standard's aliases).
_ALIASES = {
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "iso-8859-6": "iso8859-6",
    "arabic": "iso8859-6",
    "windows-1256": "cp1256",
    "x-user-defined": "cp1252",
    "tis-620": "cp874",
    "iso-8859-9": "cp1254",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-sjis": "shift_jis",
    "ks_c_5601-1987": "cp949",
    "euc-kr": "cp949",
}
#: Candidates offered to charset-normalizer when nothing is declared.
_DETECT_CANDIDATES = ["utf_8", "cp1256", "iso8859_6", "cp1252", "cp1251", "gb18030", "shift_jis"]


def _codec(label: str | None) -> str | None:
    """The Python codec name for a charset label, or ``None`` when unknown."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    label = _ALIASES.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _is_multibyte_utf8(body: bytes) -> bool:
    """``True`` when ``body`` is valid UTF-8 and uses non-ASCII characters."""
    if body.isascii():
        return False
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def meta_charset(body: bytes) -> str | None:
    """The charset label declared by a ``<meta>`` tag near the top of the page."""
    match = _META_CHARSET.search(body[:_META_WINDOW])
    return match.group(1).decode("ascii", "replace") if match else None


def _detect(body: bytes) -> str:
    from charset_normalizer import from_bytes

    best = from_bytes(body, cp_isolation=_DETECT_CANDIDATES).best()
    if best is None:
        return "cp1256"
    return codecs.lookup(best.encoding).name


def decode_page(body: bytes, http_charset: str | None = None) -> tuple[str, str]:
    """Decode page bytes; returns ``(text, codec name)``. Never raises on bad bytes."""
    for bom, name in _BOMS:
        if body.startswith(bom):
            return body[len(bom) :].decode(name, "replace"), name
    for declared in (_codec(http_charset), _codec(meta_charset(body))):
        if declared is None:
            continue
        if declared == "utf-8":
            try:
                return body.decode("utf-8"), "utf-8"
            except UnicodeDecodeError:
                logger.debug("Declared UTF-8 but the bytes are not; detecting")
                break
        if _is_multibyte_utf8(body):
            logger.debug("Declared %s but the bytes are UTF-8", declared)
            return body.decode("utf-8"), "utf-8"
        return body.decode(declared, "replace"), declared
    try:
        return body.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    name = _detect(body)
    return body.decode(name, "replace"), name
