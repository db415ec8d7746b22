"""The in-process evaluator: pandas DataFrames, Arrow tables or datasets and DuckDB
relations, validated by one DuckDB query (the house connection of ``engine/duckdb.py``).

Everything a plan asks for is one ``SELECT`` of aggregates: counts, ``count(*) FILTER
(WHERE failing)`` per row rule, statistics, bin counts, and value histograms (for
unique, balance and categorical drift) reduced inside the query, so only numbers come
out. Failing-row samples: with row numbers (pandas and Arrow tables), the same pass
keeps the first ``k`` failing row numbers of each rule (``min(row_number, k) FILTER
(WHERE failing)``), and the rows are taken from the table by position; without (Arrow
datasets, DuckDB relations), one ``LIMIT`` query over the rows failing any failing rule
after the pass, as on Spark. A failing ``unique`` rule takes one more small query (rows
whose value repeats).

A pandas DataFrame is read as Arrow (``NaN``/``NaT``/``None`` are missing values, as
pandas and Great Expectations' pandas engine see them); a row-number column is added
to Arrow tables so samples are the first failing rows in order.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import duckdb
import pyarrow as pa

from ..engine import duckdb as house
from .errors import BadSource
from .plan import COUNTS_CAP, Plan, bin_conditions
from .sampling import deal, sample_fetch, short_of
from .sql_conditions import sql_condition
from .types import of_arrow, of_pandas

ROW = "__hopsml_row"
ENGINE = "duckdb"


def q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def literal(value: Any) -> str:
    """``value`` as a DuckDB literal."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isinf(value):
            return f"'{'-' if value < 0 else ''}inf'::DOUBLE"
        return repr(value)
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    if isinstance(value, dt.datetime):
        kind = "TIMESTAMPTZ" if value.tzinfo else "TIMESTAMP"
        return f"{kind} '{value.isoformat(sep=' ')}'"
    if isinstance(value, dt.date):
        return f"DATE '{value.isoformat()}'"
    raise TypeError(f"no DuckDB literal for {value!r}")


def _regex(column: str, pattern: str) -> str:
    return f"regexp_matches(CAST({column} AS VARCHAR), {pattern})"


def condition(cond: tuple) -> str:
    """A plan condition (see ``plan.py``) as a DuckDB boolean expression."""
    return sql_condition(cond, q, literal, _regex)


_AGG = {
    "mean": "avg({}::DOUBLE)",
    "stddev": "stddev_samp({}::DOUBLE)",
    "stddev_pop": "stddev_pop({}::DOUBLE)",
    "min": "min({})",
    "max": "max({})",
    "sum": "sum({})",
}


