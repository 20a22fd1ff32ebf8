"""Date reading: every month-name family, digits, calendars, relative dates, and the choice
between the visible date line and the machine-readable dates."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import lxml.html
import pytest

from pipelines.cleaning.metadata import extract_metadata
from pipelines.cleaning.metadata.datetext import (
    GREGORIAN,
    HIJRI,
    SOLAR_HIJRI,
    find_dates,
    parse_relative,
)
from pipelines.cleaning.metadata.datevalue import parse_machine_date

EGYPTIAN_GULF = [
    "يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو",
    "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر",
]  # fmt: skip
LEVANTINE_IRAQI = [
    "كانون الثاني", "شباط", "آذار", "نيسان", "أيار", "حزيران",
    "تموز", "آب", "أيلول", "تشرين الأول", "تشرين الثاني", "كانون الأول",
]  # fmt: skip
ALGERIAN_TUNISIAN = [
    "جانفي", "فيفري", "مارس", "أفريل", "ماي", "جوان",
    "جويلية", "أوت", "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر",
]  # fmt: skip
MOROCCAN = [
    "يناير", "فبراير", "مارس", "أبريل", "ماي", "يونيو",
    "يوليوز", "غشت", "شتنبر", "أكتوبر", "نونبر", "دجنبر",
]  # fmt: skip
ENGLISH = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]  # fmt: skip
HIJRI_MONTHS = [
    "محرم", "صفر", "ربيع الأول", "ربيع الآخر", "جمادى الأولى", "جمادى الآخرة",
    "رجب", "شعبان", "رمضان", "شوال", "ذو القعدة", "ذو الحجة",
]  # fmt: skip
SOLAR_MONTHS = [
    "فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور",
    "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند",
]  # fmt: skip


def iso_dates(text: str) -> list[str]:
    return [found.value.iso() for found in find_dates(text)]


@pytest.mark.parametrize(
    "months", [EGYPTIAN_GULF, LEVANTINE_IRAQI, ALGERIAN_TUNISIAN, MOROCCAN, ENGLISH]
)
def test_every_gregorian_month_name_family(months: list[str]) -> None:
    for number, name in enumerate(months, start=1):
        assert iso_dates(f"الخميس 14 {name} 2024") == [f"2024-{number:02d}-14"], name


def test_spelling_variants_fold_to_the_same_month() -> None:
    assert iso_dates("3 ابريل 2024") == ["2024-04-03"]
    assert iso_dates("3 إبريل 2024") == ["2024-04-03"]
    assert iso_dates("5 يونية 2023") == ["2023-06-05"]
    assert iso_dates("5 يولية 2023") == ["2023-07-05"]
    assert iso_dates("5 تشرين أول 2023") == ["2023-10-05"]


def test_two_month_names_and_arabic_indic_digits() -> None:
    assert iso_dates("١٢ أكتوبر/ تشرين الأول ٢٠٢٣") == ["2023-10-12"]
    assert iso_dates("7 تشرين الأول/أكتوبر 2023") == ["2023-10-07"]


def test_persian_digits_in_a_gregorian_date() -> None:
    assert iso_dates("۲۳ نوامبر ۲۰۲۴") == ["2024-11-23"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("الثلاثاء، 30 يناير 2024 10:45 ص", "2024-01-30T10:45:00"),
        ("الخميس 14 مارس 2024 - 11:20 م", "2024-03-14T23:20:00"),
        ("14 مارس 2024 12:05 ص", "2024-03-14T00:05:00"),
        ("نشر في 3 مارس 2024 الساعة 5:30 مساءً", "2024-03-03T17:30:00"),
        ("12 غشت 2023 على الساعة 14:05", "2023-08-12T14:05:00"),
        ("الأحد 04 فيفري 2024 | 18:30", "2024-02-04T18:30:00"),
        ("10:30 م بتوقيت مكة، 5 يوليو 2024", "2024-07-05T22:30:00+03:00"),
        ("الخميس 19 أكتوبر 2023 - 10:45 GMT", "2023-10-19T10:45:00+00:00"),
        ("February 6, 2025 9:12 AM GMT+0", "2025-02-06T09:12:00+00:00"),
        ("Published 3 March 2024, 17:30 +03:00", "2024-03-03T17:30:00+03:00"),
        ("تاريخ النشر: 30th, January 2024 GMT", "2024-01-30"),
        ("1er juillet 2024", "2024-07-01"),
    ],
)
def test_times_am_pm_markers_and_zones(text: str, expected: str) -> None:
    assert iso_dates(text) == [expected]


def test_numeric_dates_day_first_with_the_month_first_reading_kept() -> None:
    [found] = find_dates("نشرت في: 03/04/2024 - 18:47")
    assert found.value.iso() == "2024-04-03T18:47:00"
    assert [alt.iso() for alt in found.alternatives] == ["2024-03-04"]
    assert iso_dates("2024-02-01") == ["2024-02-01"]
    assert iso_dates("29/01/2024") == ["2024-01-29"]


def test_update_label_marks_the_modified_date() -> None:
    found = find_dates("نشرت في: 29/01/2024 - 18:47 آخر تحديث: 29/01/2024 - 18:50")
    assert [(f.value.iso(), f.updated) for f in found] == [
        ("2024-01-29T18:47:00", False),
        ("2024-01-29T18:50:00", True),
    ]
    [found_en] = find_dates("Updated: March 3, 2024 at 5:30 p.m.")
    assert found_en.updated
    assert found_en.value.iso() == "2024-03-03T17:30:00"


def test_every_hijri_month() -> None:
    # 1 Muharram 1446 = 2024-07-07 (Umm al-Qura); check each month converts and increases.
    days = []
    for name in HIJRI_MONTHS:
        [found] = find_dates(f"1 {name} 1446 هـ")
        assert found.calendar == HIJRI, name
        assert found.value.clock is None
        days.append(found.value.day)
    assert days[0].isoformat() == "2024-07-07"
    assert days == sorted(days)


def test_hijri_and_gregorian_on_one_line() -> None:
    found = find_dates("الأربعاء - 18 شوال 1446 هـ - 16 أبريل 2025 مـ")
    assert [(f.calendar, f.value.iso()) for f in found] == [
        (HIJRI, "2025-04-16"),
        (GREGORIAN, "2025-04-16"),
    ]


def test_every_solar_hijri_month_with_persian_digits() -> None:
    [first] = find_dates("۱ فروردین ۱۴۰۳")
    assert first.value.iso() == "2024-03-20"
    days = []
    for name in SOLAR_MONTHS:
        [found] = find_dates(f"۳ {name} ۱۴۰۳")
        assert found.calendar == SOLAR_HIJRI, name
        days.append(found.value.day)
    assert days[8].isoformat() == "2024-11-23"  # ۳ آذر ۱۴۰۳
    assert days == sorted(days)


def test_two_digit_year_with_dots() -> None:
    assert iso_dates("Do 25.04.24 | 14:07 Uhr") == ["2024-04-25T14:07:00"]
    assert find_dates("Version 1.2.3") == []


def test_numeric_solar_and_hijri_dates_by_year() -> None:
    assert iso_dates("۱۴۰۳/۰۹/۰۳") == ["2024-11-23"]
    assert [f.calendar for f in find_dates("1446/10/18 هـ")] == [HIJRI]
    assert iso_dates("1446/10/18 هـ") == ["2025-04-16"]


def test_impossible_dates_are_not_dates() -> None:
    assert find_dates("31 فبراير 2024") == []
    assert find_dates("14 مارس 1850") == []
    assert find_dates("الرقم 12345 في الصفحة 7") == []


NOW = datetime(2025, 3, 18, 9, 30, tzinfo=timezone(timedelta(hours=4)))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("منذ 3 ساعات", "2025-03-18T06:30:00+04:00"),
        ("منذ ساعة", "2025-03-18T08:30:00+04:00"),
        ("قبل ساعتين", "2025-03-18T07:30:00+04:00"),
        ("منذ 5 دقائق", "2025-03-18T09:25:00+04:00"),
        ("منذ ٤ ساعات", "2025-03-18T05:30:00+04:00"),
        ("منذ يومين", "2025-03-16"),
        ("منذ 3 أيام", "2025-03-15"),
        ("أمس", "2025-03-17"),
        ("3 hours ago", "2025-03-18T06:30:00+04:00"),
        ("an hour ago", "2025-03-18T08:30:00+04:00"),
        ("2 days ago", "2025-03-16"),
        ("۲ ساعت پیش", "2025-03-18T07:30:00+04:00"),
        ("il y a 2 jours", "2025-03-16"),
    ],
)
def test_relative_dates_resolve_against_the_fetch_time(text: str, expected: str) -> None:
    value = parse_relative(text, NOW)
    assert value is not None
    assert value.iso() == expected


def test_text_without_a_relative_date() -> None:
    assert parse_relative("اليوم السابع", NOW) is None
    assert parse_relative("الخميس 14 مارس 2024", NOW) is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2024-01-30T03:12:44+00:00", "2024-01-30T03:12:44+00:00"),
        ("2023-10-12T14:30:11.000Z", "2023-10-12T14:30:11+00:00"),
        ("2025-03-18T06:12:00Z", "2025-03-18T06:12:00+00:00"),
        ("2024-01-29T18:47:12+0100", "2024-01-29T18:47:12+01:00"),
        ("2024-01-30 10:45:00", "2024-01-30T10:45:00"),
        ("2024-01-30", "2024-01-30"),
        ("2024/01/30 10:45", "2024-01-30T10:45:00"),
        ("Tue, 30 Jan 2024 10:45:00 +0200", "2024-01-30T10:45:00+02:00"),
        ("1706611500", "2024-01-30T10:45:00+00:00"),
        ("٢٠٢٤-٠١-٣٠", "2024-01-30"),
    ],
)
def test_machine_dates(raw: str, expected: str) -> None:
    value = parse_machine_date(raw)
    assert value is not None
    assert value.iso() == expected


def test_machine_garbage_is_none() -> None:
    assert parse_machine_date("yesterday") is None
    assert parse_machine_date("2024-13-45") is None


# The choice between the date line and the machine dates, on small pages ------------

FETCHED = datetime(2024, 2, 1, 12, 0, tzinfo=UTC)


def page(head: str, body: str) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(
        f"<html><head>{head}</head><body><article>{body}"
        "<p>" + "نص الخبر الطويل " * 20 + "</p></article></body></html>"
    )


def ld(**fields: str) -> str:
    items = ", ".join(f'"{k}": "{v}"' for k, v in fields.items())
    return f'<script type="application/ld+json">{{"@type": "NewsArticle", {items}}}</script>'


def published(head: str, body: str, url: str = "https://example.com/a/1") -> str | None:
    return extract_metadata(page(head, body), url, FETCHED).published


def test_misleading_json_ld_on_another_day_loses_to_the_date_line() -> None:
    head = ld(headline="عنوان الخبر", datePublished="2024-02-14T09:03:00+03:00")
    body = '<h1>عنوان الخبر</h1><span class="date">الثلاثاء 30 يناير 2024 10:45 ص</span>'
    assert published(head, body) == "2024-01-30T10:45:00+03:00"


def test_agreeing_meta_gives_the_exact_time() -> None:
    head = '<meta property="article:published_time" content="2024-01-30T08:45:31+02:00">'
    body = '<h1>عنوان الخبر</h1><div class="post-date">30 يناير 2024</div>'
    assert published(head, body) == "2024-01-30T08:45:31+02:00"


def test_later_nested_graph_date_is_read() -> None:
    head = (
        '<script type="application/ld+json">{"@context": "https://schema.org", "@graph": ['
        '{"@type": "WebSite", "name": "موقع"},'
        '{"@type": "NewsArticle", "headline": "عنوان", "datePublished": "2024-01-29T22:10:00Z",'
        ' "dateModified": "2024-01-30T07:00:00Z"}]}</script>'
    )
    meta = extract_metadata(page(head, "<h1>عنوان</h1>"), "https://example.com/x", FETCHED)
    assert meta.published == "2024-01-29T22:10:00+00:00"
    assert meta.modified == "2024-01-30T07:00:00+00:00"


def test_visible_local_time_next_day_agrees_with_utc_meta() -> None:
    # 22:30 UTC on the 14th is 00:30 on the 15th in Cairo: the same moment.
    head = '<meta property="article:published_time" content="2024-03-14T22:30:00Z">'
    body = '<h1>عنوان الخبر</h1><div class="time">15 مارس 2024 - 12:30 ص</div>'
    assert published(head, body) == "2024-03-14T22:30:00+00:00"


def test_utc_meta_late_in_the_day_agrees_with_the_next_local_day() -> None:
    head = '<meta property="article:published_time" content="2024-03-14T22:30:00Z">'
    body = '<h1>عنوان الخبر</h1><div class="date">الجمعة 15 مارس 2024</div>'
    assert published(head, body) == "2024-03-14T22:30:00+00:00"
    body_far = '<h1>عنوان الخبر</h1><div class="date">الأحد 17 مارس 2024</div>'
    assert published(head, body_far) == "2024-03-17"


def test_hijri_date_when_that_is_all_there_is() -> None:
    body = '<h1>عنوان الخبر</h1><div class="date">الأربعاء 18 شوال 1446 هـ</div>'
    assert published("", body) == "2025-04-16"


def test_solar_hijri_date_when_that_is_all_there_is() -> None:
    body = "<h1>عنوان خبر فارسی</h1><time>۳ آذر ۱۴۰۳</time>"
    assert published("", body) == "2024-11-23"


def test_relative_date_when_that_is_all_there_is() -> None:
    body = '<h1>عنوان الخبر</h1><span class="time-ago">منذ 3 ساعات</span>'
    assert published("", body) == "2024-02-01T09:00:00+00:00"


def test_relative_date_gives_way_to_meta_tags() -> None:
    head = '<meta property="article:published_time" content="2024-01-20T06:12:00Z">'
    body = '<h1>عنوان الخبر</h1><span class="time-ago">منذ 3 ساعات</span>'
    assert published(head, body) == "2024-01-20T06:12:00+00:00"


def test_date_line_after_a_standfirst_and_in_a_shared_header_block() -> None:
    body = (
        "<h1>عنوان الخبر هنا</h1><p class='teaser'>" + "مقدمة الخبر " * 15 + "</p>"
        "<section class='article-shared-meta'><time datetime='2024-01-30'>30.01.2024</time>"
        "</section>"
    )
    assert published("", body) == "2024-01-30"


def test_date_in_the_page_header_and_in_comments_is_not_the_article_date() -> None:
    html = (
        "<html><body><div class='top'><span class='today'>الأحد 4 فبراير 2024</span></div>"
        "<div class='story'><h1>عنوان الخبر هنا</h1><p>" + "نص " * 60 + "</p>"
        "<div class='comments'><div class='comment-date'>5 فبراير 2024</div></div>"
        "</div></body></html>"
    )
    meta = extract_metadata(lxml.html.document_fromstring(html), "https://e.com/x", FETCHED)
    assert meta.published is None


def test_today_date_above_the_headline_does_not_overrule_the_markup() -> None:
    head = '<meta property="article:published_time" content="2024-01-28T08:00:00+03:00">'
    body = (
        "<div class='wrap'><div class='today-date'>الخميس 1 فبراير 2024</div>"
        "<h1>عنوان الخبر هنا</h1></div>"
    )
    assert published(head, body) == "2024-01-28T08:00:00+03:00"
    assert published("", body) == "2024-02-01"


def test_hijri_date_line_a_day_off_the_markup_still_agrees() -> None:
    head = '<meta property="article:published_time" content="2025-04-17T09:00:00+03:00">'
    body = '<h1>عنوان الخبر</h1><div class="date">الأربعاء 18 شوال 1446 هـ</div>'
    assert published(head, body) == "2025-04-17T09:00:00+03:00"


def test_machine_value_the_url_confirms_is_preferred() -> None:
    head = ld(headline="عنوان", datePublished="2024-03-01T10:00:00+02:00") + (
        '<meta property="article:published_time" content="2024-01-30T09:00:00+02:00">'
    )
    url = "https://example.com/story/2024/1/30/slug/123"
    assert published(head, "<h1>عنوان</h1>", url) == "2024-01-30T09:00:00+02:00"


def test_url_date_overrides_a_machine_date_far_from_it() -> None:
    head = ld(headline="عنوان", datePublished="2024-03-01T10:00:00+02:00")
    url = "https://example.com/story/2024/1/30/slug/123"
    assert published(head, "<h1>عنوان</h1>", url) == "2024-01-30"


def test_url_date_when_nothing_else() -> None:
    assert published("", "<h1>عنوان</h1>", "https://e.com/ar/20240129-slug") == "2024-01-29"


def test_modified_from_an_update_label() -> None:
    body = (
        "<h1>عنوان الخبر</h1><div class='dates'>نشر في: 29/01/2024 - 18:47"
        " آخر تحديث: 30/01/2024 - 09:15</div>"
    )
    meta = extract_metadata(page("", body), "https://e.com/x", FETCHED)
    assert meta.published == "2024-01-29T18:47:00"
    assert meta.modified == "2024-01-30T09:15:00"
