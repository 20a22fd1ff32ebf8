"""jusText's all-languages stop-word list is built once, lower-cased, with the same words."""

from __future__ import annotations

import justext.core
import trafilatura.external
from justext.utils import get_stoplist, get_stoplists

import pipelines.cleaning.extract  # noqa: F401  (installs the list at import)
from pipelines.cleaning.stoplist import LoweredStoplist, install


def test_the_union_is_prebuilt_with_the_same_words() -> None:
    union = trafilatura.external.JT_STOPLIST
    assert isinstance(union, LoweredStoplist)
    expected = {w.lower() for language in get_stoplists() for w in get_stoplist(language)}
    assert union == expected
    assert len(union) > 100_000


def test_justext_uses_the_prebuilt_list_as_it_is_and_rebuilds_others() -> None:
    union = trafilatura.external.JT_STOPLIST
    assert justext.core.define_stoplist(union) is union
    assert justext.core.define_stoplist(("The", "and")) == frozenset({"the", "and"})


def test_installing_twice_changes_nothing() -> None:
    union = trafilatura.external.JT_STOPLIST
    shortcut = justext.core.define_stoplist
    assert install()
    assert trafilatura.external.JT_STOPLIST is union
    assert justext.core.define_stoplist is shortcut
