"""Settings of the benchmark crawl: the project's settings, minus politeness towards localhost.

The benchmark site is one local server, and the point is to measure what the machine can
do, so per-domain delays and AutoThrottle are off and concurrency is that of a crawl of
many sites at once. Everything else (spider, pipelines, store) is the production setup.
Selected with ``SCRAPY_SETTINGS_MODULE=bench.settings``.
"""

# Order matters: the shared network settings override the project's politeness settings.
from settings.base import *  # noqa: F403, I001
from bench.network_settings import *  # noqa: F403

LOG_LEVEL = "INFO"

#: The benchmark's probe (CPU, peak memory, MongoDB round trips); off unless
#: BENCH_PROBE_FILE is set.
EXTENSIONS = {**EXTENSIONS, "bench.probe.BenchProbe": 900}  # noqa: F405
