"""One settings object for HopsML Lab, read once and passed down.

Sources, later ones winning: embedded defaults, environment variables, explicit
overrides (the Jupyter server passes its traitlets config as overrides).

>>> settings = Settings.from_env({"HOPSML_PROJECT_ROOT": "/tmp/demo"})
>>> settings.project_root
'/tmp/demo'
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from .errors import BadInput
from .redact import mask_url

ENV_PROJECT_ROOT = "HOPSML_PROJECT_ROOT"
ENV_CATALOG_URL = "HOPSML_CATALOG_URL"
ENV_SPARK_MASTER = "HOPSML_SPARK_MASTER"
ENV_SPARK_CONF = "HOPSML_SPARK_CONF"
ENV_PROJECT_NAME = "HOPSML_PROJECT_NAME"
ENV_HDFS_USER = "HOPSML_HDFS_USER"
ENV_WEBHDFS_URL = "HOPSML_WEBHDFS_URL"
ENV_SLOT_IDLE_TIMEOUT = "HOPSML_SLOT_IDLE_TIMEOUT"
ENV_TENSORBOARD_IDLE_TIMEOUT = "HOPSML_TENSORBOARD_IDLE_TIMEOUT"
ENV_DRIVER_HOST = "HOPSML_DRIVER_HOST"
ENV_SHIP_ENVIRONMENT = "HOPSML_SHIP_ENVIRONMENT"
# Set by the server extension for the kernels it starts: where it proxies TensorBoards.
ENV_TENSORBOARD_PROXY = "HOPSML_TENSORBOARD_PROXY"
# The feature store: which engine runs a query on the python engine, and the sizes
# that choose it and how a Spark DataFrame is inserted.
ENV_FS_QUERY_ENGINE = "HOPSML_FS_QUERY_ENGINE"
ENV_FS_DUCKDB_MAX_BYTES = "HOPSML_FS_DUCKDB_MAX_BYTES"
ENV_FS_SPARK_COLLECT_MAX_BYTES = "HOPSML_FS_SPARK_COLLECT_MAX_BYTES"
FS_QUERY_ENGINES = ("auto", "duckdb", "spark")

# The project's own files inside a local project folder, hidden from the notebooks.
PROJECT_FOLDER = ".hopsml"
CATALOG_FILE = "catalog.db"

_SPARK_MASTER = re.compile(
    r"^(local(\[(\*|\d+)(,\d+)?\])?|local-cluster\[\d+,\d+,\d+\]|spark://[^\s]+"
    r"|yarn|k8s://[^\s]+|sc://[^\s]+|mesos://[^\s]+)$"
)
_PROJECT_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


class SettingsError(BadInput):
    """A setting has a value HopsML Lab cannot use; the message names the setting."""


def default_project_root() -> str:
    return str(Path.home() / "hopsml" / "demo")


@dataclass(frozen=True)
class Settings:
    """Where the project lives and which services it uses.

    project_root: a local folder, or ``hdfs://`` / ``webhdfs://`` URL.
    catalog_url: a SQLAlchemy URL; ``None`` means SQLite in the project root's hidden
    ``.hopsml`` folder (or in ``~/.hopsml`` when the root is remote).
    """

    project_root: str = field(default_factory=default_project_root)
    project_name: str = "demo"
    catalog_url: str | None = None
    spark_master: str = "local[*]"
    spark_conf: Mapping[str, str] = field(default_factory=dict)
    hdfs_user: str | None = None
    webhdfs_url: str | None = None
    slot_idle_timeout: float = 60.0  # seconds an idle trial slot keeps its Spark cores
    tensorboard_idle_timeout: float = 900.0  # seconds before an unused TensorBoard stops
    driver_host: str | None = None  # the kernel's address for executors (Spark Connect)
    ship_environment: str | None = None  # "kernel" or a venv's path: packed for executors
    # Where the Jupyter server that started this kernel proxies TensorBoards (it sets
    # the variable for its kernels): %tensorboard then opens the sidebar's panel.
    tensorboard_proxy: str | None = None
    # Feature store queries on the python engine: "duckdb" (in the kernel), "spark", or
    # "auto": Spark when the groups read have more than fs_duckdb_max_bytes committed.
    fs_query_engine: str = "auto"
    fs_duckdb_max_bytes: int = 2**30
    # A Spark DataFrame inserted into a feature group whose plan Spark estimates at up to
    # this size is collected through Arrow; a larger one is written by the executors.
    fs_spark_collect_max_bytes: int = 64 * 2**20

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {
            field_name: parse(env[variable], variable)
            for variable, (field_name, parse) in _FROM_ENV.items()
            if env.get(variable)
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values).validated()

    def with_overrides(self, **overrides: Any) -> Settings:
        return replace(self, **overrides).validated()

    @property
    def is_remote_store(self) -> bool:
        return urlparse(self.project_root).scheme in ("hdfs", "webhdfs")

    def resolved_catalog_url(self) -> str:
        """The catalog's SQLAlchemy URL, with its password: show it through
        :func:`~hopsml_lab.redact.mask_url`."""
        if self.catalog_url:
            return self.catalog_url
        return f"sqlite:///{self.default_catalog_path()}"

    def default_catalog_path(self) -> Path:
        """The SQLite catalog's file when no catalog URL is set.

        A local project keeps it in ``<root>/.hopsml/catalog.db``: the root is the folder
        JupyterLab opens, and the hidden folder keeps the catalog and SQLite's ``-wal``
        and ``-shm`` files out of the way of the notebooks.

        A project made before keeps its ``<root>/catalog.db`` where it is, found there
        for as long as no ``.hopsml/catalog.db`` exists. It is never moved for you: a
        kernel or another server of the project started before a move keeps the old
        path, and its next connection would make a new, empty catalog there, so what it
        records would be missing from the moved one; nothing here can prove that no such
        process runs. To tidy an old project, stop its server and kernels,
        then ``mkdir .hopsml && mv catalog.db catalog.db-wal catalog.db-shm .hopsml/``
        (the ``-wal`` and ``-shm`` files only where they exist).
        """
        if self.is_remote_store:
            return Path.home() / PROJECT_FOLDER / CATALOG_FILE
        root = Path(self.project_root.removeprefix("file://")).expanduser()
        hidden, old = root / PROJECT_FOLDER / CATALOG_FILE, root / CATALOG_FILE
        return old if old.is_file() and not hidden.exists() else hidden

    def validated(self) -> Settings:
        root = self.project_root
        scheme = urlparse(root).scheme
        if scheme not in ("", "file", "hdfs", "webhdfs") or not root.strip():
            raise SettingsError(
                f"{ENV_PROJECT_ROOT}={mask_url(root)!r}: use a local folder, "
                "or an hdfs:// or webhdfs:// URL"
            )
        if scheme == "hdfs" and not self.webhdfs_url:
            # hdfs://namenode:8020 speaks RPC; the WebHDFS gateway is a separate address.
            raise SettingsError(
                f"{ENV_PROJECT_ROOT}={mask_url(root)!r} is an hdfs:// URL: also set "
                f"{ENV_WEBHDFS_URL} to the namenode's WebHDFS address "
                "(for example http://namenode:9870), or use a webhdfs:// URL"
            )
        if not _PROJECT_NAME.match(self.project_name):
            raise SettingsError(
                f"{ENV_PROJECT_NAME}={self.project_name!r}: use 1-64 letters, digits, "
                "'.', '_' or '-', starting with a letter or digit"
            )
        if self.catalog_url is not None:
            check_catalog_url(self.catalog_url)
        if self.fs_query_engine not in FS_QUERY_ENGINES:
            raise SettingsError(
                f"{ENV_FS_QUERY_ENGINE}={self.fs_query_engine!r}: use "
                + ", ".join(FS_QUERY_ENGINES)
            )
        if not _SPARK_MASTER.match(self.spark_master):
            raise SettingsError(
                f"{ENV_SPARK_MASTER}={mask_url(self.spark_master)!r}: use local[*], local[N], "
                "spark://host:port, yarn, k8s://https://host:port or sc://host:port"
            )
        return self


def _text(text: str, _setting: str) -> str:
    return text


def _seconds(text: str, setting: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value > 0:
        raise SettingsError(f"{setting}={text!r}: give a number of seconds above 0, like 60")
    return value


_BYTE_UNITS = {"": 1, "K": 2**10, "M": 2**20, "G": 2**30, "T": 2**40}


def _bytes(text: str, setting: str) -> int:
    """A size: bytes, or a number with K, M, G or T (binary; ``KB``/``KiB`` alike).

    >>> _bytes("512MB", "X"), _bytes("1g", "X"), _bytes("1000", "X")
    (536870912, 1073741824, 1000)
    """
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMGT]?)(?:I?B)?\s*", text.upper())
    if match is None or float(match.group(1)) <= 0:
        raise SettingsError(
            f"{setting}={text!r}: give a size above 0 in bytes, or with K, M, G or T "
            "(like 1073741824 or 1G)"
        )
    return int(float(match.group(1)) * _BYTE_UNITS[match.group(2)])


def _lower(text: str, _setting: str) -> str:
    return text.strip().lower()


def check_catalog_url(url: str) -> None:
    """Refuse a URL the catalog cannot use; the message shows it without its password."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    shown = mask_url(url)
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        # Not chained: the parser's own message may quote the URL with its password.
        raise SettingsError(
            f"{ENV_CATALOG_URL}={shown!r} is not a database URL: use sqlite:///path/catalog.db "
            "or postgresql://user:password@host:5432/dbname"
        ) from None
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise SettingsError(
            f"{ENV_CATALOG_URL}={shown!r}: the catalog runs on sqlite or postgresql, "
            f"not {parsed.get_backend_name()}"
        )


