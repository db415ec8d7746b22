"""The overview on Spark, in three jobs whatever the number of columns, none reading
one column alone:

- the first pass, one ``DataFrame.agg``: every column's counts, zeros, min, max, mean,
  standard deviation, quantiles (``percentile_approx``) and distinct values (HLL);
- the second pass, two jobs submitted together:
  - one group-by over ``(column, value)`` pairs exploded from each row: the bin index of
    each numeric value (bins from the first pass's min and max) and the text of each
    string or boolean, counted, then the ``top`` most frequent values of each string or
    boolean column kept;
  - one ``agg`` of plain sums for the correlations (``correlation.py``: values centred
    on the first pass's means, each pair over its complete rows).

Measured (200,000 rows, 20 float columns, ``local[2]`` on a busy 2-core machine; a bare
``sum`` of every column took 1.7 s): one ``corr()`` per pair in one ``agg`` (190 pairs)
took 92-116 s, because past ``spark.sql.codegen.maxFields`` (100 buffer fields; 190
``corr`` have 1,140) Spark drops whole-stage code generation; 13.6 s with that limit
raised; 12.6 s as 12 ``agg`` jobs of 16 pairs; 55 s exploding a row per pair and grouping;
5.8 s with ``pyspark.ml.stat.Correlation`` (vectors; complete rows of *all* columns
only); 5.9 s as one ``agg`` of 230 plain sums (chosen: pairwise complete rows, and no
``pyspark.ml``). Histograms the same way: one ``count(when(bin = k))`` per bin (400
aggregates) took 19-23 s, the exploded group-by 7.3 s (chosen).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from .correlation import Moment
from .overview_specs import Bins, ColumnSpec, FirstPass, SecondPass
from .spark import QUANTILE_ACCURACY, SparkSource, _col

DISTINCT_ERROR = 0.02
"""Relative standard deviation of the distinct count (HyperLogLog++; Spark's default
0.05 read 375 for 400 distinct values in the tests)."""


def _value(spec: ColumnSpec) -> Any:
    """The column with NaN as missing (``isnan(null)`` is false: null stays null)."""
    from pyspark.sql import functions as F

    column = _col(spec.name)
    return F.when(~F.isnan(column), column) if spec.floating else column


class SparkOverview:
    engine = "spark"

    def __init__(self, source: SparkSource) -> None:
        self.df = source.df

    def _values(self, specs: Sequence[ColumnSpec]) -> Any:
        """The columns as ``v0, v1, ...``, NaN as missing: projected once (generated
        code), so the aggregates, which run without it, read plain columns."""
        return self.df.select(*[_value(s).alias(f"v{i}") for i, s in enumerate(specs)])

    def first_pass(
        self, specs: Sequence[ColumnSpec], quantiles: Sequence[float], top: int
    ) -> FirstPass:
        from pyspark.sql import functions as F

        exprs = [F.count(F.lit(1)).alias("n")]
        keys: dict[str, dict[str, str]] = {}
        for i, spec in enumerate(specs):
            v = F.col(f"v{i}")
            number = v.cast("double")
            wanted = {"nonnull": F.count(v)}
            if spec.numeric:
                wanted.update(
                    zeros=F.count(F.when(v == 0, F.lit(1))),
                    mean=F.avg(number),
                    stddev=F.stddev_samp(number),
                    quantiles=F.percentile_approx(number, list(quantiles), QUANTILE_ACCURACY),
                )
            if spec.ordered:
                wanted.update(min=F.min(v), max=F.max(v))
            if spec.plain:
                wanted["distinct"] = F.approx_count_distinct(v, DISTINCT_ERROR)
            keys[spec.name] = {}
            for key, expr in wanted.items():
                exprs.append(expr.alias(f"c{i}_{key}"))
                keys[spec.name][key] = f"c{i}_{key}"
        got = self._values(specs).agg(*exprs).collect()[0].asDict(recursive=True)
        columns = {
            name: {key: got[alias] for key, alias in aliases.items()}
            for name, aliases in keys.items()
        }
        return FirstPass(int(got["n"]), columns)

    def second_pass(
        self,
        specs: Sequence[ColumnSpec],
        first: FirstPass,
        bins: dict[str, tuple[ColumnSpec, Bins]],
        moments: Sequence[Moment],
        top: int,
    ) -> SecondPass:
        values = self._values(specs)
        at = {s.name: f"v{i}" for i, s in enumerate(specs)}
        categorical = [s for s in specs if s.categorical]
        jobs: dict[str, Callable[[], Any]] = {}
        if bins or categorical:
            jobs["frequencies"] = lambda: _frequencies(values, at, bins, categorical, top)
        if moments:
            jobs["correlations"] = lambda: _sums(values, at, first, moments)
        with ThreadPoolExecutor(max(1, len(jobs))) as pool:
            running = {name: pool.submit(job) for name, job in jobs.items()}
            done = {name: future.result() for name, future in running.items()}
        counts, top_values = done.get("frequencies", ({}, {}))
        return SecondPass(counts, done.get("correlations", {}), top_values)


def _frequencies(
    values: Any,
    at: dict[str, str],
    bins: dict[str, tuple[ColumnSpec, Bins]],
    categorical: list[ColumnSpec],
    top: int,
) -> tuple[dict[str, list[int]], dict[str, list[tuple[str, int]]]]:
    """Rows per bin of every numeric column and the ``top`` most frequent values
    (as text; ties by value) of every string or boolean column, in one job."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    names = list(bins)
    parts = []
    for k, name in enumerate(names):
        found = bins[name][1]
        v = F.col(at[name])
        position = F.floor((v.cast("double") - F.lit(found.low)) * F.lit(found.scale))
        index = F.least(F.greatest(position, F.lit(0)), F.lit(found.count - 1))
        parts.append(_pair(k, F.lit(None).cast("string"), F.when(v.isNotNull(), index)))
    for k, spec in enumerate(categorical, start=len(names)):
        parts.append(_pair(k, F.col(at[spec.name]).cast("string"), F.lit(None).cast("long")))
    ranked = Window.partitionBy("k").orderBy(F.desc("count"), F.asc("v"))
    rows = (
        values.select(F.explode(F.array(*parts)).alias("p"))
        .select("p.k", "p.v", "p.b")
        .where(F.col("v").isNotNull() | F.col("b").isNotNull())
        .groupBy("k", "v", "b")
        .count()
        .withColumn("rank", F.row_number().over(ranked))
        .where((F.col("k") < len(names)) | (F.col("rank") <= top))
        .collect()
    )
    counts = {name: [0] * bins[name][1].count for name in names}
    top_values: dict[str, list[tuple[str, int]]] = {s.name: [] for s in categorical}
    for row in sorted(rows, key=lambda r: (r["k"], r["rank"])):
        if row["k"] < len(names):
            counts[names[row["k"]]][int(row["b"])] = int(row["count"])
        else:
            top_values[categorical[row["k"] - len(names)].name].append(
                (row["v"], int(row["count"]))
            )
    return counts, top_values