class DuckSource:
    """A source DuckDB scans: its columns (name -> kind), their own type names, and
    the way to run SQL over it as the view ``data``."""

    engine = ENGINE

    def __init__(self, data: Any) -> None:
        self.row_index = False
        self.relation: duckdb.DuckDBPyRelation | None = None
        self.data: Any = None
        native: dict[str, str] = {}
        if _is_pandas(data):
            try:
                table = pa.Table.from_pandas(data, preserve_index=False)
            except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError) as error:
                raise BadSource(
                    f"this pandas DataFrame does not convert to Arrow ({error}): give each "
                    "column one type of value"
                ) from None
            native = {str(c): of_pandas(t) for c, t in data.dtypes.items()}
            data = table
        if isinstance(data, pa.RecordBatch):
            data = pa.Table.from_batches([data])
        if isinstance(data, pa.Table):
            schema = data.schema
            self.data = data.append_column(ROW, pa.array(range(data.num_rows), pa.int64()))
            self.row_index = True
        elif isinstance(data, duckdb.DuckDBPyRelation):
            self.relation = data
            names, types = data.columns, [str(t) for t in data.types]
            self.columns = {n: _duck_kind(t) for n, t in zip(names, types, strict=True)}
            self.native = dict(zip(names, types, strict=True))
            self.order = list(names)
            return
        elif _is_dataset(data):
            schema = data.schema
            self.data = data
        else:
            raise BadSource(
                f"cannot validate a {type(data).__module__}.{type(data).__name__}: give a "
                "pandas or Spark DataFrame, an Arrow table or dataset, or a DuckDB relation"
            )
        self.order = [f.name for f in schema]
        self.columns = {f.name: of_arrow(f.type) for f in schema}
        self.native = {f.name: native.get(f.name) or str(f.type) for f in schema}

    @contextmanager
    def _session(self) -> Iterator[Any]:
        if self.relation is not None:
            relation = self.relation
            yield lambda sql: relation.query("data", sql)
            return
        with house.connection({"data": self.data}) as con:
            yield con.sql

    def run(self, plan: Plan, k: int) -> tuple[dict[str, Any], dict[int, list[dict[str, Any]]]]:
        """All of ``plan`` in one query, then one small query for the failing rows."""
        ordered = plan.samples if k > 0 and self.row_index else {}
        with self._session() as sql:
            values, firsts = self._aggregate(sql, plan.aggregates, ordered, k)
            if k <= 0:
                return values, {}
            failing = plan.failing_counts(values)
            if self.row_index:
                rows = self._rows_at({i: n for i, n in firsts.items() if n})
            else:
                wanted = {i: c for i, c in plan.samples.items() if failing.get(i)}
                rows = self._some_rows(sql, wanted, failing, k)
            for index, column in plan.dup_samples.items():
                if failing.get(index):
                    rows[index] = self._dup_rows(sql, column, k)
        return values, rows

    def compute(self, aggregates: Mapping[str, tuple]) -> dict[str, Any]:
        """Just the aggregates (a drift reference's profile)."""
        with self._session() as sql:
            return self._aggregate(sql, aggregates, {}, 0)[0]

    def _row_struct(self) -> str:
        return "{" + ", ".join(f"{literal(c)}: {q(c)}" for c in self.order) + "}"

    def _aggregate(
        self, sql: Any, aggregates: Mapping[str, tuple], samples: Mapping[int, tuple], k: int
    ) -> tuple[dict[str, Any], dict[int, list[int]]]:
        """The aggregates' values, and the first ``k`` row numbers failing each of
        ``samples``' conditions (sources with row numbers only)."""
        inner: list[str] = []
        outer: list[str] = []
        histograms: dict[str, str] = {}

        def histogram(column: str, as_text: bool) -> str:
            key = f"{column}\0{as_text}"
            if key not in histograms:
                name = f"h{len(histograms)}"
                value = f"CAST({q(column)} AS VARCHAR)" if as_text else q(column)
                inner.append(f"histogram({value}) AS {name}")
                histograms[key] = name
            return histograms[key]

        for alias, agg in aggregates.items():
            kind = agg[0]
            if kind == "rows":
                inner.append(f"count(*) AS {alias}")
            elif kind == "count":
                inner.append(f"count({q(agg[1])}) AS {alias}")
            elif kind == "count_if":
                inner.append(f"count(*) FILTER (WHERE {condition(agg[1])}) AS {alias}")
            elif kind == "agg":
                inner.append(f"{_AGG[agg[1]].format(q(agg[2]))} AS {alias}")
            elif kind == "bins":
                parts = [
                    f"count(*) FILTER (WHERE {condition(c)})" for c in bin_conditions(*agg[1:])
                ]
                inner.append(f"[{', '.join(parts)}] AS {alias}")
            elif kind == "quantiles":
                probs = ", ".join(repr(p) for p in agg[2])
                inner.append(f"quantile_disc({q(agg[1])}::DOUBLE, [{probs}]) AS {alias}")
            elif kind == "dups":
                h = histogram(agg[1], False)
                outer.append(
                    f"coalesce(list_sum(list_filter(map_values({h}), lambda c: c > 1)), 0) "
                    f"AS {alias}"
                )
                continue
            elif kind == "counts":
                h = histogram(agg[1], True)
                outer.append(
                    f"CASE WHEN cardinality({h}) <= {COUNTS_CAP} THEN map_entries({h}) END "
                    f"AS {alias}, cardinality({h}) AS {alias}_n"
                )
                continue
            else:  # pragma: no cover
                raise AssertionError(kind)
            outer.append(alias)
        for index, cond in samples.items():
            # the row numbers only: min_by(row, n, k) builds the row for every failing
            # row, which made the pass 3x slower (docs/design/validation.md)
            inner.append(f"min({q(ROW)}, {k}) FILTER (WHERE {condition(cond)}) AS s{index}")
            outer.append(f"s{index}")
        query = (
            f"WITH agg AS (SELECT {', '.join(inner)} FROM data) SELECT {', '.join(outer)} FROM agg"
        )
        try:
            relation = sql(query)
            columns = relation.columns
            row = relation.fetchall()[0]
        except duckdb.Error as error:
            raise house.SqlError(f"{error}; the SQL was:\n{query[:2000]}") from None
        got = dict(zip(columns, row, strict=True))
        values: dict[str, Any] = {}
        for alias, agg in aggregates.items():
            value = got[alias]
            if agg[0] == "counts":
                if value is None and got[f"{alias}_n"]:
                    value = (
                        f"{got[f'{alias}_n']:,} distinct values: counts are kept for at most "
                        f"{COUNTS_CAP:,} (is {agg[1]!r} categorical?)"
                    )
                elif value is not None:
                    value = [(e["key"], e["value"]) for e in value]
            values[alias] = value
        firsts = {index: list(got[f"s{index}"] or []) for index in samples}
        return values, firsts

    def _rows_at(self, numbers: Mapping[int, list[int]]) -> dict[int, list[dict[str, Any]]]:
        """The rows at these row numbers (rule index -> its failing rows' numbers),
        taken from the Arrow table by position: no scan."""
        wanted = sorted({n for ns in numbers.values() for n in ns})
        if not wanted:
            return {}
        picked = self.data.take(pa.array(wanted, pa.int64()))
        with house.connection({"data": picked}) as con:
            found = dict(con.sql(f"SELECT {q(ROW)}, {self._row_struct()} FROM data").fetchall())
        return {i: [found[n] for n in sorted(ns)] for i, ns in numbers.items()}

    def _some_rows(
        self, sql: Any, wanted: Mapping[int, tuple], failing: Mapping[int, int], k: int
    ) -> dict[int, list[dict[str, Any]]]:
        """Up to ``k`` rows failing each condition, as Spark takes them (a source
        without row numbers has no order to keep): one ``LIMIT`` query over the rows
        failing any, sized by the failing counts, then one for the rules still short."""
        counts = {i: failing[i] for i in wanted}
        row = self._row_struct()
        out: dict[int, list[dict[str, Any]]] = {}
        fetch = sample_fetch(counts, k) if counts else 0
        if fetch:
            conds = {i: condition(c) for i, c in wanted.items()}
            flags = ", ".join(f"CASE WHEN {c} THEN {i} END" for i, c in conds.items())
            any_fails = " OR ".join(f"({c})" for c in conds.values())
            query = f"SELECT [{flags}], {row} FROM data WHERE {any_fails} LIMIT {fetch}"
            out = deal(sql(query).fetchall(), k)
        short = short_of(out, counts, k)
        if short:
            query = " UNION ALL ".join(
                f"(SELECT {i}, {row} FROM data WHERE {condition(wanted[i])} LIMIT {k})"
                for i in short
            )
            for i in short:
                out[i] = []
            for i, got in sql(query).fetchall():
                out[i].append(got)
        return out

    def _dup_rows(self, sql: Any, column: str, k: int) -> list[dict[str, Any]]:
        col = q(column)
        order = f" ORDER BY {q(ROW)}" if self.row_index else ""
        query = (
            f"SELECT {self._row_struct()} AS r FROM data WHERE {col} IN (SELECT {col} FROM data "
            f"WHERE {col} IS NOT NULL GROUP BY {col} HAVING count(*) > 1){order} LIMIT {k}"
        )
        return [r[0] for r in sql(query).fetchall()]


def _duck_kind(type_name: str) -> str:
    from .types import canonical_type

    name = type_name.upper()
    table = {
        "BIGINT": "int64",
        "INTEGER": "int32",
        "SMALLINT": "int16",
        "TINYINT": "int8",
        "UBIGINT": "uint64",
        "UINTEGER": "uint32",
        "USMALLINT": "uint16",
        "UTINYINT": "uint8",
        "DOUBLE": "float64",
        "FLOAT": "float32",
        "BOOLEAN": "bool",
        "VARCHAR": "string",
        "DATE": "date",
        "BLOB": "binary",
    }
    if name in table:
        return table[name]
    if name.startswith("TIMESTAMP"):
        return "timestamp"
    if name.startswith("DECIMAL"):
        return "decimal"
    try:
        return canonical_type(type_name)
    except Exception:
        return type_name


def _is_pandas(data: Any) -> bool:
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover
        return False
    return isinstance(data, pd.DataFrame)


def _is_dataset(data: Any) -> bool:
    import pyarrow.dataset as pads

    return isinstance(data, pads.Dataset)
