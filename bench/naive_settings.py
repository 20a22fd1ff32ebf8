"""Settings of the naive baseline crawl (:mod:`bench.naive`): same network settings as
:mod:`bench.settings`, no project pipelines or extensions."""

BOT_NAME = "naive"
SPIDER_MODULES = ["bench.naive"]
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
ROBOTSTXT_OBEY = True
LOG_LEVEL = "INFO"
AUTOTHROTTLE_ENABLED = False
DOWNLOAD_DELAY = 0
CONCURRENT_REQUESTS = 32
CONCURRENT_REQUESTS_PER_DOMAIN = 32
RETRY_ENABLED = False
DOWNLOAD_TIMEOUT = 30
COOKIES_ENABLED = False
ITEM_PIPELINES: dict[str, int] = {}
#: The benchmark's probe (CPU, peak memory, MongoDB round trips); off unless
#: BENCH_PROBE_FILE is set.
EXTENSIONS = {"bench.probe.BenchProbe": 900}
