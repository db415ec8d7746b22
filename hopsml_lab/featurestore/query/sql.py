"""A plan as SQL: DuckDB's dialect (``ASOF LEFT JOIN`` for point-in-time joins) for the
Python engine and ``Query.to_string()``; predicates also as Spark SQL expressions.

Groups are tables named ``<name>_<version>`` as in Hopsworks, each with a ``SEQ`` column
numbering its rows in write order (for Parquet files scanned by DuckDB: the file's rank in
write order * 2**32 + the row in the file, from DuckDB's ``file_index`` and
``file_row_number``). A point-in-time join compares the event times alone (in µs where
the two sides' types differ), so a feature row at the same instant as the left row is
taken. DuckDB's ``ASOF`` join takes one inequality, and which of several joined rows of
one key at one instant it picks is not specified; so where the joined group has such ties
(``ties_sql`` asks first: a distinct count of (key, event time)), its rows are first
reduced to the last written of each (key, event time) (``arg_max_null(..., SEQ)``), which
leaves one candidate per instant. Groups without ties are joined as they are.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Collection
from typing import Any

from .plan import OPERATORS, Combined, Condition, Node, Plan, Predicate

SEQ = "__seq"
TIME_KEY = "__t"  # a row's event time in µs (as the left side of a join of another type)
JOINED_KEY = "__tj"  # a joined row's event time in µs (when the left one's type differs)


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def literal(value: Any) -> str:
    """A Python value as an SQL literal (the same text in DuckDB and Spark SQL)."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, dt.datetime):
        value = value.strftime("%Y-%m-%d %H:%M:%S.%f")
    elif isinstance(value, dt.date):
        value = value.isoformat()
    return "'" + str(value).replace("'", "''") + "'"


def predicate_sql(predicate: Predicate, column: Callable[[Condition], str]) -> str:
    """``predicate`` as an SQL boolean; ``column`` names a condition's column."""
    if isinstance(predicate, Combined):
        left = predicate_sql(predicate.left, column)
        right = predicate_sql(predicate.right, column)
        return f"({left} {predicate.kind} {right})"
    target = column(predicate)
    operator = OPERATORS[predicate.operator]
    value = predicate.value
    if operator == "IN":
        items = json.loads(value) if isinstance(value, str) else list(value)
        if not items:
            return "FALSE"
        return f"{target} IN ({', '.join(literal(v) for v in items)})"
    if value is None and operator in ("=", "!="):
        return f"{target} IS {'NOT ' if operator == '!=' else ''}NULL"
    return f"{target} {operator} {literal(value)}"


def time_micros(node: Node, ref: str) -> str:
    """SQL for ``node``'s event time as epoch microseconds (timestamps, dates, ms ints)."""
    kind = _kind(node)
    if kind == "bigint":
        return f"({ref}::BIGINT * 1000)"
    if kind == "date":
        return f"epoch_us({ref}::TIMESTAMP)"
    return f"epoch_us({ref})"


def parquet_select(files: list[str], columns: list[str]) -> str:
    """A SELECT scanning ``files`` (in write order) lazily: ``columns`` and ``SEQ``."""
    paths = ", ".join(literal(f) for f in files)
    seq = f"file_index::BIGINT * {2**32} + file_row_number AS {SEQ}"
    return f"SELECT {', '.join([*(quote(c) for c in columns), seq])} FROM read_parquet([{paths}])"


def _kind(node: Node) -> str:
    return next(f.type for f in node.group.features if f.name == node.event_time)


def _in_micros(parent: Node, node: Node) -> bool:
    """Whether a point-in-time join compares µs (event times of different types)."""
    return _kind(parent) != _kind(node)


def _tie_columns(node: Node) -> list[str]:
    """What a joined row's tie is over: its join keys and event time."""
    return list(dict.fromkeys([*node.keys, node.event_time or ""]))


def ties_sql(plan: Plan, tables: dict[str, str]) -> str | None:
    """A query answering the aliases of point-in-time joined groups that have several
    rows of one key at one event time (None: no point-in-time join)."""
    parts = []
    for node in plan.nodes:
        if node.point_in_time:
            table = quote(tables[node.alias])
            columns = ", ".join(quote(c) for c in _tie_columns(node))
            parts.append(
                f"SELECT {literal(node.alias)} AS alias WHERE (SELECT count(*) FROM {table}) > "
                f"(SELECT count(*) FROM (SELECT DISTINCT {columns} FROM {table}))"
            )
    return "\nUNION ALL\n".join(parts) or None


def _source(node: Node, tables: dict[str, str], plan: Plan, ties: Collection[str]) -> str:
    table = quote(tables[node.alias])
    columns = [quote(c) for c in node.needed]
    if node.point_in_time and node.alias in ties:  # the last written of each (key, time)
        group = _tie_columns(node)
        picks = [
            f"arg_max_null({quote(c)}, {SEQ}) AS {quote(c)}" for c in node.needed if c not in group
        ]
        keys = ", ".join(quote(c) for c in group)
        table = f"(SELECT {', '.join([keys, *picks])} FROM {table} GROUP BY {keys})"
    if node.point_in_time and _in_micros(plan.node(node.parent or ""), node):
        columns.append(f"{time_micros(node, quote(node.event_time or ''))} AS {JOINED_KEY}")
    if any(c.point_in_time and c.parent == node.alias and _in_micros(node, c) for c in plan.nodes):
        columns.append(f"{time_micros(node, quote(node.event_time or ''))} AS {TIME_KEY}")
    return f"(SELECT {', '.join(columns)} FROM {table})"


def duckdb_sql(plan: Plan, tables: dict[str, str] | None = None, ties: Collection[str] = ()) -> str:
    """The plan as one DuckDB query; ``tables`` maps an alias to the registered table
    (default: ``<name>_<version>``); ``ties`` names the point-in-time joined aliases
    whose groups have several rows of one key at one event time (``ties_sql``)."""
    tables = tables or {n.alias: n.table_name for n in plan.nodes}
    outputs = ", ".join(
        f"{alias}.{quote(column)} AS {quote(name)}" for alias, column, name in plan.outputs
    )
    root, *joined = plan.nodes
    parts = [f"SELECT {outputs}", f"FROM {_source(root, tables, plan, ties)} {root.alias}"]
    for node in joined:
        source = _source(node, tables, plan, ties)
        on = " AND ".join(
            f"{node.parent}.{quote(a)} = {node.alias}.{quote(b)}"
            for a, b in zip(node.parent_keys, node.keys, strict=True)
        )
        if node.point_in_time:
            parent = plan.node(node.parent or "")
            kind = "ASOF LEFT JOIN" if node.join_type == "LEFT" else "ASOF JOIN"
            if _in_micros(parent, node):
                left, right = TIME_KEY, JOINED_KEY
            else:
                left, right = quote(parent.event_time or ""), quote(node.event_time or "")
            on += f" AND {parent.alias}.{left} >= {node.alias}.{right}"
            parts.append(f"{kind} {source} {node.alias} ON {on}")
        elif node.join_type == "CROSS":
            parts.append(f"CROSS JOIN {source} {node.alias}")
        else:
            parts.append(f"{node.join_type} JOIN {source} {node.alias} ON {on}")
    if plan.predicate is not None:

        def column(condition: Condition) -> str:
            alias, name = plan.resolve(condition)
            return f"{alias}.{quote(name)}"

        parts.append(f"WHERE {predicate_sql(plan.predicate, column)}")
    return "\n".join(parts)
