"""Data validation: 10 rules (3 not null, 3 between, 3 in set, a row count) on 20
columns of 5,000,000 rows (Parquet, read by Spark on local[2]), with defects planted so
that every rule but the row count fails.

Ours: ``validation.validate`` on the Spark DataFrame (one aggregation job for every
rule, then one limit query for up to 10 failing rows per failing rule), and without
samples. Side by side: one bare Spark aggregation pass computing the same failing
counts written as SQL text (the floor), the same pass with PySpark's Column API (each
Column operation costs py4j round trips), Great Expectations 1.x's Spark engine on the
same suite with and without its default persist, and pandera's pyspark backend on the
same column rules (it has no row-count check), each peer in its own venv (peers.txt).
Then 1,000,000 rows in pandas: ours (one DuckDB pass over the frame) against GE's pandas
engine. Each figure is the best of a few runs after a warm-up (ours and the bare passes
in turn, so a busy machine slows them alike); the peers' runs include their own warm-up
run, left out. ``VALIDATION_ROWS`` (default 5,000,000) sets a smaller size,
``VALIDATION_ROUNDS`` (default 5) the rounds of the Spark figures.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .peers import HERE, peer_env, peer_python
from .stats import bench_lab

ROWS = int(os.environ.get("VALIDATION_ROWS", 5_000_000))
ROUNDS = int(os.environ.get("VALIDATION_ROUNDS", 5))
PANDAS_ROWS = 1_000_000
NUMERIC = 12
INTEGERS = 4
STRINGS = 4
CATEGORIES = ["a", "b", "c", "d", "e"]


def suite() -> dict[str, Any]:
    """The 10 rules, as a Great Expectations 1.x suite (ours read the same JSON)."""

    def e(kind: str, **kwargs: Any) -> dict[str, Any]:
        return {"type": f"expect_{kind}", "kwargs": kwargs, "meta": {}}

    return {
        "name": "bench",
        "expectations": [
            e("column_values_to_not_be_null", column="x0"),
            e("column_values_to_not_be_null", column="x1"),
            e("column_values_to_not_be_null", column="s0"),
            e("column_values_to_be_between", column="x2", min_value=0.0, max_value=1.0),
            e("column_values_to_be_between", column="x3", min_value=0.0, max_value=1.0),
            e("column_values_to_be_between", column="n0", min_value=0, max_value=999),
            e("column_values_to_be_in_set", column="s1", value_set=CATEGORIES),
            e("column_values_to_be_in_set", column="s2", value_set=CATEGORIES),
            e("column_values_to_be_in_set", column="n1", value_set=list(range(10))),
            e("table_row_count_to_be_between", min_value=1, max_value=10 * ROWS),
        ],
    }


def _spark_data(spark: Any, path: str, rows: int) -> None:
    """20 columns, defects planted at random rows (about 1 in 1,000 to 1 in 10,000)."""
    from pyspark.sql import functions as F

    df = spark.range(rows, numPartitions=8)
    cols = []
    for i in range(NUMERIC):
        value = F.rand(i)
        if i in (0, 1):  # nulls
            value = F.when(F.rand(100 + i) < 0.001, F.lit(None)).otherwise(value)
        if i in (2, 3):  # out of [0, 1]
            value = F.when(F.rand(100 + i) < 0.0005, value + 5).otherwise(value)
        cols.append(value.alias(f"x{i}"))
    for i in range(INTEGERS):
        value = (F.rand(20 + i) * (1000 if i == 0 else 10)).cast("long")
        if i == 0:
            value = F.when(F.rand(120) < 0.0001, F.lit(-1).cast("long")).otherwise(value)
        if i == 1:
            value = F.when(F.rand(121) < 0.0002, F.lit(42).cast("long")).otherwise(value)
        cols.append(value.alias(f"n{i}"))
    letters = F.array(*[F.lit(c) for c in CATEGORIES])
    for i in range(STRINGS):
        value = F.element_at(letters, (F.rand(40 + i) * 5).cast("int") + 1)
        if i == 0:
            value = F.when(F.rand(140) < 0.001, F.lit(None)).otherwise(value)
        if i in (1, 2):
            value = F.when(F.rand(140 + i) < 0.0001, F.lit("zz")).otherwise(value)
        cols.append(value.alias(f"s{i}"))
    df.select(*cols).write.mode("overwrite").parquet(path)


def _interleaved(actions: dict[str, Any], rounds: int) -> dict[str, tuple[float, Any]]:
    """Each action's best time (and last result) over ``rounds`` rounds that run them in
    turn, after one warm-up each: a busy machine slows them alike."""
    results = {name: action() for name, action in actions.items()}
    best = dict.fromkeys(actions, float("inf"))
    for _ in range(rounds):
        for name, action in actions.items():
            start = time.perf_counter()
            results[name] = action()
            best[name] = min(best[name], time.perf_counter() - start)
    return {name: (best[name], results[name]) for name in actions}


def _best(action: Any, repeat: int = 3) -> tuple[float, Any]:
    action()  # warm-up
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = action()
        times.append(time.perf_counter() - start)
    return min(times), result


def _failing_sql(expectation: dict[str, Any]) -> str | None:
    """A column expectation's failing rows, as SQL a user would write."""
    kind, kw = expectation["type"], expectation["kwargs"]
    col = f"`{kw.get('column')}`"
    if kind == "expect_column_values_to_not_be_null":
        return f"{col} IS NULL"
    if kind == "expect_column_values_to_be_between":
        return (
            f"{col} IS NOT NULL AND NOT ({col} >= {kw['min_value']} AND {col} <= {kw['max_value']})"
        )
    if kind == "expect_column_values_to_be_in_set":
        values = ", ".join(repr(v) for v in kw["value_set"])
        return f"{col} IS NOT NULL AND {col} NOT IN ({values})"
    return None


