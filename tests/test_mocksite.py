"""The demo site, its manifest, the site server and the mock site used by end-to-end tests.

These checks keep the fixtures honest: the committed site is what the builder writes, every
expected paragraph is on its page, every article is reachable from the feed, the sitemaps or
a section page exactly as the manifest says, and the broken pages break the way they claim.
"""

from __future__ import annotations

import http.client
import json
import re
import signal
import subprocess
import sys
import threading
import time
import tomllib
import urllib.error
import urllib.request
from collections import defaultdict
from email.message import Message
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from xml.etree import ElementTree

import pytest

from crawler.seeds import load_seed
from demo.build_site import MANIFEST_PATH, SITE_DIR, build, same_tree, write_site
from demo.pages import PRIVATE_PATH
from tests.mocksite import (
    ARTICLE_URL_PATTERN,
    HUGE_BYTES,
    SECTION_PATH,
    MockSite,
    start_mock_site,
)

ROOT = Path(__file__).resolve().parent.parent
SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def fetch(url: str, method: str = "GET", timeout: float = 10) -> tuple[int, Message, bytes]:
    """Status, headers and body of a request; HTTP errors are answers too."""
    request = urllib.request.Request(url, method=method)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.headers, error.read()


def raw_get(site: MockSite, raw_path: str) -> int:
    """Status of a request sent with the path exactly as given (no client normalisation)."""
    host, port = site.host_port.split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=5)
    try:
        connection.putrequest("GET", raw_path, skip_accept_encoding=True)
        connection.endheaders()
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(MANIFEST_PATH.read_text(encoding="utf-8"))
    return loaded


def demo_pages(manifest: dict[str, Any]) -> dict[str, dict[str, Any]]:
    pages: dict[str, dict[str, Any]] = manifest["articles"]
    return pages


# --- the committed site and its manifest --------------------------------------------------


def test_committed_site_is_what_the_builder_writes(tmp_path: Path) -> None:
    site = build()
    write_site(site, tmp_path / "site", tmp_path / "manifest.json")
    assert same_tree(tmp_path / "site", SITE_DIR)
    assert (tmp_path / "manifest.json").read_bytes() == MANIFEST_PATH.read_bytes()


def test_site_is_small_and_self_contained() -> None:
    files = [p for p in SITE_DIR.rglob("*") if p.is_file()]
    assert sum(p.stat().st_size for p in files) < 1_500_000
    for page in SITE_DIR.rglob("*.html"):
        markup = page.read_bytes().decode("latin-1")
        # No resource is loaded from another host (links to social sites are fine).
        assert not re.search(r'(?:src|poster)="(?:https?:)?//', markup), page
        assert "stylesheet" not in markup


def test_manifest_lists_every_page_under_the_article_pattern(manifest: dict[str, Any]) -> None:
    on_disk = {"/" + p.relative_to(SITE_DIR).as_posix() for p in SITE_DIR.glob("*/news/*/*/*.html")}
    entries = demo_pages(manifest)
    assert set(entries) == on_disk
    pattern = re.compile(ARTICLE_URL_PATTERN)
    assert all(pattern.search(path) for path in entries)
    articles = [e for e in entries.values() if e["is_article"]]
    assert sum(e["language"] == "ar" for e in articles) >= 16
    assert sum(e["language"] == "en" for e in articles) >= 6
    assert sorted(e["kind"] for e in entries.values() if not e["is_article"]) == [
        "listing",
        "video",
    ]
    for path, entry in entries.items():
        assert path.endswith(f"/{entry['slug']}.html")
        assert re.fullmatch(r"[a-z0-9-]+", entry["slug"])
        assert entry["published"][:7].replace("-", "/") in path
        assert re.search(r"\+0[23]:00$", entry["published"])


def test_expected_paragraphs_are_on_their_pages(manifest: dict[str, Any]) -> None:
    for path, entry in demo_pages(manifest).items():
        markup = (SITE_DIR / path.lstrip("/")).read_bytes().decode(entry["encoding"])
        assert f'charset={entry["declared_charset"]}"' in markup or (
            f'<meta charset="{entry["declared_charset"]}">' in markup
        )
        assert f">{entry['title']}</h1>" in markup
        assert f"<title>{entry['title']} - موقع الديمو</title>" in markup
        assert f'"article:published_time" content="{entry["published"]}"' in markup or (
            not entry["is_article"]
        )
        assert entry["text"] == "\n".join(entry["paragraphs"])
        for paragraph in entry["paragraphs"]:
            assert f"<p>{paragraph}</p>" in markup
        for noise in entry["must_not_contain"]:
            assert noise in markup
            assert noise not in entry["text"]
        if entry["is_article"]:
            assert 150 <= entry["word_count"] <= 600
            assert 3 <= len(entry["paragraphs"]) <= 8
            assert entry["tags"]
            for tag in entry["tags"]:
                assert f'rel="tag">{tag}</a>' in markup
        else:
            assert entry["paragraphs"] == []


