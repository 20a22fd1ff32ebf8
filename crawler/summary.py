"""One-line summaries of a crawl's ``newscrawl/`` stats, for people and cron mail."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any


def _sum(stats: Mapping[str, Any], prefix: str) -> int:
    return sum(int(v) for k, v in stats.items() if k.startswith(prefix) and isinstance(v, int))


def drop_reasons(stats: Mapping[str, Any]) -> Counter[str]:
    """Dropped items by reason, over every pipeline (``newscrawl/<p>/dropped/<reason>``)."""
    reasons: Counter[str] = Counter()
    for key, value in stats.items():
        parts = key.split("/")
        if len(parts) >= 4 and parts[0] == "newscrawl" and parts[2] == "dropped":
            reasons["/".join(parts[3:])] += int(value)
    return reasons


def summarize(stats: Mapping[str, Any]) -> str:
    """A one-line account of what a crawl stored, dropped and failed to fetch.

    Articles that went to the spool because MongoDB was unreachable are named, and so are
    spooled articles written to MongoDB by this crawl (``newscrawl/mongo/replayed``).
    """
    new = int(stats.get("newscrawl/mongo/inserted", 0))
    updated = int(stats.get("newscrawl/mongo/updated", 0))
    unchanged = int(stats.get("newscrawl/mongo/unchanged", 0))
    fetched = int(stats.get("newscrawl/spider/fetched", 0))
    errors = _sum(stats, "newscrawl/spider/errors/")
    reasons = drop_reasons(stats)
    dropped = ", ".join(f"{reason} {n}" for reason, n in sorted(reasons.items())) or "none"
    spooled = int(stats.get("newscrawl/mongo/spooled", 0))
    replayed = int(stats.get("newscrawl/mongo/replayed", 0))
    if new:
        stored = f"stored {new} new article{'s' if new != 1 else ''}"
        if spooled:
            stored += f", {spooled} spooled (MongoDB unreachable)"
    elif spooled:
        stored = f"{spooled} article{'s' if spooled != 1 else ''} spooled (MongoDB unreachable)"
    else:
        stored = "no new articles stored"
    if replayed:
        stored += f", {replayed} written from the spool"
    if updated:
        stored += f", {updated} updated"
    if unchanged:
        stored += f", {unchanged} unchanged"
    skipped = int(stats.get("newscrawl/spider/skipped/already_stored", 0))
    if skipped:
        stored += f", {skipped} already stored (not fetched again)"
    return (
        f"newscrawl: {stored}; fetched {fetched} article pages; "
        f"dropped: {dropped}; failed requests: {errors}"
    )
