"""Scheduled production crawls (``SCRAPY_PROJECT=prod``): fresh news only, quieter logs.

Set ``NEWSCRAWL_MONGO_URI`` in the environment for a real MongoDB.
"""

from settings.base import *  # noqa: F403

LOG_LEVEL = "INFO"
#: Skip sitemap and feed entries older than this (archives are not news).
NEWSCRAWL_SITEMAP_MAX_AGE_DAYS = 3
