"""Build once, before any worker exists, what the cleaning chain builds at a process's first page.

A fresh process pays about 0.65 s of CPU on its first pages for things every later page
reuses: langdetect's language profiles (0.3 s, at the first page not in Arabic script), the
public-suffix trie of the page-metadata code (0.2 s), the phrase book's expressions
(0.15 s), and smaller caches in lxml, trafilatura and ``re``. A crawl starts one cleaning
worker per core and replaces each after ``NEWSCRAWL_EXTRACT_MAX_TASKS_PER_WORKER`` pages,
so each worker paid it again, and the first ones all at once while the crawl starts.

The worker pool's fork server imports this module (see
:data:`pipelines.workers.DEFAULT_PRELOAD`): importing it runs :func:`warm_up`, so every
worker is forked with all of that built. :func:`warm_up` then freezes the garbage
collector's view of those objects (``gc.freeze``), so the workers' collections do not walk
them (and do not copy the pages they share with the fork server).
"""

from __future__ import annotations

import gc
import logging
from datetime import UTC, datetime

logger = logging.getLogger(__name__)

#: A small page in each script the chain tells apart: the first pages of a crawl take the
#: paths a real page takes (decoding, metadata, the DOM rules, trafilatura, language).
_SAMPLES = (
    (
        "https://www.example.com/ar/news/2024/01/sample.html",
        "ar",
        "قال مسؤولون إن المحادثات بين الجانبين استمرت حتى ساعة متأخرة من الليل، وتناولت "
        "ملفات الاقتصاد والطاقة والتجارة الإقليمية، وفق ما أعلنت الوزارة في بيان.",
    ),
    (
        "https://www.example.com/en/news/2024/01/sample.html",
        "en",
        "Officials said the talks between the two sides went on late into the night and "
        "covered the economy, energy and regional trade, the ministry said in a statement.",
    ),
)


def _sample_page(url: str, language: str, paragraph: str) -> bytes:
    body = "".join(f"<p>{paragraph}</p>" for _ in range(6))
    return (
        f'<!doctype html><html lang="{language}"><head><meta charset="utf-8">'
        f"<title>Sample</title></head><body><nav><a href='/'>Home</a></nav>"
        f"<article><h1>Sample</h1>{body}</article><footer>Read more</footer></body></html>"
    ).encode()


def warm_up() -> None:
    """Build the chain's per-process caches, then freeze them for the collector."""
    from pipelines.cleaning.chain import clean_page
    from pipelines.cleaning.language import load_profiles
    from pipelines.cleaning.metadata.urls import site_label
    from pipelines.cleaning.model import PageInput
    from pipelines.cleaning.phrases import phrase_book

    load_profiles()
    phrase_book()
    site_label("https://www.example.com/")
    fetched_at = datetime.now(UTC)
    for url, language, paragraph in _SAMPLES:
        try:
            clean_page(
                PageInput(
                    body=_sample_page(url, language, paragraph), url=url, fetched_at=fetched_at
                )
            )
        except Exception:  # a warm-up that fails costs the workers time, nothing else
            logger.warning("Warming up the cleaning chain failed", exc_info=True)
    gc.collect()
    gc.freeze()


warm_up()
