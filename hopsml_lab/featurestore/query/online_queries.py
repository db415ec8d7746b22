"""Queries and SQL over the online store: each online-enabled group's rows (one per
primary key), joined as the online store joins (on the keys, without point-in-time
conditions) and filtered by DuckDB in the kernel."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

import pandas as pd
import pyarrow as pa

from ...engine.duckdb import connection, fetch_arrow, query_arrow
from ..featuregroups.online import check_online, read_group
from ..types import restore_dtypes
from .plan import Plan
from .queries import table_names
from .sql import duckdb_sql

if TYPE_CHECKING:
    from ..featuregroups.groups import FeatureGroups


def _flat(plan: Plan) -> Plan:
    """The plan as the online store runs it: joins on the keys only (one row per key
    online, so no point-in-time condition)."""
    nodes = [replace(n, point_in_time=False) for n in plan.nodes]
    return Plan(nodes, plan.outputs, plan.predicate, plan.aliases)


def query_sql(plan: Plan) -> str:
    """The SQL ``read_query`` runs (``Query.to_string(online=True)``)."""
    return duckdb_sql(_flat(plan))


def read_query(groups: FeatureGroups, plan: Plan) -> pd.DataFrame:
    """A query's rows from the online store: each group's online rows, joined as the
    online store joins (on the keys, without point-in-time conditions), filtered."""
    check_online([n.group for n in plan.nodes])
    flat = _flat(plan)
    names = table_names(flat)
    tables = {
        names[n.alias]: pa.Table.from_pandas(
            read_group(groups, n.group)[n.needed], preserve_index=False
        )
        for n in flat.nodes
    }
    with connection(tables) as con:
        result = fetch_arrow(con, duckdb_sql(flat, names))
    return restore_dtypes(result.to_pandas(), plan.dtypes)


def run_sql(groups: FeatureGroups, sql: str) -> pd.DataFrame:
    """SQL (DuckDB's dialect) over the online rows of the online-enabled groups, each a
    table ``<name>_<version>``; dtypes as inserted where a column keeps a feature's name."""
    text = sql.lower()
    tables: dict[str, Any] = {}
    dtypes: dict[str, str] = {}
    for group in groups.list():
        name = f"{group.name}_{group.version}"
        if group.online_enabled and name.lower() in text:
            tables[name] = pa.Table.from_pandas(read_group(groups, group), preserve_index=False)
            for feature in group.features:
                if feature.dtype:
                    dtypes.setdefault(feature.name, feature.dtype)
    frame = query_arrow(sql, tables).to_pandas()
    return restore_dtypes(frame, dtypes)
