"""A plan on Spark: each group's version read from its Parquet files, joins as
DataFrame joins, a point-in-time join as one sort per key instead of a range join.

The point-in-time join unions the left rows with the joined group's rows, orders each
key's rows by (time, joined rows first, write order) and gives every left row the last
joined row before it (``last(..., ignorenulls)`` over the window): the same rule as
DuckDB's ``ASOF`` join in ``sql.py``, including ties.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .inputs import node_input
from .plan import JOIN_TYPES, Condition, Node, Plan
from .sql import SEQ, predicate_sql

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

    from ..featuregroups.groups import FeatureGroups

_SPARK_JOINS = {"INNER": "inner", "LEFT": "left", "RIGHT": "right", "FULL": "full"}
_SPARK_JOINS["SEMI"] = "left_semi"
assert set(_SPARK_JOINS) | {"CROSS"} == set(JOIN_TYPES.values())


def _col(alias: str, column: str) -> str:
    return f"{alias}__{column}"


def _read(session: SparkSession, groups: FeatureGroups, node: Node) -> DataFrame:
    from pyspark.sql import functions as F

    commit = groups._latest_commit(node.group, node.as_of_ms)
    table = groups.table(node.group)
    if commit is None or node.group.partition_key or node.start_ms is not None:
        # empty, partitioned or an incremental read (changed rows): as DuckDB reads it
        frame = session.createDataFrame(node_input(groups, node))  # Arrow: typed if empty
    else:
        files = table.ordered_files(commit.table_version)
        ranks = F.create_map(
            *[x for i, f in enumerate(files) for x in (F.lit(f.rsplit("/", 1)[-1]), F.lit(i))]
        )
        frame = session.read.parquet(*files).select(
            *node.needed,
            (
                ranks[F.col("_metadata.file_name")].cast("long") * F.lit(2**32)
                + F.col("_metadata.row_index")
            ).alias(SEQ),
        )
    return frame.select(
        *[F.col(f"`{c}`").alias(_col(node.alias, c)) for c in node.needed],
        F.col(SEQ).alias(_col(node.alias, SEQ)),
    )


def _micros(node: Node) -> Any:
    from pyspark.sql import functions as F

    column = f"`{_col(node.alias, node.event_time or '')}`"
    kind = next(f.type for f in node.group.features if f.name == node.event_time)
    if kind == "bigint":
        return F.expr(f"{column} * 1000")
    return F.expr(
        "timestampdiff(MICROSECOND, TIMESTAMP_NTZ'1970-01-01 00:00:00', "
        f"CAST({column} AS TIMESTAMP_NTZ))"
    )


def _as_of_join(left: DataFrame, right: DataFrame, parent: Node, node: Node) -> DataFrame:
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    keys = [f"__k{i}" for i in range(len(node.keys))]
    left_row = F.struct(*[F.col(f"`{c}`") for c in left.columns])
    right_cols = [c for c in right.columns if c != _col(node.alias, SEQ)]
    right_row = F.struct(*[F.col(f"`{c}`") for c in right_cols])
    left_type = left.select(left_row.alias("r")).schema["r"].dataType
    right_type = right.select(right_row.alias("r")).schema["r"].dataType
    lefts = left.select(
        *[
            F.col(f"`{_col(parent.alias, k)}`").alias(n)
            for k, n in zip(node.parent_keys, keys, strict=True)
        ],
        _micros(parent).alias("__time"),
        F.lit(1).alias("__side"),
        F.lit(0).cast("long").alias("__order"),
        left_row.alias("__left"),
        F.lit(None).cast(right_type).alias("__right"),
    )
    rights = right.select(
        *[F.col(f"`{_col(node.alias, k)}`").alias(n) for k, n in zip(node.keys, keys, strict=True)],
        _micros(node).alias("__time"),
        F.lit(0).alias("__side"),
        F.col(f"`{_col(node.alias, SEQ)}`").alias("__order"),
        F.lit(None).cast(left_type).alias("__left"),
        right_row.alias("__right"),
    )
    rights = rights.where(F.col("__time").isNotNull())
    for key in keys:
        rights = rights.where(F.col(key).isNotNull())
    window = (
        Window.partitionBy(*keys)
        .orderBy(F.col("__time").asc_nulls_first(), "__side", "__order")
        .rowsBetween(Window.unboundedPreceding, Window.currentRow)
    )
    both = lefts.unionByName(rights).withColumn(
        "__match", F.last("__right", ignorenulls=True).over(window)
    )
    both = both.where(F.col("__side") == 1)
    if node.join_type == "INNER":
        both = both.where(F.col("__match").isNotNull())
    return both.select("__left.*", *[F.col(f"__match.`{c}`").alias(c) for c in right_cols])


def run_spark(session: SparkSession, groups: FeatureGroups, plan: Plan) -> DataFrame:
    """The plan's rows as a Spark DataFrame, column names as ``Query.read`` gives them."""
    from pyspark.sql import functions as F

    frames = {n.alias: _read(session, groups, n) for n in plan.nodes}
    root, *joined = plan.nodes
    result = frames[root.alias].drop(_col(root.alias, SEQ))
    for node in joined:
        parent = plan.node(node.parent or "")
        right = frames[node.alias]
        if node.point_in_time:
            result = _as_of_join(result, right, parent, node)
            continue
        right = right.drop(_col(node.alias, SEQ))
        if node.join_type == "CROSS":
            result = result.crossJoin(right)
            continue
        condition = None
        for a, b in zip(node.parent_keys, node.keys, strict=True):
            term = result[f"`{_col(parent.alias, a)}`"] == right[f"`{_col(node.alias, b)}`"]
            condition = term if condition is None else condition & term
        result = result.join(right, on=condition, how=_SPARK_JOINS[node.join_type])
    if plan.predicate is not None:

        def column(condition: Condition) -> str:
            return f"`{_col(*plan.resolve(condition))}`"

        result = result.where(F.expr(predicate_sql(plan.predicate, column)))
    return result.select(
        *[F.col(f"`{_col(alias, column)}`").alias(name) for alias, column, name in plan.outputs]
    )
