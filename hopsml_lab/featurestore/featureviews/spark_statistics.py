"""The descriptive statistics of each split of a training dataset, computed by Spark:
what ``featuregroups.statistics.compute`` gives for a pandas split (Deequ's profile,
hsfs' shapes), for every split at once, with no row brought to the driver.

* one job grouped by split: counts, non-null counts, approximate distinct counts,
  ``min``/``max``/``mean``/population ``std_dev``/``sum`` and the 100 approximate
  percentiles of numbers, correlations when configured;
* when strings or booleans are described (top values) or ``exact_uniqueness`` is on:
  one job counting each value of those features per split (``GROUPING SETS``), reduced
  on the executors to the ten most frequent values (count, then value, as DuckDB orders
  them) and the distinct / unique counts and the entropy term: only those come back;
* with ``histograms``: one more job counting equal-width bins, which need each split's
  minimum and maximum first (as the DuckDB path scans twice).

Approximate figures (distinct counts, percentiles) come from Spark's sketches instead of
DuckDB's, so they may differ slightly between the engines; the rest is the same.
"""

from __future__ import annotations

import math
import time
from typing import TYPE_CHECKING, Any

from ..errors import BadFeatureInput
from ..featuregroups.statistics import (
    DEFAULT_BINS,
    PERCENTILES,
    TOP_VALUES,
    StatisticsOptions,
    _entries,
    _finite,
    _is_plain,
    data_type,
)
from ..transformations.spark_apply import arrow_schema
from ..transformations.spark_stats import percentiles, quoted
from .spark_splits import SPLIT

# percentile_approx's accuracy (Spark's default: rank error 1 / ACCURACY); a coarser one
# is no faster (its summaries are compressed more often)
ACCURACY = 10_000

if TYPE_CHECKING:
    import pyarrow as pa
    from pyspark.sql import Column, DataFrame


def _described(schema: pa.Schema, options: StatisticsOptions) -> list[str]:
    names = [n for n in schema.names if n != SPLIT]
    if options.columns:
        unknown = [c for c in options.columns if c not in names]
        if unknown:
            raise BadFeatureInput(
                f"statistics_config columns {unknown} are not features of the group "
                f"({names}): name existing features, or leave columns empty for all"
            )
        names = [n for n in names if n in options.columns]
    return names


def _group(frame: DataFrame) -> Column:
    from pyspark.sql import functions as F

    return F.col(SPLIT) if SPLIT in frame.columns else F.lit("").alias(SPLIT)


def _main(
    frame: DataFrame,
    names: list[str],
    kinds: dict[str, str],
    schema: pa.Schema,
    options: StatisticsOptions,
) -> dict[str, dict[str, Any]]:
    from pyspark.sql import functions as F

    numeric = [n for n in names if kinds[n] in ("Integral", "Fractional")]
    aggregates = [F.count(F.lit(1)).alias("n")]
    for i, name in enumerate(names):
        column = quoted(name)
        aggregates.append(F.count(column).alias(f"c{i}_nn"))
        if _is_plain(schema.field(name).type):
            aggregates.append(F.approx_count_distinct(column).alias(f"c{i}_ad"))
        if name in numeric:
            value = column.cast("double")
            aggregates += [
                F.min(value).alias(f"c{i}_min"),
                F.max(value).alias(f"c{i}_max"),
                F.avg(value).alias(f"c{i}_mean"),
                F.stddev_pop(value).alias(f"c{i}_std"),
                F.sum(value).alias(f"c{i}_sum"),
                percentiles(value, PERCENTILES, ACCURACY).alias(f"c{i}_pct"),
            ]
    if options.correlations:
        for a in range(len(numeric)):
            for b in range(a + 1, len(numeric)):
                left, right = quoted(numeric[a]).cast("double"), quoted(numeric[b]).cast("double")
                aggregates.append(F.corr(left, right).alias(f"r{a}_{b}"))
    rows = frame.groupBy(_group(frame)).agg(*aggregates).collect()
    return {r[SPLIT]: r.asDict() for r in rows}


