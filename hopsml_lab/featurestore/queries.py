"""Run a plan: in process with DuckDB (Python engine) or with Spark, and ``fs.sql``.

Each group is read at the query's ``as_of`` commit (or its latest): the Delta version
the catalog recorded for that commit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd
import pyarrow as pa
import pyarrow.dataset as pads

from ..engine.duckdb import query_arrow
from .plan import Node, Plan
from .sql import SEQ, duckdb_sql
from .types import restore_dtypes

if TYPE_CHECKING:
    from .groups import FeatureGroups


def _node_input(groups: FeatureGroups, node: Node) -> pa.Table:
    commit = groups._latest_commit(node.group, node.as_of_ms)
    if commit is None:
        empty = groups._empty(node.group).select(node.needed)
        return empty.append_column(SEQ, pa.array([], type=pa.int64()))
    table = groups.table(node.group)
    return table.read_ordered(commit.table_version, node.needed, SEQ)


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


def run_arrow(groups: FeatureGroups, plan: Plan) -> pa.Table:
    """The plan's rows, computed by DuckDB in process."""
    names = table_names(plan)
    tables = {names[n.alias]: _node_input(groups, n) for n in plan.nodes}
    return query_arrow(duckdb_sql(plan, names), tables)


def run_pandas(groups: FeatureGroups, plan: Plan) -> pd.DataFrame:
    frame = run_arrow(groups, plan).to_pandas()
    return restore_dtypes(frame, plan.dtypes)


def run_sql(groups: FeatureGroups, sql: str) -> pd.DataFrame:
    """DuckDB SQL over every feature group's latest commit, each a table named
    ``<name>_<version>``; dtypes as inserted where a column keeps a feature's name."""
    tables: dict[str, Any] = {}
    dtypes: dict[str, str] = {}
    for group in groups.list():
        files = groups.files(group)
        name = f"{group.name}_{group.version}"
        if files and not group.partition_key:
            schema = groups.table(group).schema()
            tables[name] = pads.dataset(
                [f.removeprefix("file://") for f in files], schema=schema, format="parquet"
            )
        else:
            tables[name] = groups.read_arrow(group)
        for feature in group.features:
            if feature.dtype:
                dtypes.setdefault(feature.name, feature.dtype)
    frame = query_arrow(sql, tables).to_pandas()
    return restore_dtypes(frame, dtypes)
