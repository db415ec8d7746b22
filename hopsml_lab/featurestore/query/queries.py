"""Run a plan: in process with DuckDB (Python engine) or with Spark, and ``fs.sql``.

Each group is read at the query's ``as_of`` commit (or its latest): the Delta version
the catalog recorded for that commit. On the Python engine DuckDB scans the version's
Parquet files itself (a view over ``read_parquet``, nothing read ahead into memory); a
partitioned table, one without files yet, or one on HDFS is read into Arrow first.

An incremental read (``as_of(t, exclude_until=u)``) reads a group's change data feed
instead: the rows inserted or updated (their new values) by each recorded commit with
``u < commit id <= t``, oldest commit first, as Hopsworks reads a Delta group's
``readChangeFeed`` keeping ``insert`` and ``update_postimage`` rows. A key written by two
of those commits comes twice; deleted rows do not come.

Which engine runs a query that answers pandas (``query_engine``): the setting
``fs_query_engine`` (``HOPSML_FS_QUERY_ENGINE``) forces ``duckdb`` or ``spark``; ``auto``
runs it on Spark when the versions read hold more than ``fs_duckdb_max_bytes``
(``HOPSML_FS_DUCKDB_MAX_BYTES``) of Parquet, as their Delta logs say, else in DuckDB.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd
import pyarrow as pa
import pyarrow.dataset as pads

from ...engine.duckdb import connection, fetch_arrow, query_arrow
from ..types import restore_dtypes
from .inputs import read_input
from .plan import Node, Plan
from .sql import duckdb_sql, parquet_select, ties_sql

if TYPE_CHECKING:
    from ..featuregroups.groups import FeatureGroups


# DuckDB's virtual columns of a Parquet scan: a feature of that name would hide them.
_VIRTUAL = {"filename", "file_index", "file_row_number"}
_GLOB = set("*?[{")  # read_parquet would take such a path for a pattern


def _node_source(groups: FeatureGroups, node: Node) -> str | pa.Table:
    """A SELECT over the node's Parquet files, or (see the module) an Arrow table."""
    commit = groups._latest_commit(node.group, node.as_of_ms)
    if (
        node.start_ms is None
        and commit is not None
        and not _VIRTUAL & {f.name for f in node.group.features}
    ):
        files = groups.table(node.group).scan_files(commit.table_version)
        if files and not any(_GLOB & set(f) for f in files):
            return parquet_select(files, node.needed)
    return read_input(groups, node, commit)


def table_names(plan: Plan) -> dict[str, str]:
    """Alias -> registered name: ``<name>_<version>``, suffixed by the alias when one
    group is read twice (a self-join, or two ``as_of`` times)."""
    seen: dict[str, int] = {}
    for node in plan.nodes:
        seen[node.table_name] = seen.get(node.table_name, 0) + 1
    return {
        n.alias: n.table_name if seen[n.table_name] == 1 else f"{n.table_name}_{n.alias}"
        for n in plan.nodes
    }


def sources(
    groups: FeatureGroups, plan: Plan, names: dict[str, str]
) -> tuple[dict[str, pa.Table], dict[str, str]]:
    """The plan's groups for ``connection``: Arrow tables and views, by registered name."""
    tables: dict[str, pa.Table] = {}
    views: dict[str, str] = {}
    for node in plan.nodes:
        source = _node_source(groups, node)
        if isinstance(source, str):
            views[names[node.alias]] = source
        else:
            tables[names[node.alias]] = source
    return tables, views


def run_arrow(groups: FeatureGroups, plan: Plan) -> pa.Table:
    """The plan's rows, computed by DuckDB in process: first which point-in-time joined
    groups have ties (rows of one key at one event time), then the plan's query."""
    names = table_names(plan)
    with connection(*sources(groups, plan, names)) as con:
        check = ties_sql(plan, names)
        ties = set(fetch_arrow(con, check).column(0).to_pylist()) if check else set()
        return fetch_arrow(con, duckdb_sql(plan, names, ties))


def committed_bytes(groups: FeatureGroups, plan: Plan) -> int:
    """The Parquet bytes of the versions the plan reads (from their Delta logs)."""
    total = 0
    for node in plan.nodes:
        commit = groups._latest_commit(node.group, node.as_of_ms)
        if commit is not None:
            total += groups.table(node.group).committed_bytes(commit.table_version)
    return total


def query_engine(groups: FeatureGroups, plan: Plan) -> str:
    """``"duckdb"`` or ``"spark"``: what runs ``plan`` for a pandas answer (see the
    module)."""
    settings = groups.lab.settings
    if settings.fs_query_engine in ("duckdb", "spark"):
        return settings.fs_query_engine
    return "spark" if committed_bytes(groups, plan) > settings.fs_duckdb_max_bytes else "duckdb"


def run_pandas(groups: FeatureGroups, plan: Plan) -> pd.DataFrame:
    """The plan's rows as pandas, with the dtypes inserted, from the engine
    ``query_engine`` picks."""
    if query_engine(groups, plan) == "spark":
        from .spark_query import run_spark

        data = run_spark(groups.lab.spark.session(), groups, plan).toArrow()
    else:
        data = run_arrow(groups, plan)
    return restore_dtypes(data.to_pandas(), plan.dtypes)


def run_sql(groups: FeatureGroups, sql: str) -> pd.DataFrame:
    """DuckDB SQL over every feature group's latest commit, each a table named
    ``<name>_<version>``; dtypes as inserted where a column keeps a feature's name."""
    tables: dict[str, Any] = {}
    dtypes: dict[str, str] = {}
    for group in groups.list():
        files = groups.files(group)
        name = f"{group.name}_{group.version}"
        table = groups.table(group)
        if files and not group.partition_key and table.is_local:
            schema = table.schema()
            tables[name] = pads.dataset(
                [f.removeprefix("file://") for f in files], schema=schema, format="parquet"
            )
        elif files and not table.is_local:  # on HDFS: read through delta-rs, lazily
            commit = groups._latest_commit(group)
            assert commit is not None
            tables[name] = table.dataset(commit.table_version)
        else:
            tables[name] = groups.read_arrow(group)
        for feature in group.features:
            if feature.dtype:
                dtypes.setdefault(feature.name, feature.dtype)
    frame = query_arrow(sql, tables).to_pandas()
    return restore_dtypes(frame, dtypes)
