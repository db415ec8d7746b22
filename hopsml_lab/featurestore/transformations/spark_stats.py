"""The transformation statistics of ``stats`` computed by Spark, on the executors.

One aggregation job gives every feature's counts and, for numbers, ``min``, ``max``,
``sum``, ``mean``, ``std_dev`` (``stddev_samp``, ddof=1 as pandas) and the 100
percentiles; a second one, only when some feature needs categories, counts each value
of those features (``GROUPING SETS``: one pass for all of them), and only the distinct
values and their counts come to the driver. NaN counts as missing, as ``dropna`` has
it. The dicts are built with ``stats``' own helpers, so they have the same shape.

What matches the pandas fit: counts, ``min``/``max`` and the categories (unique values,
histogram counts and order) exactly; ``sum``/``mean``/``std_dev`` up to floating-point
summation order (relative 1e-12). The percentiles are approximate
(``percentile_approx`` with accuracy ``ACCURACY``): each is a value of the data whose
rank is within ``1 / ACCURACY`` of the asked fraction (pandas interpolates between the
two values around it), as Hopsworks' own Spark statistics (Deequ) are approximate; an
exact ``percentile`` would hold every distinct value of a feature in one task.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import engine
from . import stats as transformation_stats
from .engine import BoundTransform
from .spark_apply import extend_spark

if TYPE_CHECKING:
    from pyspark.sql import Column, DataFrame
    from pyspark.sql.types import DataType

ACCURACY = 10_000


def quoted(name: str) -> Column:
    from pyspark.sql import functions as F

    return F.col("`" + name.replace("`", "``") + "`")


def percentiles(value: Column, fractions: list[float], accuracy: int) -> Column:
    """``percentile_approx`` of ``fractions`` (the array as one SQL literal: one call to
    the JVM instead of one per fraction)."""
    from pyspark.sql import functions as F

    array = F.expr("array(" + ", ".join(f"{f!r}D" for f in fractions) + ")")
    return F.percentile_approx(value, array, accuracy)


def is_number(kind: DataType) -> bool:
    """A type pandas reads as a number (booleans and decimals are not)."""
    from pyspark.sql import types as T

    numbers = (T.ByteType, T.ShortType, T.IntegerType, T.LongType, T.FloatType, T.DoubleType)
    return isinstance(kind, numbers)


def _present(column: Column, kind: DataType) -> Column:
    """The column with NaN as null (pandas' ``dropna``)."""
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    if isinstance(kind, (T.FloatType, T.DoubleType)):
        return F.when(~F.isnan(column), column)
    return column


def _numeric_aggregates(i: int, present: Column) -> list[Column]:
    from pyspark.sql import functions as F

    value = present.cast("double")
    finite = F.when(F.abs(value) != F.lit(float("inf")), value)
    return [
        F.min(value).alias(f"min{i}"),
        F.max(value).alias(f"max{i}"),
        F.sum(value).alias(f"sum{i}"),
        F.avg(value).alias(f"mean{i}"),
        F.stddev_samp(value).alias(f"std{i}"),
        percentiles(finite, transformation_stats.PERCENTILES, ACCURACY).alias(f"pct{i}"),
    ]


def _value_counts(frame: DataFrame, names: list[str]) -> dict[str, tuple[list[Any], list[int]]]:
    """Each feature's distinct values (no nulls, no NaN) and their counts: one job."""
    import math

    from pyspark.sql import functions as F

    columns = [quoted(n) for n in names]
    grouped = frame.groupingSets([[c] for c in columns], *columns)
    rows = grouped.agg(
        F.count(F.lit(1)).alias("__count"),
        *[F.grouping(c).alias(f"__g{i}") for i, c in enumerate(columns)],
    ).collect()
    found: dict[str, tuple[list[Any], list[int]]] = {n: ([], []) for n in names}
    for row in rows:
        i = next(k for k in range(len(names)) if row[f"__g{k}"] == 0)
        value = row[i]
        if value is None or (isinstance(value, float) and math.isnan(value)):
            continue
        found[names[i]][0].append(value)
        found[names[i]][1].append(int(row["__count"]))
    return found


def compute(
    frame: DataFrame,
    features: list[str],
    encoder_features: set[str],
    histogram_features: set[str],
) -> dict[str, dict[str, Any]]:
    """``stats.compute`` on a Spark DataFrame."""
    from pyspark.sql import functions as F

    transformation_stats.check_columns(features, list(frame.columns))
    kinds = {f.name: f.dataType for f in frame.schema.fields}
    aggregates = [F.count(F.lit(1)).alias("n")]
    for i, name in enumerate(features):
        present = _present(quoted(name), kinds[name])
        aggregates.append(F.count(present).alias(f"nn{i}"))
        if is_number(kinds[name]):
            aggregates += _numeric_aggregates(i, present)
    row = frame.agg(*aggregates).collect()[0]
    transformation_stats.check_rows(int(row["n"]))
    categorical = [
        n
        for n in features
        if n in encoder_features or n in histogram_features or not is_number(kinds[n])
    ]
    counts = _value_counts(frame, categorical) if categorical else {}
    result = {}
    for i, name in enumerate(features):
        present = int(row[f"nn{i}"])
        stats = transformation_stats.base_statistics(name, int(row["n"]), present)
        if is_number(kinds[name]) and present:
            stats.update(
                transformation_stats.numeric_statistics(
                    row[f"min{i}"],
                    row[f"max{i}"],
                    row[f"sum{i}"],
                    row[f"mean{i}"],
                    row[f"std{i}"],
                    row[f"pct{i}"],
                )
            )
        if name in counts:
            values, numbers = counts[name]
            stats.update(
                transformation_stats.category_statistics(
                    name, values, numbers, present, ordered=name in encoder_features
                )
            )
        result[name] = stats
    return result


class SparkFit:
    """``engine.fit_with``'s backend on Spark: statistics by ``compute``, a chained
    transformation's outputs added on the executors."""

    def __init__(self, bound: list[BoundTransform], dtypes: dict[str, str]) -> None:
        self.bound = bound
        self.dtypes = dict(dtypes)

    def columns(self, frame: DataFrame) -> list[str]:
        return list(frame.columns)

    def compute(
        self, frame: DataFrame, features: list[str], encoders: set[str], histograms: set[str]
    ) -> dict[str, Any]:
        return compute(frame, features, encoders, histograms)

    def extend(self, frame: DataFrame, item: BoundTransform, fitted: dict[str, Any]) -> Any:
        index = next(i for i, b in enumerate(self.bound) if b is item)
        extended, layout = extend_spark(frame, self.bound, index, fitted, self.dtypes)
        self.dtypes = layout.dtypes
        return extended


def fit_spark(
    bound: list[BoundTransform], train: DataFrame, dtypes: dict[str, str]
) -> dict[str, Any]:
    """``engine.fit`` on a Spark DataFrame (the training split), on the executors."""
    return engine.fit_with(bound, train, SparkFit(bound, dtypes))
