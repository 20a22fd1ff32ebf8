"""A date as precise as the page made it, and the parser for machine-readable dates.

Pages state dates with different precision: a day ("١٢ أكتوبر ٢٠٢٣"), a local time
without a zone ("10:45 ص"), or an instant with an offset (``2024-01-30T10:45:00+02:00``).
:class:`DateValue` keeps exactly what is known, so that comparisons between the visible
date and the meta tags never invent a time or an offset.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone
from email.utils import parsedate_to_datetime

from pipelines.cleaning.normalize import to_ascii_digits

#: Years accepted as a publication date; anything else is a parsing accident.
MIN_YEAR = 1990
MAX_YEAR = 2100


@dataclass(frozen=True)
class DateValue:
    """A publication date: a day, optionally a wall-clock time, optionally its UTC offset.

    ``offset`` is only meaningful with ``clock``.
    """

    day: date
    clock: time | None = None
    offset: timedelta | None = None

    def iso(self) -> str:
        """ISO 8601: ``YYYY-MM-DD``, ``YYYY-MM-DDTHH:MM:SS`` or with ``+HH:MM``."""
        if self.clock is None:
            return self.day.isoformat()
        stamp = datetime.combine(self.day, self.clock.replace(microsecond=0, tzinfo=None))
        text = stamp.isoformat(timespec="seconds")
        if self.offset is None:
            return text
        return text + format_offset(self.offset)

    def instant(self) -> datetime | None:
        """The UTC instant, when the time and the offset are known."""
        if self.clock is None or self.offset is None:
            return None
        local = datetime.combine(self.day, self.clock.replace(tzinfo=None))
        return (local - self.offset).replace(tzinfo=UTC)

    def with_offset(self, offset: timedelta | None) -> DateValue:
        """This date with ``offset`` attached (only when a time is known)."""
        if self.clock is None:
            return self
        return DateValue(self.day, self.clock, offset)

    @classmethod
    def from_datetime(cls, moment: datetime) -> DateValue:
        """A value from a ``datetime``; an aware one keeps its offset."""
        offset = moment.utcoffset()
        return cls(moment.date(), moment.time().replace(microsecond=0, tzinfo=None), offset)


def format_offset(offset: timedelta) -> str:
    """``+HH:MM`` for a UTC offset (``Z`` is written ``+00:00``)."""
    minutes = int(offset.total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    minutes = abs(minutes)
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def valid_day(year: int, month: int, day: int) -> date | None:
    """The date, or ``None`` when it does not exist or lies outside the plausible years."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def make_clock(hour: int, minute: int, second: int = 0) -> time | None:
    """A wall-clock time, or ``None`` when out of range."""
    if 0 <= hour <= 23 and 0 <= minute <= 59 and 0 <= second <= 59:
        return time(hour, minute, second)
    if hour == 24 and minute == 0 and second == 0:
        return time(0, 0)
    return None


_ISO = re.compile(
    r"(?P<y>\d{4})(?P<sep>[-/.]?)(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})"
    r"(?:(?:T|\s+|[T\s]*[,،]\s*)(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,]\d+)?)?"
    r"\s*(?P<tz>Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?)?",
    re.IGNORECASE,
)
_EPOCH = re.compile(r"\d{10}(?:\d{3})?")


def parse_offset(text: str) -> timedelta | None:
    """``Z``, ``UTC``, ``GMT``, ``+03``, ``+0300``, ``+03:00`` or ``-05:30`` as a timedelta."""
    text = text.strip().upper()
    if text in {"Z", "UTC", "GMT"}:
        return timedelta(0)
    match = re.fullmatch(r"([+-])(\d{1,2})(?::?(\d{2}))?", text)
    if not match:
        return None
    hours, minutes = int(match.group(2)), int(match.group(3) or 0)
    if hours > 14 or minutes > 59:
        return None
    delta = timedelta(hours=hours, minutes=minutes)
    return -delta if match.group(1) == "-" else delta


def parse_machine_date(raw: str) -> DateValue | None:
    """Parse a date from a meta tag, JSON-LD or ``<time datetime>`` value.

    Accepts ISO 8601 and its common variants (space instead of ``T``, fractions, ``Z``,
    slashes), RFC 2822 and Unix timestamps. Returns ``None`` for anything else.
    """
    text = to_ascii_digits(raw).strip()
    if not text:
        return None
    if _EPOCH.fullmatch(text):
        seconds = int(text[:10])
        return DateValue.from_datetime(datetime.fromtimestamp(seconds, tz=UTC))
    match = _ISO.match(text)
    if match:
        return _from_iso_match(match)
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if not MIN_YEAR <= moment.year <= MAX_YEAR:
        return None
    if moment.tzinfo is not None and moment.utcoffset() == timedelta(0) and "-0000" in text:
        # RFC 2822 "-0000" means "offset unknown".
        moment = moment.replace(tzinfo=None)
    return DateValue.from_datetime(moment)


def _from_iso_match(match: re.Match[str]) -> DateValue | None:
    day = valid_day(int(match["y"]), int(match["m"]), int(match["d"]))
    if day is None:
        return None
    if match["H"] is None:
        return DateValue(day)
    clock = make_clock(int(match["H"]), int(match["M"]), int(match["S"] or 0))
    if clock is None:
        return DateValue(day)
    offset = parse_offset(match["tz"]) if match["tz"] else None
    return DateValue(day, clock, offset)


def shift(value: DateValue, delta: timedelta) -> DateValue:
    """``value`` moved by ``delta``, keeping its precision."""
    if value.clock is None:
        return DateValue(value.day + timedelta(days=delta.days))
    moment = datetime.combine(value.day, value.clock) + delta
    return DateValue(moment.date(), moment.time(), value.offset)


def local_day(value: DateValue, offset: timedelta | None) -> date:
    """The calendar day of ``value`` as seen in another UTC ``offset``."""
    instant = value.instant()
    if instant is None or offset is None:
        return value.day
    return instant.astimezone(timezone(offset)).date()