def _bare(df: Any) -> Any:
    """The floor: one aggregation with each rule's failing count, nothing else, written
    as SQL text (one py4j call for the whole pass)."""
    failing = [_failing_sql(e) for e in suite()["expectations"]]
    exprs = ["count(1)"] + [f"count(CASE WHEN {f} THEN 1 END)" for f in failing if f]
    return df.selectExpr(*exprs).collect()


def _bare_columns(df: Any) -> Any:
    """The same pass with PySpark's Column API, as most code writes it: in PySpark 4
    each Column operation is 10-20 py4j round trips (its call site goes to the JVM)."""
    from pyspark.sql import functions as F

    exprs = [F.count(F.lit(1))]
    for e in suite()["expectations"]:
        kind, kw = e["type"], e["kwargs"]
        if "column" not in kw:
            continue
        col = F.col(kw["column"])
        if kind == "expect_column_values_to_not_be_null":
            failing = col.isNull()
        elif kind == "expect_column_values_to_be_between":
            ok = (col >= kw["min_value"]) & (col <= kw["max_value"])
            failing = col.isNotNull() & ~ok
        else:
            failing = col.isNotNull() & ~col.isin(kw["value_set"])
        exprs.append(F.count(F.when(failing, F.lit(1))))
    return df.agg(*exprs).collect()


def _peer(name: str, script: str, task: str, **options: Any) -> dict[str, Any]:
    import subprocess

    args = [str(peer_python(name)), str(HERE / "peer_scripts" / f"{script}_bench.py"), task]
    for key, value in options.items():
        args += [f"--{key}", str(value)]
    done = subprocess.run(args, check=True, capture_output=True, text=True, env=peer_env())
    return json.loads(done.stdout.strip().splitlines()[-1])


