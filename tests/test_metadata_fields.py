"""Titles without the site's name, bylines without prefixes and agencies, and the
site name, tags, image and canonical URL."""

from __future__ import annotations

from datetime import UTC, datetime

import lxml.html
import pytest

from pipelines.cleaning.metadata import Metadata, extract_metadata
from pipelines.cleaning.metadata.authors import clean_byline
from pipelines.cleaning.metadata.titles import strip_site_name

FETCHED = datetime(2024, 2, 1, 12, 0, tzinfo=UTC)
BODY_TEXT = "<p>" + "نص الخبر الطويل " * 20 + "</p>"


def extract(head: str, body: str, url: str = "https://www.example.com/a/1", **kw: str) -> Metadata:
    tree = lxml.html.document_fromstring(
        f"<html><head>{head}</head><body>{body}{BODY_TEXT}</body></html>"
    )
    return extract_metadata(tree, url, FETCHED, **kw)


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("الحكومة: طرح 12 ألف وحدة سكنية - اليوم السابع", "الحكومة: طرح 12 ألف وحدة سكنية"),
        ("رابطة الأندية تعلن المواعيد | مصراوى", "رابطة الأندية تعلن المواعيد"),
        ("إيلاف - صندوق النقد يخفض توقعاته", "صندوق النقد يخفض توقعاته"),
        ("اليوم السابع: الحكومة تطرح وحدات", "الحكومة تطرح وحدات"),
        ("حمى الضنك: لماذا تتزايد؟ - BBC News عربي", "حمى الضنك: لماذا تتزايد؟"),
        ("Shipping lines extend diversions | Reuters", "Shipping lines extend diversions"),
        ("Title words here | Section | Reuters", "Title words here"),
        ("وزير الخارجية يصل إلى الرياض | أخبار | الجزيرة نت", "وزير الخارجية يصل إلى الرياض"),
        # Not the site's name: the headline keeps its dash and colon.
        ("الأهلي - الزمالك: موعد المباراة", "الأهلي - الزمالك: موعد المباراة"),
        ("الحكومة: طرح وحدات سكنية", "الحكومة: طرح وحدات سكنية"),
    ],
)
def test_site_name_comes_off_titles(title: str, expected: str) -> None:
    names = ["اليوم السابع", "مصراوي.كوم", "إيلاف", "BBC News عربي", "Reuters", "الجزيرة نت"]
    assert strip_site_name(title, names) == expected


def test_unknown_short_pipe_suffix_comes_off() -> None:
    assert strip_site_name("وزير الخارجية يصل إلى الرياض | موقع الخبر", []) == (
        "وزير الخارجية يصل إلى الرياض"
    )
    assert strip_site_name("فيديو | لحظة سقوط الطائرة", []) == "فيديو | لحظة سقوط الطائرة"


def test_visible_headline_wins_over_a_cut_json_ld_headline_and_a_suffixed_og_title() -> None:
    headline = "الحكومة: طرح 12 ألف وحدة سكنية في 18 محافظة"
    head = (
        f'<meta property="og:title" content="{headline} - اليوم السابع">'
        '<meta property="og:site_name" content="اليوم السابع">'
        '<script type="application/ld+json">{"@type": "NewsArticle",'
        ' "headline": "الحكومة: طرح 12 ألف وحدة سكنية في 18 محا..."}</script>'
    )
    body = f'<a class="logo"><h1>اليوم السابع</h1></a><h1>{headline}</h1>'
    assert extract(head, body).title == headline


def test_visible_h1_in_the_article_beats_an_seo_og_title() -> None:
    head = '<meta property="og:title" content="سعر الذهب اليوم في مصر بالتفصيل">'
    body = "<article><h1>الذهب يرتفع 20 جنيها في ختام التعاملات</h1></article>"
    assert extract(head, body).title == "الذهب يرتفع 20 جنيها في ختام التعاملات"


def test_without_h1_the_og_title_without_suffix() -> None:
    head = (
        '<meta property="og:site_name" content="الشروق">'
        "<title>أسعار البطاطا تقفز في الأسواق | الشروق</title>"
    )
    assert extract(head, "<div>لا عنوان</div>").title == "أسعار البطاطا تقفز في الأسواق"


def test_soft_hyphens_leave_the_title_and_zwnj_stays() -> None:
    headline = "Verfas\u00adsungs\u00adbeschwerde gegen Waffen\u200blieferungen eingelegt"
    body = f"<article><h1>{headline}</h1></article>"
    assert extract("", body).title == "Verfassungsbeschwerde gegen Waffenlieferungen eingelegt"
    persian = "<article><h1>خاموشی\u200cهای گسترده در تهران</h1></article>"
    assert extract("", persian).title == "خاموشی\u200cهای گسترده در تهران"


