"""``$in`` lists cut and padded to a few fixed lengths, so the store's memory stays flat.

The embedded store (nx-27017 on SQLite) turns ``{"_id": {"$in": [...]}}`` into an SQL ``IN``
list with one parameter per value, and SQLite keeps up to 128 prepared statements per
connection. Lists of a new length are a new statement, and one with thousands of parameters
is large: 300 look-ups of 2,000 to 2,800 random keys took the server from 34 to 98 MB,
while the same look-ups padded here left it at 35 MB (``python -m bench.store_memory``). A
crawl asks such lists of every length (band keys of a batch, candidate ids, stored URLs),
so the server grew with the number of batches: 40 MB after a 1,000-page crawl, 57 MB after
10,000.

:func:`in_lists` yields lists whose lengths are powers of two, at most ``limit``: a value
list is cut into ``limit``-long pieces and the last piece is padded by repeating its last
value (a repeated value matches the same document once, on MongoDB and on nx-27017). At
most a dozen lengths then ever reach the server, at the cost of asking for at most twice
the values of the last piece.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")

#: The longest list sent by default (band keys of a 64-article batch are about 2,800).
DEFAULT_LIMIT = 4096


def in_lists(values: Iterable[T], limit: int = DEFAULT_LIMIT) -> Iterator[list[T]]:
    """``values`` (duplicates dropped, order kept) in lists of power-of-two lengths."""
    if limit < 1 or limit & (limit - 1):
        raise ValueError(f"limit must be a power of two (got {limit})")
    distinct = list(dict.fromkeys(values))
    for start in range(0, len(distinct), limit):
        piece = distinct[start : start + limit]
        size = 1 << (len(piece) - 1).bit_length()
        yield piece + [piece[-1]] * (size - len(piece))
