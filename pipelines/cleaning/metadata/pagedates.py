"""The dates a reader sees: the date line in the header zone, and ``<time datetime>``.

Elements named like a date line (``<time>``, class "date", "time", "publish", "meta"…)
are read first; then any short element after the headline. A date introduced by
"آخر تحديث" or "Updated" is the modification date. A relative date ("منذ 3 ساعات") is
kept apart: it only counts when the page states nothing better.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

import lxml.html

from pipelines.cleaning.metadata.datetext import GREGORIAN, FoundDate, find_dates, parse_relative
from pipelines.cleaning.metadata.datevalue import DateValue, parse_machine_date
from pipelines.cleaning.metadata.layout import HeaderZone, class_string
from pipelines.cleaning.metadata.titles import element_text

_DATE_CLASS = re.compile(
    r"date|time|publish|posted|dateline|timestamp|meta|info|byline|article-?head|tarikh|tarih|"
    r"تاريخ",
    re.IGNORECASE,
)
_DIGIT = re.compile(r"\d")
#: Longest text that is read as a date line.
_MAX_DATE_TEXT = 200
#: Longest text of an unnamed element read as a date line.
_MAX_PLAIN_TEXT = 120


@dataclass
class VisibleDates:
    """What the header zone says about the dates.

    ``published``/``modified``: absolute dates from the date line. ``relative``: a
    relative date resolved against the fetch time. ``time_values``: ``datetime``
    attributes of ``<time>`` elements and ``itemprop=datePublished`` in the zone.
    ``weak``: the date line was not named as one and came after the headline, or it
    stood before the headline (where a site-wide "today" date may sit): it may confirm
    a machine date but not overrule one.
    """

    published: FoundDate | None = None
    modified: FoundDate | None = None
    relative: DateValue | None = None
    time_values: list[DateValue] = field(default_factory=list)
    weak: bool = False


def _dates_named(element: lxml.html.HtmlElement) -> bool:
    return element.tag == "time" or bool(_DATE_CLASS.search(class_string(element)))


def visible_dates(zone: HeaderZone, fetched_at: datetime) -> VisibleDates:
    """Read the date line of the header zone."""
    result = VisibleDates()
    for element in (*zone.after, *zone.before):
        raw = element.get("datetime") if element.tag == "time" else None
        if raw is None and (element.get("itemprop") or "").lower() == "datepublished":
            raw = element.get("content") or element.get("datetime")
        value = parse_machine_date(raw) if raw else None
        if value is not None:
            result.time_values.append(value)
    passes = (
        [e for e in zone.after if _dates_named(e)],
        [e for e in zone.before if _dates_named(e)],
        zone.after[: zone.lead_end],
    )
    seen: set[lxml.html.HtmlElement] = set()
    for number, elements in enumerate(passes):
        limit = _MAX_PLAIN_TEXT if number == 2 else _MAX_DATE_TEXT
        for element in elements:
            if element in seen:
                continue
            seen.add(element)
            if len(element.text_content()) > limit * 2:
                continue
            text = element_text(element)
            if not text or len(text) > limit:
                continue
            _read(text, result, fetched_at)
            if result.published is not None:
                result.weak = number > 0
                return result
    return result


def _read(text: str, result: VisibleDates, fetched_at: datetime) -> None:
    if not _DIGIT.search(text):
        # Every absolute date has digits; only "منذ ساعة" or "أمس" may not.
        if result.relative is None:
            result.relative = parse_relative(text, fetched_at)
        return
    found = find_dates(text)
    if not found:
        if result.relative is None:
            result.relative = parse_relative(text, fetched_at)
        return
    published = [f for f in found if not f.updated]
    updated = [f for f in found if f.updated]
    if published and result.published is None:
        result.published = _prefer_gregorian(published)
    if updated and result.modified is None:
        result.modified = _prefer_gregorian(updated)


def _prefer_gregorian(found: list[FoundDate]) -> FoundDate:
    """A Gregorian reading when the line gives one, else the first (Hijri) one."""
    for item in found:
        if item.calendar == GREGORIAN:
            return item
    return found[0]
