"""Language of the clean text: langdetect, with a script check for Arabic, Persian and Urdu.

langdetect confuses the three Arabic-script languages on news text (Arabic with a few
Persian names comes out "fa", Urdu comes out "fa" or "ar"). Letters only one of them uses
decide instead: ٹ ڈ ڑ ں ے ھ for Urdu; پ چ ژ گ ک ی for Persian (and Urdu); Arabic uses ك ي ة
and none of those.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

#: Characters of text given to langdetect: enough for a stable answer, fast on long articles.
SAMPLE_CHARS = 500
#: langdetect's random trials (its default is 7); 3 gave the same answers on 258 test pages
#: in half the time.
TRIALS = 3
_NOT_ARABIC_SCRIPT = re.compile("[^\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]+")
_LETTER = re.compile(r"[^\W\d_]")
_URDU_LETTERS = "ٹڈڑںےۓھ"
_PERSIAN_LETTERS = "پچژگکی"
_ARABIC_LETTERS = "كيةى"
#: langdetect's codes that are not ISO 639-1 as the item documents it.
_CODES = {"zh-cn": "zh", "zh-tw": "zh"}


@cache
def _factory() -> Any:
    """langdetect's detector factory, profiles loaded, seeded for repeatable answers."""
    from langdetect import DetectorFactory, detector_factory

    DetectorFactory.seed = 0
    detector_factory.init_factory()
    return detector_factory._factory


def load_profiles() -> None:
    """Load langdetect's profiles now (0.3 s) rather than at the first page that needs them."""
    _factory()


def _arabic_script_language(sample: str) -> tuple[str, float] | None:
    """``(language, confidence)`` when the text is mostly Arabic script, else ``None``."""
    letters = sum(map(str.isalpha, sample))
    script = len(_NOT_ARABIC_SCRIPT.sub("", sample))
    if letters == 0 or script / letters < 0.5:
        return None
    urdu = sum(map(sample.count, _URDU_LETTERS))
    persian = sum(map(sample.count, _PERSIAN_LETTERS))
    arabic = sum(map(sample.count, _ARABIC_LETTERS))
    if urdu >= max(3, 0.005 * script):
        return "ur", min(1.0, 0.8 + urdu / script)
    if persian >= max(3, 0.01 * script) and persian > arabic:
        return "fa", min(1.0, 0.8 + persian / script)
    return "ar", min(1.0, 0.8 + arabic / script) if arabic else 0.8


def detect_language(text: str) -> tuple[str | None, float]:
    """ISO 639-1 code of ``text`` and a confidence 0..1; ``(None, 0.0)`` when undecidable.

    Mostly Arabic-script text is decided by its letters (langdetect only knows Arabic,
    Persian and Urdu in that script, and confuses them); everything else by langdetect
    (seeded, so the answer never changes between runs).
    """
    sample = text[:SAMPLE_CHARS]
    if not _LETTER.search(sample):
        return None, 0.0
    script = _arabic_script_language(text[: SAMPLE_CHARS * 2])
    if script is not None:
        return script[0], round(script[1], 3)
    from langdetect.lang_detect_exception import LangDetectException

    detector = _factory().create()
    detector.n_trial = TRIALS
    detector.append(sample)
    try:
        best = detector.get_probabilities()[0]
    except (LangDetectException, IndexError):
        return None, 0.0
    return _CODES.get(best.lang, best.lang), round(float(best.prob), 3)
