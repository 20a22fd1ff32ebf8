"""Benchmark rendering: pages per second and peak memory, rendered against plain.

Serves a local news site of JavaScript-built article pages (an empty app root, the article
in a JSON blob, images, a web font and a tracker that the browser must skip) on 127.0.0.1,
then fetches them with the crawl's own download handler and routing middleware:

- ``rendered``: through Chromium (a ``needs_js`` seed), at 1, 4 and 8 concurrent pages,
  with the default settings (pages reused, NEWSCRAWL_RENDER_REUSE_PAGES);
- ``rendered-new``: the same with a new page for every request;
- ``plain``: the same pages over plain HTTP, for the cost ratio rendered/plain per page.

Each configuration runs in a fresh ``scrapy`` process. Memory is the proportional set size
(PSS, shared pages split between processes) of that process plus everything it starts
(Playwright's driver and Chromium's processes), sampled every 50 ms; the peak is reported.
Throughput and CPU per page are measured after the first ``concurrency`` pages (browser
start-up excluded, and reported separately as ``start s``); CPU is that of the whole process
tree (Scrapy, Playwright's driver, every Chromium process). ``CPU s total`` is the whole
run's, start-up included. On a busy machine the wall-clock figures move a lot; CPU per
page much less.

``--long`` renders 500 pages at 4 concurrent pages and checks that memory is flat at the
end: every page closed, and the memory of the last fifth of the run within 10 % of the
second fifth (the first fifth holds the browser's start-up).

Usage (from the repository root, Chromium installed)::

    python -m bench.render                 # 1, 4, 8 concurrent pages, 48 pages each
    python -m bench.render --pages 96 --concurrency 1 4 8
    python -m bench.render --long          # 500 rendered pages, memory check

For experiments, ``BENCH_CHROMIUM_ARGS="--flag …"`` adds Chromium flags and
``BENCH_SET_<SETTING>=value`` sets a crawl setting in the worker (for example
``BENCH_SET_NEWSCRAWL_RENDER_PAGE_MAX_USES=100``).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

PARAGRAPH = (
    "قال مسؤولون في وزارة الخارجية إن جولة جديدة من المفاوضات ستبدأ الأسبوع المقبل في "
    "العاصمة، بمشاركة وفود من عدة دول، وسط آمال بالتوصل إلى اتفاق ينهي الأزمة التي تعصف "
    "بالمنطقة منذ أشهر، ويعيد الاستقرار إلى الأسواق التي تأثرت بشدة بالتطورات الأخيرة."
)

#: ``rendered`` reuses pages (the default settings); ``rendered-new`` opens a page per request.
MODES = ("plain", "rendered", "rendered-new")

#: The worker samples its memory (with the browser's) every this many pages.
SAMPLE_EVERY = 10

#: Marker at the end of every article body: a rendered page that has it is complete.
END_MARK = "نهاية المقال"

_PAGE = """<!doctype html>
<html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>{title}</title>
<link rel="stylesheet" href="/static/site.css">
<script async src="https://www.googletagmanager.com/gtag/js?id=G-BENCH"></script>
</head><body>
<header><nav>{nav}</nav></header>
<div id="app"></div>
<noscript>يرجى تفعيل جافا سكريبت لقراءة هذا المقال.</noscript>
<img src="/static/hero-{n}.jpg" alt=""><img src="/static/ad-{n}.png" alt="">
<script type="application/json" id="article-data">{data}</script>
<script>
(function () {{
  const data = JSON.parse(document.getElementById("article-data").textContent);
  const app = document.getElementById("app");
  const article = document.createElement("article");
  const h1 = document.createElement("h1");
  h1.textContent = data.title;
  article.appendChild(h1);
  for (const text of data.paragraphs) {{
    const p = document.createElement("p");
    p.textContent = text;
    article.appendChild(p);
  }}
  // Like real sites, the body arrives a little after the page.
  setTimeout(() => app.appendChild(article), 50);
}})();
</script>
<footer>© 2024 موقع الأخبار</footer>
</body></html>"""

_CSS = (
    "@font-face { font-family: 'News'; src: url('/static/news.woff2') format('woff2'); }\n"
    "body { font-family: 'News', sans-serif; background: url('/static/bg.png'); }\n"
)


def article_page(n: int) -> bytes:
    """The JavaScript-built article page number ``n`` (about 10 KB)."""
    paragraphs = [f"{PARAGRAPH} ({n}.{i})" for i in range(10)] + [END_MARK]
    data = json.dumps({"title": f"خبر رقم {n}", "paragraphs": paragraphs}, ensure_ascii=False)
    nav = " ".join(f'<a href="/ar/section/{i}/">قسم {i}</a>' for i in range(20))
    return _PAGE.format(title=f"خبر رقم {n}", nav=nav, n=n, data=data).encode()


class _SiteHandler(BaseHTTPRequestHandler):
    """Article pages under /bench/article/N.html, a stylesheet, and 404 for the rest."""

    def log_message(self, format: str, *args: Any) -> None:
        """Keep the benchmark's output clean."""

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        self.server.hits[path.rsplit(".", 1)[-1]] += 1  # type: ignore[attr-defined]
        if path.startswith("/bench/article/") and path.endswith(".html"):
            number = path.removeprefix("/bench/article/").removesuffix(".html")
            if number.isdigit():
                self._send(200, "text/html; charset=utf-8", article_page(int(number)))
                return
        if path == "/static/site.css":
            self._send(200, "text/css", _CSS.encode())
            return
        self._send(404, "text/plain", b"not found")

    def _send(self, status: int, content_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class BenchSite:
    """The local site, served from a thread of this process."""

    def __init__(self) -> None:
        from collections import Counter

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _SiteHandler)
        self.server.daemon_threads = True
        self.server.hits = Counter()  # type: ignore[attr-defined]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> BenchSite:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


