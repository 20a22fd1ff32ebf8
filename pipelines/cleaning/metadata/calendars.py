"""Hijri and Solar Hijri dates to Gregorian, through well-kept libraries.

Lunar Hijri dates use the Umm al-Qura calendar (``hijridate``), which Saudi and Gulf
sites follow; Solar Hijri (Iranian and Afghan) dates use ``jdatetime``.
"""

from __future__ import annotations

from datetime import date

import jdatetime  # type: ignore[import-untyped]
from hijridate import Hijri

#: Years each calendar can plausibly show on a news page.
HIJRI_YEARS = range(1380, 1501)
SOLAR_HIJRI_YEARS = range(1340, 1501)


def hijri_to_gregorian(year: int, month: int, day: int) -> date | None:
    """The Gregorian date of an Umm al-Qura Hijri date, or ``None`` if it does not exist."""
    if year not in HIJRI_YEARS:
        return None
    try:
        return Hijri(year, month, day).to_gregorian()
    except (ValueError, OverflowError):
        return None


def solar_hijri_to_gregorian(year: int, month: int, day: int) -> date | None:
    """The Gregorian date of a Solar Hijri date, or ``None`` if it does not exist."""
    if year not in SOLAR_HIJRI_YEARS:
        return None
    try:
        converted = jdatetime.date(year, month, day).togregorian()
    except (ValueError, OverflowError):
        return None
    return date(converted.year, converted.month, converted.day)
