"""Metadata of the arabic-news article pages against their gold values.

The pages (the evaluation corpus copy in ``tests/data/corpus/arabic-news``, shared with the
cleaning golden tests; expected values in ``tests/data/metadata``) cover a
misleading JSON-LD date and headline (d03), a relative date only (d05), Arabic-Indic
digits with two month names (d06), windows-1256 (d07), no charset declaration and
Maghrebi months (d09), Hijri next to Gregorian (d10), an English wire page (d11) and a
Solar Hijri date with Persian digits (d12).
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import lxml.html
import pytest

from pipelines.cleaning.metadata import Metadata, extract_metadata

DATA = Path(__file__).resolve().parent / "data" / "metadata"
PAGES = Path(__file__).resolve().parent / "data" / "corpus" / "arabic-news" / "pages"
EXPECTED: dict[str, dict[str, Any]] = json.loads(
    (DATA / "expected.json").read_text(encoding="utf-8")
)
FETCHED_AT = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w-]+)""", re.IGNORECASE)


def load(name: str) -> lxml.html.HtmlElement:
    """Parse a fixture page, decoded with its declared charset (UTF-8 when none)."""
    raw = (PAGES / name).read_bytes()
    match = _CHARSET.search(raw[:2048])
    encoding = match.group(1).decode() if match else "utf-8"
    return lxml.html.document_fromstring(raw.decode(encoding))


def extract(name: str) -> Metadata:
    return extract_metadata(load(name), EXPECTED[name]["url"], FETCHED_AT)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_title_published_authors_site_name_match_gold(name: str) -> None:
    meta = extract(name)
    gold = EXPECTED[name]
    assert meta.title == gold["title"]
    assert meta.published == gold["published"]
    assert meta.authors == gold["authors"]
    assert meta.site_name == gold["site_name"]


#: Pages whose tags are in the markup (JSON-LD keywords, article:tag, meta keywords).
#: The others show tags only in a visible block, which the text side of the chain reads.
MARKUP_TAGS = [
    "d01_arabkhabar_pakistan_iran.html",
    "d02_france24_pakistan_iran.html",
    "d03_youm7_social_housing.html",
    "d05_skynewsarabia_data_centres.html",
    "d07_elaph_imf_outlook.html",
    "d10_aawsat_iraq_power.html",
    "d11_reuters_red_sea_shipping.html",
]


@pytest.mark.parametrize("name", MARKUP_TAGS)
def test_markup_tags_match_gold(name: str) -> None:
    assert extract(name).tags == EXPECTED[name]["tags"]


def test_visible_only_tags_are_left_to_the_text_side() -> None:
    assert extract("d04_masrawy_league_fixtures.html").tags == []


def test_misleading_json_ld_leaves_visible_date_and_drops_its_modified_date() -> None:
    # JSON-LD says 2024-02-14 (stale) and has a cut headline and an organisation author.
    meta = extract("d03_youm7_social_housing.html")
    assert meta.published == "2024-01-30T10:45:00+02:00"
    assert meta.modified is None
    assert meta.title == EXPECTED["d03_youm7_social_housing.html"]["title"]
    assert meta.authors == ["هشام عبد الجليل"]


def test_same_instant_in_two_offsets_takes_the_one_matching_the_visible_clock() -> None:
    # og: 17:47:12+00:00, JSON-LD 18:47:12+01:00, the page shows "29/01/2024 - 18:47".
    meta = extract("d02_france24_pakistan_iran.html")
    assert meta.published == "2024-01-29T18:47:12+01:00"
    assert meta.modified == "2024-01-29T18:50:03+01:00"


def test_other_fields_of_a_full_page() -> None:
    meta = extract("d02_france24_pakistan_iran.html")
    url = EXPECTED["d02_france24_pakistan_iran.html"]["url"]
    assert meta.canonical_url == url
    assert meta.section == "آسيا"
    assert meta.image is None  # the page has no og:image or JSON-LD image
    assert meta.description is not None
    assert meta.description.startswith("اتفقت باكستان وإيران الإثنين على توسيع التعاون")


def test_image_section_and_canonical_from_meta_tags() -> None:
    meta = extract("d01_arabkhabar_pakistan_iran.html")
    assert meta.image == "https://arabkhabar.com/uploads/2024/01/30/1048213.jpg"
    assert meta.section == "أخبار العالم"
    assert meta.canonical_url == "https://arabkhabar.com/a/1048213"
    assert meta.modified == "2024-01-30T03:12:44+00:00"


def test_hijri_beside_gregorian_and_author_link_after_a_dateline() -> None:
    meta = extract("d10_aawsat_iraq_power.html")
    assert meta.published == "2025-04-16T11:02:31+00:00"
    assert meta.authors == ["سلام الجاف"]
    assert meta.section == "المشرق العربي"


def test_tree_is_not_changed() -> None:
    for name in EXPECTED:
        tree = load(name)
        before = lxml.html.tostring(tree)
        extract_metadata(tree, EXPECTED[name]["url"], FETCHED_AT)
        assert lxml.html.tostring(tree) == before, name
