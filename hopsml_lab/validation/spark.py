"""The Spark evaluator: every aggregate of a plan in one aggregation (one job, one scan,
partial aggregation on the executors: only one row of numbers reaches the driver,
however large the data), written as Spark SQL text (``spark_sql.py``: a ``Column`` tree
costs PySpark 4 hundreds of py4j round trips).

Two more jobs, each only when needed:

- value frequencies (unique, class balance, categorical drift) are not aggregates: one
  job for all such rules together explodes ``(rule column, value as text)`` pairs and
  groups by them, then reduces per column to the rows whose value repeats and (for
  balance and categorical drift, at most ``COUNTS_CAP`` values) each value's count;
- failing-row samples, after the failing counts are known and only for rules with
  failing rows: one limit query over the rows failing any rule, reading partitions only
  until it has enough rows for every rule, plus a ``where(failing).limit(k)`` query for
  a rule still short (those run together). Taking them in the aggregation itself was
  measured and refused: a row-valued aggregate (``first``, ``min_by`` of a struct)
  makes Spark plan a ``SortAggregate`` without code generation, so the whole pass runs
  interpreted, 11x slower for one row per rule (docs/design/validation.md).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from . import spark_sql as sql
from .plan import COUNTS_CAP, Plan, bin_conditions
from .sampling import deal, sample_fetch, short_of
from .types import of_spark

ENGINE = "spark"
QUANTILE_ACCURACY = 10_000


def is_spark(data: Any) -> bool:
    """A Spark DataFrame, classic or Spark Connect (without importing pyspark for
    others)."""
    module = type(data).__module__
    return module.startswith("pyspark.sql") and type(data).__name__ == "DataFrame"


def _col(name: str) -> Any:
    from pyspark.sql import functions as F

    return F.col(sql.quote(name))


class SparkSource:
    """A Spark DataFrame to validate."""

    engine = ENGINE

    def __init__(self, df: Any) -> None:
        self.df = df
        fields = df.schema.fields
        self.order = [f.name for f in fields]
        self.columns = {f.name: of_spark(f.dataType) for f in fields}
        self.native = {f.name: f.dataType.simpleString() for f in fields}

    def run(self, plan: Plan, k: int) -> tuple[dict[str, Any], dict[int, list[dict[str, Any]]]]:
        values = self.compute(plan.aggregates)
        samples: dict[int, list[dict[str, Any]]] = {}
        if k > 0:
            failing = plan.failing_counts(values)
            samples = self._samples(plan, failing, k)
        return values, samples

    def compute(self, aggregates: Mapping[str, tuple]) -> dict[str, Any]:
        exprs = []
        frequencies: dict[str, tuple] = {}
        for alias, agg in aggregates.items():
            kind = agg[0]
            if kind == "rows":
                expr = "count(1)"
            elif kind == "count":
                expr = f"count({sql.quote(agg[1])})"
            elif kind == "count_if":
                expr = sql.count_if(agg[1])
            elif kind == "agg":
                expr = sql.statistic(agg[1], agg[2])
            elif kind == "bins":
                expr = f"array({', '.join(sql.count_if(c) for c in bin_conditions(*agg[1:]))})"
            elif kind == "quantiles":
                probs = ", ".join(sql.literal(float(p)) for p in agg[2])
                expr = (
                    f"percentile_approx(CAST({sql.quote(agg[1])} AS DOUBLE), array({probs}), "
                    f"{QUANTILE_ACCURACY})"
                )
            elif kind in ("dups", "counts"):
                frequencies[alias] = agg
                continue
            else:  # pragma: no cover
                raise AssertionError(kind)
            exprs.append(f"{expr} AS {alias}")
        # a select of aggregates only is one global aggregation, as DataFrame.agg
        row = self.df.selectExpr(*exprs).collect()[0].asDict(recursive=True) if exprs else {}
        values = dict(row)
        if frequencies:
            values.update(self._frequencies(frequencies))
        return values

    def _frequencies(self, wanted: Mapping[str, tuple]) -> dict[str, Any]:
        """Rows whose value repeats (``dups``) and value counts (``counts``) of the
        columns asked, in one job: a group-by on (column, value as text)."""
        from pyspark.sql import functions as F

        columns = sorted({agg[1] for agg in wanted.values()})
        key = {c: i for i, c in enumerate(columns)}
        pairs = ", ".join(
            f"named_struct('k', {key[c]}, 'v', CAST({sql.quote(c)} AS STRING))" for c in columns
        )
        grouped = (
            self.df.selectExpr(f"inline(array({pairs}))")
            .where("v IS NOT NULL")
            .groupBy("k", "v")
            .count()
        )
        counted = [key[agg[1]] for agg in wanted.values() if agg[0] == "counts"]
        keep = f"k IN ({', '.join(map(str, counted))})" if counted else "FALSE"
        per_column = grouped.groupBy("k").agg(
            F.expr("sum(CASE WHEN `count` > 1 THEN `count` END) AS dup_rows"),
            F.expr("min(CASE WHEN `count` > 1 THEN v END) AS dup_value"),
            F.expr("count(1) AS `distinct`"),
            F.expr(f"collect_list(CASE WHEN {keep} THEN struct(v, `count`) END) AS counts"),
        )
        got = {r["k"]: r.asDict(recursive=True) for r in per_column.collect()}
        self._dup_values = {c: (got.get(key[c]) or {}).get("dup_value") for c in columns}
        out: dict[str, Any] = {}
        for alias, agg in wanted.items():
            stats = got.get(key[agg[1]]) or {}
            if agg[0] == "dups":
                out[alias] = int(stats.get("dup_rows") or 0)
            elif stats.get("distinct", 0) > COUNTS_CAP:
                out[alias] = (
                    f"{stats['distinct']:,} distinct values: counts are kept for at most "
                    f"{COUNTS_CAP:,} (is {agg[1]!r} categorical?)"
                )
            else:
                out[alias] = [(e["v"], e["count"]) for e in stats.get("counts") or []]
        return out

    def _samples(
        self, plan: Plan, failing: Mapping[int, int], k: int
    ) -> dict[int, list[dict[str, Any]]]:
        """The first ``k`` failing rows of each rule with failing rows, in the
        DataFrame's order (partition by partition).

        One limit query reads the rows failing *any* rule, in order, until it has enough
        for every rule (``sample_fetch``: the failing counts say how many); each
        rule's first failing rows among them are its first failing rows overall. A rule
        still short of ``min(k, failing)`` (rare failures, or chance) gets a
        ``where(failing).limit(k)`` query of its own; those run together. A limit query
        reads partitions only until it has its rows (1, then 4 times more...)."""
        row = f"{sql.whole_row(self.order)} AS r"
        counts = {i: failing[i] for i in plan.samples if failing.get(i)}
        wanted = {i: sql.condition(plan.samples[i]) for i in counts}
        out: dict[int, list[str]] = {}  # each row as JSON text
        fetch = sample_fetch(counts, k) if counts else 0
        if fetch:
            any_fails = " OR ".join(f"({c})" for c in wanted.values())
            flags = ", ".join(f"CASE WHEN {c} THEN {i} END" for i, c in wanted.items())
            query = self.df.where(any_fails).selectExpr(f"array({flags}) AS f", row)
            out = deal(((r["f"], r["r"]) for r in query.limit(fetch).collect()), k)
        short = {i: wanted[i] for i in short_of(out, counts, k)}
        for index, column in plan.dup_samples.items():
            value = getattr(self, "_dup_values", {}).get(column)
            if failing.get(index) and value is not None:
                short[index] = f"CAST({sql.quote(column)} AS STRING) = {sql.literal(value)}"

        def take(item: tuple[int, str]) -> tuple[int, list[str]]:
            index, cond = item
            return index, [r["r"] for r in self.df.where(cond).selectExpr(row).limit(k).collect()]

        if short:
            with ThreadPoolExecutor(min(8, len(short))) as pool:
                out.update(pool.map(take, short.items()))
        return {i: [json.loads(r) for r in rows] for i, rows in out.items()}
