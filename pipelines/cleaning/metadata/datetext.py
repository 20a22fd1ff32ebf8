"""Dates as people write them on news pages, in Arabic, Persian, Urdu and European languages.

:func:`find_dates` reads absolute dates from a short text such as a date line: month
names of every Arabic family (Egyptian/Gulf "يناير", Levantine/Iraqi "كانون الثاني",
Maghrebi "جانفي"/"غشت"), Persian and Urdu Gregorian names, English and French forms
("30th, January 2024", "February 6, 2025 9:12 AM GMT+0"), numeric forms, Lunar Hijri
("18 شوال 1446 هـ") and Solar Hijri ("۳ آذر ۱۴۰۳") dates, Arabic-Indic and Persian digits,
and "ص/م" AM/PM markers. :func:`parse_relative` reads "منذ 3 ساعات", "3 hours ago",
"۲ ساعت پیش" and resolves them against the fetch time.

All matching runs on text folded with :func:`pipelines.cleaning.normalize.fold`, so
hamza, ya, ta marbuta, tatweel and digit variants need no special cases.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from pipelines.cleaning.metadata.calendars import (
    hijri_to_gregorian,
    solar_hijri_to_gregorian,
)
from pipelines.cleaning.metadata.datevalue import (
    DateValue,
    make_clock,
    parse_offset,
    valid_day,
)
from pipelines.cleaning.metadata.lexicon import month_names
from pipelines.cleaning.normalize import fold

GREGORIAN = "gregorian"
HIJRI = "hijri"
SOLAR_HIJRI = "solar_hijri"

#: Numeric years in these ranges are read as Solar Hijri and Lunar Hijri respectively.
_NUMERIC_SOLAR = range(1340, 1420)
_NUMERIC_HIJRI = range(1420, 1501)

#: How far after (or before) a date its time may stand, in characters of folded text.
_TIME_REACH = 32


@dataclass(frozen=True)
class FoundDate:
    """A date read from text.

    ``alternatives`` holds other readings of an ambiguous numeric date ("03/04/2024" read
    month first). ``updated`` is true when a label such as "آخر تحديث" or "Updated"
    introduces the date. ``start``/``end`` are positions in the folded text.
    """

    value: DateValue
    calendar: str
    updated: bool = False
    alternatives: tuple[DateValue, ...] = ()
    start: int = 0
    end: int = 0


def _alternation(names: list[str]) -> str:
    escaped = sorted({re.escape(name).replace(r"\ ", r"\s+") for name in names}, key=len)
    return "|".join(reversed(escaped))


@functools.cache
def _patterns() -> dict[str, re.Pattern[str]]:
    months = month_names()
    gregorian = _alternation(list(months[GREGORIAN]))
    patterns: dict[str, re.Pattern[str]] = {}
    for calendar in (GREGORIAN, HIJRI, SOLAR_HIJRI):
        names = _alternation(list(months[calendar]))
        patterns[f"dmy:{calendar}"] = re.compile(
            r"(?<![\d:])(?P<d>\d{1,2})(?:st|nd|rd|th|er|eme|e|º|°)?\.?[\s,،\-/.]*"
            r"(?:(?:من|de|of|di)\s+)?"
            rf"(?<!\w)(?P<m>{names})(?!\w)"
            rf"(?:\s*[/\-(]\s*(?:{gregorian}|{names})\s*\)?)?\.?[\s,،\-/.]*"
            r"(?:(?:de|del|سنه|عام|سال)\s+)?(?P<y>\d{4})(?!\d)"
        )
    patterns["mdy"] = re.compile(
        rf"(?<!\w)(?P<m>{gregorian})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?(?!\d)"
        r"[\s,،]+(?P<y>\d{4})(?!\d)"
    )
    patterns["ymd"] = re.compile(
        r"(?<![\d/.\-])(?P<y>\d{4})(?P<s>[-/.])(?P<m>\d{1,2})(?P=s)(?P<d>\d{1,2})(?![\d/])"
    )
    patterns["dmy:numeric"] = re.compile(
        r"(?<![\d/.\-:])(?P<a>\d{1,2})(?P<s>[-/.])(?P<b>\d{1,2})(?P=s)(?P<y>\d{4})(?![\d/])"
    )
    # "25.04.24": a two-digit year, only with dots or slashes.
    patterns["dmy:short"] = re.compile(
        r"(?<![\d/.\-:])(?P<a>\d{1,2})(?P<s>[/.])(?P<b>\d{1,2})(?P=s)(?P<y>\d{2})(?![\d/.])"
    )
    return patterns


_AM = r"ص|am|a\.m\.?|صباحا|صباح|فجرا|ق\.ظ|قبل از ظهر|قبل الظهر"
_PM = r"م|pm|p\.m\.?|مساء|مساءا|عصرا|ليلا|ب\.ظ|بعد از ظهر|بعد الظهر"
_NOON = r"ظهرا|ظهر"
_TIME = re.compile(
    r"(?<![\d:])(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2}))?(?![\d:])"
    rf"(?:\s*(?P<ap>{_AM}|{_PM}|{_NOON})(?![^\W\d_]))?"
)
_AM_RE = re.compile(rf"(?:{_AM})")
_PM_RE = re.compile(rf"(?:{_PM})")

#: Places whose clocks have a fixed offset (no daylight saving), as named after "بتوقيت".
_PLACES = {
    "مكه": 180,
    "مكه المكرمه": 180,
    "السعوديه": 180,
    "الرياض": 180,
    "الدوحه": 180,
    "قطر": 180,
    "الكويت": 180,
    "بغداد": 180,
    "العراق": 180,
    "ابوظبي": 240,
    "ابو ظبي": 240,
    "الامارات": 240,
    "دبي": 240,
    "مسقط": 240,
    "الجزاير": 60,
    "تونس": 60,
    "طهران": 210,
    "تهران": 210,
    "غرينتش": 0,
    "جرينتش": 0,
    "غرينيتش": 0,
}
_ZONE = re.compile(
    r"\s*\(?\s*(?:"
    r"(?P<utc>gmt|utc)\s*(?P<utcoff>[+-]\s*\d{1,2}(?::?\d{2})?)?"
    r"|(?:ب?توقيت\s+)(?P<place>" + "|".join(sorted(_PLACES, key=len, reverse=True)) + r")"
    r"|(?P<off>[+-]\d{2}:?\d{2})"
    r")(?!\w)"
)
_TIME_GAP = re.compile(
    r"[\s,،\-|/–—•·(]*"
    r"(?:(?:على|علي|في|عند|on|at|a las|à|um|alle|kl\.?|الساعه|ساعت)(?!\w)[\s,،\-|:]*)*"
    r"[\s,،\-|:]*"
)
_UPDATED = re.compile(
    r"(?<!\w)(?:اخر تحديث|تم التحديث|تحديث|محدث|updated?|last modified|modified|"
    r"بروزرساني|به روز|بهروز|mis a jour|mis à jour|mise à jour|actualizado|actualizada|"
    r"aktualisiert|atualizado|aggiornato)(?!\w)"
)
_PUBLISHED = re.compile(
    r"(?<!\w)(?:نشر|نشرت|تاريخ النشر|published|posted|publié|publicado|veröffentlicht|انتشار)(?!\w)"
)


def find_dates(text: str) -> list[FoundDate]:
    """Every absolute date in ``text``, in reading order, each with its time when given."""
    folded = fold(text)
    spans: list[tuple[int, int, str, re.Match[str]]] = []
    for kind, pattern in _patterns().items():
        spans.extend((m.start(), m.end(), kind, m) for m in pattern.finditer(folded))
    spans.sort(key=lambda span: (span[0], -span[1]))
    found: list[FoundDate] = []
    taken_until = -1
    previous_end = 0
    for start, end, kind, match in spans:
        if start < taken_until:
            continue
        readings = _readings(kind, match, folded, end)
        if not readings:
            continue
        taken_until = end
        value, calendar, alternatives = readings
        value, end_with_time = _attach_time(value, folded, start, end)
        label_zone = folded[previous_end:start]
        updated = bool(_UPDATED.search(label_zone)) and not _PUBLISHED.search(
            label_zone[_last_update(label_zone) :]
        )
        found.append(FoundDate(value, calendar, updated, alternatives, start, end_with_time))
        previous_end = max(end, end_with_time)
        taken_until = previous_end
    return found


def _last_update(zone: str) -> int:
    matches = list(_UPDATED.finditer(zone))
    return matches[-1].end() if matches else len(zone)


def _readings(
    kind: str, match: re.Match[str], folded: str, end: int
) -> tuple[DateValue, str, tuple[DateValue, ...]] | None:
    months = month_names()
    year = int(match["y"]) + (2000 if kind == "dmy:short" else 0)
    if kind.startswith("dmy:") and kind not in {"dmy:numeric", "dmy:short"}:
        calendar = kind[4:]
        day = _convert(calendar, year, months[calendar][_key(match["m"])], int(match["d"]))
        return (DateValue(day), calendar, ()) if day else None
    if kind == "mdy":
        day = valid_day(year, months[GREGORIAN][_key(match["m"])], int(match["d"]))
        return (DateValue(day), GREGORIAN, ()) if day else None
    calendar = _numeric_calendar(year, folded[end : end + 4])
    if kind == "ymd":
        day = _convert(calendar, year, int(match["m"]), int(match["d"]))
        return (DateValue(day), calendar, ()) if day else None
    first, second = int(match["a"]), int(match["b"])
    day_first = _convert(calendar, year, second, first)
    month_first = _convert(calendar, year, first, second) if first != second else None
    if day_first is None and month_first is None:
        return None
    if day_first is None:
        assert month_first is not None
        return DateValue(month_first), calendar, ()
    others = (DateValue(month_first),) if month_first else ()
    return DateValue(day_first), calendar, others


def _key(name: str) -> str:
    return " ".join(name.split())


def _numeric_calendar(year: int, after: str) -> str:
    marker = after.strip()[:1]
    if marker == "ه" or year in _NUMERIC_HIJRI:
        return HIJRI
    if marker == "ش" or year in _NUMERIC_SOLAR:
        return SOLAR_HIJRI
    return GREGORIAN


def _convert(calendar: str, year: int, month: int, day: int) -> date | None:
    if calendar == HIJRI:
        return hijri_to_gregorian(year, month, day)
    if calendar == SOLAR_HIJRI:
        return solar_hijri_to_gregorian(year, month, day)
    return valid_day(year, month, day)


def _attach_time(value: DateValue, folded: str, start: int, end: int) -> tuple[DateValue, int]:
    after = folded[end : end + _TIME_REACH]
    match = _TIME.search(after)
    if match and _TIME_GAP.fullmatch(after[: match.start()]):
        return _with_clock(value, match, after), end + match.end()
    before = folded[max(0, start - _TIME_REACH) : start]
    for match in _TIME.finditer(before):
        zone = _ZONE.match(before, match.end())
        rest = before[zone.end() if zone else match.end() :]
        if _TIME_GAP.fullmatch(rest):
            return _with_clock(value, match, before), end
    return value, end


def _with_clock(value: DateValue, match: re.Match[str], text: str) -> DateValue:
    hour, minute, second = int(match["h"]), int(match["mi"]), int(match["s"] or 0)
    marker = match["ap"]
    if marker:
        if _AM_RE.fullmatch(marker):
            hour = 0 if hour == 12 else hour
        elif _PM_RE.fullmatch(marker):
            hour = hour + 12 if hour < 12 else hour
        elif hour < 11:  # "ظهرا": 1 ظهرا is 13:00, 12 ظهرا stays 12:00
            hour += 12
    clock = make_clock(hour, minute, second)
    if clock is None:
        return value
    zone = _ZONE.match(text, match.end())
    return DateValue(value.day, clock, _zone_offset(zone) if zone else None)


def _zone_offset(zone: re.Match[str]) -> timedelta | None:
    if zone["utc"]:
        extra = zone["utcoff"]
        return parse_offset(extra.replace(" ", "")) if extra else timedelta(0)
    if zone["place"]:
        return timedelta(minutes=_PLACES[" ".join(zone["place"].split())])
    return parse_offset(zone["off"])


# Relative dates ---------------------------------------------------------------------

_SECOND = timedelta(seconds=1)
_MINUTE = timedelta(minutes=1)
_HOUR = timedelta(hours=1)
_DAY = timedelta(days=1)
_WEEK = timedelta(weeks=1)
_MONTH = timedelta(days=30)
_YEAR = timedelta(days=365)

#: Unit spellings -> (unit, implied count for dual forms such as "ساعتين" or 0 if none).
_UNITS: dict[str, tuple[timedelta, int]] = {
    # Arabic
    "ثانيه": (_SECOND, 0),
    "ثوان": (_SECOND, 0),
    "ثواني": (_SECOND, 0),
    "ثانيتين": (_SECOND, 2),
    "دقيقه": (_MINUTE, 0),
    "دقائق": (_MINUTE, 0),
    "دقايق": (_MINUTE, 0),
    "دقيقتين": (_MINUTE, 2),
    "دقيقتان": (_MINUTE, 2),
    "ساعه": (_HOUR, 0),
    "ساعات": (_HOUR, 0),
    "ساعتين": (_HOUR, 2),
    "ساعتان": (_HOUR, 2),
    "يوم": (_DAY, 0),
    "ايام": (_DAY, 0),
    "يومين": (_DAY, 2),
    "يومان": (_DAY, 2),
    "اسبوع": (_WEEK, 0),
    "اسابيع": (_WEEK, 0),
    "اسبوعين": (_WEEK, 2),
    "شهر": (_MONTH, 0),
    "اشهر": (_MONTH, 0),
    "شهور": (_MONTH, 0),
    "شهرين": (_MONTH, 2),
    "سنه": (_YEAR, 0),
    "سنوات": (_YEAR, 0),
    "سنتين": (_YEAR, 2),
    "عام": (_YEAR, 0),
    "اعوام": (_YEAR, 0),
    "عامين": (_YEAR, 2),
    # Persian
    "ثانیه": (_SECOND, 0),
    "دقیقه": (_MINUTE, 0),
    "ساعت": (_HOUR, 0),
    "روز": (_DAY, 0),
    "هفته": (_WEEK, 0),
    "ماه": (_MONTH, 0),
    "سال": (_YEAR, 0),
    # Urdu
    "سیکنڈ": (_SECOND, 0),
    "منٹ": (_MINUTE, 0),
    "گھنٹے": (_HOUR, 0),
    "گھنٹہ": (_HOUR, 0),
    "دن": (_DAY, 0),
    "ہفتے": (_WEEK, 0),
    "ہفتہ": (_WEEK, 0),
    "مہینے": (_MONTH, 0),
    "مہینہ": (_MONTH, 0),
    # English
    "sec": (_SECOND, 0),
    "second": (_SECOND, 0),
    "seconds": (_SECOND, 0),
    "min": (_MINUTE, 0),
    "mins": (_MINUTE, 0),
    "minute": (_MINUTE, 0),
    "minutes": (_MINUTE, 0),
    "hr": (_HOUR, 0),
    "hrs": (_HOUR, 0),
    "hour": (_HOUR, 0),
    "hours": (_HOUR, 0),
    "day": (_DAY, 0),
    "days": (_DAY, 0),
    "week": (_WEEK, 0),
    "weeks": (_WEEK, 0),
    "month": (_MONTH, 0),
    "months": (_MONTH, 0),
    "year": (_YEAR, 0),
    "years": (_YEAR, 0),
    # French, Spanish, German
    "heure": (_HOUR, 0),
    "heures": (_HOUR, 0),
    "jour": (_DAY, 0),
    "jours": (_DAY, 0),
    "semaine": (_WEEK, 0),
    "semaines": (_WEEK, 0),
    "mois": (_MONTH, 0),
    "an": (_YEAR, 0),
    "ans": (_YEAR, 0),
    "hora": (_HOUR, 0),
    "horas": (_HOUR, 0),
    "minuto": (_MINUTE, 0),
    "minutos": (_MINUTE, 0),
    "dia": (_DAY, 0),
    "dias": (_DAY, 0),
    "día": (_DAY, 0),
    "días": (_DAY, 0),
    "stunde": (_HOUR, 0),
    "stunden": (_HOUR, 0),
    "minuten": (_MINUTE, 0),
    "tag": (_DAY, 0),
    "tagen": (_DAY, 0),
}
_FOLDED_UNITS = {fold(name): unit for name, unit in _UNITS.items()}
_UNIT_ALT = "|".join(sorted((re.escape(u) for u in _FOLDED_UNITS), key=len, reverse=True))
_COUNT = r"(?P<n>\d+|an?|one|un|une|una|uno|einer|einem|wahid)"
_RELATIVE: tuple[re.Pattern[str], ...] = (
    # منذ 3 ساعات, قبل ساعة, منذ نحو يومين
    re.compile(
        r"(?<!\w)(?:منذ|قبل)\s+(?:(?:نحو|حوالي|اكثر من|اقل من)\s+)?(?:(?P<n>\d+)\s+)?"
        rf"(?P<u>{_UNIT_ALT})(?!\w)"
    ),
    # 3 hours ago, ۲ ساعت پیش, 3 گھنٹے پہلے
    re.compile(rf"(?<!\w){_COUNT}\s+(?P<u>{_UNIT_ALT})\s*(?:ago|پيش|قبل|پهلي)(?!\w)"),
    # il y a 3 heures, hace 3 horas, vor 3 Stunden
    re.compile(rf"(?<!\w)(?:il y a|hace|há|vor)\s+{_COUNT}\s+(?P<u>{_UNIT_ALT})(?!\w)"),
)
_YESTERDAY = re.compile(r"(?<!\w)(?:امس|البارحه|yesterday|hier|ayer|gestern|ديروز)(?!\w)")


def parse_relative(text: str, now: datetime) -> DateValue | None:
    """Resolve "منذ 3 ساعات", "3 hours ago", "أمس"... against ``now`` (the fetch time).

    Seconds, minutes and hours give a time in ``now``'s offset; days and longer give only
    the day.
    """
    folded = fold(text)
    for pattern in _RELATIVE:
        match = pattern.search(folded)
        if match:
            unit, implied = _FOLDED_UNITS[match["u"]]
            count = _count(match["n"], implied)
            return _ago(now, unit * count, fine=unit < _DAY)
    if _YESTERDAY.search(folded) and not _TIME.search(folded):
        return _ago(now, _DAY, fine=False)
    return None


def _count(raw: str | None, implied: int) -> int:
    if raw is None:
        return implied or 1
    if raw.isdigit():
        return int(raw)
    return 1


def _ago(now: datetime, delta: timedelta, *, fine: bool) -> DateValue:
    moment = now - delta
    if fine:
        return DateValue.from_datetime(moment.replace(second=0, microsecond=0))
    return DateValue(moment.date())
