"""Settings of the naive baseline crawl (:mod:`bench.naive`): same network settings as
:mod:`bench.settings`, no project pipelines or extensions."""

from bench.network_settings import *  # noqa: F403

BOT_NAME = "naive"
SPIDER_MODULES = ["bench.naive"]
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
ROBOTSTXT_OBEY = True
LOG_LEVEL = "INFO"
COOKIES_ENABLED = False
ITEM_PIPELINES: dict[str, int] = {}
#: The benchmark's probe (CPU, peak memory, MongoDB round trips); off unless
#: BENCH_PROBE_FILE is set.
EXTENSIONS = {"bench.probe.BenchProbe": 900}
