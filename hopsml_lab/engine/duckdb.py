"""The in-process engine: DuckDB on the kernel's machine, for data that fits it.

It knows nothing of feature stores: it runs SQL over Arrow tables or datasets
registered by name and answers Arrow. It lives in ``engine/`` next to the Spark session
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


@contextmanager
def connection(tables: Mapping[str, Any] | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A fresh in-memory DuckDB with ``tables`` (Arrow tables/datasets) registered."""
    con = duckdb.connect(config={"threads": threads(), "autoinstall_known_extensions": False})
    try:
        # Pick the ASOF operator even for small inputs (1.x chose a nested loop: minutes).
        con.execute("SET asof_loop_join_threshold=0")
        for name, data in (tables or {}).items():
            con.register(name, data)
        yield con
    finally:
        con.close()


def query_arrow(sql: str, tables: Mapping[str, Any] | None = None) -> pa.Table:
    """Run ``sql`` over ``tables``; the result as one Arrow table."""
    with connection(tables) as con:
        try:
            return con.sql(sql).to_arrow_table()
        except duckdb.Error as error:
            raise SqlError(f"{error}; the SQL was:\n{sql}") from None