def _counted(frame: DataFrame, names: list[str]) -> dict[tuple[str, int], dict[str, Any]]:
    """Per (split, feature index): distinct and unique counts, ``sum(c ln c)`` and the
    top values (value text, count), from each value's count."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    columns = [quoted(n) for n in names]
    split = _group(frame)
    grouped = frame.groupingSets([[split, c] for c in columns], split, *columns)
    counts = grouped.agg(
        F.count(F.lit(1)).alias("__c"),
        *[F.grouping(c).alias(f"__g{i}") for i, c in enumerate(columns)],
    )
    index = F.coalesce(*[F.when(F.col(f"__g{i}") == 0, F.lit(i)) for i in range(len(names))])
    value = F.coalesce(
        *[F.when(F.col(f"__g{i}") == 0, c.cast("string")) for i, c in enumerate(columns)]
    )
    present = F.coalesce(
        *[F.when(F.col(f"__g{i}") == 0, c.isNotNull()) for i, c in enumerate(columns)]
    )
    values = counts.select(
        F.col(SPLIT), index.alias("__i"), value.alias("__v"), F.col("__c")
    ).where(present)
    order = Window.partitionBy(SPLIT, "__i").orderBy(F.desc("__c"), F.asc("__v"))
    ranked = values.withColumn("__r", F.row_number().over(order))
    top = F.when(F.col("__r") <= TOP_VALUES, F.struct("__r", "__v", "__c"))
    reduced = ranked.groupBy(SPLIT, "__i").agg(
        F.count(F.lit(1)).alias("ex"),
        F.sum(F.when(F.col("__c") == 1, 1).otherwise(0)).alias("u1"),
        F.sum(F.col("__c") * F.log(F.col("__c"))).alias("cln"),
        F.sort_array(F.collect_list(top)).alias("top"),
    )
    return {(r[SPLIT], int(r["__i"])): r.asDict() for r in reduced.collect()}


def _histograms(
    frame: DataFrame, numeric: list[tuple[int, str]], main: dict[str, dict[str, Any]], bins: int
) -> dict[tuple[str, str], list[dict[str, Any]]]:
    """Equal-width bins per split and numeric feature (``[lo, hi)``, the last holding
    the maximum; labels ``"lo to hi"`` as Deequ writes them)."""
    from pyspark.sql import functions as F

    if bins < 1:
        raise BadFeatureInput(f"histogram_bins {bins}: give a positive number of bins")
    split = _group(frame)
    edges: dict[tuple[str, str], tuple[float, float]] = {}
    columns = []
    for i, name in numeric:
        case = None
        for key, row in main.items():
            low, high = row.get(f"c{i}_min"), row.get(f"c{i}_max")
            if low is None or high is None or not (math.isfinite(low) and math.isfinite(high)):
                continue
            edges[(key, name)] = (low, high)
            value = quoted(name).cast("double")
            position = (
                F.least(F.floor((value - F.lit(low)) * F.lit(bins / (high - low))), F.lit(bins - 1))
                if high > low
                else F.lit(0).cast("long")
            )
            term = F.when(split == F.lit(key), position)
            case = term if case is None else F.coalesce(case, term)
        if case is not None:
            columns.append(case.alias(f"__b{i}"))
    if not columns:
        return {}
    binned = frame.select(split, *columns)
    names = [f"__b{i}" for i, _ in numeric if f"__b{i}" in binned.columns]
    sets = [[F.col(SPLIT), F.col(n)] for n in names]
    grouped = binned.groupingSets(sets, F.col(SPLIT), *[F.col(n) for n in names])
    rows = grouped.agg(
        F.count(F.lit(1)).alias("__c"), *[F.grouping(n).alias(f"__g_{n}") for n in names]
    ).collect()
    counts: dict[tuple[str, str], dict[int, int]] = {}
    by_index = {f"__b{i}": name for i, name in numeric}
    for row in rows:
        column = next(n for n in names if row[f"__g_{n}"] == 0)
        if row[column] is not None:
            key = (row[SPLIT], by_index[column])
            counts.setdefault(key, {})[int(row[column])] = int(row["__c"])
    result = {}
    for (key, name), (low, high) in edges.items():
        total = int(main[key]["n"])
        got = counts.get((key, name), {})
        width = (high - low) / bins
        parts = bins if high > low else 1
        uppers = [low + (k + 1) * width for k in range(parts - 1)] + [high]
        result[(key, name)] = [
            {
                "value": f"{low if k == 0 else uppers[k - 1]!r} to {uppers[k]!r}",
                "count": int(got.get(k, 0)),
                "ratio": int(got.get(k, 0)) / total if total else None,
            }
            for k in range(parts)
        ]
    return result


def _feature(
    i: int,
    name: str,
    kind: str,
    row: dict[str, Any],
    counted: dict[str, Any] | None,
    histogram: list[dict[str, Any]] | None,
    correlations: list[dict[str, Any]] | None,
) -> dict[str, Any]:
    """One feature's statistics in one split, as ``statistics.compute`` shapes them."""
    total = int(row.get("n") or 0)
    stats: dict[str, Any] = {"feature_name": name, "feature_type": kind, "count": total}
    if total == 0:  # as hsfs: an empty split has a count only
        return stats
    non_null = int(row[f"c{i}_nn"])
    stats.update(
        num_non_null_values=non_null,
        num_null_values=total - non_null,
        completeness=non_null / total,
    )
    if f"c{i}_ad" in row:
        stats["approx_num_distinct_values"] = int(row[f"c{i}_ad"])
    if f"c{i}_min" in row and non_null:
        stats.update(
            min=_finite(row[f"c{i}_min"]),
            max=_finite(row[f"c{i}_max"]),
            mean=_finite(row[f"c{i}_mean"]),
            std_dev=_finite(row[f"c{i}_std"]),
            sum=_finite(row[f"c{i}_sum"]),
            percentiles=[_finite(v) for v in row[f"c{i}_pct"] or []] or None,
        )
    extended: dict[str, Any] = {}
    if counted is not None and "ex" in counted:
        distinct = int(counted["ex"] or 0)
        stats["exact_num_distinct_values"] = distinct
        if non_null:
            clnc = float(counted["cln"] or 0.0)
            stats.update(
                distinctness=distinct / non_null,
                uniqueness=int(counted["u1"] or 0) / non_null,
                entropy=_finite(math.log(non_null) - clnc / non_null),
            )
    if counted is not None and "top" in counted:
        entries = [{"v": t["__v"], "c": -int(t["__c"])} for t in counted["top"] if t is not None]
        extended["histogram"] = _entries(entries, total)
    if histogram is not None:
        extended["histogram"] = histogram
    if correlations is not None:
        extended["correlations"] = correlations
    stats["extended_statistics"] = extended or None
    return stats


