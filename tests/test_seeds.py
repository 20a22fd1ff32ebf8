"""Seed files: every shipped seed loads, bad files are refused with file, key and fix, and
the article URL filter accepts real article URLs (Arabic ones percent-encoded too) and
refuses section, video and other-site URLs."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from crawler.seeds import (
    ISO_639_1,
    Seed,
    SeedError,
    enabled_seeds,
    load_seed,
    load_seeds,
)
from pipelines.cleaning.model import SiteHints

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

SHIPPED = {
    # id: (folder, language)
    "aawsat": ("sa", "ar"),
    "alarabiya": ("ae", "ar"),
    "alghad": ("jo", "ar"),
    "aljazeera_ar": ("qa", "ar"),
    "aljazeera_en": ("qa", "en"),
    "alquds_alarabi": ("gb", "ar"),
    "annahar": ("lb", "ar"),
    "bbc_arabic": ("gb", "ar"),
    "bbc_news": ("gb", "en"),
    "bbc_persian": ("gb", "fa"),
    "bbc_urdu": ("gb", "ur"),
    "cnn_arabic": ("us", "ar"),
    "echorouk": ("dz", "ar"),
    "elaph": ("gb", "ar"),
    "france24_ar": ("fr", "ar"),
    "hespress": ("ma", "ar"),
    "independent_arabia": ("gb", "ar"),
    "masrawy": ("eg", "ar"),
    "newscrawl_demo": ("demo", "ar"),
    "reuters": ("gb", "en"),
    "rt_arabic": ("ru", "ar"),
    "skynews_arabia": ("ae", "ar"),
    "youm7": ("eg", "ar"),
}


@pytest.fixture(scope="module")
def shipped() -> dict[str, Seed]:
    return load_seeds(SEEDS)


# --- the shipped seeds ------------------------------------------------------------------


def test_every_shipped_seed_loads(shipped: dict[str, Seed]) -> None:
    assert list(shipped) == sorted(SHIPPED)
    for seed_id, seed in shipped.items():
        folder, language = SHIPPED[seed_id]
        assert seed.id == seed_id
        assert seed.path == SEEDS / folder / f"{seed_id}.toml"
        assert seed.language == language
        assert seed.language in ISO_639_1
        assert seed.feeds or seed.sitemaps or seed.sections
        for url in (*seed.feeds, *seed.sitemaps, *seed.sections):
            assert seed.owns(url), (seed_id, url)
            assert not seed.is_article_url(url), (seed_id, url)


def test_shipped_seeds_cover_the_required_sites(shipped: dict[str, Seed]) -> None:
    arabic = {seed_id for seed_id, seed in shipped.items() if seed.language == "ar"}
    assert {
        "france24_ar", "bbc_arabic", "aljazeera_ar", "skynews_arabia", "alarabiya", "aawsat",
        "youm7", "masrawy", "hespress", "echorouk", "annahar", "rt_arabic",
    } <= arabic  # fmt: skip
    assert {seed.language for seed in shipped.values()} == {"ar", "en", "fa", "ur"}
    assert set(enabled_seeds(shipped)) == set(SHIPPED) - {"newscrawl_demo"}


def test_demo_seed(shipped: dict[str, Seed]) -> None:
    demo = shipped["newscrawl_demo"]
    assert demo.enabled is False
    assert demo.domain == "127.0.0.1:8760"
    assert (demo.host, demo.port, demo.site) == ("127.0.0.1", 8760, "127.0.0.1")
    assert demo.language == "ar"
    assert demo.feeds == ("http://127.0.0.1:8760/feed.xml",)
    assert demo.sitemaps == ()
    assert demo.sections == ("http://127.0.0.1:8760/",)
    assert demo.article_url_pattern.pattern == r"/(ar|en)/news/\d{4}/\d{2}/[a-z0-9-]+\.html$"
    assert demo.needs_js is False and demo.render_listings is False
    assert demo.is_article_url("http://127.0.0.1:8760/ar/news/2024/03/budget-talks.html")
    assert demo.is_article_url("http://127.0.0.1:8760/en/news/2024/03/budget-talks.html")
    # tracking parameters and fragments do not hide an article URL
    assert demo.is_article_url("http://127.0.0.1:8760/ar/news/2024/03/a-b.html?utm_source=x#top")
    assert not demo.is_article_url("http://127.0.0.1:8760/ar/section/economy.html")
    assert not demo.is_article_url("http://127.0.0.1:8760/feed.xml")
    assert not demo.is_article_url("http://127.0.0.1:9999/ar/news/2024/03/budget-talks.html")
    assert not demo.is_article_url("http://localhost:8760/ar/news/2024/03/budget-talks.html")


def test_hints_carry_the_cleaning_values(shipped: dict[str, Seed]) -> None:
    bbc = shipped["bbc_news"]
    assert bbc.hints == SiteHints(
        noise_css=("div[data-component='topic-list']", "div[data-component='tags']"),
        body_css=None,
        language="en",
        site_name="BBC News",
    )
    assert shipped["youm7"].hints == SiteHints(language="ar", site_name="اليوم السابع")


# fmt: off
ARTICLES = [
    # (seed, URL as the site writes it, is an article)
    ("france24_ar", "https://www.france24.com/ar/آسيا/20240129-باكستان-وإيران-تتفقان-على-تعزيز-التعاون", True),  # noqa: E501
    ("france24_ar", "https://www.france24.com/ar/الشرق-الأوسط/", False),
    ("france24_ar", "https://www.france24.com/ar/فيديو/20240129-مشاهد-من-غزة", False),
    ("france24_ar", "https://www.france24.com/fr/asie/20240129-le-pakistan-et-l-iran", False),
    ("bbc_arabic", "https://www.bbc.com/arabic/articles/c3g9w2n8k1po", True),
    ("bbc_arabic", "https://www.bbc.co.uk/arabic/articles/c3g9w2n8k1po", True),
    ("bbc_arabic", "https://www.bbc.com/arabic/middleeast-67123456", True),
    ("bbc_arabic", "https://www.bbc.com/arabic/live/c3g9w2n8k1po", False),
    ("bbc_arabic", "https://www.bbc.com/persian/articles/c0l4z7pqm2ro", False),
    ("bbc_persian", "https://www.bbc.com/persian/articles/c0l4z7pqm2ro", True),
    ("bbc_urdu", "https://www.bbc.com/urdu/articles/clwdz287v89o", True),
    ("bbc_news", "https://www.bbc.com/news/articles/c4g7xk2v9j1o", True),
    ("bbc_news", "https://www.bbc.co.uk/news/world-middle-east-68123456", True),
    ("bbc_news", "https://www.bbc.com/news/live/world-middle-east-68123456", False),
    ("aljazeera_ar", "https://www.aljazeera.net/news/2024/1/30/الاحتلال-يواصل-قصف-غزة", True),
    ("aljazeera_ar", "https://www.aljazeera.net/ebusiness/2024/1/30/أسعار-النفط", True),
    ("aljazeera_ar", "https://www.aljazeera.net/news/", False),
    ("aljazeera_ar", "https://www.aljazeera.net/video/2024/1/30/مشاهد", False),
    ("aljazeera_en", "https://www.aljazeera.com/news/2026/2/24/mapping-russian-attacks-across-ukraine", True),  # noqa: E501
    ("aljazeera_en", "https://www.aljazeera.com/news/liveblog/2024/1/30/live-israel-war", False),
    ("skynews_arabia", "https://www.skynewsarabia.com/technology/1782245-شركات-التكنولوجيا-الكبرى", True),  # noqa: E501
    ("skynews_arabia", "https://www.skynewsarabia.com/video/1782246-فيديو-مراكز-البيانات", False),
    ("skynews_arabia", "https://www.skynewsarabia.com/technology", False),
    ("alarabiya", "https://www.alarabiya.net/aswaq/economy/2021/07/01/بنك-ستاندرد-تشارترد-يبدأ", True),  # noqa: E501
    ("alarabiya", "https://www.alarabiya.net/arab-and-world/2024/01/30/الحكومة", True),
    ("alarabiya", "https://www.alarabiya.net/aswaq/economy", False),
    ("aawsat", "https://aawsat.com/العالم-العربي/المشرق-العربي/5133017-العراق-يطلق-خطة", True),
    ("aawsat", "https://www.aawsat.com/home/article/1234567/عنوان", True),
    ("aawsat", "https://english.aawsat.com/arab-world/5133018-iraq-launches-plan", False),
    ("aawsat", "https://aawsat.com/العالم-العربي/المشرق-العربي", False),
    ("youm7", "https://www.youm7.com/story/2024/1/30/الحكومة-طرح-12-ألف-وحدة-سكنية/6468213", True),
    ("youm7", "https://www.youm7.com/Section/أخبار-عاجلة/65/1", False),
    ("masrawy", "https://www.masrawy.com/sports/sports-news/details/2024/3/14/2561874/رابطة-الأندية", True),  # noqa: E501
    ("masrawy", "https://www.masrawy.com/news/news_egypt/details/2024/3/14/2561875/الحكومة", True),
    ("masrawy", "https://www.masrawy.com/news/news_egypt", False),
    ("hespress", "https://www.hespress.com/الحكومة-تطلق-برنامج-دعم-السكن-1312345.html", True),
    ("hespress", "https://fr.hespress.com/le-gouvernement-lance-un-programme-312345.html", False),
    ("hespress", "https://www.hespress.com/politique", False),
    ("echorouk", "https://www.echoroukonline.com/أسعار-البطاطا-تقفز-إلى-120-دينار-في-أسواق-العاصمة", True),  # noqa: E501
    ("echorouk", "https://www.echoroukonline.com/economy", False),
    ("echorouk", "https://www.echoroukonline.com/category/أخبار-الجزائر-اليوم-هنا/", False),
    ("annahar", "https://www.annahar.com/arabic/article/813180", True),
    ("annahar", "https://www.annahar.com/arabic/section/77-مجتمع/272744/اليمونة-تنتصر-للموسيقى", True),  # noqa: E501
    ("annahar", "https://www.annahar.com/arabic/section/77-مجتمع", False),
    ("rt_arabic", "https://arabic.rt.com/middle_east/1534567-مجلس-الأمن-يعقد-جلسة/", True),
    ("rt_arabic", "https://www.rt.com/russia/591234-duma-session/", False),
    ("rt_arabic", "https://arabic.rt.com/middle_east/", False),
    ("alquds_alarabi", "https://www.alquds.co.uk/مجلس-الأمن-يعقد-جلسة-طارئة/", True),
    ("alquds_alarabi", "https://www.alquds.co.uk/category/سياسة/", False),
    ("elaph", "https://elaph.com/Web/Economics/2023/10/1524871.html", True),
    ("elaph", "https://elaph.com/Web/Economics/", False),
    ("alghad", "https://alghad.com/Section-208/uncategorized/افتتاح-مدرستي-أبو-السوس-211440", True),
    ("alghad", "https://alghad.com/section/اقتصاد/اقتصاد-محلي", False),
    ("cnn_arabic", "https://arabic.cnn.com/middle-east/article/2024/01/30/gaza-talks-cairo", True),
    ("cnn_arabic", "https://arabic.cnn.com/middle-east/video/2024/01/30/v-gaza-talks", False),
    ("independent_arabia", "https://www.independentarabia.com/node/540186/سياسة/عنوان-المقال", True),  # noqa: E501
    ("independent_arabia", "https://www.independentarabia.com/tags/العراق", False),
    ("reuters", "https://www.reuters.com/business/shipping/shipping-lines-extend-red-sea-diversions-2025-02-06/", True),  # noqa: E501
    ("reuters", "https://www.reuters.com/world/middle-east/", False),
    ("reuters", "https://www.reuters.com.evil.example/world/x-2025-02-06/", False),
]
# fmt: on


@pytest.mark.parametrize(("seed_id", "url", "expected"), ARTICLES)
def test_is_article_url_on_real_url_shapes(
    shipped: dict[str, Seed], seed_id: str, url: str, expected: bool
) -> None:
    seed = shipped[seed_id]
    assert seed.is_article_url(url) is expected
    # Feeds and pages give the same URL percent-encoded: the answer must not change.
    encoded = quote(url, safe=":/?=&#%")
    assert encoded.isascii()
    assert seed.is_article_url(encoded) is expected


def test_owns_checks_scheme_host_subdomains_and_port(shipped: dict[str, Seed]) -> None:
    youm7 = shipped["youm7"]
    assert youm7.owns("https://www.youm7.com/")
    assert youm7.owns("https://youm7.com/story/x")
    assert youm7.owns("https://m.youm7.com/story/x")
    assert youm7.owns("https://WWW.YOUM7.COM/story/x")
    assert not youm7.owns("https://notyoum7.com/story/x")
    assert not youm7.owns("https://www.youm7.com.example.org/story/x")
    assert not youm7.owns("ftp://www.youm7.com/story/x")
    assert not youm7.owns("https://www.youm7.com:99999/story")
    assert not youm7.owns("not a url")
    bbc = shipped["bbc_arabic"]
    assert bbc.allowed_domains == ("bbc.com", "feeds.bbci.co.uk", "bbc.co.uk")
    assert bbc.owns("https://feeds.bbci.co.uk/arabic/rss.xml")
    assert not bbc.owns("https://www.bbci.co.uk/arabic/rss.xml")
    rt = shipped["rt_arabic"]
    assert rt.site == "arabic.rt.com"
    assert not rt.owns("https://www.rt.com/news/")
    demo = shipped["newscrawl_demo"]
    assert demo.owns("http://127.0.0.1:8760/")
    assert not demo.owns("http://127.0.0.1/")
    assert not demo.owns("https://127.0.0.1/")


def test_relocated_moves_the_demo_to_another_port(shipped: dict[str, Seed]) -> None:
    demo = shipped["newscrawl_demo"].relocated("127.0.0.1:43210")
    assert demo.domain == "127.0.0.1:43210"
    assert demo.feeds == ("http://127.0.0.1:43210/feed.xml",)
    assert demo.sections == ("http://127.0.0.1:43210/",)
    assert demo.is_article_url("http://127.0.0.1:43210/en/news/2024/03/x.html")
    assert not demo.is_article_url("http://127.0.0.1:8760/en/news/2024/03/x.html")
    assert shipped["newscrawl_demo"].domain == "127.0.0.1:8760"
    with pytest.raises(SeedError, match="give host or host:port"):
        shipped["newscrawl_demo"].relocated("http://127.0.0.1:1/")


# --- bad seed files ---------------------------------------------------------------------

VALID: dict[str, Any] = {
    "id": "youm7",
    "name": "اليوم السابع",
    "domain": "www.youm7.com",
    "language": "ar",
    "feeds": ["https://www.youm7.com/rss/SectionRss?SectionID=65"],
    "sections": ["https://www.youm7.com/"],
    "article_url_pattern": r"^/story/\d{4}/\d{1,2}/\d{1,2}/[^/]+/\d+$",
}


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return f"'{value}'" if "'" not in value else f'"{value}"'
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    raise TypeError(value)


def write_seed(folder: Path, data: dict[str, Any], *, stem: str = "youm7", sub: str = "eg") -> Path:
    path = folder / sub / f"{stem}.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(f"{k} = {_toml_value(v)}\n" for k, v in data.items()), "utf-8")
    return path


def bad(tmp_path: Path, drop: tuple[str, ...] = (), **changes: Any) -> tuple[Path, str]:
    """Write VALID with ``changes`` and without ``drop``; return the path and the error."""
    data = {k: v for k, v in {**VALID, **changes}.items() if k not in drop}
    path = write_seed(tmp_path, data)
    with pytest.raises(SeedError) as info:
        load_seed(path)
    return path, str(info.value)


def test_valid_file_loads_with_defaults(tmp_path: Path) -> None:
    seed = load_seed(write_seed(tmp_path, VALID))
    assert seed == Seed(
        id="youm7",
        name="اليوم السابع",
        domain="www.youm7.com",
        language="ar",
        article_url_pattern=re.compile(VALID["article_url_pattern"]),
        feeds=("https://www.youm7.com/rss/SectionRss?SectionID=65",),
        sections=("https://www.youm7.com/",),
    )
    assert (seed.needs_js, seed.render_listings, seed.enabled) == (False, False, True)
    assert (seed.noise_css, seed.body_css, seed.max_section_depth) == ((), None, None)


def test_every_optional_key_is_read(tmp_path: Path) -> None:
    seed = load_seed(
        write_seed(
            tmp_path,
            {
                **VALID,
                "enabled": False,
                "needs_js": True,
                "render_listings": True,
                "sitemaps": ["https://m.youm7.com/sitemap.xml"],
                "noise_css": ["div.related", "aside.newsletter", "#comments"],
                "body_css": "div.articleBody",
                "max_section_depth": 2,
                "extra_hosts": ["Feeds.Example.com"],
                "domain": "WWW.youm7.com",
            },
        )
    )
    assert (seed.enabled, seed.needs_js, seed.render_listings) == (False, True, True)
    assert seed.sitemaps == ("https://m.youm7.com/sitemap.xml",)
    assert seed.noise_css == ("div.related", "aside.newsletter", "#comments")
    assert seed.body_css == "div.articleBody"
    assert seed.max_section_depth == 2
    assert seed.extra_hosts == ("feeds.example.com",)
    assert seed.domain == "www.youm7.com"


# fmt: off
BAD_CASES = [
    # (changes, keys to drop, expected pieces of the message after "<path>: ")
    ({"feed": ["https://www.youm7.com/rss"]}, (), ["unknown key 'feed' — did you mean 'feeds'?"]),
    ({"colour": "red"}, (), ["unknown key 'colour' — known keys: id, name, domain"]),
    (
        {"article_url_pattern": r"/story/(\d+"},
        (),
        [
            "'article_url_pattern' is not a valid regular expression: missing ), "
            "unterminated subpattern at position 7"
        ],
    ),
    ({"article_url_pattern": ".*"}, (), ["matches the home page '/' — make it specific"]),
    (
        {"article_url_pattern": "youm7"},
        (),
        [],  # does not match '/', nor the section: accepted (checked separately)
    ),
    (
        {"article_url_pattern": "^/Section/", "sections": ["https://www.youm7.com/Section/65/1"]},
        (),
        ["matches the section page https://www.youm7.com/Section/65/1 — sections are listing"],
    ),
    ({"language": "ara"}, (), ["'language' 'ara' is not an ISO 639-1 code — did you mean 'ar' (Arabic)?"]),  # noqa: E501
    ({"language": "Arabic"}, (), ["did you mean 'ar' (Arabic)?"]),
    ({"language": "ar-EG"}, (), ["did you mean 'ar' (Arabic)?"]),
    ({"language": "farsi"}, (), ["did you mean 'fa' (Persian)?"]),
    ({"language": "xx"}, (), ["'language' 'xx' is not an ISO 639-1 code"]),
    (
        {"feeds": [], "sections": []},
        (),
        ["no source: feeds, sitemaps and sections are all empty — add at least one of feeds, sitemaps, sections"],  # noqa: E501
    ),
    ({}, ("feeds", "sections"), ["add at least one of feeds, sitemaps, sections"]),
    (
        {"feeds": "https://www.youm7.com/rss"},
        (),
        ["'feeds' must be a list of URLs — write feeds = ['https://www.youm7.com/rss']"],
    ),
    ({"sitemaps": 5}, (), ["'sitemaps' must be a list of URLs, e.g. sitemaps = ["]),
    ({"feeds": [""]}, (), ["'feeds' must be a list of URLs: \"\" is not one"]),
    ({"feeds": ["ftp://www.youm7.com/rss"]}, (), ["'feeds' entry 'ftp://www.youm7.com/rss' is not an http(s) URL"]),  # noqa: E501
    ({"sections": ["www.youm7.com/"]}, (), ["'sections' entry 'www.youm7.com/' is not an http(s) URL — write the full address"]),  # noqa: E501
    (
        {"feeds": ["https://feeds.example.com/youm7.xml"]},
        (),
        [
            "'feeds' entry 'https://feeds.example.com/youm7.xml' is not on www.youm7.com — "
            "use a URL on youm7.com or one of its subdomains, or add its host to extra_hosts"
        ],
    ),
    ({"feeds": ["https://www.youm7.com/a", "https://www.youm7.com/a"]}, (), ["'feeds' lists 'https://www.youm7.com/a' twice — remove one"]),  # noqa: E501
    ({"id": "youm8"}, (), ["'id' is 'youm8' but the file is youm7.toml — the id must equal the file name: set id = 'youm7' or rename the file to youm8.toml"]),  # noqa: E501
    ({"id": "Youm-7"}, (), ["'id' 'Youm-7' must be lowercase letters, digits and underscores — e.g. id = 'youm_7'"]),  # noqa: E501
    ({}, ("language",), ["missing key 'language' — add language = \"ar\"  (ISO 639-1)"]),
    ({}, ("id",), ["missing key 'id' — add id = \"youm7\""]),
    ({}, ("article_url_pattern",), ["missing key 'article_url_pattern' — add article_url_pattern = '/news/\\d{4}/'"]),  # noqa: E501
    ({"name": ""}, (), ["'name' must be a non-empty string (got \"\")"]),
    ({"needs_js": "yes"}, (), ["'needs_js' must be true or false, without quotes (got \"yes\")"]),
    ({"enabled": 1}, (), ["'enabled' must be true or false, without quotes (got 1)"]),
    ({"noise_css": ["div.related", "div["]}, (), ["'noise_css' selector 'div[' is not valid CSS (Expected ident or '*', got <EOF at 4>) — write a plain CSS selector"]),  # noqa: E501
    ({"noise_css": ["p::text"]}, (), ["'noise_css' selector 'p::text' is not valid CSS"]),
    ({"noise_css": "div.related"}, (), ["'noise_css' must be a list of CSS selectors — write noise_css = ['div.related']"]),  # noqa: E501
    ({"body_css": "div..x"}, (), ["'body_css' selector 'div..x' is not valid CSS"]),
    ({"domain": "https://www.youm7.com/"}, (), ["'domain' must be a host or host:port, not a URL (got 'https://www.youm7.com/') — write domain = 'www.youm7.com'"]),  # noqa: E501
    ({"domain": "www.youm7.com:0"}, (), ["'domain' 'www.youm7.com:0' is not a host name or host:port"]),  # noqa: E501
    ({"max_section_depth": "2"}, (), ["'max_section_depth' must be a whole number, without quotes (got \"2\")"]),  # noqa: E501
    ({"max_section_depth": 9}, (), ["'max_section_depth' must be between 0 and 5 (got 9)"]),
    ({"extra_hosts": ["https://feeds.example.com/"]}, (), ["'extra_hosts' entry 'https://feeds.example.com/' is not a host name — write the host only"]),  # noqa: E501
]
# fmt: on


@pytest.mark.parametrize(("changes", "drop", "expected"), BAD_CASES)
def test_bad_file_is_refused_naming_file_key_and_fix(
    tmp_path: Path, changes: dict[str, Any], drop: tuple[str, ...], expected: list[str]
) -> None:
    data = {k: v for k, v in {**VALID, **changes}.items() if k not in drop}
    path = write_seed(tmp_path, data)
    if not expected:
        assert load_seed(path).id == "youm7"
        return
    with pytest.raises(SeedError) as info:
        load_seed(path)
    message = str(info.value)
    assert message.startswith(f"{path}: ")
    assert all(line.startswith(f"{path}: ") for line in info.value.problems)
    for piece in expected:
        assert piece in message, message


def test_every_problem_of_a_file_is_reported(tmp_path: Path) -> None:
    path, message = bad(tmp_path, feed=["x"], language="arabic", needs_js="no")
    assert message.splitlines() == [
        f"{path}: unknown key 'feed' — did you mean 'feeds'?",
        f"{path}: 'language' 'arabic' is not an ISO 639-1 code — did you mean 'ar' (Arabic)?",
        f"{path}: 'needs_js' must be true or false, without quotes (got \"no\")",
    ]


def test_toml_syntax_error_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "eg" / "youm7.toml"
    path.parent.mkdir()
    path.write_text('id = "youm7"\nname = "x"\nfeeds = ["https://www.youm7.com/rss"\n', "utf-8")
    with pytest.raises(SeedError) as info:
        load_seed(path)
    assert str(info.value).startswith(f"{path}: not valid TOML: ")
    assert "check the quotes, brackets and commas on that line" in str(info.value)


def test_double_quoted_regex_gets_the_single_quote_fix(tmp_path: Path) -> None:
    path = tmp_path / "youm7.toml"
    path.write_text('id = "youm7"\narticle_url_pattern = "/story/\\d+"\n', "utf-8")
    with pytest.raises(SeedError) as info:
        load_seed(path)
    message = str(info.value)
    assert message.startswith(f"{path}: not valid TOML: Unescaped '\\' in a string (at line 2,")
    assert "write regular expressions in single quotes" in message


def test_file_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "elaph.toml"
    path.write_bytes('name = "إيلاف"\n'.encode("cp1256"))
    with pytest.raises(SeedError, match=r"elaph\.toml: not UTF-8 .* save the file as UTF-8"):
        load_seed(path)


def test_from_mapping_validates_without_a_file() -> None:
    seed = Seed.from_mapping({**VALID, "id": "anything"})
    assert seed.id == "anything" and seed.path is None
    with pytest.raises(SeedError) as info:
        Seed.from_mapping({**VALID, "feeds": "x"}, source="inline")
    assert str(info.value) == "inline: 'feeds' must be a list of URLs — write feeds = ['x']"


def test_subdomain_and_extra_host_urls_are_accepted(tmp_path: Path) -> None:
    seed = load_seed(
        write_seed(
            tmp_path,
            {
                **VALID,
                "feeds": ["https://feeds.example.com/youm7.xml", "https://m.youm7.com/rss"],
                "extra_hosts": ["feeds.example.com"],
            },
        )
    )
    assert seed.feeds == ("https://feeds.example.com/youm7.xml", "https://m.youm7.com/rss")


# --- loading a folder -------------------------------------------------------------------


def test_load_seeds_reads_subfolders_sorted_and_skips_hidden(tmp_path: Path) -> None:
    write_seed(tmp_path, VALID)
    write_seed(tmp_path, {**VALID, "id": "masrawy", "domain": "www.masrawy.com",
                          "feeds": [], "sections": ["https://www.masrawy.com/"]},
               stem="masrawy", sub="eg/more")  # fmt: skip
    write_seed(tmp_path, {"broken": True}, stem="draft", sub=".drafts")
    seeds = load_seeds(str(tmp_path))
    assert list(seeds) == ["masrawy", "youm7"]
    assert seeds["masrawy"].path == tmp_path / "eg" / "more" / "masrawy.toml"


def test_duplicate_ids_name_both_files(tmp_path: Path) -> None:
    first = write_seed(tmp_path, VALID, sub="eg")
    second = write_seed(tmp_path, VALID, sub="intl")
    with pytest.raises(SeedError) as info:
        load_seeds(tmp_path)
    assert str(info.value) == (
        f"{first}: duplicate seed id 'youm7', also in {second} — "
        "rename one (the id equals the file name)"
    )


def test_only_narrows_and_skips_broken_unrelated_files(tmp_path: Path) -> None:
    write_seed(tmp_path, VALID)
    broken = write_seed(tmp_path, {**VALID, "id": "masrawy", "feed": []}, stem="masrawy")
    assert list(load_seeds(tmp_path, only=["youm7"])) == ["youm7"]
    assert list(load_seeds(tmp_path, only="youm7, youm7")) == ["youm7"]
    with pytest.raises(SeedError) as info:
        load_seeds(tmp_path)
    assert str(info.value) == f"{broken}: unknown key 'feed' — did you mean 'feeds'?"


def test_only_with_unknown_ids_suggests(tmp_path: Path, shipped: dict[str, Seed]) -> None:
    with pytest.raises(SeedError) as info:
        load_seeds(SEEDS, only=["youm8", "bbc_arabic", "zzz"])
    lines = str(info.value).splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"{SEEDS}: unknown seed id 'youm8' — did you mean 'youm7'? ")
    assert lines[1].startswith(f"{SEEDS}: unknown seed id 'zzz' — no similar id (known ids: ")
    assert lines[1].endswith(", ".join(sorted(shipped)) + ")")
    with pytest.raises(SeedError, match="no seed id given"):
        load_seeds(SEEDS, only=[" , "])


def test_only_loads_a_disabled_seed(shipped: dict[str, Seed]) -> None:
    seeds = load_seeds(SEEDS, only=["newscrawl_demo", "youm7"])
    assert list(seeds) == ["newscrawl_demo", "youm7"]
    assert seeds["newscrawl_demo"] == shipped["newscrawl_demo"]


def test_errors_of_every_file_are_reported_together(tmp_path: Path) -> None:
    one = write_seed(tmp_path, {**VALID, "language": "ara"})
    two = write_seed(tmp_path, VALID, stem="masrawy")  # the id says youm7
    with pytest.raises(SeedError) as info:
        load_seeds(tmp_path)
    assert [line.split(": ", 1)[0] for line in info.value.problems] == [str(two), str(one)]
    assert "'id' is 'youm7' but the file is masrawy.toml" in info.value.problems[0]


def test_missing_or_empty_folder(tmp_path: Path) -> None:
    with pytest.raises(SeedError, match=r"seeds folder not found — set NEWSCRAWL_SEEDS"):
        load_seeds(tmp_path / "nope")
    with pytest.raises(SeedError, match=r"no seed files \(\*\.toml\) — add one per site"):
        load_seeds(tmp_path)