# --- memory of a process tree ------------------------------------------------------------


def _children(pid: int) -> list[int]:
    kids: list[int] = []
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except OSError:  # the process has just exited
        return kids
    for task in tasks:
        try:
            kids += [int(k) for k in (task / "children").read_text().split()]
        except OSError:
            continue
    return kids


def process_tree(pid: int) -> Iterator[int]:
    """``pid`` and all its descendants alive now."""
    stack = [pid]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(_children(current))


def pss_kib(pid: int) -> int:
    """Proportional set size of one process in KiB (RSS when PSS is not readable)."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def cpu_seconds(pid: int) -> float:
    """CPU seconds of one process, plus those of its children that it has reaped."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    # After the name: state is field 3, utime..cstime are fields 14..17 (1-based).
    ticks = sum(int(v) for v in fields[11:15])
    return ticks / os.sysconf("SC_CLK_TCK")


def tree_cpu_seconds(pid: int) -> float:
    """CPU seconds of ``pid`` and its descendants (live ones, and reaped ones through
    their parents), so renderer processes that come and go are counted."""
    return sum(cpu_seconds(p) for p in process_tree(pid))


def tree_pss_mib(pid: int) -> float:
    """PSS of ``pid`` and its descendants, in MiB."""
    return sum(pss_kib(p) for p in process_tree(pid)) / 1024


@dataclass
class RunResult:
    """One configuration's figures."""

    mode: str
    concurrency: int
    pages: int
    ok_pages: int
    steady_pages_per_s: float
    startup_s: float
    total_s: float
    cpu_s: float
    steady_cpu_per_page: float
    peak_mib: float
    samples: list[tuple[float, float]] = field(default_factory=list)
    memory_by_pages: list[tuple[int, float]] = field(default_factory=list)
    stats: dict[str, Any] = field(default_factory=dict)

    @property
    def s_per_page(self) -> float:
        return 1 / self.steady_pages_per_s if self.steady_pages_per_s else float("nan")

    @property
    def total_cpu_per_page(self) -> float:
        """CPU seconds of the whole run (start-up included) per page."""
        return self.cpu_s / self.pages if self.pages else float("nan")


