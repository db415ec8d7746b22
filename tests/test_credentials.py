"""No password in what HopsML Lab shows: the server's log, settings errors, catalog errors.

The servers are real: Jupyter started as a process with a PostgreSQL catalog whose URL
carries a password, and the log it writes read back whole.
"""

from __future__ import annotations

import os
import traceback
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from hopsml_lab.catalog import CatalogError, Database
from hopsml_lab.redact import mask_secrets, mask_url
from hopsml_lab.settings import Settings, SettingsError
from hopsml_lab.store import HdfsStore

from .services import jupyter_server

PASSWORD = "Tr0ub4dor-s3cret"  # what must never show; URL-safe, so it needs no quoting
SECRET = "s3cret"


def _everything_shown(error: BaseException) -> str:
    """The error as a log shows it: message, traceback and every chained cause."""
    return "".join(traceback.format_exception(error))


@pytest.fixture
def catalog_with_password(postgres_url: str) -> Iterator[str]:
    """A database owned by a role with a password, and its URL with that password.

    The test server trusts local connections, so PostgreSQL does not check the password;
    what matters here is that the URL the server is given carries one.
    """
    role, database = f"secret_{os.getpid()}", f"credentials_{os.getpid()}"
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{database}"')
        conn.execute(f'DROP ROLE IF EXISTS "{role}"')
        conn.execute(f"CREATE ROLE \"{role}\" LOGIN PASSWORD '{PASSWORD}'")
        conn.execute(f'CREATE DATABASE "{database}" OWNER "{role}"')
    address = postgres_url.split("@", 1)[1].rsplit("/", 1)[0]
    yield f"postgresql://{role}:{PASSWORD}@{address}/{database}"
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        conn.execute(f'DROP ROLE IF EXISTS "{role}"')


def _server_log(tmp_path: Path, catalog_url: str, kill: bool = False) -> str:
    """Start a Jupyter server with the extension and this catalog; once it answers,
    stop it (SIGTERM, or SIGKILL with ``kill``) and return everything it logged."""
    root, runtime = tmp_path / "notebooks", tmp_path / "runtime"
    root.mkdir()
    runtime.mkdir()
    env = {
        **os.environ,
        "HOPSML_PROJECT_ROOT": str(tmp_path / "project"),
        "HOPSML_CATALOG_URL": catalog_url,
    }
    with jupyter_server(root, runtime, env, "credentials-token") as (server, _url):
        if kill:
            server.kill()
            server.wait(timeout=30)
    return (runtime / "server.log").read_text(errors="replace")


def test_the_server_log_shows_the_catalog_without_its_password(
    tmp_path: Path, catalog_with_password: str
) -> None:
    log = _server_log(tmp_path, catalog_with_password)
    assert "HopsML Lab: project demo at" in log, f"the extension did not start:\n{log}"
    assert PASSWORD not in log
    assert mask_url(catalog_with_password) in log
    assert f":***@{catalog_with_password.split('@', 1)[1]}" in log
    # The server really used that catalog: it made its schema there.
    with psycopg.connect(catalog_with_password) as conn:
        assert conn.execute("SELECT name FROM projects").fetchall() == [("demo",)]


def test_the_server_log_shows_an_unreachable_catalog_without_its_password(
    tmp_path: Path,
) -> None:
    """The extension fails to load; Jupyter logs the error with its traceback."""
    # Killed: after a failed load the extension's stop_extension raises, and the server
    # then ignores SIGTERM.
    log = _server_log(tmp_path, f"postgresql://ada:{PASSWORD}@127.0.0.1:1/hopsml", kill=True)
    assert "cannot open the catalog at postgresql://ada:***@127.0.0.1:1/hopsml" in log, log
    assert PASSWORD not in log


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"HOPSML_CATALOG_URL": f"mysql://u:{SECRET}@h/db"}, "HOPSML_CATALOG_URL"),
        ({"HOPSML_CATALOG_URL": f"postgres ql://u:{SECRET}@h/db"}, "HOPSML_CATALOG_URL"),
        ({"HOPSML_PROJECT_ROOT": f"s3://u:{SECRET}@bucket/p"}, "HOPSML_PROJECT_ROOT"),
        ({"HOPSML_PROJECT_ROOT": f"hdfs://u:{SECRET}@nn:8020/p"}, "HOPSML_WEBHDFS_URL"),
        ({"HOPSML_SPARK_MASTER": f"sc:/h:15002/;token={SECRET}"}, "HOPSML_SPARK_MASTER"),
    ],
)
def test_a_bad_setting_names_it_without_the_password(env: dict[str, str], named: str) -> None:
    with pytest.raises(SettingsError, match=named) as raised:
        Settings.from_env(env)
    assert SECRET not in _everything_shown(raised.value)
    assert "***" in str(raised.value)


