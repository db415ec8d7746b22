"""The in-process engine: DuckDB on the kernel's machine, for data that fits it.

It knows nothing of feature stores: it runs SQL over Arrow tables or datasets
registered by name, and over views (SQL such as ``read_parquet([...])``, scanned lazily
by DuckDB itself), and answers Arrow. It lives in ``engine/`` next to the Spark session
(as ``ARCHITECTURE.md`` draws it) so every domain that needs SQL over in-memory data
(the feature store's queries now, validation later) shares one configured engine.
DuckDB is never asked to download an extension.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import duckdb
import pyarrow as pa

from ..errors import BadInput


class SqlError(BadInput):
    """DuckDB refused or failed the SQL; the message says why."""


def threads() -> int:
    """Threads DuckDB may use: ``HOPSML_DUCKDB_THREADS``, else the machine's cores."""
    return int(os.environ.get("HOPSML_DUCKDB_THREADS") or os.cpu_count() or 1)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@contextmanager
def connection(
    tables: Mapping[str, Any] | None = None, views: Mapping[str, str] | None = None
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A fresh in-memory DuckDB with ``tables`` (Arrow tables/datasets) registered and
    ``views`` (name -> a SELECT) created."""
    con = duckdb.connect(config={"threads": threads(), "autoinstall_known_extensions": False})
    try:
        # Pick the ASOF operator even for small inputs (1.x chose a nested loop: minutes).
        con.execute("SET asof_loop_join_threshold=0")
        for name, data in (tables or {}).items():
            con.register(name, data)
        for name, select in (views or {}).items():
            sql = f"CREATE TEMP VIEW {_quote(name)} AS {select}"
            try:
                con.execute(sql)
            except duckdb.Error as error:
                raise SqlError(f"{error}; the SQL was:\n{sql}") from None
        yield con
    finally:
        con.close()


def fetch_arrow(con: duckdb.DuckDBPyConnection, sql: str) -> pa.Table:
    """Run ``sql`` on ``con``; the result as one Arrow table."""
    try:
        return con.sql(sql).to_arrow_table()
    except duckdb.Error as error:
        raise SqlError(f"{error}; the SQL was:\n{sql}") from None


def query_arrow(
    sql: str, tables: Mapping[str, Any] | None = None, views: Mapping[str, str] | None = None
) -> pa.Table:
    """Run ``sql`` over ``tables`` and ``views``; the result as one Arrow table."""
    with connection(tables, views) as con:
        return fetch_arrow(con, sql)