def run() -> list[str]:
    from hopsml_lab import validation

    gx_suite = suite()
    rules = validation.Rules.from_ge(gx_suite)
    lines = [
        f"validation, 10 rules on 20 columns of {ROWS:,} rows, Spark local[2] "
        "(aim: <= 1.2x one bare aggregation pass, with failing counts and samples)"
    ]
    with bench_lab() as lab, tempfile.TemporaryDirectory() as folder:
        spark = lab.spark.session()
        data = str(Path(folder) / "data")
        _spark_data(spark, data, ROWS)
        suite_path = Path(folder) / "suite.json"
        suite_path.write_text(json.dumps(gx_suite))
        rules_path = Path(folder) / "rules.json"
        rules_path.write_text(json.dumps(rules.to_list()))

        def read() -> Any:
            return spark.read.parquet(data)

        timed = _interleaved(
            {
                "bare": lambda: _bare(read()),
                "ours": lambda: validation.validate(read(), rules),
                "plain": lambda: validation.validate(read(), rules, sample=0),
                "columns": lambda: _bare_columns(read()),
            },
            rounds=ROUNDS,
        )
        (bare_s, bare), (ours_s, report), (plain_s, _), (columns_s, _) = timed.values()
        failing = sum(1 for r in report.results if not r.success)
        sampled = sum(len(r.sample) for r in report.results)
        same = list(bare[0][1:]) == [r.failing_count for r in report.results][:9]
        lines += [
            f"  {'bare Spark aggregation pass, SQL text (the floor)':<58} {bare_s:7.2f} s"
            f"   ({'same counts' if same else 'COUNTS DIFFER'})",
            f"  {'ours: validate, counts + samples (10 per failing rule)':<58} {ours_s:7.2f} s"
            f"   {failing} rules failed, {sampled} rows sampled",
            f"  {'ours: validate, counts only (sample=0)':<58} {plain_s:7.2f} s",
            f"  {'bare pass with the PySpark Column API':<58} {columns_s:7.2f} s",
            f"  ratio ours / bare: {ours_s / bare_s:.2f}x (counts only: {plain_s / bare_s:.2f}x)"
            f"; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores",
        ]
        report_counts = [r.failing_count for r in report.results]
        lab.spark.stop()  # the peers start their own Spark: two JVMs would share 2 cores
        for label, persist in (
            ("GE 1.24 Spark engine, no persist", "false"),
            ("GE 1.24 Spark engine, default persist", "true"),
        ):
            try:
                got = _peer(
                    "great_expectations_spark",
                    "great_expectations",
                    "spark",
                    data=data,
                    suite=suite_path,
                    persist=persist,
                    repeat=2 if persist == "true" else 3,
                )
                best = min(got["samples_ms"][1:] or got["samples_ms"]) / 1000
                counts = [r["unexpected_count"] for r in got["results"]]
                same = "same counts" if counts[:9] == report_counts[:9] else f"counts {counts}"
                lines.append(
                    f"  {label:<58} {best:7.2f} s   ({same}; ours {best / ours_s:.1f}x faster)"
                )
            except Exception as error:  # a peer that cannot run is reported, not fatal
                lines.append(f"  {label}: did not run ({str(error)[:200]})")
        try:
            got = _peer("pandera", "pandera", "spark", data=data, rules=rules_path, repeat=3)
            best = min(got["samples_ms"][1:] or got["samples_ms"]) / 1000
            lines.append(
                f"  {'pandera 0.35 pyspark backend (9 column rules)':<58} {best:7.2f} s"
                f"   ({len(got['failed'])} checks failed, no counts; ours {best / ours_s:.1f}x)"
            )
        except Exception as error:
            lines.append(f"  pandera: did not run ({str(error)[:200]})")

        # pandas, 1,000,000 rows
        frame = _pandas_frame(PANDAS_ROWS)
        path = Path(folder) / "pandas.parquet"
        frame.to_parquet(path)
        frame = pd.read_parquet(path)
        pandas_s, small = _best(lambda: validation.validate(frame, rules))
        pandas_plain_s, _ = _best(lambda: validation.validate(frame, rules, sample=0))
        lines += [
            f"  {f'ours on pandas, {PANDAS_ROWS:,} rows (one DuckDB pass)':<58} {pandas_s:7.2f} s"
            f"   {sum(1 for r in small.results if not r.success)} rules failed, "
            f"{sum(len(r.sample) for r in small.results)} rows sampled",
            f"  {'ours on pandas, counts only (sample=0)':<58} {pandas_plain_s:7.2f} s",
        ]
        try:
            got = _peer(
                "great_expectations",
                "great_expectations",
                "pandas",
                data=path,
                suite=suite_path,
                repeat=3,
            )
            best = min(got["samples_ms"][1:] or got["samples_ms"]) / 1000
            counts = [r["unexpected_count"] for r in got["results"]]
            ours_counts = [r.failing_count for r in small.results]
            same = "same counts" if counts[:9] == ours_counts[:9] else f"counts {counts}"
            lines.append(
                f"  {'GE 1.24 pandas engine, same frame':<58} {best:7.2f} s"
                f"   ({same}; ours {best / pandas_s:.1f}x faster)"
            )
        except Exception as error:
            lines.append(f"  GE pandas: did not run ({str(error)[:200]})")
    return lines


def _pandas_frame(rows: int) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    data: dict[str, Any] = {}
    for i in range(NUMERIC):
        values = rng.random(rows)
        if i in (0, 1):
            values[rng.random(rows) < 0.001] = np.nan
        if i in (2, 3):
            hit = rng.random(rows) < 0.0005
            values[hit] += 5
        data[f"x{i}"] = values
    for i in range(INTEGERS):
        values = (rng.random(rows) * (1000 if i == 0 else 10)).astype("int64")
        if i == 0:
            values[rng.random(rows) < 0.0001] = -1
        if i == 1:
            values[rng.random(rows) < 0.0002] = 42
        data[f"n{i}"] = values
    for i in range(STRINGS):
        values = np.array(CATEGORIES, dtype=object)[rng.integers(0, 5, rows)]
        if i == 0:
            values[rng.random(rows) < 0.001] = None
        if i in (1, 2):
            values[rng.random(rows) < 0.0001] = "zz"
        data[f"s{i}"] = values
    return pd.DataFrame(data)
