"""URL canonicalization on real-looking Arabic news URLs."""

from __future__ import annotations

import pytest

from crawler.urls import canonicalize, registrable_domain, same_site

YOUM7_SLUG = "الاسكان-الاجتماعي"
YOUM7_SLUG_ENC = (
    "%D8%A7%D9%84%D8%A7%D8%B3%D9%83%D8%A7%D9%86-"
    "%D8%A7%D9%84%D8%A7%D8%AC%D8%AA%D9%85%D8%A7%D8%B9%D9%8A"
)
YOUM7 = f"https://www.youm7.com/story/2024/1/15/{YOUM7_SLUG_ENC}/6452312"

AJ_SLUG_ENC = "%D8%A7%D9%84%D8%B3%D9%88%D8%AF%D8%A7%D9%86-%D8%A7%D9%84%D8%AC%D9%8A%D8%B4"
AJ = f"https://www.aljazeera.net/news/2024/1/15/{AJ_SLUG_ENC}"

SKY = "https://www.skynewsarabia.com/world/1690000-" + "%D8%A7%D9%84%D8%B9%D8%A7%D9%84%D9%85"

CASES = [
    # raw Arabic slug, upper-case scheme and host, default port, tracking, fragment
    (
        f"HTTPS://WWW.Youm7.com:443/story/2024/1/15/{YOUM7_SLUG}/6452312"
        "?utm_source=facebook&utm_medium=social&fbclid=IwAR0xYz#comments",
        YOUM7,
    ),
    # lower-case hex escapes become upper case
    (YOUM7.replace("%D8", "%d8").replace("%D9", "%d9"), YOUM7),
    # mixed: half raw, half encoded
    (
        f"https://www.youm7.com/story/2024/1/15/الاسكان-{YOUM7_SLUG_ENC.split('-')[1]}/6452312",
        YOUM7,
    ),
    # mobile host
    (f"https://m.youm7.com/story/2024/1/15/{YOUM7_SLUG}/6452312", YOUM7),
    # aljazeera: trailing /amp segment, raw slug
    ("https://www.aljazeera.net/news/2024/1/15/السودان-الجيش/amp", AJ),
    ("https://www.aljazeera.net/news/2024/1/15/السودان-الجيش/amp/", AJ + "/"),
    # leading /amp/ segment, amp. host
    ("https://amp.aljazeera.net/amp/news/2024/1/15/السودان-الجيش", AJ),
    # skynewsarabia ?amp=1 and MSN's ocid
    (SKY + "?amp=1&ocid=msedgntp", SKY),
    (SKY + "?outputType=amp", SKY),
    # BBC Arabic: .amp suffix, AT Internet tracking from RSS
    (
        "https://www.bbc.com/arabic/articles/c4nnz8xq1y9o.amp?at_medium=RSS&at_campaign=rss",
        "https://www.bbc.com/arabic/articles/c4nnz8xq1y9o",
    ),
    (
        "https://www.bbc.com/arabic/world-68012345?ns_mchannel=social&ns_source=twitter"
        "&ns_campaign=bbc_arabic&xtor=AL-73",
        "https://www.bbc.com/arabic/world-68012345",
    ),
    # hespress: mobile host, WordPress-style AMP suffix, Mailchimp ids
    (
        "https://m.hespress.com/politique/1290000.html?mc_cid=abc&mc_eid=def",
        "https://www.hespress.com/politique/1290000.html",
    ),
    (
        "https://www.hespress.com/2024/01/خطة-الماء/amp/",
        "https://www.hespress.com/2024/01/%D8%AE%D8%B7%D8%A9-%D8%A7%D9%84%D9%85%D8%A7%D8%A1/",
    ),
    # Google AMP cache wrapper
    (
        f"https://www-youm7-com.cdn.ampproject.org/c/s/www.youm7.com/story/2024/1/15/"
        f"{YOUM7_SLUG_ENC}/6452312?usqp=mq331AQFKAGwASA%3D",
        YOUM7,
    ),
    # remaining query sorted, blank values kept, tracking removed case-insensitively
    (
        "https://www.masrawy.com/news/search?q=مصر&page=2&UTM_Source=x&_ga=1.2.3",
        "https://www.masrawy.com/news/search?page=2&q=%D9%85%D8%B5%D8%B1",
    ),
    ("https://example.com/a?x&b=1", "https://example.com/a?b=1&x="),
    # empty path, http default port, trailing dot in host
    ("http://Example.COM.:80", "http://example.com/"),
    # unreserved characters decoded, reserved ones (%2F) kept
    ("https://example.com/a%41b%2Fc%7e", "https://example.com/aAb%2Fc~"),
    # legacy windows-1256 escapes are not valid UTF-8: kept, upper-cased
    ("https://www.alwatan.com.sa/%c7%e1%da%d1%c8", "https://www.alwatan.com.sa/%C7%E1%DA%D1%C8"),
    # Arabic IDN host in punycode
    ("https://موقع.مصر/خبر", "https://xn--4gbrim.xn--wgbh1c/%D8%AE%D8%A8%D8%B1"),
    # a mobile label below a subdomain is dropped, not replaced
    ("https://m.arabic.cnn.com/middle-east/1", "https://arabic.cnn.com/middle-east/1"),
    # non-default port kept
    ("http://127.0.0.1:8080/news/1?utm_source=x", "http://127.0.0.1:8080/news/1"),
]


@pytest.mark.parametrize(("url", "expected"), CASES)
def test_canonicalize(url: str, expected: str) -> None:
    assert canonicalize(url) == expected


