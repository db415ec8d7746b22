"""The overview on DuckDB (pandas, Arrow, DuckDB relations), two ``SELECT``s over the
columns projected once as ``v0, v1, ...`` (NaN as missing): every column's aggregates,
with the value-frequency maps of strings and booleans reduced to their top values inside
the query (only those come out); then every numeric column's histogram (a map of bin ->
rows) and the correlations' sums."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import duckdb

from ..engine import duckdb as house
from .correlation import Moment
from .duck import DuckSource, q
from .overview_specs import Bins, ColumnSpec, FirstPass, SecondPass


def _double(value: float) -> str:
    # From text: a bare literal such as 0.1 is a DECIMAL in DuckDB, not the same double.
    return f"CAST('{float(value)!r}' AS DOUBLE)"


def _values(specs: Sequence[ColumnSpec]) -> str:
    """The columns as ``v0, v1, ...`` with NaN as missing, computed once per row."""
    parts = []
    for i, spec in enumerate(specs):
        col = q(spec.name)
        value = f"CASE WHEN isnan({col}) THEN NULL ELSE {col} END" if spec.floating else col
        parts.append(f"{value} AS v{i}")
    return f"SELECT {', '.join(parts) or '1 AS v'} FROM data"


class DuckOverview:
    engine = "duckdb"

    def __init__(self, source: DuckSource) -> None:
        self.source = source

    def _fetch(self, specs: Sequence[ColumnSpec], select: str) -> dict[str, Any]:
        query = f"WITH v AS ({_values(specs)}) {select}"
        with self.source._session() as sql:
            try:
                relation = sql(query)
                return dict(zip(relation.columns, relation.fetchall()[0], strict=True))
            except duckdb.Error as error:
                raise house.SqlError(f"{error}; the SQL was:\n{query[:2000]}") from None

    def first_pass(
        self, specs: Sequence[ColumnSpec], quantiles: Sequence[float], top: int
    ) -> FirstPass:
        inner = ["count(*) AS n"]
        outer = ["n"]
        keys: dict[str, dict[str, str]] = {}
        probs = ", ".join(repr(p) for p in quantiles)
        for i, spec in enumerate(specs):
            v = f"v{i}"
            wanted = {"nonnull": f"count({v})"}
            if spec.numeric:
                wanted.update(
                    zeros=f"count(*) FILTER (WHERE {v} = 0)",
                    mean=f"avg({v}::DOUBLE)",
                    stddev=f"stddev_samp({v}::DOUBLE)",
                    quantiles=f"quantile_disc({v}::DOUBLE, [{probs}])",
                )
            if spec.ordered:
                wanted.update(min=f"min({v})", max=f"max({v})")
            if spec.plain:
                wanted["distinct"] = f"approx_count_distinct({v})"
            keys[spec.name] = {}
            for key, expr in wanted.items():
                inner.append(f"{expr} AS {v}_{key}")
                outer.append(f"{v}_{key}")
                keys[spec.name][key] = f"{v}_{key}"
            if spec.categorical:
                # sorted by -count then value: the most frequent first, ties by value
                inner.append(f"histogram(CAST({v} AS VARCHAR)) AS {v}_h")
                outer.append(
                    f"list_slice(list_sort(list_transform(map_entries({v}_h), "
                    f"lambda e: {{'c': -(e.value::BIGINT), 'v': e.key}})), 1, {top}) AS {v}_top"
                )
                keys[spec.name]["top"] = f"{v}_top"
        got = self._fetch(
            specs, f", agg AS (SELECT {', '.join(inner)} FROM v) SELECT {', '.join(outer)} FROM agg"
        )
        columns: dict[str, dict[str, Any]] = {}
        for name, aliases in keys.items():
            values = {key: got[alias] for key, alias in aliases.items()}
            if "top" in values:
                values["top"] = [(e["v"], -e["c"]) for e in values["top"] or []]
            columns[name] = values
        return FirstPass(int(got["n"]), columns)

    def second_pass(
        self,
        specs: Sequence[ColumnSpec],
        first: FirstPass,
        bins: dict[str, tuple[ColumnSpec, Bins]],
        moments: Sequence[Moment],
        top: int,
    ) -> SecondPass:
        at = {s.name: f"v{i}" for i, s in enumerate(specs)}
        names = list(bins)
        exprs = []
        for k, name in enumerate(names):
            found, v = bins[name][1], at[name]
            index = (
                f"least(greatest(floor(({v}::DOUBLE - {_double(found.low)}) * "
                f"{_double(found.scale)}), 0), {found.count - 1})::BIGINT"
            )
            exprs.append(f"histogram(CASE WHEN {v} IS NULL THEN NULL ELSE {index} END) AS b{k}")
        means = {c: _double(first.columns[c]["mean"]) for m in moments for c in _named(m)}
        for k, moment in enumerate(moments):
            exprs.append(f"{_moment(moment, at, means)} AS m{k}")
        if not exprs:
            return SecondPass()
        got = self._fetch(specs, f"SELECT {', '.join(exprs)} FROM v")
        counts = {}
        for k, name in enumerate(names):
            per_bin = got[f"b{k}"] or {}
            counts[name] = [int(per_bin.get(b, 0)) for b in range(bins[name][1].count)]
        sums = {m.alias: got[f"m{k}"] for k, m in enumerate(moments)}
        return SecondPass(counts, sums)


def _named(moment: Moment) -> list[str]:
    return [moment.column] if moment.other is None else [moment.column, moment.other]


def _moment(moment: Moment, at: dict[str, str], means: dict[str, str]) -> str:
    """One correlation sum as SQL, over values centred on their mean."""

    def centred(column: str) -> str:
        return f"({at[column]}::DOUBLE - {means[column]})"

    a = centred(moment.column)
    if moment.kind == "product":
        assert moment.other is not None
        return f"sum({a} * {centred(moment.other)})"
    expr = {"count": "count(*)", "sum": f"sum({a})", "square": f"sum({a} * {a})"}[moment.kind]
    if moment.kind == "count" or moment.other is not None:
        assert moment.other is not None
        both = f"{at[moment.column]} IS NOT NULL AND {at[moment.other]} IS NOT NULL"
        return f"{expr} FILTER (WHERE {both})"
    return expr
