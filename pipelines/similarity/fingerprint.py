"""Exact-duplicate fingerprints of article text.

Two copies of one article often differ only in spelling that readers do not notice: hamza
forms, alef maqsura, ta marbuta, diacritics, tatweel, Arabic-Indic versus ASCII digits,
punctuation and spacing. :func:`normalize_for_fingerprint` folds all of that away (on top of
:func:`pipelines.cleaning.normalize.fold`) and :func:`text_fingerprint` hashes the result,
so such copies share one fingerprint. The normalized text is for matching only, never stored.
"""

from __future__ import annotations

import hashlib
import re

from pipelines.cleaning.normalize import fold

#: A decimal or thousands separator between two digits ("5.2", "5,2", "5٫2", "1٬000"): kept
#: as "." so a number stays one token.
_NUMBER_SEPARATOR = re.compile(r"(?<=\d)[.,\u066b\u066c\u060c](?=\d)")
#: Punctuation and symbols of any script (anything that is neither a word character nor
#: whitespace), and the underscore, which ``\w`` counts as a word character.
_PUNCTUATION = re.compile(r"[^\w\s.]|_|(?<!\d)\.|\.(?!\d)")
#: Bytes of the digest; 16 bytes (128 bits) make accidental collisions negligible.
_DIGEST_SIZE = 16


def normalize_for_fingerprint(text: str) -> str:
    """Fold ``text`` to the form that fingerprints and shingles are computed from.

    NFKC, lower case, Arabic letter variants, diacritics, tatweel, zero-width characters and
    Arabic-Indic/Persian digits as in :func:`~pipelines.cleaning.normalize.fold`; then
    punctuation and symbols become spaces (a separator inside a number becomes "."), and
    whitespace (including paragraph breaks) collapses to single spaces.
    """
    folded = fold(text)
    folded = _NUMBER_SEPARATOR.sub(".", folded)
    folded = _PUNCTUATION.sub(" ", folded)
    return " ".join(folded.split())


def text_fingerprint(text: str) -> str:
    """Hex digest (32 characters, BLAKE2b-128) of :func:`normalize_for_fingerprint` of ``text``.

    Texts without any word all share :data:`EMPTY_FINGERPRINT`; callers should not treat
    that value as evidence of duplication.
    """
    return fingerprint_of_normalized(normalize_for_fingerprint(text))


def fingerprint_of_normalized(normalized: str) -> str:
    """:func:`text_fingerprint` for a text already passed through
    :func:`normalize_for_fingerprint` (the sketch is made from the same string)."""
    return hashlib.blake2b(normalized.encode("utf-8"), digest_size=_DIGEST_SIZE).hexdigest()


#: Fingerprint of a text with no words (empty, or only punctuation and symbols).
EMPTY_FINGERPRINT = hashlib.blake2b(b"", digest_size=_DIGEST_SIZE).hexdigest()