@pytest.mark.parametrize("url", [c[0] for c in CASES] + [c[1] for c in CASES])
def test_canonicalize_is_idempotent(url: str) -> None:
    once = canonicalize(url)
    assert canonicalize(once) == once


@pytest.mark.parametrize(
    "url",
    [
        # unsafe changes are not made
        "https://www.youm7.com/Section/Politics/",
        "https://www.youm7.com/section/politics",
        "https://www.example.com/news/index.html",
        "http://www.youm7.com/story/1",
        "https://youm7.com/story/1",
        # parameters that select content survive
        "https://www.hespress.com/?p=123456",
        "https://www.alarabiya.net/search?page=3&q=%D8%BA%D8%B2%D8%A9",
        # a segment merely containing "amp" is not an AMP marker
        "https://www.example.com/news/camp-david-talks",
        "https://www.example.com/amp",
        # a domain whose first label is "m" is not a mobile host
        "https://m.me/page",
    ],
)
def test_unsafe_or_meaningful_parts_are_kept(url: str) -> None:
    assert canonicalize(url) == url


@pytest.mark.parametrize(
    "url",
    [
        "mailto:desk@youm7.com",
        "javascript:void(0)",
        "/story/2024/1/15/x/6452312",
        "//www.youm7.com/story/1",
        "http://[::1",
        "https://www.youm7.com:99999/story/1",
    ],
)
def test_relative_non_web_and_broken_urls_are_returned_stripped(url: str) -> None:
    assert canonicalize(f"  {url} ") == url


def test_credentials_are_dropped() -> None:
    assert canonicalize("https://editor:s3cret@www.youm7.com:443/story/1") == (
        "https://www.youm7.com/story/1"
    )


def test_page_canonical_on_same_site_wins() -> None:
    fetched = "https://m.youm7.com/amp/2024/1/15/x/6452312?utm_source=rss"
    declared = f"https://www.youm7.com/story/2024/1/15/{YOUM7_SLUG}/6452312"
    assert canonicalize(fetched, page_canonical=declared) == YOUM7


def test_relative_page_canonical_is_resolved() -> None:
    fetched = "https://www.aljazeera.net/news/2024/1/15/x?ocid=1"
    assert canonicalize(fetched, page_canonical="/news/2024/1/15/السودان-الجيش") == AJ


def test_page_canonical_on_a_subdomain_of_the_same_site_wins() -> None:
    fetched = "https://www.aljazeera.net/news/1"
    declared = "https://mubasher.aljazeera.net/news/1"
    assert canonicalize(fetched, page_canonical=declared) == declared


def test_page_canonical_on_another_site_is_ignored() -> None:
    fetched = "https://arabkhabar.com/a/1048213"
    declared = "https://www.france24.com/ar/آسيا/20240129-باكستان"
    assert canonicalize(fetched, page_canonical=declared) == fetched


def test_page_canonical_pointing_home_from_an_article_is_ignored() -> None:
    assert canonicalize(YOUM7, page_canonical="https://www.youm7.com/") == YOUM7
    assert canonicalize("https://www.youm7.com/", page_canonical="https://www.youm7.com") == (
        "https://www.youm7.com/"
    )


def test_non_web_or_blank_page_canonical_is_ignored() -> None:
    assert canonicalize(YOUM7, page_canonical="   ") == YOUM7
    assert canonicalize(YOUM7, page_canonical="ftp://www.youm7.com/x") == YOUM7


def test_page_canonical_result_is_canonical() -> None:
    result = canonicalize(
        "https://www.bbc.com/arabic/x", page_canonical="HTTPS://WWW.BBC.COM/arabic/articles/c4n#top"
    )
    assert result == "https://www.bbc.com/arabic/articles/c4n"


@pytest.mark.parametrize(
    ("host", "domain"),
    [
        ("https://www.bbc.co.uk/news", "bbc.co.uk"),
        ("news.bbc.co.uk", "bbc.co.uk"),
        ("https://www.ahram.org.eg/News/1.aspx", "ahram.org.eg"),
        ("www.spa.gov.sa", "spa.gov.sa"),
        ("https://M.Youm7.com/x", "youm7.com"),
        ("www.alarabiya.net.", "alarabiya.net"),
        ("http://127.0.0.1:8080/x", "127.0.0.1"),
        ("localhost", "localhost"),
        ("https://xn--4gbrim.xn--wgbh1c/", "xn--4gbrim.xn--wgbh1c"),
    ],
)
def test_registrable_domain(host: str, domain: str) -> None:
    assert registrable_domain(host) == domain


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("https://www.aljazeera.net/a", "http://mubasher.aljazeera.net/b", True),
        ("https://www.bbc.co.uk/a", "https://news.bbc.co.uk/b", True),
        ("https://www.bbc.co.uk/a", "https://www.bbc.com/arabic", False),
        ("https://www.ahram.org.eg/", "https://gate.ahram.org.eg/x", True),
        ("https://www.ahram.org.eg/", "https://www.masrawy.org.eg/", False),
        ("https://www.spa.gov.sa/", "https://www.moh.gov.sa/", False),
        ("https://a.blogspot.com/", "https://b.blogspot.com/", False),
        ("http://127.0.0.1:8000/a", "http://127.0.0.1:9000/b", True),
        ("http://127.0.0.1/a", "http://127.0.0.2/a", False),
        ("https://www.youm7.com/", "", False),
    ],
)
def test_same_site(a: str, b: str, expected: bool) -> None:
    assert same_site(a, b) is expected