def run_config(base: str, mode: str, concurrency: int, pages: int) -> RunResult:
    """Run one worker process and sample its memory until it exits."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    command = [
        sys.executable,
        "-m",
        "bench.render",
        "--worker",
        "--base",
        base,
        "--mode",
        mode,
        "--concurrency",
        str(concurrency),
        "--pages",
        str(pages),
    ]
    started = time.monotonic()
    proc = subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    samples: list[tuple[float, float]] = []
    while proc.poll() is None:
        samples.append((time.monotonic() - started, tree_pss_mib(proc.pid)))
        time.sleep(0.05)
    stdout, stderr = proc.communicate()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0 or not stdout.strip():
        raise SystemExit(f"worker failed ({proc.returncode}):\n{stderr[-3000:]}")
    report = json.loads(stdout.strip().splitlines()[-1])
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return RunResult(
        mode=mode,
        concurrency=concurrency,
        pages=pages,
        ok_pages=report["ok_pages"],
        steady_pages_per_s=report["steady_pages_per_s"],
        startup_s=report["startup_s"],
        total_s=report["total_s"],
        cpu_s=cpu,
        steady_cpu_per_page=float(report["steady_cpu_per_page"]),
        peak_mib=max((mib for _, mib in samples), default=0.0),
        samples=samples,
        stats=report["stats"],
        memory_by_pages=[(int(n), float(mib)) for n, mib in report["memory"]],
    )


# --- the worker: one crawl in this process --------------------------------------------------


def worker(base: str, mode: str, concurrency: int, pages: int) -> None:
    """Fetch ``pages`` article pages (rendered or plain) and print the figures as JSON."""
    from scrapy import Request, Spider
    from scrapy.crawler import CrawlerProcess
    from scrapy.http import Response

    import settings.render as render_settings
    from crawler.rendering import TEST_HOST_RESOLVER_RULES
    from crawler.seeds import Seed

    domain = base.removeprefix("http://")
    seed = Seed.from_mapping(
        {
            "id": "bench",
            "name": "bench",
            "domain": domain,
            "language": "ar",
            "needs_js": mode != "plain",
            "sections": [f"{base}/"],
            "article_url_pattern": "/bench/article/",
        }
    )
    times: list[float] = []
    ok: list[bool] = []
    #: CPU seconds of this process and its browser after the warm-up page and at the end.
    cpu_marks: dict[str, float] = {}
    warm = min(concurrency, pages - 1)
    #: (pages done, PSS MiB of this process and its browser) every SAMPLE_EVERY pages.
    memory: list[tuple[int, float]] = []

    class RenderBenchSpider(Spider):
        name = "render_bench"

        def __init__(self, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self.seeds = {"bench": seed}

        async def start(self) -> AsyncIterator[Request]:
            for n in range(pages):
                yield Request(
                    f"{base}/bench/article/{n}.html",
                    callback=self.parse,
                    dont_filter=True,
                    meta={"newscrawl_kind": "article", "newscrawl_seed": "bench"},
                )

        def parse(self, response: Response) -> None:
            times.append(time.monotonic())
            if len(times) == warm + 1:
                cpu_marks["warm"] = tree_cpu_seconds(os.getpid())
            if len(times) == pages:
                cpu_marks["end"] = tree_cpu_seconds(os.getpid())
            if len(times) % SAMPLE_EVERY == 0:
                memory.append((len(times), tree_pss_mib(os.getpid())))
            rendered = "playwright" in response.flags
            ok.append(
                rendered == (mode != "plain")
                and (END_MARK.encode() in response.body if rendered else True)
            )

    settings = {name: getattr(render_settings, name) for name in render_settings.__all__}
    extra_args = os.environ.get("BENCH_CHROMIUM_ARGS", "").split()
    if extra_args:
        options = dict(settings["PLAYWRIGHT_LAUNCH_OPTIONS"])
        options["args"] = [*options["args"], *extra_args]
        settings["PLAYWRIGHT_LAUNCH_OPTIONS"] = options
    for name, value in os.environ.items():
        if name.startswith("BENCH_SET_"):
            settings[name.removeprefix("BENCH_SET_")] = value
    if mode == "rendered-new":
        settings["NEWSCRAWL_RENDER_REUSE_PAGES"] = False
    settings |= {
        "DOWNLOADER_MIDDLEWARES": {"crawler.middlewares.RenderMiddleware": 585},
        "NEWSCRAWL_RENDER_FALLBACK_ENABLED": False,
        "NEWSCRAWL_RENDER_HOST_RESOLVER_RULES": TEST_HOST_RESOLVER_RULES,
        "CONCURRENT_REQUESTS": concurrency,
        "CONCURRENT_REQUESTS_PER_DOMAIN": concurrency,
        "PLAYWRIGHT_MAX_PAGES_PER_CONTEXT": concurrency,
        "DOWNLOAD_DELAY": 0,
        "AUTOTHROTTLE_ENABLED": False,
        "ROBOTSTXT_OBEY": False,
        "COOKIES_ENABLED": False,
        "RETRY_ENABLED": False,
        "LOG_LEVEL": "ERROR",
        "TELNETCONSOLE_ENABLED": False,
        "REMOTE_CONTROL_ENABLED": False,
        "TWISTED_REACTOR": "twisted.internet.asyncioreactor.AsyncioSelectorReactor",
        "USER_AGENT": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/126.0.0.0 Safari/537.36",
    }
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(RenderBenchSpider)
    started = time.monotonic()
    process.crawl(crawler)
    process.start()
    total = time.monotonic() - started
    steady = (len(times) - 1 - warm) / (times[-1] - times[warm]) if len(times) > warm + 1 else 0.0
    assert crawler.stats is not None
    stats = {
        k: v
        for k, v in crawler.stats.get_stats().items()
        if k.startswith(
            (
                "playwright/page_count",
                "playwright/request_count/aborted",
                "newscrawl/render/",
                "playwright/context_count",
            )
        )
    }
    print(
        json.dumps(
            {
                "ok_pages": sum(ok),
                "steady_pages_per_s": steady,
                "startup_s": (times[warm] - started) if times else total,
                "total_s": total,
                "steady_cpu_per_page": (cpu_marks["end"] - cpu_marks["warm"]) / (pages - warm - 1)
                if len(cpu_marks) == 2 and pages > warm + 1
                else float("nan"),
                "stats": stats,
                "memory": memory,
            }
        )
    )


# --- the report ---------------------------------------------------------------------------------


def print_table(results: list[RunResult]) -> None:
    header = (
        f"{'mode':<12} {'at once':>7} {'pages':>6} {'ok':>4} {'pages/s':>8} {'s/page':>7} "
        f"{'CPU ms/page':>11} {'CPU s total':>11} {'start s':>8} {'peak MiB':>9}"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        print(
            f"{r.mode:<12} {r.concurrency:>7} {r.pages:>6} {r.ok_pages:>4} "
            f"{r.steady_pages_per_s:>8.2f} {r.s_per_page:>7.3f} "
            f"{r.steady_cpu_per_page * 1000:>11.1f} {r.cpu_s:>11.1f} "
            f"{r.startup_s:>8.2f} {r.peak_mib:>9.0f}"
        )


def main_bench(concurrencies: list[int], pages: int) -> int:
    results: list[RunResult] = []
    with BenchSite() as site:
        for concurrency in concurrencies:
            for mode in MODES:
                results.append(run_config(site.base, mode, concurrency, pages))
        hits = dict(site.server.hits)  # type: ignore[attr-defined]
    print(
        f"Local site, {pages} JavaScript-built article pages per run, "
        f"{os.cpu_count()} CPUs; memory = PSS of the Scrapy process plus Chromium\n"
    )
    print_table(results)
    print("\nCost ratio rendered/plain per page (after warm-up):")
    for concurrency in concurrencies:
        runs = {r.mode: r for r in results if r.concurrency == concurrency}
        plain = runs["plain"]
        for mode in MODES[1:]:
            rendered = runs[mode]
            print(
                f"  {mode:<13} {concurrency} at once: "
                f"{rendered.s_per_page / plain.s_per_page:6.1f}x time, "
                f"{rendered.steady_cpu_per_page / plain.steady_cpu_per_page:6.1f}x CPU, "
                f"+{rendered.peak_mib - plain.peak_mib:.0f} MiB peak memory"
            )
    rendered_runs = [r for r in results if r.mode != "plain"]
    aborted = sum(int(r.stats.get("playwright/request_count/aborted", 0)) for r in rendered_runs)
    print(
        f"\nBrowser requests aborted (images, fonts, trackers): {aborted}; "
        f"server hits by extension: {hits}"
    )
    bad = [r for r in results if r.ok_pages != r.pages]
    for r in bad:
        print(f"ERROR: {r.mode} at {r.concurrency}: only {r.ok_pages} of {r.pages} pages complete")
    return 1 if bad else 0


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[len(ordered) // 2] if ordered else 0.0


def main_long(pages: int, concurrency: int) -> int:
    with BenchSite() as site:
        result = run_config(site.base, "rendered", concurrency, pages)
    print(
        f"Long run: {pages} rendered pages, {concurrency} at once, "
        f"{result.total_s:.0f} s, {result.steady_pages_per_s:.2f} pages/s, "
        f"peak {result.peak_mib:.0f} MiB (PSS, Scrapy process plus Chromium)\n"
    )
    by_pages = result.memory_by_pages
    step = max(pages // 10, SAMPLE_EVERY)
    print("Memory (MiB) after N pages:")
    for n, mib in by_pages:
        if n % step == 0:
            print(f"  {n:>5} {mib:7.0f}")
    # Flat: the last fifth of the run holds no more memory than the middle one (+10 %).
    middle = _median([m for n, m in by_pages if 0.4 * pages < n <= 0.6 * pages])
    end = _median([m for n, m in by_pages if n > 0.8 * pages])
    growth = (end - middle) / middle if middle else float("inf")
    stats = result.stats
    opened = int(stats.get("newscrawl/render/pages/opened", 0))
    closed = int(stats.get("newscrawl/render/pages/closed", 0))
    contexts = int(stats.get("playwright/context_count", 0))
    print(
        f"\nPages opened {opened}, closed {closed}, at most "
        f"{stats.get('playwright/page_count/max_concurrent')} open at once; "
        f"browser contexts {contexts}; complete pages {result.ok_pages} of {pages}"
    )
    flat = opened == closed and contexts == 1 and result.ok_pages == pages and growth <= 0.10
    print(
        f"Memory, middle fifth -> last fifth: {middle:.0f} -> {end:.0f} MiB ({growth:+.1%}): "
        f"{'FLAT' if flat else 'NOT FLAT'}"
    )
    return 0 if flat else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 4, 8])
    parser.add_argument(
        "--pages", type=int, default=None, help="pages per run (default 48; 500 with --long)"
    )
    parser.add_argument("--long", action="store_true", help="500 rendered pages, memory check")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--base", help=argparse.SUPPRESS)
    parser.add_argument("--mode", choices=MODES, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(args.base, args.mode, args.concurrency[0], args.pages)
        return 0
    from crawler.rendering import DEFAULT_CHROMIUM, chromium_problem

    problem = chromium_problem(os.environ.get("NEWSCRAWL_CHROMIUM", DEFAULT_CHROMIUM))
    if problem:
        print(problem, file=sys.stderr)
        return 2
    if args.long:
        return main_long(args.pages or 500, 4)
    return main_bench(args.concurrency, args.pages or 48)


if __name__ == "__main__":
    raise SystemExit(main())
