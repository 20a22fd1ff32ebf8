"""What every newscrawl item pipeline shares: its crawler, its switch and its stats prefix."""

from __future__ import annotations

from typing import Any, ClassVar, Self

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.settings import BaseSettings


class Component:
    """Base for pipelines: reads settings once and counts under ``newscrawl/<name>/``.

    Subclasses set ``name`` (the stats and settings component name) and read their own
    settings in :meth:`configure`. ``NEWSCRAWL_<NAME>_ENABLED = False`` turns a component off.
    """

    name: ClassVar[str] = "component"

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        assert crawler.stats is not None
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        switch = f"NEWSCRAWL_{cls.name.upper()}_ENABLED"
        if not settings.getbool(switch, True):
            raise NotConfigured(f"{cls.__name__} is off ({switch} = False)")
        component = cls(crawler)
        component.configure(settings)
        return component

    def configure(self, settings: BaseSettings) -> None:
        """Read this component's settings (called once, from :meth:`from_crawler`)."""

    def count(self, outcome: str, value: int = 1) -> None:
        """Add ``value`` to ``newscrawl/<name>/<outcome>``."""
        self.stats.inc_value(f"newscrawl/{self.name}/{outcome}", value)

    def seed_attr(self, site: str, attr: str, default: Any = None) -> Any:
        """An attribute of the running spider's seed ``site`` (``default`` when unknown)."""
        spider = self.crawler.spider
        seeds = getattr(spider, "seeds", {}) if spider is not None else {}
        seed = seeds.get(site)
        return getattr(seed, attr, default) if seed is not None else default
