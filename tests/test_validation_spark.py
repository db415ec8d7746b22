"""Validation on Spark: the same verdicts, failing counts and observed values as the
DuckDB pass on the same data; one aggregation job for every rule that is an aggregate,
one more for value frequencies and one for samples, each only when needed."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

from hopsml_lab import validation as v
from hopsml_lab.engine.spark import SparkEngine

from .test_validation_rules import EXPECTED_ROWS, ROW_RULES, rounded
from .validation_data import drifted, frame

pytestmark = pytest.mark.spark


@pytest.fixture(scope="module")
def df() -> pd.DataFrame:
    return frame()


@pytest.fixture(scope="module")
def spark(spark_engine: SparkEngine) -> object:
    return spark_engine.session()


def to_spark(spark: object, data: pd.DataFrame) -> object:
    return spark.createDataFrame(pa.Table.from_pandas(data, preserve_index=False))  # type: ignore[attr-defined]


ALL_KINDS = ROW_RULES + (
    v.Rules()
    .row_count(1000, 5000)
    .mean_between("score", 45, 55)
    .stddev_between("score", 9, 11)
    .min_between("age", 0)
    .max_between("age", max=120)
    .sum_between("churned", 0)
    .completeness("country", 0.999)
    .balanced("churned", 0.2)
    .balanced("churned", 0.4)
    .schema({"age": "double", "row": "int64", "email": "str"}, exact=False)
    .column_type("churned", "LongType")
    .exists("nope")
    .not_null("nope")
    .between("email", 0, 1)
)


def outcome(report: v.Report) -> list[tuple]:
    return [(r.name, r.success, r.failing_count, rounded(r.observed)) for r in report.results]


def test_spark_and_duckdb_give_the_same_verdicts_and_counts(
    spark: object, df: pd.DataFrame
) -> None:
    ours = v.validate(to_spark(spark, df), ALL_KINDS, sample=5)
    duck = v.validate(df, ALL_KINDS, sample=5)
    assert ours.engine == "spark" and duck.engine == "duckdb"
    assert outcome(ours) == outcome(duck)
    assert [r.error for r in ours.results] == [r.error for r in duck.results]
    # every sample is bounded and fails its rule
    for result, planted in zip(ours.results, EXPECTED_ROWS, strict=False):
        rows = {s["row"] for s in result.sample}
        assert rows <= set(planted) and len(rows) == min(5, len(planted)), result.name
    late = next(r for r in ours.results if r.rule.column == "signup")
    assert late.sample[0]["age"] is not None and "email" in late.sample[0]  # the whole row
    assert ours.statistics["age"]["num_null_values"] == 3
    assert ours.to_json()  # JSON-able


_groups = iter(range(1_000_000))


def count_jobs(spark: object, action: object) -> int:
    """How many Spark jobs ``action`` ran (with adaptive execution, an aggregation is
    two: its shuffle stage, then the result)."""
    context = spark.sparkContext  # type: ignore[attr-defined]
    group = f"validation-{next(_groups)}"
    context.setJobGroup(group, "validation test")
    try:
        action()  # type: ignore[operator]
    finally:
        context.setLocalProperty("spark.jobGroup.id", None)
    return len(context.statusTracker().getJobIdsForGroup(group))


def test_one_job_for_all_aggregate_rules_more_only_when_needed(
    spark: object, df: pd.DataFrame, tmp_path: Path
) -> None:
    from pyspark.sql import functions as F

    # from files: Spark answers a limit over in-memory rows without a job
    to_spark(spark, df).write.parquet(str(tmp_path / "data"))
    data = spark.read.parquet(str(tmp_path / "data"))  # type: ignore[attr-defined]
    bare = count_jobs(spark, lambda: data.agg(F.count(F.lit(1))).collect())
    passing = (
        v.Rules()
        .not_null("email")
        .between("score", -1e9, 1e9)
        .row_count(1)
        .mean_between("score", 0, 100)
    )
    failing = passing + v.Rules().not_null("age").in_set("country", ["SE"])
    frequencies = failing + v.Rules().unique("row").balanced("churned", 0.1)
    counts = [
        count_jobs(spark, lambda: v.validate(data, passing)),
        count_jobs(spark, lambda: v.validate(data, failing, sample=0)),
        count_jobs(spark, lambda: v.validate(data, failing)),
        count_jobs(spark, lambda: v.validate(data, frequencies, sample=0)),
    ]
    assert counts[:2] == [bare, bare]  # every rule in one aggregation
    # + the samples' limit query, only when rules have failing rows (a limit query that
    # has not found its rows in the first partition reads the others in a second job)
    assert bare < counts[2] <= bare + 2


def test_drift_on_spark_matches_duckdb(spark: object, df: pd.DataFrame) -> None:
    rules = v.Rules().drift("score").drift("score", method="js").drift("country")
    reference = to_spark(spark, df)
    moved = v.validate(to_spark(spark, drifted(df)), rules, reference=reference)
    duck = v.validate(drifted(df), rules, reference=df)
    assert [r.success for r in moved.results] == [False, False, False]
    # quantile edges: Spark's are approximate (percentile_approx), DuckDB's exact
    for ours, theirs in zip(moved.results, duck.results, strict=True):
        assert ours.observed == pytest.approx(theirs.observed, rel=0.05)
    same = v.validate(reference, rules, reference=reference)
    assert same.success and all(r.observed == pytest.approx(0, abs=1e-12) for r in same.results)


def test_spark_unique_sample_is_rows_of_a_repeated_value(spark: object, df: pd.DataFrame) -> None:
    report = v.validate(to_spark(spark, df), v.Rules().unique("id"), sample=10)
    result = report.results[0]
    assert result.failing_count == 3
    assert sorted(s["row"] for s in result.sample) == [7, 100, 101]


def test_spark_samples_are_each_rules_first_failing_rows(spark: object, df: pd.DataFrame) -> None:
    # one limit query over the rows failing any rule, in the DataFrame's order
    report = v.validate(to_spark(spark, df), ROW_RULES, sample=2)
    for result, planted in zip(report.results, EXPECTED_ROWS, strict=True):
        if result.rule.kind != "unique":  # unique: rows of the smallest repeated value
            assert [s["row"] for s in result.sample] == sorted(planted)[:2], result.name


@pytest.mark.parametrize(
    ("rows", "common", "rare"),
    [
        # 5,000 rows fail the common rule, 40 after them the rare one: the shared query
        # reads the first 2,520 failing rows (enough if failures were spread), the rare
        # rule has none among them and takes a query of its own
        (6_000, 5_000, list(range(5_000, 5_040))),
        # one failing row in 30,000: more than the shared query may read, each rule alone
        (30_000, 29_999, [29_999]),
    ],
)
def test_a_rule_rare_among_the_failing_rows_still_gets_its_first_rows(
    spark: object, rows: int, common: int, rare: list[int]
) -> None:
    data = spark.range(0, rows, numPartitions=4)  # type: ignore[attr-defined]
    rules = v.Rules().between("id", common, rows).not_in_set("id", rare)
    first, second = v.validate(data, rules, sample=10).results
    assert (first.failing_count, second.failing_count) == (common, len(rare))
    assert [s["id"] for s in first.sample] == list(range(10))
    assert [s["id"] for s in second.sample] == rare[:10]


def test_sql_literals_have_the_values_and_types_of_lit(spark: object) -> None:
    import datetime as dt
    from decimal import Decimal

    from pyspark.sql import functions as F

    from hopsml_lab.validation.spark_sql import literal

    values = [
        0,
        -5,
        2**31,
        1.5,
        -1e-300,
        1e300,
        float("inf"),
        float("-inf"),
        "plain",
        "it's",
        "back\\slash \\d+ \\'",
        "ünïcødé ✓",
        "",
        True,
        False,
        dt.date(2024, 2, 29),
        dt.datetime(2024, 3, 31, 2, 30, 5, 678901),
        dt.datetime(2024, 1, 1, 12, tzinfo=dt.timezone(dt.timedelta(hours=5))),
        Decimal("-1234.500"),
        b"\x00\xff'",
    ]
    one = spark.range(1)  # type: ignore[attr-defined]
    texts = one.selectExpr(*[f"{literal(x)} AS c{i}" for i, x in enumerate(values)])
    lits = one.select(*[F.lit(x).alias(f"c{i}") for i, x in enumerate(values)])
    # the same types (infinities and escaped strings are folded expressions: nullable)
    assert [f.dataType for f in texts.schema] == [f.dataType for f in lits.schema]
    assert texts.collect() == lits.collect()
    assert list(lits.collect()[0])[:14] == values[:14]
    nan = one.selectExpr(literal(float("nan"))).collect()[0][0]
    assert nan != nan
