"""Network settings shared by the benchmark crawl and the naive baseline crawl.

Both crawl one local server, so politeness towards it is off and concurrency is that of a
crawl of many sites at once; keeping them in one module keeps the comparison fair.
"""

AUTOTHROTTLE_ENABLED = False
DOWNLOAD_DELAY = 0
CONCURRENT_REQUESTS = 32
CONCURRENT_REQUESTS_PER_DOMAIN = 32
RETRY_ENABLED = False
DOWNLOAD_TIMEOUT = 30
