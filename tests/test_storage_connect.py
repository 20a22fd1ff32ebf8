"""Opening the store: a real server, the embedded default, and one-line errors."""

from __future__ import annotations

import os
import socket
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pymongo.errors import OperationFailure, ServerSelectionTimeoutError

from pipelines.storage.compat import NX_27017, ServerQuirks
from pipelines.storage.connect import describe_error, open_store, preflight, unavailable
from pipelines.storage.embedded import free_port
from pipelines.storage.errors import StoreUnavailableError
from pipelines.storage.uri import UriOptionError, check_options, mask_uri
from pipelines.storage.writer import is_unreachable

EXTERNAL = bool(os.environ.get("NEWSCRAWL_MONGO_URI"))


def _index_keys(info: Mapping[str, Any]) -> set[tuple[str, ...]]:
    """Index key fields only: nx-27017 neither keeps names nor directions (DESIGN.md §3)."""
    return {tuple(name for name, _ in index["key"]) for index in info.values()}


def test_open_store_pings_and_creates_indexes(mongo_uri: str, db_name: str, tmp_path: Path) -> None:
    store = open_store(mongo_uri, db_name, data_dir=tmp_path, embedded_port=free_port())
    try:
        assert store.embedded is False
        assert store.server is None
        assert store.uri == mask_uri(mongo_uri)
        assert store.db.name == db_name
        assert store.articles.name == "articles"
        store.ensure_indexes()
        store.ensure_indexes()  # idempotent
        keys = _index_keys(store.articles.index_information())
        assert {
            ("_id",),
            ("site", "published_at"),
            ("language", "published_at"),
            ("first_seen",),
            ("fingerprint",),
            ("cluster_id",),
        } <= keys
        assert ("started_at",) in _index_keys(store.crawl_runs.index_information())
        if not EXTERNAL:
            assert store.quirks == NX_27017
        assert not (tmp_path / "mongo.pid").exists()  # no embedded server for a URI
    finally:
        store.close()


def test_empty_uri_starts_the_embedded_server(tmp_path: Path) -> None:
    port = free_port()
    store = open_store("", "newscrawl", data_dir=tmp_path / "data", embedded_port=port)
    try:
        assert store.embedded is True
        assert store.uri == f"mongodb://127.0.0.1:{port}/"
        assert store.server is not None
        assert store.server.running()
        store.articles.insert_one({"_id": "x"})
        assert (tmp_path / "data" / "mongo.pid").exists()
        store.close()
        # a second open reuses the running server and sees the data
        again = open_store(None, "newscrawl", data_dir=tmp_path / "data", embedded_port=port)
        assert again.articles.count_documents({}) == 1
        assert again.server is not None
        assert again.server.recorded_pid() == store.server.recorded_pid()
        again.close()
    finally:
        assert store.server is not None
        store.server.stop()


def test_unreachable_uri_is_one_clear_line(tmp_path: Path) -> None:
    port = free_port()  # nothing listens there
    uri = f"mongodb://crawler:TopSecret99@127.0.0.1:{port}/?authSource=admin"
    with pytest.raises(StoreUnavailableError) as caught:
        open_store(uri, "news", data_dir=tmp_path, embedded_port=port, timeout_ms=300)
    assert str(caught.value) == (
        f"MongoDB unreachable at mongodb://crawler:****@127.0.0.1:{port}/?authSource=admin: "
        "connection refused (set NEWSCRAWL_MONGO_URI or start the server)"
    )


def test_invalid_uri_is_one_clear_line(tmp_path: Path) -> None:
    with pytest.raises(StoreUnavailableError) as caught:
        open_store("mongodb://u:pa:ss99@db/", "news", data_dir=tmp_path, embedded_port=1)
    message = str(caught.value)
    assert message.startswith("invalid MongoDB URI mongodb://u:****@db/: ")
    assert message.endswith(" (check NEWSCRAWL_MONGO_URI)")
    assert "pa:ss99" not in message
    assert "\n" not in message
    assert not is_unreachable(caught.value)


