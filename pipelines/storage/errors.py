"""Errors raised by the store, each with a one-line message that says how to fix it."""

from __future__ import annotations

from pymongo.errors import ConnectionFailure


class StoreUnavailableError(ConnectionFailure, RuntimeError):
    """MongoDB (or the embedded server) cannot be reached or started.

    ``str()`` is one line naming the masked URI and the cause, ready for a log line or a
    command-line error; it never contains a password.

    It is a pymongo ``ConnectionFailure``: code that opens the store lazily in the middle
    of a crawl (the duplicate check) and handles pymongo errors by passing the item on
    handles this one too, so the item still reaches the store pipeline and its spool
    instead of being lost as a pipeline exception.
    """


class EmbeddedServerError(StoreUnavailableError):
    """The embedded nx-27017 server could not be started, reused or stopped."""
