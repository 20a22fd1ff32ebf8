"""``python -m pipelines.storage status|replay|stop``: store chores without Scrapy.

Settings come from the project defaults (settings/base.py, which reads the
``NEWSCRAWL_*`` environment variables), so cron jobs set the same variables as crawls.
"""

from __future__ import annotations

import argparse
import logging
import sys
from typing import Any

from pipelines.storage.errors import StoreUnavailableError
from pipelines.storage.maintenance import replay_spool, stop_embedded, store_status


def _settings() -> dict[str, Any]:
    from settings import base

    return {name: getattr(base, name) for name in dir(base) if name.startswith("NEWSCRAWL_")}


ACTIONS = ("status", "replay", "stop")


def run_action(action: str, settings: Any) -> int:
    """Run one store chore with ``settings`` (a mapping of NEWSCRAWL_ settings); exit status."""
    try:
        if action == "status":
            status = store_status(settings)
            where = "embedded server" if status.embedded else "MongoDB"
            state = ""
            if status.embedded:
                running = status.embedded_pid is not None
                state = f" (running, PID {status.embedded_pid})" if running else " (stopped)"
            print(f"{where}: {status.uri}{state}")
            print(f"spool: {status.spooled_articles} articles in {status.spool_files} files")
        elif action == "replay":
            result = replay_spool(settings)
            print(
                f"replayed {result.written} articles ({result.inserted} new), skipped "
                f"{result.skipped}, damaged {result.damaged}, refused {result.errors}; "
                f"{result.done} files done, {result.kept} kept"
            )
            return 1 if result.kept else 0
        else:
            print("stopped" if stop_embedded(settings) else "the embedded server was not running")
    except StoreUnavailableError as exc:
        print(f"newscrawl: {exc}", file=sys.stderr)
        return 2
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipelines.storage", description=__doc__)
    parser.add_argument("action", choices=ACTIONS)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    return run_action(args.action, _settings())


if __name__ == "__main__":
    sys.exit(main())
