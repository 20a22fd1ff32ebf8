"""jusText's all-languages stop-word list, built once per process and shared by the workers.

trafilatura's full mode falls back on jusText, which classifies paragraphs by their share of
stop words. Without a target language trafilatura hands jusText the union of every language's
list (about 154,000 words) as a tuple, built at the first page that needs it; jusText turns
it into a lower-cased frozenset (cached by the tuple, so every later call hashes the whole
tuple again: about 4 ms). The first such page in a process costs about 160 ms and leaves
some 60 MB of peak memory, so a crawl's worker jumps in memory at its first short article,
long after it started, and again after each worker replacement.

:func:`install` builds the union once, already lower-cased, as a :class:`LoweredStoplist`
(about 18 MB and 110 ms), hands it to trafilatura, and lets jusText use such a list as it
is. The words are the same, so the results are too. The cleaning chain installs it at
import, which the workers' fork server does before forking, so every worker starts with
it, shared, and none builds its own.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from typing import Any


class LoweredStoplist(frozenset[str]):
    """A stop-word set whose words are already lower-case: jusText need not rebuild it."""


def _keep_lowered(original: Callable[[Iterable[str]], frozenset[str]]) -> Callable[..., Any]:
    def define_stoplist(stoplist: Iterable[str]) -> frozenset[str]:
        if isinstance(stoplist, LoweredStoplist):
            return stoplist
        return original(stoplist)

    define_stoplist.newscrawl_keeps_lowered = True  # type: ignore[attr-defined]
    return define_stoplist


def install() -> bool:
    """Give trafilatura the prebuilt union and jusText the shortcut.

    ``False`` if either library has moved the names this relies on: then nothing changes
    and both work as shipped.
    """
    # Imported by name: neither library ships type information for these attributes.
    justext_core: Any = importlib.import_module("justext.core")
    justext_utils: Any = importlib.import_module("justext.utils")
    external: Any = importlib.import_module("trafilatura.external")
    names = (
        hasattr(justext_core, "define_stoplist")
        and hasattr(external, "JT_STOPLIST")
        and hasattr(justext_utils, "get_stoplists")
    )
    if not names:
        return False
    if not getattr(justext_core.define_stoplist, "newscrawl_keeps_lowered", False):
        justext_core.define_stoplist = _keep_lowered(justext_core.define_stoplist)
    if not isinstance(external.JT_STOPLIST, LoweredStoplist):
        external.JT_STOPLIST = LoweredStoplist(
            word.lower()
            for language in justext_utils.get_stoplists()
            for word in justext_utils.get_stoplist(language)
        )
    return True
