"""Hide secrets in MongoDB connection strings before they reach logs, stats or errors.

MongoDB URIs carry the password in the user-info part (``mongodb://user:pw@host``) and
sometimes in query options (``password=``, ``tlsCertificateKeyFilePassword=``,
``authMechanismProperties=AWS_SESSION_TOKEN:…``). Operators paste odd strings too (an
unescaped ``@`` or ``/`` in the password, no scheme at all), so the parser here is a
forgiving string scan, not :mod:`urllib.parse`: when in doubt it hides more, never less.

:func:`check_options` is the strict check of a URI's options that ``MongoClient`` does not
do (it warns about an unknown option or a bad value and goes on without it).
"""

from __future__ import annotations

import re

from pymongo.errors import ConfigurationError, PyMongoError
from pymongo.uri_parser import split_options

MASK = "****"

#: Query options whose values are secrets (compared case-insensitively).
_SECRET_OPTIONS = (
    "password",
    "tlsCertificateKeyFilePassword",
    "sslClientCertificateKeyPassword",
    "sslPEMKeyPassword",
)
_SECRET_OPTION_RE = re.compile(
    r"(?i)(?P<key>(?:^|[?&;])(?:" + "|".join(_SECRET_OPTIONS) + r")=)[^&;#]*"
)
#: ``authMechanismProperties=AWS_SESSION_TOKEN:secret,…`` (``:`` may be percent-encoded).
_SESSION_TOKEN_RE = re.compile(r"(?i)(?P<key>AWS_SESSION_TOKEN(?::|%3A))[^,&;#]*")


def _split_scheme(uri: str) -> tuple[str, str]:
    """Split ``scheme://`` from the rest; no scheme gives ``("", uri)``."""
    head, sep, rest = uri.partition("://")
    if sep and re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*", head):
        return head + sep, rest
    return "", uri


def _userinfo_end(rest: str) -> int:
    """Index of the ``@`` that ends the user-info part of ``rest``, or -1.

    The user info normally ends at the last ``@`` before the query string. A password
    may itself contain ``?`` or ``@``; then the last ``@`` of the whole string is taken,
    which can hide the host too (safe) but never shows the password.
    """
    query_start = rest.find("?")
    if query_start >= 0:
        at = rest.rfind("@", 0, query_start)
        if at >= 0:
            return at
    return rest.rfind("@")


def split_credentials(uri: str) -> tuple[str | None, str | None]:
    """Return ``(user, password)`` from the user-info part, as written (still escaped).

    Either is ``None`` when absent. Used to scrub a password out of driver error
    messages, and by :func:`mask_uri`.
    """
    _, rest = _split_scheme(uri)
    at = _userinfo_end(rest)
    if at < 0:
        return None, None
    user, colon, password = rest[:at].partition(":")
    return user, (password if colon else None)


def mask_uri(uri: str) -> str:
    """Return ``uri`` with every password replaced by ``****``.

    >>> mask_uri("mongodb://reader:s3cret@db1:27017,db2/news?authSource=admin")
    'mongodb://reader:****@db1:27017,db2/news?authSource=admin'
    >>> mask_uri("mongodb+srv://app:pw@cluster0.example.net/?tlsCertificateKeyFilePassword=k")
    'mongodb+srv://app:****@cluster0.example.net/?tlsCertificateKeyFilePassword=****'

    The user name and hosts stay visible so the message still says where the crawler
    tried to connect. An empty string stays empty.
    """
    if not uri:
        return uri
    scheme, rest = _split_scheme(uri)
    at = _userinfo_end(rest)
    if at >= 0:
        user, colon, _password = rest[:at].partition(":")
        userinfo = f"{user}:{MASK}" if colon else user
        rest = userinfo + rest[at:]
    rest = _SECRET_OPTION_RE.sub(lambda m: m.group("key") + MASK, rest)
    rest = _SESSION_TOKEN_RE.sub(lambda m: m.group("key") + MASK, rest)
    return scheme + rest


def scrub(text: str, uri: str) -> str:
    """Remove the password of ``uri`` from an arbitrary message (a driver error text).

    Passwords shorter than three characters are left alone: replacing every ``a`` in a
    message would make it unreadable, and such a password is no secret anyway.
    """
    _, password = split_credentials(uri)
    if password and len(password) >= 3:
        text = text.replace(password, MASK)
    for match in _SECRET_OPTION_RE.finditer(_split_scheme(uri)[1]):
        secret = match.group(0)[len(match.group("key")) :]
        if len(secret) >= 3:
            text = text.replace(secret, MASK)
    return text


class UriOptionError(ValueError):
    """An option of a MongoDB URI that pymongo does not accept; one line, no secret."""


_SCHEMES = ("mongodb://", "mongodb+srv://")
_OPTION_NAME_RE = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,63}")
_SUGGESTIONS_RE = re.compile(r"Did you mean one of \(([^)]*)\)")


def check_options(uri: str) -> None:
    """Raise :class:`UriOptionError` when an option in ``uri``'s query string is unknown or
    has a value pymongo rejects; nothing is resolved or connected.

    ``MongoClient`` only warns about such an option and then leaves it out, so a typo
    (``authSorce=admin``) would surface much later as an authentication failure or a
    timeout. Each option is checked on its own so that the error can name it: by its key,
    never its value, and only when the key cannot be a piece of the password (an
    unescaped ``?`` in a password makes pymongo read the rest as options). URIs of another
    scheme are left to ``MongoClient``, which rejects them.
    """
    if not uri.startswith(_SCHEMES):
        return
    _, _, query = uri.partition("?")
    if not query:
        return
    pieces = [query] if "&" in query and ";" in query else re.split(r"[&;]", query)
    for piece in pieces:
        try:
            split_options(piece, validate=True, warn=False)
        except ConfigurationError as exc:
            raise UriOptionError(_option_problem(exc, piece.partition("=")[0], uri)) from exc
        except (PyMongoError, ValueError, TypeError, OSError) as exc:
            raise UriOptionError(" ".join(scrub(str(exc), uri).split())) from exc


def _option_problem(exc: ConfigurationError, key: str, uri: str) -> str:
    """pymongo's reason, with the unknown key (and pymongo's guesses) when safe to show."""
    text = " ".join(scrub(str(exc), uri).split())
    if not text.startswith("Unknown option"):
        return text
    _, password = split_credentials(uri)
    if password and key in password:
        return "unknown option (a '?' in the password must be written %3F)"
    if _OPTION_NAME_RE.fullmatch(key) is None:
        return "unknown option"
    suggestions = _SUGGESTIONS_RE.search(text)
    guess = f" (did you mean one of {suggestions.group(1)}?)" if suggestions else ""
    return f"unknown option {key}{guess}"
