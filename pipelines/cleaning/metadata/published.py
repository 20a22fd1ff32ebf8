"""Choose ``published`` and ``modified`` from the markup, the date line and the URL.

The rule, in order:

1. When the page shows an absolute date line, it decides the day. A machine value
   (JSON-LD, OpenGraph, meta tags, ``<time datetime>``) on the same day gives the exact
   time and offset; among several, the one whose wall-clock time equals the visible time
   wins. When none agrees (stale or copied JSON-LD), the visible date is used, with its
   time and the offset the machine values use. A date line of doubtful standing (not
   named as one, or above the headline where a site-wide "today" may sit) only confirms:
   when no machine value agrees with it, it is ignored.
2. Without a date line, the most trusted machine value that the URL's date (if any) does
   not contradict by more than a day; when all do, the URL's day.
3. Then a relative date ("منذ 3 ساعات") resolved against the fetch time, then the URL's
   date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from urllib.parse import unquote, urlsplit

from pipelines.cleaning.metadata.datetext import HIJRI, FoundDate
from pipelines.cleaning.metadata.datevalue import (
    DateValue,
    local_day,
    parse_machine_date,
    valid_day,
)
from pipelines.cleaning.metadata.pagedates import VisibleDates
from pipelines.cleaning.metadata.sources import PageSources

#: Meta tags holding the publication date, in order of trust after JSON-LD.
PUBLISHED_META = (
    "article:published_time",
    "article:published:time",
    "og:article:published_time",
    "og:published_time",
    "article:published",
    "datepublished",
    "pubdate",
    "publishdate",
    "publish-date",
    "publish_date",
    "publication_date",
    "parsely-pub-date",
    "sailthru.date",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date",
    "dcterms.date",
    "dc.date.created",
    "dcterms.created",
    "article.published",
    "article_date_original",
    "originalpublicationdate",
    "cxenseparse:recs:publishtime",
    "og:pubdate",
    "citation_publication_date",
    "date",
    "datecreated",
)
#: Meta tags holding the modification date, in order of trust after JSON-LD.
MODIFIED_META = (
    "article:modified_time",
    "article:modified:time",
    "og:article:modified_time",
    "og:updated_time",
    "article:modified",
    "datemodified",
    "dcterms.modified",
    "dc.date.modified",
    "last-modified",
    "lastmod",
    "parsely-updated",
)

#: A visible time without an offset and a machine instant this close are the same moment.
_SAME_MOMENT = timedelta(hours=14)
#: The largest UTC offset assumed for a site when a UTC value meets a date without time.
_SITE_OFFSET = timedelta(hours=5)
#: A Hijri date line and a machine date this far apart still name the same day.
_HIJRI_TOLERANCE = timedelta(days=1)
#: A URL date this far from the machine date means the machine date is wrong.
_URL_TOLERANCE = timedelta(days=1)

_URL_DATES = (
    re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})[/_-](?P<m>\d{1,2})[/_-](?P<d>\d{1,2})(?!\d)"),
    re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})(?P<m>[01]\d)(?P<d>[0-3]\d)(?!\d)"),
)


@dataclass(frozen=True)
class Candidate:
    """A machine-readable date and where it came from (``jsonld``, ``meta``, ``time``)."""

    value: DateValue
    source: str


def machine_published(sources: PageSources, visible: VisibleDates) -> list[Candidate]:
    """Machine publication dates in order of trust."""
    raws: list[tuple[str | None, str]] = []
    for node in sources.articles():
        raws.append((_string(node.get("datePublished")), "jsonld"))
    for node in sources.articles():
        raws.append((_string(node.get("dateCreated")), "jsonld"))
    raws.extend((sources.first_meta(name), "meta") for name in PUBLISHED_META)
    candidates = _parse_all(raws)
    candidates.extend(Candidate(value, "time") for value in visible.time_values)
    return candidates


def machine_modified(sources: PageSources) -> list[Candidate]:
    """Machine modification dates in order of trust."""
    raws: list[tuple[str | None, str]] = [
        (_string(node.get("dateModified")), "jsonld") for node in sources.articles()
    ]
    raws.extend((sources.first_meta(name), "meta") for name in MODIFIED_META)
    return _parse_all(raws)


def _string(value: object) -> str | None:
    if isinstance(value, list) and value:
        value = value[0]
    return value if isinstance(value, str) else None


def _parse_all(raws: list[tuple[str | None, str]]) -> list[Candidate]:
    candidates: list[Candidate] = []
    for raw, source in raws:
        value = parse_machine_date(raw) if raw else None
        if value is not None:
            candidates.append(Candidate(value, source))
    return candidates


def url_date(url: str) -> date | None:
    """A date written in the URL's path ("/2024/1/30/", "/20240129-…"), if any."""
    path = unquote(urlsplit(url).path)
    for pattern in _URL_DATES:
        for match in pattern.finditer(path):
            day = valid_day(int(match["y"]), int(match["m"]), int(match["d"]))
            if day is not None:
                return day
    return None


