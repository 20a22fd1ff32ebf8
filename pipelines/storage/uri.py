"""Hide secrets in MongoDB connection strings before they reach logs, stats or errors.

MongoDB URIs carry the password in the user-info part (``mongodb://user:pw@host``) and
sometimes in query options (``password=``, ``tlsCertificateKeyFilePassword=``,
``authMechanismProperties=AWS_SESSION_TOKEN:…``). Operators paste odd strings too (an
unescaped ``@`` or ``/`` in the password, no scheme at all), so the parser here is a
forgiving string scan, not :mod:`urllib.parse`: when in doubt it hides more, never less.
"""

from __future__ import annotations

import re

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
