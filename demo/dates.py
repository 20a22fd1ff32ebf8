"""Visible date lines as Arabic and English news sites print them.

Arabic sites name months in two traditions (Egyptian/Gulf "مارس", Levantine "آذار") and
some print Arabic-Indic digits; the demo pages use all three styles so date parsing meets
each of them.
"""

from __future__ import annotations

from datetime import datetime, timedelta

MONTHS_EG = (
    "يناير",
    "فبراير",
    "مارس",
    "أبريل",
    "مايو",
    "يونيو",
    "يوليو",
    "أغسطس",
    "سبتمبر",
    "أكتوبر",
    "نوفمبر",
    "ديسمبر",
)
MONTHS_LEVANT = (
    "كانون الثاني",
    "شباط",
    "آذار",
    "نيسان",
    "أيار",
    "حزيران",
    "تموز",
    "آب",
    "أيلول",
    "تشرين الأول",
    "تشرين الثاني",
    "كانون الأول",
)
WEEKDAYS_AR = ("الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد")
MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
WEEKDAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def to_indic_digits(text: str) -> str:
    """Replace ASCII digits by Arabic-Indic digits (٠١٢٣٤٥٦٧٨٩)."""
    return text.translate(_INDIC)


def _utc_offset_label(moment: datetime) -> str:
    offset = moment.utcoffset() or timedelta(0)
    hours = int(offset.total_seconds() // 3600)
    return f"GMT{hours:+d}"


def arabic_date(moment: datetime, style: str) -> str:
    """The date line of an Arabic article, e.g. ``الثلاثاء 05 مارس 2024 - 07:40 م``.

    ``style``: ``"eg"`` (يناير…), ``"levant"`` (كانون الثاني…) or ``"indic"`` (يناير… with
    Arabic-Indic digits).
    """
    months = MONTHS_LEVANT if style == "levant" else MONTHS_EG
    hour12 = moment.hour % 12 or 12
    meridiem = "ص" if moment.hour < 12 else "م"
    line = (
        f"{WEEKDAYS_AR[moment.weekday()]} {moment.day:02d} {months[moment.month - 1]} "
        f"{moment.year} - {hour12:02d}:{moment.minute:02d} {meridiem}"
    )
    return to_indic_digits(line) if style == "indic" else line


def english_date(moment: datetime) -> str:
    """The date line of an English article, e.g. ``Thursday 14 March 2024, 13:00 GMT+2``."""
    return (
        f"{WEEKDAYS_EN[moment.weekday()]} {moment.day} {MONTHS_EN[moment.month - 1]} "
        f"{moment.year}, {moment.hour:02d}:{moment.minute:02d} {_utc_offset_label(moment)}"
    )


def short_date(moment: datetime, language: str) -> str:
    """A short date for listing cards: ``05 مارس 2024`` or ``5 March 2024``."""
    if language == "ar":
        return f"{moment.day:02d} {MONTHS_EG[moment.month - 1]} {moment.year}"
    return f"{moment.day} {MONTHS_EN[moment.month - 1]} {moment.year}"
