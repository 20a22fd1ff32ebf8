"""Errors raised by the store, each with a one-line message that says how to fix it."""

from __future__ import annotations


class StoreUnavailableError(RuntimeError):
    """MongoDB (or the embedded server) cannot be reached or started.

    ``str()`` is one line naming the masked URI and the cause, ready for a log line or a
    command-line error; it never contains a password.
    """


class EmbeddedServerError(StoreUnavailableError):
    """The embedded nx-27017 server could not be started, reused or stopped."""
