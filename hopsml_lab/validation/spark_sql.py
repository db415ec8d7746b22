"""Plan conditions and aggregates as Spark SQL text, for ``F.expr`` / ``selectExpr``.

Why text and not ``Column`` trees: in PySpark 4 (classic) every ``Column`` operation
is 10 to 20 py4j round trips (it sends its Python call site to the JVM for error
messages): the nine conditions of the benchmark took ~900 round trips, 0.05 s of driver
time on a quiet machine and 0.2-0.3 s on a busy one. Text is one call per expression and
the same logical plan: Spark's parser gives each literal below the type ``F.lit`` gives
the same Python value (``tests/test_validation_spark.py`` compares them).

>>> condition(("and", ("notnull", "age"), ("not", ("cmp", "age", "<=", 120))))
'(`age` IS NOT NULL AND NOT (`age` <= 120))'
"""

from __future__ import annotations

import calendar
import datetime as dt
import decimal
import math
import time
from typing import Any

from .errors import BadRule
from .sql_conditions import sql_condition


def quote(name: str) -> str:
    """A column name as an identifier (``a`b`` -> ```a``b```)."""
    return "`" + name.replace("`", "``") + "`"


def literal(value: Any) -> str:
    """``value`` as a Spark SQL literal of the type ``F.lit(value)`` has."""
    if type(value).__module__ == "numpy" and hasattr(value, "item"):
        value = value.item()
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)  # INT, BIGINT past 2**31, DECIMAL past 2**63: as lit
    if isinstance(value, float):
        if math.isnan(value):
            return "CAST('NaN' AS DOUBLE)"
        if math.isinf(value):
            return f"CAST('{'-' if value < 0 else ''}Infinity' AS DOUBLE)"
        return repr(value) + "D"
    if isinstance(value, str):
        # Spark unescapes backslashes in '...' unless spark.sql.parser.escapedStringLiterals
        # is set: a string with \ or ' goes as UTF-8 bytes, which no setting changes
        if "\\" in value or "'" in value:
            return f"decode(unhex('{value.encode().hex()}'), 'UTF-8')"
        return f"'{value}'"
    if isinstance(value, dt.datetime):
        return _timestamp(value)
    if isinstance(value, dt.date):
        return f"DATE '{value.isoformat()}'"
    if isinstance(value, decimal.Decimal) and value.is_finite():
        return f"{value}BD"
    if isinstance(value, bytes | bytearray):
        return f"X'{bytes(value).hex()}'"
    raise BadRule(f"rule value {value!r}: give a number, string, boolean, date or time")


def _timestamp(value: dt.datetime) -> str:
    """As PySpark's converters: a naive time is local time of this process (or a
    TIMESTAMP_NTZ when the session prefers those), an aware one its instant."""
    from pyspark.sql.utils import is_timestamp_ntz_preferred

    if value.tzinfo is None and is_timestamp_ntz_preferred():
        return f"TIMESTAMP_NTZ '{value.isoformat(sep=' ')}'"
    if value.tzinfo is not None:
        seconds = calendar.timegm(value.utctimetuple())
    else:
        seconds = int(time.mktime(value.timetuple()))
    return f"TIMESTAMP_MICROS({seconds * 1_000_000 + value.microsecond})"


def condition(cond: tuple) -> str:
    """A plan condition (see ``plan.py``) as a boolean SQL expression."""
    return sql_condition(
        cond, quote, literal, lambda column, pattern: f"CAST({column} AS STRING) RLIKE {pattern}"
    )


def count_if(cond: tuple) -> str:
    """Rows meeting ``cond`` (``count`` skips the NULL of the rows that do not)."""
    return f"count(CASE WHEN {condition(cond)} THEN 1 END)"


_STATS = {
    "mean": "avg(CAST({} AS DOUBLE))",
    "stddev": "stddev_samp(CAST({} AS DOUBLE))",
    "stddev_pop": "stddev_pop(CAST({} AS DOUBLE))",
    "min": "min({})",
    "max": "max({})",
    "sum": "sum({})",
}


def statistic(fn: str, column: str) -> str:
    return _STATS[fn].format(quote(column))


def whole_row(columns: list[str]) -> str:
    """Every column of a row as one JSON object (missing values as ``null``)."""
    fields = ", ".join(quote(c) for c in columns)
    return f"to_json(struct({fields}), map('ignoreNullFields', 'false'))"