def test_kicker_and_headline_spans_join_as_the_meta_title_does() -> None:
    head = '<meta property="og:title" content="Basketball: Nach der Schlägerei in Madrid">'
    body = "<h1><span>Basketball</span><span>Nach der Schlägerei in Madrid</span></h1>"
    assert extract(head, body).title == "Basketball: Nach der Schlägerei in Madrid"


@pytest.mark.parametrize(
    ("byline", "expected"),
    [
        ("كتب- إسلام مجدي:", ["إسلام مجدي"]),
        ("كتبت - سارة أحمد", ["سارة أحمد"]),
        ("بقلم: منى علي", ["منى علي"]),
        ("إعداد: فرانس24", []),
        ("تحرير: عمر خالد", ["عمر خالد"]),
        ("كتب: أحمد محمد وسارة علي", ["أحمد محمد", "سارة علي"]),
        ("كتب محمود سعد وأحمد حسن ومحمد علي", ["محمود سعد", "أحمد حسن", "محمد علي"]),
        ("محمد وليد", ["محمد وليد"]),
        ("أحمد و سارة", ["أحمد", "سارة"]),
        ("بغداد: سلام الجاف", ["سلام الجاف"]),
        ("كتب أحمد علي - القاهرة", ["أحمد علي"]),
        ("كتب أحمد علي الخميس، 14 مارس 2024", ["أحمد علي"]),
        ("أحمد علي، مراسل الشؤون الاقتصادية", ["أحمد علي"]),
        ("المؤلف، رنا الشامي", ["رنا الشامي"]),
        ("صفة المؤلف، بي بي سي نيوز عربي", []),
        ("نویسنده، نیلوفر رستمی", ["نیلوفر رستمی"]),
        ("نقش، بی‌بی‌سی فارسی", []),
        ("By Maria Ovell and Karim Haddad", ["Maria Ovell", "Karim Haddad"]),
        ("By John Smith, Reuters", ["John Smith"]),
        ("By JANE DOE Associated Press", ["JANE DOE"]),
        ("Por María García y Juan Pérez", ["María García", "Juan Pérez"]),
        ("Von Anna Schmidt", ["Anna Schmidt"]),
        ("رويترز", []),
        ("أ ف ب", []),
        ("وكالات", []),
        ("محرر الموقع", []),
        ("سكاي نيوز عربية - أبوظبي", []),
        ("Reuters Staff", []),
        ("AFP", []),
        ("Newsroom", []),
        ("https://www.facebook.com/bbcnews", []),
        ("فريق اليوم السابع", []),
        ("كتب: أحمد علي، تصوير: محمد سعيد", ["أحمد علي"]),
        ("By John Smith | Photos: Jane Doe", ["John Smith"]),
        ("John Smith, Staff Writer", ["John Smith"]),
        ("القاهرة - كتب: أحمد", ["أحمد"]),
        ("هسبريس - عبد الرحيم العسري", ["عبد الرحيم العسري"]),
        ("أحمد علي، القاهرة", ["أحمد علي"]),
        ("Anna Martel und Lea Wagner, Nairobi", ["Anna Martel", "Lea Wagner"]),
        ("David Mouriquand Publié le 06/01/2026", ["David Mouriquand"]),
        ("Veröffentlicht am 27.04.24 um 10:00", []),
        ("April 25, 2024", []),
        ("André Klein Redakteur", ["André Klein"]),
        ("Elena Oberholzer (obe), Oliver Maksan (oma)", ["Elena Oberholzer", "Oliver Maksan"]),
        ("Deutsche Welle (www.dw.com)", []),
    ],
)
def test_bylines(byline: str, expected: list[str]) -> None:
    assert clean_byline(byline, ["اليوم السابع"]) == expected


def test_json_ld_organisation_is_no_author_and_visible_byline_is() -> None:
    head = (
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "عنوان الخبر هنا",'
        ' "author": {"@type": "Organization", "name": "اليوم السابع"}}</script>'
    )
    body = '<h1>عنوان الخبر هنا</h1><div class="writeBy">كتب هشام عبد الجليل</div>'
    assert extract(head, body).authors == ["هشام عبد الجليل"]


def test_json_ld_people_when_the_byline_names_them() -> None:
    head = (
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "A headline here",'
        ' "author": [{"@type": "Person", "name": "Maria Ovell"},'
        ' {"@type": "Person", "name": "Karim Haddad"}]}</script>'
    )
    body = (
        '<h1>A headline here</h1><div class="article-info">By <a href="/authors/maria-ovell/">'
        'Maria Ovell</a> and <a href="/authors/karim-haddad/">Karim Haddad</a></div>'
    )
    assert extract(head, body).authors == ["Maria Ovell", "Karim Haddad"]