def test_pages_carry_real_world_noise(manifest: dict[str, Any]) -> None:
    entries = demo_pages(manifest)
    arabic = [p for p, e in entries.items() if e["language"] == "ar" and e["is_article"]]
    for path in arabic:
        markup = (SITE_DIR / path.lstrip("/")).read_bytes().decode(entries[path]["encoding"])
        for label in ("عاجل", "شارك", "تابعنا على", "الوسوم:", "إعلان", "الأكثر قراءة"):
            assert label in markup, (path, label)
        assert 'rel="canonical"' in markup
        assert '"og:site_name" content="موقع الديمو"' in markup
    read_also = [p for p in arabic if "read_also" in entries[p]["cases"]]
    assert len(read_also) >= 4
    assert sum("comments" in e["cases"] for e in entries.values()) >= 2
    with_jsonld = [
        p
        for p, e in entries.items()
        if e["is_article"]
        and '"@type": "NewsArticle"'
        in (SITE_DIR / p.lstrip("/")).read_bytes().decode(e["encoding"])
    ]
    assert len(with_jsonld) > len([e for e in entries.values() if e["is_article"]]) // 2
    styles = {case for entry in entries.values() for case in entry["cases"]}
    assert {"indic_digits", "levantine_months", "windows_1256", "no_header_charset"} <= styles
    indic = next(p for p, e in entries.items() if "indic_digits" in e["cases"])
    assert re.search("[٠-٩]{4}", (SITE_DIR / indic.lstrip("/")).read_text(encoding="utf-8"))


def test_special_cases_are_present_once(manifest: dict[str, Any]) -> None:
    entries = demo_pages(manifest)

    def having(case: str) -> list[dict[str, Any]]:
        return [e for e in entries.values() if case in e["cases"]]

    assert [e["discovered_by"] for e in having("only_news_sitemap")] == [["news_sitemap"]]
    assert [e["discovered_by"] for e in having("only_section")] == [["section"]]
    for case in ("only_news_sitemap", "only_section"):
        assert having(case)[0]["linked_from"] == []
    (tracked,) = having("tracking_duplicate")
    assert tracked["feed_url"] == tracked["canonical"] + "?utm_source=rss&utm_medium=feed"
    assert "section" in tracked["discovered_by"]
    (cp1256,) = having("windows_1256")
    assert cp1256["content_type"] == "text/html; charset=windows-1256"
    (bare,) = having("no_header_charset")
    assert bare["content_type"] == "text/html"
    feed_count = sum("feed" in e["discovered_by"] for e in entries.values())
    assert 0.35 < feed_count / len(entries) < 0.65


# --- the server ---------------------------------------------------------------------------


def test_server_headers_and_query_strings(mock_site: MockSite, manifest: dict[str, Any]) -> None:
    for path, entry in demo_pages(manifest).items():
        status, headers, body = fetch(mock_site.url(path))
        assert status == 200
        assert headers.get("Content-Type") == entry["content_type"], path
        assert int(headers["Content-Length"]) == len(body)
        assert f'href="{mock_site.url(path)}"' in body.decode(entry["encoding"])
        assert b"127.0.0.1:8760" not in body
    expected_types = {
        "/feed.xml": "application/rss+xml; charset=utf-8",
        "/sitemap.xml": "application/xml; charset=utf-8",
        "/news-sitemap.xml": "application/xml; charset=utf-8",
        "/robots.txt": "text/plain; charset=utf-8",
        "/": "text/html; charset=utf-8",
        "/img/logo.svg": "image/svg+xml",
    }
    for path, content_type in expected_types.items():
        status, headers, _ = fetch(mock_site.url(path))
        assert (status, headers.get("Content-Type")) == (200, content_type)
    tracked = next(
        e for e in demo_pages(manifest).values() if e["feed_url"] and "?" in e["feed_url"]
    )
    assert (
        fetch(mock_site.url(tracked["feed_url"]))[2]
        == fetch(mock_site.url(tracked["canonical"]))[2]
    )


def test_server_answers_404_and_head(mock_site: MockSite) -> None:
    for path in ("/nothing.html", "/ar/news/2024/03/no-such-article.html", "/_headers.json"):
        status, headers, body = fetch(mock_site.url(path))
        assert status == 404
        assert "الصفحة التي تبحث عنها غير موجودة" in body.decode("utf-8")
    assert raw_get(mock_site, "/../manifest.json") == 404
    assert raw_get(mock_site, "/%2e%2e/manifest.json") == 404
    status, headers, body = fetch(mock_site.url("/feed.xml"), method="HEAD")
    assert status == 200 and body == b"" and int(headers["Content-Length"]) > 1000


