"""A plan as SQL: DuckDB's dialect (``ASOF LEFT JOIN`` for point-in-time joins) for the
Python engine and ``Query.to_string()``; predicates also as Spark SQL expressions.

Groups are tables named ``<name>_<version>`` as in Hopsworks. A point-in-time join
compares one 128-bit time key per row, ``event time in µs * 2**64 + seq``: ``seq`` is the
row's write order (``SEQ``) on the joined side and the largest value on the left side, so
a feature row at the same instant as the left row is taken, and among feature rows of
one key at the same instant the one written last wins.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

from .plan import OPERATORS, Combined, Condition, Node, Plan, Predicate

SEQ = "__seq"
TIME_KEY = "__t"  # a row's own time key (as the left side of a join)
JOINED_KEY = "__tj"  # a joined row's time key
_SHIFT = 2**64


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
    kind = next(f.type for f in node.group.features if f.name == node.event_time)
    if kind == "bigint":
        return f"({ref}::BIGINT * 1000)"
    if kind == "date":
        return f"epoch_us({ref}::TIMESTAMP)"
    return f"epoch_us({ref})"


def _source(node: Node, tables: dict[str, str], plan: Plan) -> str:
    table = quote(tables[node.alias])
    columns = [quote(c) for c in node.needed]
    if node.event_time and node.event_time in node.needed:
        micros = f"{time_micros(node, quote(node.event_time))}::HUGEINT * {_SHIFT}"
        if node.point_in_time:  # the joined side of a point-in-time join
            columns.append(f"{micros} + {SEQ} AS {JOINED_KEY}")
        if any(c.point_in_time and c.parent == node.alias for c in plan.nodes):
            columns.append(f"{micros} + {_SHIFT - 1} AS {TIME_KEY}")
    return f"(SELECT {', '.join(columns)} FROM {table})"


def duckdb_sql(plan: Plan, tables: dict[str, str] | None = None) -> str:
    """The plan as one DuckDB query; ``tables`` maps an alias to the registered table
    (default: ``<name>_<version>``)."""
    tables = tables or {n.alias: n.table_name for n in plan.nodes}
    outputs = ", ".join(
        f"{alias}.{quote(column)} AS {quote(name)}" for alias, column, name in plan.outputs
    )
    root, *joined = plan.nodes
    parts = [f"SELECT {outputs}", f"FROM {_source(root, tables, plan)} {root.alias}"]
    for node in joined:
        source = _source(node, tables, plan)
        on = " AND ".join(
            f"{node.parent}.{quote(a)} = {node.alias}.{quote(b)}"
            for a, b in zip(node.parent_keys, node.keys, strict=True)
        )
        if node.point_in_time:
            kind = "ASOF LEFT JOIN" if node.join_type == "LEFT" else "ASOF JOIN"
            on += f" AND {node.parent}.{TIME_KEY} >= {node.alias}.{JOINED_KEY}"
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
