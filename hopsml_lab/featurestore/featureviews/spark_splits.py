"""Training data splits on Spark: each row gets the name of its split in one column
(``SPLIT``), computed where the row is, so splitting needs no count, no ordering and no
second pass, and every split can be written by one job.

* Random: ``xxhash64(seed, every column of the row)`` as a number in ``[0, 1)``; the row
  goes to the first split whose cumulative fraction is above it. Whatever the
  partitioning or the order rows arrive in, the same rows and the same seed give the
  same split (``DataFrame.randomSplit``, which hsfs' Spark engine calls, depends on the
  partitioning and sorts every partition); splits are disjoint, together they hold
  every row, and their sizes are close to the fractions (each row falls in a split with
  its fraction's probability). Identical rows land in the same split; the rows are read
  with their primary keys and event times, so only true duplicates are identical.
* Time: a row belongs to every split whose ``[start, end)`` holds its left event time
  (epoch microseconds against the bounds' milliseconds x 1000: the same rows as the
  pandas path's millisecond floor), so overlapping bounds give a row to each, as pandas
  filters each split on its own; rows outside every split, or without an event time,
  are in none.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...catalog import SplitSpec
from .splits import TIME_SERIES_SPLIT, split_sizes

if TYPE_CHECKING:
    from pyspark.sql import Column, DataFrame

SPLIT = "__split"
_UNIT = 1 << 53  # hash bits kept: exact in a double


def _hashable(frame: DataFrame) -> list[Column]:
    """Every column, maps as JSON text (Spark does not hash maps)."""
    from pyspark.sql import functions as F

    columns = []
    for field in frame.schema.fields:
        column = F.col("`" + field.name.replace("`", "``") + "`")
        if "map<" in field.dataType.simpleString():
            column = F.to_json(column)
        columns.append(column)
    return columns


def random_labels(frame: DataFrame, splits: list[SplitSpec], seed: int) -> Column:
    """The split of each row of ``frame`` (see the module)."""
    from pyspark.sql import functions as F

    fractions = split_sizes(splits)
    hashed = F.xxhash64(F.lit(int(seed)).cast("long"), *_hashable(frame))
    draw = hashed.bitwiseAND(F.lit(_UNIT - 1)).cast("double") / F.lit(float(_UNIT))
    label = F.lit(splits[-1].name)  # the last split takes what is left
    limit = sum(fractions[:-1])
    for split, fraction in reversed(list(zip(splits[:-1], fractions[:-1], strict=True))):
        label = F.when(draw < F.lit(limit), F.lit(split.name)).otherwise(label)
        limit -= fraction
    return label


def event_micros(frame: DataFrame, column: str) -> tuple[Column, int]:
    """The event time as a number, and how many of it make a millisecond: epoch
    microseconds for timestamps and dates, the value itself for epoch milliseconds."""
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    kind = next(f.dataType for f in frame.schema.fields if f.name == column)
    name = "`" + column.replace("`", "``") + "`"
    if isinstance(kind, T.TimestampNTZType):
        expr = f"timestampdiff(MICROSECOND, TIMESTAMP_NTZ'1970-01-01 00:00:00', {name})"
        return F.expr(expr), 1000
    if isinstance(kind, T.TimestampType):
        return F.unix_micros(F.col(name)), 1000
    if isinstance(kind, T.DateType):
        days = F.datediff(F.col(name), F.lit("1970-01-01")).cast("long")
        return days * F.lit(86_400_000_000), 1000
    return F.col(name).cast("long"), 1


def labelled(
    frame: DataFrame, splits: list[SplitSpec], seed: int | None, time_column: str | None
) -> DataFrame:
    """``frame`` with its rows' split in ``SPLIT`` (``time_column`` dropped); without
    splits, unchanged."""
    from pyspark.sql import functions as F

    if not splits:
        return frame
    if splits[0].split_type != TIME_SERIES_SPLIT:
        return frame.withColumn(SPLIT, random_labels(frame, splits, seed or 0))
    assert time_column is not None
    value, per_ms = event_micros(frame, time_column)
    names = [
        F.when(
            (value >= F.lit(int(s.start_time or 0) * per_ms))
            & (value < F.lit(int(s.end_time or 0) * per_ms)),
            F.lit(s.name),
        )
        for s in splits
    ]
    found = F.filter(F.array(*names), lambda name: name.isNotNull())
    return frame.withColumn(SPLIT, F.explode(found)).drop(time_column)