def test_server_records_requests(mock_site: MockSite) -> None:
    fetch(mock_site.url("/robots.txt?probe=1"))
    last = mock_site.server.requests()[-1]
    assert (last.method, last.path, last.query, last.status) == (
        "GET",
        "/robots.txt",
        "probe=1",
        200,
    )


def test_extra_routes_serve_before_files() -> None:
    from demo.server import Request, Response, SiteServer, serve

    def teapot(request: Request, server: SiteServer) -> Response:
        return Response(status=418, body=request.query.encode(), content_type="text/plain")

    server, base_url = serve(SITE_DIR, extra_routes={"/robots.txt": teapot})
    try:
        assert fetch(base_url + "/robots.txt?x=1")[::2] == (418, b"x=1")
        assert fetch(base_url + "/feed.xml")[0] == 200
    finally:
        server.stop()


def test_command_line_server_is_quiet_and_stops_on_ctrl_c() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "demo.server", "--port", "0"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        base_url = re.search(r"(http://127\.0\.0\.1:\d+)/", line)
        assert base_url, line
        assert fetch(base_url.group(1) + "/")[0] == 200
        assert fetch(base_url.group(1) + "/missing")[0] == 404
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0
    assert "Stopped." in stdout
    assert "GET" not in stderr


# --- discovery ----------------------------------------------------------------------------


def _xml_locs(body: bytes) -> list[str]:
    return [el.text or "" for el in ElementTree.fromstring(body).iter(f"{SITEMAP_NS}loc")]


def _path(url: str) -> str:
    return urlsplit(url).path


def test_feed_sitemaps_and_sections_reach_what_the_manifest_says(mock_site: MockSite) -> None:
    manifest = mock_site.manifest
    found: dict[str, set[str]] = defaultdict(set)
    robots = fetch(mock_site.url("/robots.txt"))[2].decode()
    assert "User-agent: *" in robots and "Disallow: /private/" in robots
    sitemaps = re.findall(r"^Sitemap: (\S+)$", robots, re.MULTILINE)
    assert [_path(u) for u in sitemaps] == manifest["sitemaps"]
    for sitemap in sitemaps:
        root = ElementTree.fromstring(fetch(sitemap)[2])
        if root.tag == f"{SITEMAP_NS}sitemapindex":
            children = _xml_locs(fetch(sitemap)[2])
            assert [_path(c) for c in children] == manifest["sitemap_children"][_path(sitemap)]
            for child in children:
                for url in _xml_locs(fetch(child)[2]):
                    found[_path(url)].add("sitemap")
                assert b"<lastmod>" in fetch(child)[2]
        else:
            assert b"<news:publication_date>" in fetch(sitemap)[2]
            for url in _xml_locs(fetch(sitemap)[2]):
                found[_path(url)].add("news_sitemap")
    feed = ElementTree.fromstring(fetch(mock_site.url("/feed.xml"))[2])
    assert feed.tag == "rss" and feed.get("version") == "2.0"
    feed_links = [item.findtext("link") or "" for item in feed.iter("item")]
    for link in feed_links:
        found[_path(link)].add("feed")
    link_re = re.compile(r'href="(/[^"#?]*)')
    for section in manifest["sections"]:
        for path in link_re.findall(fetch(mock_site.url(section))[2].decode()):
            found[path].add("section")
    for path in link_re.findall(fetch(mock_site.url("/"))[2].decode()):
        found[path].add("home")

    order = ("feed", "sitemap", "news_sitemap", "section", "home")
    for path, entry in manifest["articles"].items():
        assert [s for s in order if s in found[path]] == entry["discovered_by"], path
        assert {"feed", "sitemap", "news_sitemap", "section"} & found[path], path
        if entry["feed_url"]:
            assert mock_site.url(entry["feed_url"]) in feed_links
    assert PRIVATE_PATH in found and found[PRIVATE_PATH] == {"home"}
    assert fetch(mock_site.url(PRIVATE_PATH))[0] == 200  # robots.txt, not the server, forbids it


# --- the mock site's extra pages ----------------------------------------------------------


