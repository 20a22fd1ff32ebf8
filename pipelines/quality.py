"""Quality pipeline: only news articles go on; everything else is dropped with a reason."""

from __future__ import annotations

from typing import Any

from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem

from pipelines.base import Component


class QualityPipeline(Component):
    """Drop pages the cleaning chain judged not to be an article, counted by reason."""

    name = "quality"

    def process_item(self, item: Any, spider: Any = None) -> Any:
        adapter = ItemAdapter(item)
        if not adapter.get("is_article", True) or not adapter.get("text"):
            reason = adapter.get("reason") or "empty_text"
            self.count(f"dropped/{reason}")
            raise DropItem(f"not an article ({reason}): {adapter['url']}", log_level="INFO")
        self.count("passed")
        return item