def parse_spark_conf(text: str, setting: str) -> dict[str, str]:
    """Parse ``key=value`` pairs separated by commas or newlines."""
    conf: dict[str, str] = {}
    for raw in re.split(r"[,\n]", text):
        item = raw.strip()
        if not item:
            continue
        key, sep, value = item.partition("=")
        if not sep or not key.strip().startswith("spark."):
            raise SettingsError(
                f"{setting}: {item!r} is not a 'spark.key=value' pair (separate pairs with commas)"
            )
        conf[key.strip()] = value.strip()
    return conf


# Each variable: the Settings field it sets, and how its text is read (errors name it).
_FROM_ENV: dict[str, tuple[str, Callable[[str, str], Any]]] = {
    ENV_PROJECT_ROOT: ("project_root", _text),
    ENV_PROJECT_NAME: ("project_name", _text),
    ENV_CATALOG_URL: ("catalog_url", _text),
    ENV_SPARK_MASTER: ("spark_master", _text),
    ENV_SPARK_CONF: ("spark_conf", parse_spark_conf),
    ENV_HDFS_USER: ("hdfs_user", _text),
    ENV_WEBHDFS_URL: ("webhdfs_url", _text),
    ENV_SLOT_IDLE_TIMEOUT: ("slot_idle_timeout", _seconds),
    ENV_TENSORBOARD_IDLE_TIMEOUT: ("tensorboard_idle_timeout", _seconds),
    ENV_DRIVER_HOST: ("driver_host", _text),
    ENV_SHIP_ENVIRONMENT: ("ship_environment", _text),
    ENV_TENSORBOARD_PROXY: ("tensorboard_proxy", _text),
    ENV_FS_QUERY_ENGINE: ("fs_query_engine", _lower),
    ENV_FS_DUCKDB_MAX_BYTES: ("fs_duckdb_max_bytes", _bytes),
    ENV_FS_SPARK_COLLECT_MAX_BYTES: ("fs_spark_collect_max_bytes", _bytes),
}