def test_an_unreachable_catalog_is_reported_without_the_password() -> None:
    with pytest.raises(CatalogError, match="Connection refused") as raised:
        Database(f"postgresql://u:{SECRET}@127.0.0.1:1/db")
    shown = _everything_shown(raised.value)
    assert SECRET not in shown
    assert "postgresql://u:***@127.0.0.1:1/db" in shown
    assert "HOPSML_CATALOG_URL" in shown  # says what to fix


def test_a_catalog_refusing_the_login_is_reported_without_the_password(
    postgres_url: str,
) -> None:
    address = postgres_url.split("@", 1)[1]
    with pytest.raises(CatalogError, match="nobody") as raised:
        Database(f"postgresql://nobody:{SECRET}@{address}")
    assert SECRET not in _everything_shown(raised.value)


def test_tensorboard_reads_hdfs_without_the_gateways_password() -> None:
    """TensorBoard's --logdir_spec, seen by anyone listing processes, carries this."""
    store = HdfsStore("hdfs://nn:8020/Projects/demo", f"http://ada:{SECRET}@nn:9870", "ada")
    assert store.reader_url("Experiments/e") == "webhdfs://ada@nn:9870/Projects/demo/Experiments/e"


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql://u:s3cret@h:5432/db", "postgresql://u:***@h:5432/db"),
        ("postgresql+psycopg://u:s3cret@h/db", "postgresql+psycopg://u:***@h/db"),
        ("postgresql://u:s3%40cret@h/db", "postgresql://u:***@h/db"),  # encoded '@'
        ("postgresql://u:s3@cret@h/db", "postgresql://u:***@h/db"),  # unencoded '@'
        ("postgresql://u:s3/cret@h/db", "postgresql://u:***@h/db"),
        ("postgresql://u:@h/db", "postgresql://u:***@h/db"),  # an empty password
        ("postgresql://u@h/db?password=s3cret&sslmode=require", None),
        ("mysql://u:s3cret@h/db", "mysql://u:***@h/db"),
        ("http://ada:s3cret@namenode:9870", "http://ada:***@namenode:9870"),
        ("webhdfs://ada:s3cret@nn:9870/Projects/demo", "webhdfs://ada:***@nn:9870/Projects/demo"),
        ("http://ada:s3cret@[::1]:9870/x?op=LIST", "http://ada:***@[::1]:9870/x?op=LIST"),
        ("k8s://https://ada:s3cret@h:6443", "k8s://https://ada:***@h:6443"),
        ("sc://spark:15002/;user_id=ada;token=s3cret", "sc://spark:15002/;user_id=ada;token=***"),
        ("postgres ql://u:s3cret@h/db", "postgres ql://u:***@h/db"),  # does not parse
        ("http://ada:s3cret@[::1/x", None),  # does not parse either
    ],
)
def test_mask_url_hides_the_password(url: str, shown: str | None) -> None:
    masked = mask_url(url)
    assert SECRET not in masked
    assert "***" in masked
    if shown is not None:
        assert masked == shown


@pytest.mark.parametrize(
    "url",
    [
        "sqlite:////home/ada/hopsml/demo/.hopsml/catalog.db",
        "sqlite:////tmp/odd:name@here/catalog.db",
        "postgresql://ada@db:5432/hopsml",
        "hdfs://namenode:8020/Projects/ada@example.org",
        "http://namenode:9870/webhdfs/v1/a@b?op=LISTSTATUS&flag",
        "/home/ada/hopsml/demo",
        "local[*]",
    ],
)
def test_mask_url_leaves_a_url_without_password_as_given(url: str) -> None:
    assert mask_url(url) == url


def test_mask_secrets_finds_passwords_in_free_text() -> None:
    text = (
        "connection to 'postgresql://u:s3cret@h/db' failed (host=h password='s3 cret' "
        "user=u); retried http://ada:s3cret@nn:9870/x"
    )
    masked = mask_secrets(text)
    assert SECRET not in masked and "s3 cret" not in masked
    assert masked == (
        "connection to 'postgresql://u:***@h/db' failed (host=h password=*** "
        "user=u); retried http://ada:***@nn:9870/x"
    )
