"""Meta-refresh redirects from the head of the page: Scrapy's decisions, no whole-page decode."""

from __future__ import annotations

import pytest
from scrapy import Request
from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware
from scrapy.http import HtmlResponse, Response
from scrapy.utils.test import get_crawler

from crawler.metarefresh import HEAD_BYTES, HeadMetaRefreshMiddleware

URL = "https://news.example/ar/2026/11/story.html"
FILLER = "<p>" + "خبر عاجل عن الأمطار في المدينة " * 40 + "</p>\n"


def _page(head: str, body_repeats: int, charset: str | None = "utf-8") -> HtmlResponse:
    html = f"<html><head>{head}</head><body>{FILLER * body_repeats}</body></html>"
    headers = {"Content-Type": f"text/html; charset={charset}" if charset else "text/html"}
    return HtmlResponse(URL, body=html.encode("utf-8"), headers=headers, request=Request(URL))


def _both(response: HtmlResponse) -> tuple[Request | Response, Request | Response]:
    crawler = get_crawler(settings_dict={})
    ours = HeadMetaRefreshMiddleware.from_crawler(crawler)
    theirs = MetaRefreshMiddleware.from_crawler(crawler)
    assert response.request is not None
    return (
        ours.process_response(response.request, response),
        theirs.process_response(response.request, _page_copy(response)),
    )


def _page_copy(response: HtmlResponse) -> HtmlResponse:
    return response.replace()  # a fresh object: no decoded text cached from our run


@pytest.mark.parametrize("charset", ["utf-8", None])
def test_a_refresh_in_the_head_of_a_long_page_redirects_like_scrapy(charset: str | None) -> None:
    refresh = '<meta charset="utf-8"><meta http-equiv="refresh" content="0; url=/ar/moved.html">'
    response = _page(refresh, body_repeats=60, charset=charset)
    assert len(response.body) > HEAD_BYTES
    ours, theirs = _both(response)
    assert isinstance(ours, Request) and isinstance(theirs, Request)
    assert ours.url == theirs.url == "https://news.example/ar/moved.html"


def test_a_long_page_without_refresh_passes_undecoded() -> None:
    response = _page('<meta charset="utf-8"><title>خبر</title>', body_repeats=60)
    ours, theirs = _both(response)
    assert ours is response
    assert isinstance(theirs, HtmlResponse)
    # Scrapy's decoded and kept the whole page; ours left the body as bytes only.
    assert response._cached_ubody is None
    assert theirs._cached_ubody is not None and len(theirs._cached_ubody) > 10_000


def test_a_refresh_beyond_the_first_4096_characters_is_ignored_by_both() -> None:
    late = FILLER * 5 + '<meta http-equiv="refresh" content="0; url=/late.html">'
    response = _page(late, body_repeats=60)
    ours, theirs = _both(response)
    assert ours is response
    assert isinstance(theirs, HtmlResponse) and theirs.url == URL


def test_a_short_page_is_left_to_scrapy() -> None:
    response = _page('<meta http-equiv="refresh" content="0; url=/short.html">', body_repeats=1)
    assert len(response.body) <= HEAD_BYTES
    ours, theirs = _both(response)
    assert isinstance(ours, Request) and isinstance(theirs, Request)
    assert ours.url == theirs.url == "https://news.example/short.html"