def test_broken_pages_break_as_the_manifest_says(mock_site: MockSite) -> None:
    entries = mock_site.manifest["articles"]
    section = fetch(mock_site.url(SECTION_PATH))[2].decode()
    for case in ("server_error", "wrong_charset", "huge", "not_html", "not_found", "needs_js"):
        path = mock_site.path_of(case)
        entry = entries[path]
        assert entry["cases"][0] == case
        assert entry["discovered_by"] == ["section"]
        assert f'href="{path}"' in section
        status, headers, body = fetch(mock_site.url(path))
        assert status == entry["http_status"], case
        assert headers.get("Content-Type") == entry["content_type"], case
        if entry["is_article"]:
            decoded = body.decode("utf-8")
            assert all(p in decoded for p in entry["paragraphs"]), case
    assert fetch(mock_site.url(mock_site.path_of("server_error")))[0] == 500
    assert fetch(mock_site.url(mock_site.path_of("not_found")))[0] == 404
    pdf = fetch(mock_site.url(mock_site.path_of("not_html")))[2]
    assert pdf.startswith(b"%PDF-")
    huge = fetch(mock_site.url(mock_site.path_of("huge")))[2]
    assert len(huge) >= HUGE_BYTES
    wrong = fetch(mock_site.url(mock_site.path_of("wrong_charset")))[2]
    assert b'content="text/html; charset=windows-1256"' in wrong
    assert entries[mock_site.path_of("wrong_charset")]["declared_charset"] == "windows-1256"
    assert entries[mock_site.path_of("wrong_charset")]["paragraphs"][0] not in wrong.decode(
        "windows-1256"
    )


def test_js_only_page_is_an_empty_shell_with_the_article_in_json(mock_site: MockSite) -> None:
    path = mock_site.path_of("needs_js")
    assert path == "/ar/news/2024/05/js-only-article.html"
    entry = mock_site.manifest["articles"][path]
    assert entry["needs_js"] is True and entry["is_article"] is True
    markup = fetch(mock_site.url(path))[2].decode("utf-8")
    assert '<div id="app"></div>' in markup
    assert re.search(r"<noscript>[^<]*JavaScript[^<]*</noscript>", markup)
    blob = re.search(r'<script type="application/json" id="article-data">(.*?)</script>', markup)
    assert blob
    data = json.loads(blob.group(1))
    assert data["paragraphs"] == entry["paragraphs"]
    assert data["title"] == entry["title"] and data["published"] == entry["published"]
    outside_scripts = re.sub(r"<script.*?</script>", "", markup, flags=re.DOTALL)
    assert entry["paragraphs"][0] not in outside_scripts
    assert "js-only-article" not in "".join(p.name for p in SITE_DIR.rglob("*.html"))  # mock only


def test_slow_page_outlasts_a_client_timeout(mock_site: MockSite) -> None:
    assert mock_site.slow_seconds == 10
    started = time.monotonic()
    with pytest.raises(TimeoutError):
        fetch(mock_site.url(mock_site.path_of("timeout")), timeout=0.5)
    assert time.monotonic() - started < 3


def test_slow_page_answers_after_its_delay_and_stop_wakes_it() -> None:
    quick = start_mock_site(slow_seconds=0.2)
    try:
        status, _, body = fetch(quick.url(quick.path_of("timeout")))
        entry = quick.manifest["articles"][quick.path_of("timeout")]
        assert status == 200 and entry["paragraphs"][0] in body.decode("utf-8")
    finally:
        quick.stop()

    slow = start_mock_site()
    results: list[float] = []

    def wait_for_slow_page() -> None:
        began = time.monotonic()
        fetch(slow.url(slow.path_of("timeout")), timeout=15)
        results.append(time.monotonic() - began)

    worker = threading.Thread(target=wait_for_slow_page)
    worker.start()
    time.sleep(0.3)
    slow.stop()
    worker.join(timeout=15)
    assert results and results[0] < 5


# --- the seed -----------------------------------------------------------------------------


def test_write_seed_writes_a_valid_seed_for_this_port(mock_site: MockSite, tmp_path: Path) -> None:
    path = mock_site.write_seed(tmp_path)
    assert path == tmp_path / "mocknews.toml"
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    assert data == mock_site.seed_values()
    assert data["domain"] == mock_site.host_port and data["language"] == "ar"
    assert data["feeds"] == [mock_site.url("/feed.xml")]
    assert data["sections"] == [mock_site.url("/"), mock_site.url(SECTION_PATH)]
    assert data["article_url_pattern"] == ARTICLE_URL_PATTERN
    seed = load_seed(path)
    assert seed.id == "mocknews"
    for article_path in mock_site.manifest["articles"]:
        assert seed.is_article_url(mock_site.url(article_path)), article_path
    assert not seed.is_article_url(mock_site.url(SECTION_PATH))

    other = mock_site.write_seed(tmp_path / "js", id="mocknews_js", needs_js=True, sitemaps=None)
    assert other.name == "mocknews_js.toml"
    data = tomllib.loads(other.read_text(encoding="utf-8"))
    assert data["needs_js"] is True and "sitemaps" not in data
    assert load_seed(other).needs_js is True
    with pytest.raises(ValueError, match="not seed keys"):
        mock_site.write_seed(tmp_path, feed=["typo"])
