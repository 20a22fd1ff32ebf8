"""Language pipeline: the article's language, seed mismatches, optional language filter.

The cleaning chain has already detected the language on the clean text. Here an article whose
language differs from its seed's is flagged (``language_mismatch``) and counted, but stored
with its detected language; ``NEWSCRAWL_LANGUAGES`` (empty by default) drops the others.
"""

from __future__ import annotations

from typing import Any

from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem
from scrapy.settings import BaseSettings

from pipelines.base import Component


class LanguagePipeline(Component):
    """Check the detected language against the seed and the allowed languages."""

    name = "language"

    def configure(self, settings: BaseSettings) -> None:
        self.allowed = frozenset(settings.getlist("NEWSCRAWL_LANGUAGES"))

    def process_item(self, item: Any, spider: Any = None) -> Any:
        adapter = ItemAdapter(item)
        if not adapter.get("language") and adapter.get("text"):
            # Imported here: the crawl process only needs it for items cleaned without it.
            from pipelines.cleaning.chain import detect_language

            language, confidence = detect_language(adapter["text"])
            adapter["language"] = language
            adapter["language_confidence"] = confidence
        language = adapter.get("language")
        if language is None:
            self.count("undetected")
        else:
            self.count(f"detected/{language}")
        expected = self.seed_attr(adapter["site"], "language")
        if language and expected and language != expected:
            adapter["language_mismatch"] = True
            self.count(f"mismatch/{expected}_{language}")
        if self.allowed and language not in self.allowed:
            self.count(f"dropped/{language}")
            raise DropItem(
                f"language {language} not in NEWSCRAWL_LANGUAGES: {adapter['url']}",
                log_level="INFO",
            )
        return item
