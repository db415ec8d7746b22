"""Plan conditions (see ``plan.py``) as SQL boolean expressions, once for every SQL
dialect: DuckDB and Spark SQL differ only in how a name is quoted, a value written and a
regex matched, which each engine passes in."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def sql_condition(
    cond: tuple,
    quote: Callable[[str], str],
    literal: Callable[[Any], str],
    regex: Callable[[str, str], str],
) -> str:
    """``cond`` as SQL; ``regex(column_sql, pattern_sql)`` is the dialect's match."""

    def sql(c: tuple) -> str:
        op = c[0]
        if op == "isnull":
            return f"{quote(c[1])} IS NULL"
        if op == "notnull":
            return f"{quote(c[1])} IS NOT NULL"
        if op == "cmp":
            return f"{quote(c[1])} {c[2]} {literal(c[3])}"
        if op == "in":
            return f"{quote(c[1])} IN ({', '.join(literal(v) for v in c[2])})"
        if op == "regex":
            return regex(quote(c[1]), literal(c[2]))
        if op == "not":
            return f"NOT ({sql(c[1])})"
        if op == "and":
            return "(" + " AND ".join(sql(x) for x in c[1:]) + ")"
        if op == "false":
            return "FALSE"
        raise AssertionError(op)

    return sql(cond)