@pytest.mark.parametrize(
    ("uri", "message"),
    [
        (
            "mongodb://crawler:TopSecret99@127.0.0.1:notaport/",
            "invalid MongoDB URI mongodb://crawler:****@127.0.0.1:notaport/: Port contains "
            "non-digit characters. Hint: username and password must be escaped according to "
            "RFC 3986, use urllib.parse.quote_plus (check NEWSCRAWL_MONGO_URI)",
        ),
        (
            "mongodb://crawler:TopSecret99@127.0.0.1:99999/",
            "invalid MongoDB URI mongodb://crawler:****@127.0.0.1:99999/: Port must be an "
            "integer between 0 and 65535 (check NEWSCRAWL_MONGO_URI)",
        ),
        (
            "http://crawler:TopSecret99@127.0.0.1/",
            "invalid MongoDB URI http://crawler:****@127.0.0.1/: Invalid URI scheme: URI must "
            "begin with 'mongodb://' or 'mongodb+srv://' (check NEWSCRAWL_MONGO_URI)",
        ),
        # pymongo's MongoClient only warns about these and leaves the option out
        (
            "mongodb://crawler:TopSecret99@127.0.0.1/?authSorce=admin",
            "invalid MongoDB URI mongodb://crawler:****@127.0.0.1/?authSorce=admin: unknown "
            "option authSorce (did you mean one of authsource, authmechanism, tlscafile?) "
            "(check NEWSCRAWL_MONGO_URI)",
        ),
        (
            "mongodb://127.0.0.1/?appName=x&tls=maybe",
            "invalid MongoDB URI mongodb://127.0.0.1/?appName=x&tls=maybe: The value of tls "
            "must be 'true' or 'false' (check NEWSCRAWL_MONGO_URI)",
        ),
        (
            "mongodb://127.0.0.1/?w=1;tls=true&appName=x",
            "invalid MongoDB URI mongodb://127.0.0.1/?w=1;tls=true&appName=x: Can not mix "
            "'&' and ';' for option separators (check NEWSCRAWL_MONGO_URI)",
        ),
        (
            "mongodb+srv://crawler:TopSecret99@cluster0.example.net:27017/",
            "invalid MongoDB URI mongodb+srv://crawler:****@cluster0.example.net:27017/: "
            "mongodb+srv:// URIs must not include a port number (check NEWSCRAWL_MONGO_URI)",
        ),
    ],
)
def test_uri_pymongo_rejects_is_one_configuration_line(
    uri: str, message: str, tmp_path: Path
) -> None:
    with pytest.raises(StoreUnavailableError) as caught:
        open_store(uri, "news", data_dir=tmp_path, embedded_port=1, timeout_ms=200)
    assert str(caught.value) == message
    assert not is_unreachable(caught.value)  # waiting does not fix it


def test_unknown_option_that_may_be_part_of_the_password_is_not_named(tmp_path: Path) -> None:
    # An unescaped "?" in the password: pymongo reads "ss=x@db/" as the options.
    with pytest.raises(StoreUnavailableError) as caught:
        open_store("mongodb://u:pa?ss=x@db/", "news", data_dir=tmp_path, embedded_port=1)
    assert str(caught.value) == (
        "invalid MongoDB URI mongodb://u:****@db/: unknown option (a '?' in the password "
        "must be written %3F) (check NEWSCRAWL_MONGO_URI)"
    )


def test_check_options_accepts_valid_options() -> None:
    check_options("mongodb://u:pw@h1,h2/news?replicaSet=rs0&readPreference=secondary&w=majority")
    check_options("mongodb://h/?authSource=admin;readPreferenceTags=dc:ny;readPreferenceTags=")
    check_options("mongodb://h/")
    check_options("not a uri?bogus=1")  # other schemes are MongoClient's to reject
    with pytest.raises(UriOptionError, match=r"^unknown option bogus "):
        check_options("mongodb+srv://cluster0.example.net/?bogus=1")


