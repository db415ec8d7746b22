"""The Spark evaluator: every aggregate of a plan in one ``DataFrame.agg`` (one job, one
scan, partial aggregation on the executors: only one row of numbers reaches the driver,
however large the data).

Two more jobs, each only when needed:

- value frequencies (unique, class balance, categorical drift) are not aggregates: one
  job for all such rules together explodes ``(rule column, value as text)`` pairs and
  groups by them, then reduces per column to the rows whose value repeats and (for
  balance and categorical drift, at most ``COUNTS_CAP`` values) each value's count;
- failing-row samples, after the failing counts are known and only for rules with
  failing rows: one limit query over the rows failing any rule, reading partitions only
  until it has enough rows for every rule, plus a ``filter(failing).limit(k)`` job for a
  rule still short (those run together). Taking them in the aggregation itself was
  measured and refused: Spark 4.0's only bounded row aggregates (``min_by``) made the
  pass 4x slower for one row per rule and 17x for ten (docs/design/validation.md).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from functools import reduce
from typing import Any

from .plan import COUNTS_CAP, Plan, bin_conditions
from .types import of_spark

ENGINE = "spark"
QUANTILE_ACCURACY = 10_000
SAMPLE_SCAN_CAP = 20_000
"""At most this many rows failing any rule are fetched for the samples in one job."""


def is_spark(data: Any) -> bool:
    """A Spark DataFrame, classic or Spark Connect (without importing pyspark for
    others)."""
    module = type(data).__module__
    return module.startswith("pyspark.sql") and type(data).__name__ == "DataFrame"


def _col(name: str) -> Any:
    from pyspark.sql import functions as F

    return F.col("`" + name.replace("`", "``") + "`")


def condition(cond: tuple) -> Any:
    from pyspark.sql import functions as F

    op = cond[0]
    if op == "isnull":
        return _col(cond[1]).isNull()
    if op == "notnull":
        return _col(cond[1]).isNotNull()
    if op == "cmp":
        column, value = _col(cond[1]), F.lit(cond[3])
        return {
            "<": column < value,
            "<=": column <= value,
            ">": column > value,
            ">=": column >= value,
        }[cond[2]]
    if op == "in":
        return _col(cond[1]).isin(list(cond[2]))
    if op == "regex":
        return _col(cond[1]).cast("string").rlike(cond[2])
    if op == "not":
        return ~condition(cond[1])
    if op == "and":
        out = condition(cond[1])
        for part in cond[2:]:
            out = out & condition(part)
        return out
    if op == "false":
        return F.lit(False)
    raise AssertionError(op)


def _count_if(cond: tuple) -> Any:
    from pyspark.sql import functions as F

    return F.count(F.when(condition(cond), F.lit(1)))


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
            samples = self._samples(plan, values, failing, k)
        return values, samples

    def compute(self, aggregates: Mapping[str, tuple]) -> dict[str, Any]:
        from pyspark.sql import functions as F

        exprs = []
        frequencies: dict[str, tuple] = {}
        for alias, agg in aggregates.items():
            kind = agg[0]
            if kind == "rows":
                expr = F.count(F.lit(1))
            elif kind == "count":
                expr = F.count(_col(agg[1]))
            elif kind == "count_if":
                expr = _count_if(agg[1])
            elif kind == "agg":
                column = _col(agg[2])
                fn = agg[1]
                expr = {
                    "mean": lambda c: F.avg(c.cast("double")),
                    "stddev": lambda c: F.stddev_samp(c.cast("double")),
                    "stddev_pop": lambda c: F.stddev_pop(c.cast("double")),
                    "min": F.min,
                    "max": F.max,
                    "sum": F.sum,
                }[fn](column)
            elif kind == "bins":
                expr = F.array(*[_count_if(c) for c in bin_conditions(*agg[1:])])
            elif kind == "quantiles":
                expr = F.percentile_approx(
                    _col(agg[1]).cast("double"), list(agg[2]), QUANTILE_ACCURACY
                )
            elif kind in ("dups", "counts"):
                frequencies[alias] = agg
                continue
            else:  # pragma: no cover
                raise AssertionError(kind)
            exprs.append(expr.alias(alias))
        row = self.df.agg(*exprs).collect()[0].asDict(recursive=True) if exprs else {}
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
        pairs = F.array(
            *[
                F.struct(F.lit(key[c]).alias("k"), _col(c).cast("string").alias("v"))
                for c in columns
            ]
        )
        grouped = (
            self.df.select(F.explode(pairs).alias("p"))
            .select("p.k", "p.v")
            .where(F.col("v").isNotNull())
            .groupBy("k", "v")
            .count()
        )
        counted = [key[agg[1]] for agg in wanted.values() if agg[0] == "counts"]
        keep = F.col("k").isin(counted) if counted else F.lit(False)
        per_column = grouped.groupBy("k").agg(
            F.sum(F.when(F.col("count") > 1, F.col("count"))).alias("dup_rows"),
            F.min(F.when(F.col("count") > 1, F.col("v"))).alias("dup_value"),
            F.count(F.lit(1)).alias("distinct"),
            F.collect_list(F.when(keep, F.struct("v", "count"))).alias("counts"),
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
        self, plan: Plan, values: Mapping[str, Any], failing: Mapping[int, int], k: int
    ) -> dict[int, list[dict[str, Any]]]:
        """Up to ``k`` failing rows of each rule with failing rows.

        One job reads rows failing any rule until it has enough for every rule (the
        failing counts say how many that takes: the rarest rule's share of failing rows
        decides, capped at ``SAMPLE_SCAN_CAP`` rows); a rule still short of ``k`` (rare
        failures, or chance) gets a ``filter(failing).limit(k)`` job of its own, those
        jobs run together. A limit query reads partitions only until it has its rows."""
        from pyspark.sql import functions as F

        whole_row = F.to_json(
            F.struct(*[_col(c) for c in self.order]), {"ignoreNullFields": "false"}
        ).alias("r")
        wanted = {i: cond for i, cond in plan.samples.items() if failing.get(i)}
        out: dict[int, list[dict[str, Any]]] = {}
        if wanted:
            total = sum(failing[i] for i in wanted)
            fetch = max(math.ceil(2 * min(k, failing[i]) * total / failing[i]) for i in wanted)
            if fetch <= SAMPLE_SCAN_CAP:
                conds = {i: condition(c) for i, c in wanted.items()}
                any_fails = reduce(lambda a, b: a | b, conds.values())
                flags = F.array(*[F.when(c, F.lit(i)) for i, c in conds.items()]).alias("f")
                rows = self.df.where(any_fails).select(flags, whole_row).limit(fetch).collect()
                for row in rows:
                    for i in row["f"]:
                        if i is not None and len(out.setdefault(i, [])) < k:
                            out[i].append(json.loads(row["r"]))
        short = {
            i: condition(c) for i, c in wanted.items() if len(out.get(i, [])) < min(k, failing[i])
        }
        for index, column in plan.dup_samples.items():
            value = getattr(self, "_dup_values", {}).get(column)
            if failing.get(index) and value is not None:
                short[index] = _col(column).cast("string") == F.lit(value)

        def take(item: tuple[int, Any]) -> tuple[int, list[dict[str, Any]]]:
            index, cond = item
            rows = self.df.where(cond).select(whole_row).limit(k).collect()
            return index, [json.loads(r["r"]) for r in rows]

        if short:
            with ThreadPoolExecutor(min(8, len(short))) as pool:
                out.update(pool.map(take, short.items()))
        return out