def _sums(
    values: Any, at: dict[str, str], first: FirstPass, moments: Sequence[Moment]
) -> dict[str, Any]:
    """The correlations' sums (``correlation.moments``) in one ``agg`` of plain sums."""
    from pyspark.sql import functions as F

    def centred(column: str) -> Any:
        return F.col(at[column]).cast("double") - F.lit(float(first.columns[column]["mean"]))

    exprs = []
    for k, moment in enumerate(moments):
        a = centred(moment.column)
        if moment.kind == "product":
            assert moment.other is not None
            expr = F.sum(a * centred(moment.other))
        else:
            if moment.other is not None:
                both = F.col(at[moment.column]).isNotNull() & F.col(at[moment.other]).isNotNull()
                a = F.when(both, a)
            expr = {"count": F.count(a), "sum": F.sum(a), "square": F.sum(a * a)}[moment.kind]
        exprs.append(expr.alias(f"m{k}"))
    got = values.agg(*exprs).collect()[0]
    return {m.alias: got[f"m{k}"] for k, m in enumerate(moments)}


def _pair(key: int, value: Any, bin_index: Any) -> Any:
    from pyspark.sql import functions as F

    return F.struct(F.lit(key).alias("k"), value.alias("v"), bin_index.cast("long").alias("b"))