def test_tls_options_reach_pymongo_and_a_bad_ca_file_is_one_clear_line(tmp_path: Path) -> None:
    # The URI's TLS options go to pymongo as they are: it reads the CA file named there.
    missing = tmp_path / "no-such-ca.pem"
    uri = (
        f"mongodb://crawler:TopSecret99@127.0.0.1:{free_port()}/"
        f"?tls=true&tlsCAFile={missing}&tlsCertificateKeyFilePassword=KeyPw42"
    )
    with pytest.raises(StoreUnavailableError) as caught:
        open_store(uri, "news", data_dir=tmp_path, embedded_port=1, timeout_ms=300)
    message = str(caught.value)
    assert message.startswith("invalid MongoDB URI mongodb://crawler:****@127.0.0.1:")
    assert "The tlscafile file is not readable (check NEWSCRAWL_MONGO_URI)" in message
    assert "TopSecret99" not in message and "KeyPw42" not in message
    assert "tlsCertificateKeyFilePassword=****" in message
    assert "\n" not in message


def test_embedded_port_taken_is_a_store_error(tmp_path: Path) -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        with pytest.raises(StoreUnavailableError) as caught:
            open_store("", "news", data_dir=tmp_path, embedded_port=port)
    message = str(caught.value)
    assert message.startswith(f"embedded MongoDB server at mongodb://127.0.0.1:{port}/ unavailable")
    assert "NEWSCRAWL_EMBEDDED_PORT" in message
    assert "\n" not in message


def test_preflight(mongo_uri: str, db_name: str, tmp_path: Path) -> None:
    settings = {
        "NEWSCRAWL_MONGO_URI": mongo_uri,
        "NEWSCRAWL_MONGO_DATABASE": db_name,
        "NEWSCRAWL_DATA_DIR": str(tmp_path),
    }
    assert preflight(settings) == mask_uri(mongo_uri)
    port = free_port()
    with pytest.raises(StoreUnavailableError, match="connection refused"):
        preflight(
            {
                **settings,
                "NEWSCRAWL_MONGO_URI": f"mongodb://127.0.0.1:{port}/",
                "NEWSCRAWL_MONGO_TIMEOUT_MS": "300",
            }
        )
    with pytest.raises(StoreUnavailableError, match="NEWSCRAWL_MONGO_TIMEOUT_MS must be"):
        preflight({**settings, "NEWSCRAWL_MONGO_TIMEOUT_MS": "soon"})


def test_nx_quirk_is_added_only_when_a_date_is_set() -> None:
    with_date = {"$set": {"a": datetime(2024, 1, 1, tzinfo=UTC)}, "$inc": {"n": 1}}
    adapted = NX_27017.adapt_update(with_date)
    assert adapted["$set"] == with_date["$set"]
    assert adapted["$inc"] == {"n": 1}
    assert list(adapted["$pull"]) == ["_newscrawl_keep_bson_dates"]
    assert NX_27017.adapt_update({"$set": {"a": 1}}) == {"$set": {"a": 1}}
    assert ServerQuirks().adapt_update(with_date) == with_date


@pytest.mark.parametrize(
    ("error", "cause"),
    [
        (OperationFailure("Authentication failed.", code=18), "authentication failed"),
        (OperationFailure("not authorized on news", code=13), "not authorized"),
        (
            ServerSelectionTimeoutError(
                "db:27017: timed out (configured timeouts: connectTimeoutMS: 300.0ms), "
                "Timeout: 0.3s, Topology Description: <TopologyDescription …>"
            ),
            "no answer within 300 ms",
        ),
        (
            ServerSelectionTimeoutError(
                "db:27017: [Errno -3] Temporary failure in name resolution, Timeout: 0.3s"
            ),
            "host name not found",
        ),
        (ServerSelectionTimeoutError("db:27017: weird\nthing, Timeout: 0.3s"), "weird thing"),
    ],
)
def test_describe_error(error: Exception, cause: str) -> None:
    assert describe_error(error, "mongodb://u:pw1234@db:27017/", 300).startswith(cause)


def test_auth_failure_points_at_the_uri_setting() -> None:
    error = unavailable("mongodb://u:pw1234@db/", OperationFailure("Auth", code=18), 300)
    assert str(error) == (
        "MongoDB unreachable at mongodb://u:****@db/: authentication failed "
        "(check the user name, password and authSource in NEWSCRAWL_MONGO_URI)"
    )
