"""Settings shared by every environment (dev, prod, test).

Every project setting starts with ``NEWSCRAWL_``. Values that operators set from the
environment (the MongoDB URI, the seeds folder) are read from environment variables of the
same name, so cron jobs and containers need no settings file.
"""

from __future__ import annotations

import os
from pathlib import Path

from settings.render import *  # noqa: F403  (Chromium rendering through scrapy-playwright)

PROJECT_ROOT = Path(__file__).resolve().parent.parent

BOT_NAME = "newscrawl"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"
COMMANDS_MODULE = "crawler.commands"

# --- Politeness -------------------------------------------------------------------------
USER_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Safari/537.36 newscrawl/0.1 (+https://github.com/newscrawl/newscrawl)"
)
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 32
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_DELAY = 0.25
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.5
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 16 * 1024 * 1024
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
RETRY_TIMES = 2
COOKIES_ENABLED = False
DEPTH_PRIORITY = 0

# --- Safety -----------------------------------------------------------------------------
# Scrapy's telnet console and its remote-control HTTP server run code sent to them.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False

# --- Engine -----------------------------------------------------------------------------
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"

# --- newscrawl --------------------------------------------------------------------------
#: Folder of seed files (one TOML file per site).
NEWSCRAWL_SEEDS = os.environ.get("NEWSCRAWL_SEEDS", str(PROJECT_ROOT / "seeds"))
#: MongoDB URI; empty means the embedded default server (nx-27017) in NEWSCRAWL_DATA_DIR.
NEWSCRAWL_MONGO_URI = os.environ.get("NEWSCRAWL_MONGO_URI", "")
NEWSCRAWL_MONGO_DATABASE = os.environ.get("NEWSCRAWL_MONGO_DATABASE", "newscrawl")
#: Where the embedded store keeps its data (and its pid and log files).
NEWSCRAWL_DATA_DIR = os.environ.get("NEWSCRAWL_DATA_DIR", str(PROJECT_ROOT / "data"))
#: Port of the embedded store on 127.0.0.1.
NEWSCRAWL_EMBEDDED_PORT = int(os.environ.get("NEWSCRAWL_EMBEDDED_PORT", "27117"))
NEWSCRAWL_MONGO_BATCH_SIZE = 100
#: The longest an article waits in the write buffer before it is written.
NEWSCRAWL_MONGO_FLUSH_SECONDS = 5.0
#: Connect and server-selection timeout.
NEWSCRAWL_MONGO_TIMEOUT_MS = 5000
#: Write concern ``w`` ("majority" or a number); empty keeps the server's default.
NEWSCRAWL_MONGO_WRITE_CONCERN = os.environ.get("NEWSCRAWL_MONGO_WRITE_CONCERN", "")
#: Extra attempts of a batch after a transient error (network, failover), with backoff.
NEWSCRAWL_MONGO_RETRIES = 3
#: Where batches go when MongoDB stays down (default: <NEWSCRAWL_DATA_DIR>/spool); they are
#: replayed at the end of the crawl or at the next start, or with `scrapy store replay`.
NEWSCRAWL_SPOOL_DIR = os.environ.get("NEWSCRAWL_SPOOL_DIR", str(Path(NEWSCRAWL_DATA_DIR) / "spool"))
NEWSCRAWL_SPOOL_ENABLED = True
#: When MongoDB is unreachable as the crawl starts: False (default) stops before any fetch
#: with exit status 2; True crawls anyway, every article into the spool (needs
#: NEWSCRAWL_SPOOL_ENABLED), written to MongoDB once it answers. Environment: 1/true/yes.
NEWSCRAWL_SPOOL_ON_START_FAILURE = os.environ.get(
    "NEWSCRAWL_SPOOL_ON_START_FAILURE", ""
).strip().lower() in {"1", "true", "yes"}
#: Seconds between tries of an unreachable MongoDB during a crawl: the store pipeline
#: (spool-only since the start) tries to reconnect this often, and the spider's "already
#: stored?" lookup, after a failure, fetches article links without asking for this long.
#: The duplicate check has its own pause, NEWSCRAWL_DEDUP_RETRY_SECONDS (30 as well).
NEWSCRAWL_STORE_RETRY_SECONDS = 30.0
#: Section pages: how many hops of same-site listing links are followed from a section page.
NEWSCRAWL_SECTION_DEPTH = 1
#: Skip feed and sitemap entries dated older than this many days (0: no limit).
NEWSCRAWL_SITEMAP_MAX_AGE_DAYS = 0.0
#: Languages to keep (ISO 639-1); empty keeps every language.
NEWSCRAWL_LANGUAGES: list[str] = []