def test_json_ld_graph_references_are_followed_for_author_and_publisher() -> None:
    head = (
        '<script type="application/ld+json">{"@context": "https://schema.org", "@graph": ['
        '{"@type": "NewsArticle", "headline": "عنوان المقال هنا",'
        ' "author": {"@id": "https://s.com/#/schema/person/1"},'
        ' "publisher": {"@id": "https://s.com/#organization"}},'
        '{"@type": "Organization", "@id": "https://s.com/#organization", "name": "موقع الخبر"},'
        '{"@type": "Person", "@id": "https://s.com/#/schema/person/1", "name": "أحمد علي"}'
        "]}</script>"
    )
    meta = extract(head, "<h1>عنوان المقال هنا</h1>", "https://s.com/a")
    assert meta.authors == ["أحمد علي"]
    assert meta.site_name == "موقع الخبر"


def test_visible_byline_wins_over_other_json_ld_people() -> None:
    head = (
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "عنوان الخبر هنا",'
        ' "author": {"@type": "Person", "name": "رئيس التحرير"}}</script>'
    )
    body = '<h1>عنوان الخبر هنا</h1><span class="author">بقلم: منى علي</span>'
    assert extract(head, body).authors == ["منى علي"]


def test_meta_author_when_no_byline_and_comment_authors_ignored() -> None:
    head = '<meta name="author" content="إسلام مجدي">'
    body = (
        "<h1>عنوان الخبر هنا</h1>"
        '<div class="comments"><div class="comment__author">مواطن</div></div>'
    )
    assert extract(head, body).authors == ["إسلام مجدي"]


def test_agency_byline_gives_no_authors_even_with_a_meta_author() -> None:
    head = '<meta name="author" content="فرانس24">'
    body = '<h1>عنوان الخبر هنا</h1><div class="t-content__authors">إعداد: فرانس24</div>'
    assert extract(head, body).authors == []


def test_site_name_prefers_og_then_publisher_then_hint() -> None:
    og = '<meta property="og:site_name" content="مصراوي.كوم">'
    publisher = (
        '<script type="application/ld+json">{"@type": "NewsArticle",'
        ' "publisher": {"@type": "Organization", "name": "مصراوي"}}</script>'
    )
    assert extract(og + publisher, "").site_name == "مصراوي"
    assert extract(og, "").site_name == "مصراوي.كوم"
    assert extract(publisher, "").site_name == "مصراوي"
    assert extract("", "", site_name_hint="الغد").site_name == "الغد"
    assert extract('<meta name="application-name" content="هسبريس">', "").site_name == "هسبريس"
    assert extract('<meta property="og:site_name" content="جريدة الغد">', "").site_name == "الغد"


def test_tags_from_json_ld_and_article_tag_without_duplicates() -> None:
    head = (
        '<meta property="article:tag" content="باكستان">'
        '<meta property="article:tag" content="إيران">'
        '<meta name="keywords" content="أخبار, عاجل">'
        '<script type="application/ld+json">{"@type": "NewsArticle",'
        ' "keywords": ["باكستان", "إيران", "بلوشستان"]}</script>'
    )
    assert extract(head, "").tags == ["باكستان", "إيران", "بلوشستان"]
    assert extract('<meta name="keywords" content="الإسكان،محدودي الدخل, الإسكان">', "").tags == [
        "الإسكان",
        "محدودي الدخل",
    ]


def test_canonical_on_another_site_falls_back_to_the_url() -> None:
    url = "https://www.example.com/a/1?utm=x"
    assert extract('<link rel="canonical" href="/a/1">', "", url).canonical_url == (
        "https://www.example.com/a/1"
    )
    assert extract(
        '<meta property="og:url" content="https://m.example.com/a/1">', "", url
    ).canonical_url == ("https://m.example.com/a/1")
    assert (
        extract('<link rel="canonical" href="https://other.net/a/1">', "", url).canonical_url == url
    )


def test_image_is_absolute_and_description_read() -> None:
    head = (
        '<meta property="og:image" content="/img/lead.jpg">'
        '<meta name="description" content="ملخص الخبر">'
        '<meta property="article:section" content="اقتصاد">'
    )
    meta = extract(head, "", "https://www.example.com/news/1")
    assert meta.image == "https://www.example.com/img/lead.jpg"
    assert meta.description == "ملخص الخبر"
    assert meta.section == "اقتصاد"


def test_section_from_a_breadcrumb_near_the_headline() -> None:
    body = (
        '<article><div class="breadcrumb"><a href="/">الرئيسية</a> »'
        ' <a href="/sport">رياضة</a></div>'
        "<h1>الأهلي يفوز على الزمالك في القمة</h1></article>"
    )
    assert extract("", body).section == "رياضة"
