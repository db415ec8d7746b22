"""Connecting to the catalog database and keeping its schema current."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from ..errors import Unavailable
from ..redact import mask_secrets, mask_url

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")
_WRITE = "hopsml_write"
_migrate_lock = threading.Lock()


class CatalogError(Unavailable):
    """The catalog cannot be reached or is not in a usable state; the message shows the
    catalog's URL without its password."""


def _use_wal(cursor: Any) -> None:
    """WAL is kept in the file: only a new catalog switches. Switching needs the file to
    itself and SQLite answers 'locked' at once rather than waiting, so two kernels
    opening a new catalog together retry (for up to 30 s)."""
    import sqlite3

    for _ in range(600):
        if cursor.execute("PRAGMA journal_mode").fetchone()[0].lower() == "wal":
            return
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error):
                raise
            time.sleep(0.05)
    cursor.execute("PRAGMA journal_mode=WAL")  # the last try reports its own error


def _sqlite_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": 60, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not pysqlite, issue BEGIN (see "begin" below).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA busy_timeout=60000")
        _use_wal(cursor)  # readers never block the writer
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        # A writer takes the write lock up front: two kernels writing at once then
        # queue on busy_timeout instead of failing with "database is locked" when a
        # read transaction tries to turn into a write one.
        immediate = connection.get_execution_options().get(_WRITE, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


class Database:
    """An engine for reads, one for writes, and the schema migrated to head."""

    def __init__(self, url: str, migrate: bool = True) -> None:
        self.url = url
        backend = make_url(url).get_backend_name()
        if backend == "sqlite":
            self.engine = _sqlite_engine(url)
        elif backend == "postgresql":
            if make_url(url).drivername == "postgresql":
                url = url.replace("postgresql://", "postgresql+psycopg://", 1)
            self.engine = create_engine(url, pool_pre_ping=True)
        else:
            raise CatalogError(
                f"{mask_url(url)}: the catalog runs on sqlite or postgresql, not {backend}"
            )
        self._read = sessionmaker(self.engine, expire_on_commit=False)
        self._write = sessionmaker(
            self.engine.execution_options(**{_WRITE: True}), expire_on_commit=False
        )
        if migrate:
            self.migrate()

    @contextmanager
    def reading(self) -> Iterator[Session]:
        with self._read() as session:
            yield session

    @contextmanager
    def writing(self) -> Iterator[Session]:
        """A transaction that commits on success and rolls back on any error."""
        with self._write() as session, session.begin():
            yield session

    def current_revision(self) -> str | None:
        """The schema's revision, as alembic keeps it (None: a new catalog)."""
        with self.engine.connect() as connection:
            if not inspect(connection).has_table("alembic_version"):
                return None
            return connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()

    def migrate(self) -> None:
        """Upgrade the schema to the newest migration; a current one is left as it is
        without importing alembic (0.14 s of every command-line call)."""
        if self._reachable_revision() == head_revision():
            return
        from alembic import command

        config = alembic_config()
        with _migrate_lock, self.engine.execution_options(**{_WRITE: True}).begin() as conn:
            if conn.dialect.name == "postgresql":
                # Two kernels starting at once: one migrates, the other waits.
                conn.exec_driver_sql("SELECT pg_advisory_xact_lock(7242019)")
            config.attributes["connection"] = conn
            command.upgrade(config, "head")

    def _reachable_revision(self) -> str | None:
        """The schema's revision; a catalog that does not answer raises CatalogError."""
        try:
            return self.current_revision()
        except DBAPIError as error:
            reason = mask_secrets(str(error.orig or error).strip())
            # Not chained: the driver's error may quote the connection string.
            raise CatalogError(
                f"cannot open the catalog at {mask_url(self.url)}: {reason}. {self._advice()}"
            ) from None

    def _advice(self) -> str:
        if self.engine.dialect.name == "sqlite":
            return "Check that its folder can be written, or set HOPSML_CATALOG_URL"
        return (
            "Check that the database server runs and that HOPSML_CATALOG_URL names its "
            "host, port, database, user and password"
        )

    def dispose(self) -> None:
        self.engine.dispose()


def head_revision() -> str:
    """The newest migration's revision: each file in ``versions/`` is named after its
    revision, in chain order (``0011_....py`` is revision ``0011``, its parent ``0010``;
    tests/test_catalog.py holds alembic's own head to this)."""
    return max(p.name.split("_", 1)[0] for p in (MIGRATIONS / "versions").glob("[0-9]*_*.py"))


def alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config
