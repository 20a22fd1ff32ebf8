"""Passwords never leave mask_uri(), however odd the connection string."""

from __future__ import annotations

import pytest

from pipelines.storage.uri import mask_uri, scrub, split_credentials

CASES = [
    # (uri, masked, secrets that must not survive)
    (
        "mongodb://crawler:s3cret@db.example.org:27017/?authSource=admin",
        "mongodb://crawler:****@db.example.org:27017/?authSource=admin",
        ["s3cret"],
    ),
    (
        "mongodb+srv://app:Pa55word@cluster0.ab12c.mongodb.net/news?retryWrites=true&w=majority",
        "mongodb+srv://app:****@cluster0.ab12c.mongodb.net/news?retryWrites=true&w=majority",
        ["Pa55word"],
    ),
    (
        "mongodb://u:pw%40x@h1:27017,h2:27018,h3/db?replicaSet=rs0",
        "mongodb://u:****@h1:27017,h2:27018,h3/db?replicaSet=rs0",
        ["pw%40x"],
    ),
    # unescaped "@", "/" and "?" in the password (pymongo refuses them, we still hide them)
    ("mongodb://user:p@ss@db:27017/", "mongodb://user:****@db:27017/", ["p@ss", "ss@"]),
    ("mongodb://user:a/b:c@db/news", "mongodb://user:****@db/news", ["a/b:c"]),
    ("mongodb://user:pa?ss@db/", "mongodb://user:****@db/", ["pa?ss"]),
    # secrets in query options, any case
    (
        "mongodb://db/?tls=true&tlsCertificateKeyFilePassword=keypw&appName=x",
        "mongodb://db/?tls=true&tlsCertificateKeyFilePassword=****&appName=x",
        ["keypw"],
    ),
    ("mongodb://u@db/?PASSWORD=qwerty", "mongodb://u@db/?PASSWORD=****", ["qwerty"]),
    (
        "mongodb://db/?authMechanism=MONGODB-AWS"
        "&authMechanismProperties=AWS_SESSION_TOKEN:tok123,SERVICE_NAME:x",
        "mongodb://db/?authMechanism=MONGODB-AWS"
        "&authMechanismProperties=AWS_SESSION_TOKEN:****,SERVICE_NAME:x",
        ["tok123"],
    ),
    # nothing to hide
    ("mongodb://127.0.0.1:27117/", "mongodb://127.0.0.1:27117/", []),
    ("mongodb://x509user@db/?authMechanism=MONGODB-X509", None, []),
    ("", "", []),
    # not even a URI
    ("user:hunter22@db.internal", "user:****@db.internal", ["hunter22"]),
    ("not a uri at all", "not a uri at all", []),
    ("mongodb://:onlypw@db/", "mongodb://:****@db/", ["onlypw"]),
]


@pytest.mark.parametrize(("uri", "masked", "secrets"), CASES)
def test_mask_uri(uri: str, masked: str | None, secrets: list[str]) -> None:
    result = mask_uri(uri)
    assert result == (uri if masked is None else masked)
    for secret in secrets:
        assert secret not in result


def test_mask_uri_is_idempotent() -> None:
    once = mask_uri("mongodb://a:b1234@h/?password=zz9&x=1")
    assert once == "mongodb://a:****@h/?password=****&x=1"
    assert mask_uri(once) == once


def test_split_credentials() -> None:
    assert split_credentials("mongodb://u:p%2Fw@h/") == ("u", "p%2Fw")
    assert split_credentials("mongodb://u@h/") == ("u", None)
    assert split_credentials("mongodb://h/") == (None, None)


def test_scrub_removes_the_password_from_any_message() -> None:
    uri = "mongodb://crawler:TopSecret1@db:27017/?password=OtherSecret"
    message = "auth failed for crawler with TopSecret1 and OtherSecret on db:27017"
    assert scrub(message, uri) == "auth failed for crawler with **** and **** on db:27017"
    # a very short password is not scrubbed out of every word
    assert scrub("a fast cat", "mongodb://u:a@h/") == "a fast cat"
