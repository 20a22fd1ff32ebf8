"""``scrapy extract``: the real command in a subprocess, on saved pages, gzip and stdin."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = ROOT / "tests" / "data" / "corpus" / "arabic-news" / "pages"
GOLD = ROOT / "tests" / "data" / "corpus" / "arabic-news" / "gold"
FIELDS = [
    "file", "url", "is_article", "title", "text", "published", "modified", "authors",
    "language", "tags", "site_name", "section", "image", "canonical_url",
]  # fmt: skip


def run_extract(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "scrapy", "extract", *args],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        timeout=120,
        check=False,
    )


def records(result: subprocess.CompletedProcess[bytes]) -> list[dict[str, Any]]:
    return [json.loads(line) for line in result.stdout.decode("utf-8").splitlines() if line]


def gold(name: str) -> dict[str, Any]:
    return dict(json.loads((GOLD / f"{name}.json").read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def two_pages() -> list[dict[str, Any]]:
    result = run_extract(
        str(PAGES / "d07_elaph_imf_outlook.html"), str(PAGES / "d08_alghad_section_index.html")
    )
    assert result.returncode == 0, result.stderr.decode()
    return records(result)


def test_one_json_line_per_page_with_the_documented_fields(two_pages: list[dict[str, Any]]) -> None:
    article, index = two_pages
    assert list(article) == FIELDS
    assert list(index) == [*FIELDS[:3], "reason", *FIELDS[3:]]
    assert article["file"].endswith("d07_elaph_imf_outlook.html")


def test_article_record_matches_the_gold(two_pages: list[dict[str, Any]]) -> None:
    article = two_pages[0]
    expected = gold("d07_elaph_imf_outlook")
    assert article["url"] == expected["url"]  # from <link rel="canonical">
    assert article["is_article"] is True
    assert article["text"] == expected["text"]
    assert article["title"] == expected["title"]
    assert article["language"] == "ar"
    assert article["tags"] == expected["tags"]
    assert article["published"][:10] == expected["published"][:10]


def test_non_article_record_has_a_reason_and_no_text(two_pages: list[dict[str, Any]]) -> None:
    index = two_pages[1]
    assert index["is_article"] is False
    assert index["reason"] == "index_page"
    assert index["text"] == ""


def test_gzip_from_stdin_with_url() -> None:
    body = gzip.compress((PAGES / "d12_bbcpersian_power_cuts.html").read_bytes())
    result = run_extract(
        "-", "--url", "https://example.org/x", "--fetched-at", "2024-11-24T10:00:00Z", stdin=body
    )
    assert result.returncode == 0, result.stderr.decode()
    (record,) = records(result)
    assert record["file"] == "-"
    assert record["url"] == "https://example.org/x"
    assert record["text"] == gold("d12_bbcpersian_power_cuts")["text"]
    assert "\u200c" in record["text"]
    assert record["language"] == "fa"


def test_gz_file(tmp_path: Path) -> None:
    page = tmp_path / "page.html.gz"
    page.write_bytes(gzip.compress((PAGES / "d03_youm7_social_housing.html").read_bytes()))
    result = run_extract(str(page))
    assert result.returncode == 0, result.stderr.decode()
    (record,) = records(result)
    assert record["text"] == gold("d03_youm7_social_housing")["text"]


def test_missing_file_is_reported_and_the_others_still_printed(tmp_path: Path) -> None:
    result = run_extract(str(tmp_path / "nope.html"), str(PAGES / "d07_elaph_imf_outlook.html"))
    assert result.returncode == 1
    assert "cannot read" in result.stderr.decode()
    assert [r["is_article"] for r in records(result)] == [True]


def test_url_with_several_pages_is_a_usage_error() -> None:
    result = run_extract(
        "--url", "https://e.org/", str(PAGES / "d01_arabkhabar_pakistan_iran.html"), "-"
    )
    assert result.returncode == 2
    assert records(result) == []