#: Write the final crawl stats as JSON to this file (for cron jobs and monitoring).
NEWSCRAWL_STATS_FILE = os.environ.get("NEWSCRAWL_STATS_FILE", "")

DOWNLOADER_MIDDLEWARES = {
    # Scrapy's meta-refresh redirects, reading only the head of each page (it decoded and
    # kept the whole page): same place in the chain
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "crawler.metarefresh.HeadMetaRefreshMiddleware": 580,
    # after decompression and redirects, before retries: routes JS pages to Chromium
    "crawler.middlewares.RenderMiddleware": 585,
}

EXTENSIONS = {
    "crawler.extensions.CrawlSummary": 500,
}

# --- Cleaning in worker processes ------------------------------------------------------
#: Worker processes for the cleaning chain: None = one per usable core, 0 = clean inline.
NEWSCRAWL_EXTRACT_WORKERS: int | None = None
#: Pages waiting for a worker before downloads pause (None: 2 x workers).
NEWSCRAWL_EXTRACT_QUEUE_SIZE: int | None = None
#: Pages handed to one worker at a time.
NEWSCRAWL_EXTRACT_PREFETCH = 2
#: Seconds one page may take before its worker is replaced and the page dropped (counted).
NEWSCRAWL_EXTRACT_TIMEOUT = 120.0
#: Workers are replaced after this many pages, so their memory stays flat.
NEWSCRAWL_EXTRACT_MAX_TASKS_PER_WORKER = 1000
NEWSCRAWL_EXTRACT_START_METHOD = "forkserver"
#: Pause downloads while every worker is busy and the queue is full.
NEWSCRAWL_EXTRACT_BACKPRESSURE = True
#: Items processed at once per response (Scrapy's default of 100 starts that many tasks).
CONCURRENT_ITEMS = 16
#: Bytes of fetched pages whose items are still in the pipelines before Scrapy stops
#: downloading (its default is 5 MB). Pages wait for a worker and then for the duplicate
#: check's next batch, up to about 200 pages of ~100 KB at once; with 5 MB the engine
#: stopped downloading while the workers ran dry. Bounded, so memory does not grow with
#: the crawl.
SCRAPER_SLOT_MAX_ACTIVE_SIZE = 24_000_000

ITEM_PIPELINES = {
    "pipelines.extract.ExtractPipeline": 100,
    "pipelines.language.LanguagePipeline": 200,
    "pipelines.quality.QualityPipeline": 300,
    "pipelines.dedup.DedupPipeline": 400,
    "pipelines.mongo.MongoPipeline": 900,
}

# --- Dedup and article lifecycle (issue 4) ----------------------------------------------
#: Do not request article URLs the store already has (asked in batches before each request).
NEWSCRAWL_SKIP_STORED = True
#: Stored URLs remembered in memory by the spider (least recently used forgotten first).
NEWSCRAWL_KNOWN_CACHE_SIZE = 100_000
#: Fetch stored articles again while they are young, to catch corrections (new versions).
NEWSCRAWL_REFETCH_ENABLED = False
#: Only articles first seen less than this many hours ago are fetched again.
NEWSCRAWL_REFETCH_HOURS = 48.0
#: At most this many re-fetches per article.
NEWSCRAWL_REFETCH_MAX = 3
#: Copies of a stored story: "link" (store with duplicate_of and a shared cluster_id) or "drop".
NEWSCRAWL_DUPLICATES = "link"
#: The duplicate check asks the store about articles in batches (fixed round trips per batch):
#: at most this many per batch, and a batch that is not full waits up to this long for more
#: (less once items stop arriving for a fifth of it).
NEWSCRAWL_DEDUP_BATCH_SIZE = 64
NEWSCRAWL_DEDUP_LINGER_SECONDS = 0.5
#: After a store error the duplicate check lets articles pass unchecked for this long.
NEWSCRAWL_DEDUP_RETRY_SECONDS = 30.0
#: Where the near-duplicate index keeps its band buckets: "auto" (a SQLite file in
#: NEWSCRAWL_DATA_DIR/neardup/ with the embedded store, the store itself with a URI) or "store".
NEWSCRAWL_NEARDUP_BANDS = "auto"
