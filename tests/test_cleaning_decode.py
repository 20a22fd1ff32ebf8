"""Charsets: BOM, HTTP header, <meta>, UTF-8 without declaration, detection, wrong labels."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from pipelines.cleaning.chain import clean_page
from pipelines.cleaning.decode import decode_page, meta_charset
from pipelines.cleaning.model import PageInput

TEXT = "قالت وزارة الاقتصاد إن معدل التضخم تراجع خلال الربع الأول من العام الجاري"


def page(charset_tag: str, text: str = TEXT) -> str:
    return f"<html><head>{charset_tag}<title>خبر</title></head><body><p>{text}</p></body></html>"


@pytest.mark.parametrize(
    ("tag", "codec"),
    [
        ('<meta charset="windows-1256">', "cp1256"),
        ('<meta http-equiv="Content-Type" content="text/html; charset=windows-1256">', "cp1256"),
        ("<meta charset=iso-8859-6>", "iso8859-6"),
    ],
)
def test_meta_charset_is_honoured(tag: str, codec: str) -> None:
    body = page(tag).encode(codec)
    text, used = decode_page(body)
    assert used == codec
    assert TEXT in text


def test_http_charset_wins_over_meta() -> None:
    body = page('<meta charset="iso-8859-6">').encode("cp1256")
    text, used = decode_page(body, "windows-1256")
    assert used == "cp1256"
    assert TEXT in text


def test_byte_order_mark_wins() -> None:
    body = b"\xef\xbb\xbf" + page('<meta charset="windows-1256">').encode("utf-8")
    text, used = decode_page(body, "windows-1256")
    assert used == "utf-8"
    assert TEXT in text


def test_undeclared_utf8() -> None:
    text, used = decode_page(page("").encode("utf-8"))
    assert used == "utf-8"
    assert TEXT in text


def test_undeclared_windows_1256_is_detected() -> None:
    long_text = " ".join([TEXT] * 8)
    text, used = decode_page(page("", long_text).encode("cp1256"))
    assert used in {"cp1256", "iso8859-6"}
    assert TEXT in text


def test_declared_legacy_charset_but_utf8_bytes() -> None:
    text, used = decode_page(page('<meta charset="windows-1256">').encode("utf-8"))
    assert used == "utf-8"
    assert TEXT in text


def test_declared_utf8_but_windows_1256_bytes() -> None:
    long_text = " ".join([TEXT] * 8)
    text, _ = decode_page(page('<meta charset="utf-8">', long_text).encode("cp1256"))
    assert TEXT in text


def test_unknown_label_falls_through_to_utf8() -> None:
    text, used = decode_page(page('<meta charset="x-no-such-charset">').encode("utf-8"))
    assert (used, TEXT in text) == ("utf-8", True)


def test_meta_charset_reader() -> None:
    assert (
        meta_charset(b'<meta content="text/html; charset=ISO-8859-6" http-equiv=x>') == "ISO-8859-6"
    )
    assert meta_charset(b"<html><head><title>x</title>") is None


def test_chain_reads_a_windows_1256_page_without_declaration() -> None:
    paragraphs = [f"{TEXT} في الفقرة رقم {i}، بحسب بيان رسمي صدر اليوم." for i in range(5)]
    html = "<html><head><title>التضخم يتراجع</title></head><body><article><h1>التضخم يتراجع</h1>"
    html += "".join(f"<p>{p}</p>" for p in paragraphs) + "</article></body></html>"
    article = clean_page(PageInput(html.encode("cp1256"), "https://e.org/a", datetime.now(UTC)))
    assert article.text.split("\n") == paragraphs
    assert article.language == "ar"