def describe(
    frame: DataFrame, splits: list[str], options: StatisticsOptions | None
) -> dict[str, Any] | None:
    """What ``training.split_statistics`` gives for the pandas splits, for ``frame``'s
    rows by their ``SPLIT`` column (``splits``: the names, ``[""]`` when unsplit)."""
    if options is None or not options.enabled:
        return None
    schema = arrow_schema(frame.schema)
    names = _described(schema, options)
    kinds = {n: data_type(schema.field(n).type) for n in names}
    numeric = [n for n in names if kinds[n] in ("Integral", "Fractional")]
    main = _main(frame, names, kinds, schema, options)
    top = {
        n
        for n in names
        if kinds[n] == "Boolean"
        or (kinds[n] == "String" and str(schema.field(n).type) in ("string", "large_string"))
    }
    exact = {n for n in names if options.exact_uniqueness and _is_plain(schema.field(n).type)}
    counting = [n for n in names if n in top or n in exact]
    counted = _counted(frame, counting) if counting else {}
    bins = options.histogram_bins or DEFAULT_BINS
    histograms = (
        _histograms(frame, [(names.index(n), n) for n in numeric], main, bins)
        if options.histograms and numeric
        else {}
    )
    described = {}
    for split in splits:
        row = main.get(split, {"n": 0})
        correlations: dict[str, list[dict[str, Any]]] = {n: [] for n in numeric}
        for a in range(len(numeric)):
            for b in range(a + 1, len(numeric)):
                value = _finite(row.get(f"r{a}_{b}"))
                correlations[numeric[a]].append({"column": numeric[b], "correlation": value})
                correlations[numeric[b]].append({"column": numeric[a], "correlation": value})
        features = []
        for i, name in enumerate(names):
            found = counted.get((split, counting.index(name))) if name in counting else None
            counts = None
            if found is not None:
                counts = {k: found[k] for k in ("ex", "u1", "cln") if name in exact}
                if name in top:
                    counts["top"] = found["top"]
            elif name in counting:
                counts = {"top": []} if name in top else {}
                if name in exact:
                    counts.update(ex=0, u1=0, cln=0.0)
            features.append(
                _feature(
                    i,
                    name,
                    kinds[name],
                    row,
                    counts,
                    histograms.get((split, name)),
                    correlations.get(name) if options.correlations else None,
                )
            )
        described[split] = {
            "computation_time": int(time.time() * 1000),
            "row_percentage": 1.0,
            "config": options.to_dict(),
            "feature_descriptive_statistics": features,
        }
    if list(described) == [""]:
        return described[""]
    return {
        "computation_time": int(time.time() * 1000),
        "row_percentage": 1.0,
        "split_statistics": [
            {"name": n, "feature_descriptive_statistics": s["feature_descriptive_statistics"]}
            for n, s in described.items()
        ],
    }
