"""Settings for the test suite (``SCRAPY_PROJECT=test``): fast, local, deterministic."""

from settings.base import *  # noqa: F403

LOG_LEVEL = "WARNING"
AUTOTHROTTLE_ENABLED = False
DOWNLOAD_DELAY = 0
CONCURRENT_REQUESTS_PER_DOMAIN = 16
DOWNLOAD_TIMEOUT = 5
RETRY_ENABLED = False
NEWSCRAWL_MONGO_BATCH_SIZE = 10
#: Chromium makes no name lookups in tests (it tries Google's hosts even with the flags).
NEWSCRAWL_RENDER_HOST_RESOLVER_RULES = "MAP * ~NOTFOUND , EXCLUDE 127.0.0.1, EXCLUDE localhost"