def agrees(machine: DateValue, seen: DateValue) -> bool:
    """Whether a machine value and a visible date name the same day."""
    if seen.offset is not None and seen.clock is not None:
        return local_day(machine, seen.offset) == seen.day
    if machine.day == seen.day:
        return True
    instant = machine.instant()
    if instant is None:
        return False
    naive = instant.replace(tzinfo=None)
    if seen.clock is not None:
        return abs(datetime.combine(seen.day, seen.clock) - naive) <= _SAME_MOMENT
    if machine.offset == timedelta(0):
        # A UTC value late or early in the day is the next or previous day where the
        # site is; allow the offsets news sites use.
        return seen.day in {(naive - _SITE_OFFSET).date(), (naive + _SITE_OFFSET).date()}
    return False


def _same_clock(machine: DateValue, seen: DateValue) -> bool:
    return (
        machine.clock is not None
        and seen.clock is not None
        and (machine.clock.hour, machine.clock.minute) == (seen.clock.hour, seen.clock.minute)
    )


def _borrowed_offset(candidates: list[Candidate]) -> timedelta | None:
    """The site's UTC offset as its machine values state it (a zero offset says nothing)."""
    for candidate in candidates:
        offset = candidate.value.offset
        if offset is not None and offset != timedelta(0):
            return offset
    return None


@dataclass(frozen=True)
class DateChoice:
    """The chosen dates and the machine sources found wrong on the way."""

    published: DateValue | None
    modified: DateValue | None
    distrusted: frozenset[str] = frozenset()


def _confirms(machine: DateValue, found: FoundDate) -> bool:
    """Whether a machine value agrees with any reading of a visible date.

    Hijri dates may be a day off the machine's: sites follow local moon sighting, the
    conversion follows Umm al-Qura.
    """
    for reading in (found.value, *found.alternatives):
        if agrees(machine, reading):
            return True
        if found.calendar == HIJRI and abs(machine.day - reading.day) <= _HIJRI_TOLERANCE:
            return True
    return False


def _machine_choice(
    candidates: list[Candidate], url_day: date | None
) -> tuple[DateValue, frozenset[str]]:
    """The most trusted machine value that the URL's date does not contradict."""
    if url_day is None:
        return candidates[0].value, frozenset()
    for candidate in candidates:
        if abs(candidate.value.day - url_day) <= _URL_TOLERANCE:
            return candidate.value, frozenset()
    return DateValue(url_day), frozenset(c.source for c in candidates)


def _resolve_visible(
    found: FoundDate, candidates: list[Candidate], url_day: date | None
) -> tuple[DateValue, frozenset[str]]:
    """The visible date made exact by an agreeing machine value, or the visible date alone."""
    readings = [found.value, *found.alternatives]
    for reading in readings:
        single = FoundDate(reading, found.calendar)
        agreeing = [c for c in candidates if _confirms(c.value, single)]
        if agreeing:
            exact = next((c for c in agreeing if _same_clock(c.value, reading)), agreeing[0])
            if exact.value.clock is None and reading.clock is not None:
                offset = reading.offset or _borrowed_offset(candidates)
                return reading.with_offset(offset), frozenset()
            return exact.value, frozenset()
    reading = next((r for r in readings if url_day is not None and r.day == url_day), readings[0])
    if reading.offset is None:
        reading = reading.with_offset(_borrowed_offset(candidates))
    return reading, frozenset(c.source for c in candidates)


def choose_dates(sources: PageSources, visible: VisibleDates, url: str) -> DateChoice:
    """Pick ``published`` and ``modified`` by the rule in the module docstring."""
    published_candidates = machine_published(sources, visible)
    url_day = url_date(url)
    distrusted: frozenset[str] = frozenset()
    published: DateValue | None
    shown = visible.published
    if (
        shown is not None
        and visible.weak
        and published_candidates
        and not any(_confirms(c.value, shown) for c in published_candidates)
    ):
        shown = None  # a date line of doubtful standing does not overrule the markup
    if shown is not None:
        published, distrusted = _resolve_visible(shown, published_candidates, url_day)
    elif published_candidates:
        published, distrusted = _machine_choice(published_candidates, url_day)
    elif visible.relative is not None:
        published = visible.relative
    elif url_day is not None:
        published = DateValue(url_day)
    else:
        published = None
    modified = _choose_modified(sources, visible, published, distrusted)
    return DateChoice(published, modified, distrusted)


def _choose_modified(
    sources: PageSources,
    visible: VisibleDates,
    published: DateValue | None,
    distrusted: frozenset[str],
) -> DateValue | None:
    candidates = [c for c in machine_modified(sources) if c.source not in distrusted]
    if visible.modified is not None:
        value, _ = _resolve_visible(visible.modified, candidates, None)
    elif candidates:
        value = candidates[0].value
    else:
        return None
    if published is not None and value.day < published.day:
        return None
    return value
