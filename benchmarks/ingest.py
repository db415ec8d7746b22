"""Feature group ingestion: 1,000,000 rows x 10 features (a bigint key, an event time,
6 doubles, 2 bigints, a 50-value string), inserted into a new feature group.

From pandas: ours is ``fg.insert(frame)`` on the Python engine (schema and key checks,
one Delta commit, the commit's statistics in one DuckDB pass, the catalog row), once
with hsfs' default statistics and once with statistics disabled; side by side with the
peer a user would pick instead, a plain ``deltalake.write_deltalake`` of the same frame.

From Spark (``local[2]``, the frame cached first so every run writes, not generates):
ours is ``fg.insert(spark_df)``, by the executors (each task writes its Parquet file,
the driver commits them once), and through Arrow to the driver (the path for frames
under ``HOPSML_FS_SPARK_COLLECT_MAX_BYTES``); the peer is Spark's own
``df.write.parquet`` (no table, no commit, no statistics).

Each figure is the best of a few runs into a fresh group / folder; rows/s = 1,000,000 /
seconds, and each ours/peer pair is printed as a ratio.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from .stats import bench_lab

ROWS = 1_000_000
REPEAT = 3


def _frame(rng: np.random.Generator) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "id": np.arange(ROWS, dtype=np.int64),
            "ts": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 10**6, ROWS), "s"),
        }
    )
    for i in range(6):
        frame[f"x{i}"] = rng.normal(size=ROWS)
    for i in range(2):
        frame[f"n{i}"] = rng.integers(0, 10**6, ROWS)
    frame["city"] = pd.Series(rng.integers(0, 50, ROWS)).map(lambda v: f"city_{v}")
    return frame


def _best(action: Callable[[int], object], repeat: int = REPEAT) -> float:
    """The fastest of ``repeat`` runs (each gets its run number, for fresh names)."""
    times = []
    for run in range(repeat):
        start = time.perf_counter()
        action(run)
        times.append(time.perf_counter() - start)
    return min(times)


def _line(label: str, seconds: float) -> str:
    return f"  {label:<62} {seconds:6.2f} s  {ROWS / seconds:>11,.0f} rows/s"


def _ratio(ours: float, peer: float) -> str:
    return f"  ratio ours / peer: {ours / peer:.2f}x the time"


def run() -> list[str]:
    from deltalake import write_deltalake

    from hopsml_lab import hopsworks

    rng = np.random.default_rng(0)
    frame = _frame(rng)
    lines = [
        f"feature group ingestion, {ROWS:,} rows x 10 features (+ key), best of {REPEAT} "
        "(aim: within 2x of the plain writer)"
    ]
    with bench_lab() as lab, tempfile.TemporaryDirectory() as folder:
        fs = hopsworks.login(engine="python").get_feature_store()
        counter = iter(range(1, 1000))

        def ours(source: object, statistics: bool = True) -> Callable[[int], object]:
            def insert(_run: int) -> object:
                fg = fs.create_feature_group(
                    f"ingest_{next(counter)}",
                    version=1,
                    primary_key=["id"],
                    event_time="ts",
                    statistics_config=statistics,
                )
                return fg.insert(source)

            return insert

        def delta(_run: int) -> None:
            target = Path(folder) / f"delta_{_run}"
            shutil.rmtree(target, ignore_errors=True)
            write_deltalake(str(target), frame)

        pandas_s = _best(ours(frame))
        pandas_nostats_s = _best(ours(frame, statistics=False))
        delta_s = _best(delta)
        lines += [
            "  from pandas:",
            _line("ours: fg.insert(pandas), statistics on (hsfs' default)", pandas_s),
            _line("ours: fg.insert(pandas), statistics off", pandas_nostats_s),
            _line("peer: deltalake.write_deltalake(path, frame)", delta_s),
            _ratio(pandas_nostats_s, delta_s) + " (statistics off)",
            _ratio(pandas_s, delta_s) + " (statistics on)",
        ]

        spark = lab.spark.session()
        spark_frame = spark.createDataFrame(frame).repartition(2).cache()
        spark_frame.count()

        def parquet(_run: int) -> None:
            spark_frame.write.mode("overwrite").parquet(str(Path(folder) / f"spark_{_run}"))

        settings = lab.settings
        lab.settings = settings.with_overrides(fs_spark_collect_max_bytes=1)
        executors_s = _best(ours(spark_frame, statistics=False))
        executors_stats_s = _best(ours(spark_frame))
        lab.settings = settings.with_overrides(fs_spark_collect_max_bytes=2**40)
        collected_s = _best(ours(spark_frame, statistics=False))
        lab.settings = settings
        parquet_s = _best(parquet)
        lines += [
            "  from Spark (local[2], cached frame of 2 partitions):",
            _line("ours: executors write, driver commits, statistics off", executors_s),
            _line("ours: executors write, driver commits, statistics on", executors_stats_s),
            _line("ours: toArrow to the driver, one write, statistics off", collected_s),
            _line("peer: df.write.parquet(path)", parquet_s),
            _ratio(executors_s, parquet_s) + " (executors, statistics off)",
            _ratio(collected_s, parquet_s) + " (through Arrow, statistics off)",
        ]
        spark_frame.unpersist()
    return lines


if __name__ == "__main__":
    for text in run():
        print(text, flush=True)
